// The part of Dawn's dawn/native/DawnNative.h that hosts embedding Dawn use, over this
// library's webgpu.h (header-only): an Instance that enumerates its adapters, an
// Adapter that reports its info and limits and creates a device before the call
// returns, and GetProcs() for dawnProcSetProcs().
//
// Ownership as in Dawn: Instance and Adapter hold one reference each (copies add one);
// CreateDevice returns a device the caller owns (release it with wgpuDeviceRelease,
// or adopt it with wgpu::Device::Acquire).
#ifndef DAWN_NATIVE_DAWNNATIVE_H_
#define DAWN_NATIVE_DAWNNATIVE_H_

#include <dawn/dawn_proc_table.h>
#include <webgpu/webgpu_cpp.h>
#include <webgpu/webgpu_shim.h>

#include <vector>

namespace dawn::native {

class Adapter {
  public:
    Adapter() = default;
    /// Takes a reference of its own to `adapter`, which belongs to `instance`.
    Adapter(WGPUInstance instance, WGPUAdapter adapter) : mInstance(instance), mAdapter(adapter) {
        if (mInstance) wgpuInstanceAddRef(mInstance);
        if (mAdapter) wgpuAdapterAddRef(mAdapter);
    }
    Adapter(const Adapter& other) : Adapter(other.mInstance, other.mAdapter) {}
    Adapter& operator=(const Adapter& other) {
        if (this != &other) {
            Adapter copy(other);
            Swap(copy);
        }
        return *this;
    }
    Adapter(Adapter&& other) noexcept { Swap(other); }
    Adapter& operator=(Adapter&& other) noexcept {
        Swap(other);
        return *this;
    }
    ~Adapter() {
        if (mAdapter) wgpuAdapterRelease(mAdapter);
        if (mInstance) wgpuInstanceRelease(mInstance);
    }

    /// The C handle, borrowed.
    WGPUAdapter Get() const { return mAdapter; }
    explicit operator bool() const { return mAdapter != nullptr; }

    wgpu::Status GetInfo(wgpu::AdapterInfo* info) const {
        return static_cast<wgpu::Status>(wgpuAdapterGetInfo(mAdapter, reinterpret_cast<WGPUAdapterInfo*>(info)));
    }
    wgpu::Status GetInfo(WGPUAdapterInfo* info) const {
        return static_cast<wgpu::Status>(wgpuAdapterGetInfo(mAdapter, info));
    }
    wgpu::Status GetLimits(WGPULimits* limits) const {
        return static_cast<wgpu::Status>(wgpuAdapterGetLimits(mAdapter, limits));
    }
    bool HasFeature(wgpu::FeatureName feature) const {
        return wgpuAdapterHasFeature(mAdapter, static_cast<WGPUFeatureName>(feature));
    }

    /// A device, made before the call returns; NULL if it cannot be made (the reason
    /// goes to the log). The caller owns it.
    WGPUDevice CreateDevice(const wgpu::DeviceDescriptor* descriptor = nullptr) const {
        return CreateDevice(reinterpret_cast<const WGPUDeviceDescriptor*>(descriptor));
    }
    WGPUDevice CreateDevice(const WGPUDeviceDescriptor* descriptor) const {
        struct Result {
            bool done = false;
            WGPUDevice device = nullptr;
        } result;
        WGPURequestDeviceCallbackInfo info = WGPU_REQUEST_DEVICE_CALLBACK_INFO_INIT;
        info.mode = WGPUCallbackMode_AllowProcessEvents;
        info.callback = [](WGPURequestDeviceStatus status, WGPUDevice device, WGPUStringView, void* r, void*) {
            auto* out = static_cast<Result*>(r);
            out->done = true;
            out->device = status == WGPURequestDeviceStatus_Success ? device : nullptr;
        };
        info.userdata1 = &result;
        wgpuAdapterRequestDevice(mAdapter, descriptor, info);
        while (!result.done) wgpuInstanceProcessEvents(mInstance);
        return result.device;
    }

  private:
    void Swap(Adapter& other) noexcept {
        std::swap(mInstance, other.mInstance);
        std::swap(mAdapter, other.mAdapter);
    }
    WGPUInstance mInstance = nullptr;
    WGPUAdapter mAdapter = nullptr;
};

class Instance {
  public:
    explicit Instance(const WGPUInstanceDescriptor* descriptor = nullptr)
        : mInstance(wgpuCreateInstance(descriptor)) {}
    explicit Instance(const wgpu::InstanceDescriptor* descriptor)
        : Instance(reinterpret_cast<const WGPUInstanceDescriptor*>(descriptor)) {}
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;
    ~Instance() {
        if (mInstance) wgpuInstanceRelease(mInstance);
    }

    /// Every adapter of the instance's backends that `options` allow (its backend type
    /// and feature level, where set).
    std::vector<Adapter> EnumerateAdapters(const wgpu::RequestAdapterOptions* options = nullptr) const {
        return EnumerateAdapters(reinterpret_cast<const WGPURequestAdapterOptions*>(options));
    }
    std::vector<Adapter> EnumerateAdapters(const WGPURequestAdapterOptions* options) const {
        std::vector<Adapter> out;
        WGPUShimAdapterList list = {0, nullptr};
        if (wgpuShimInstanceEnumerateAdapters(mInstance, &list) != WGPUStatus_Success) return out;
        for (size_t i = 0; i < list.adapterCount; i++) {
            Adapter adapter(mInstance, list.adapters[i]);
            if (options && options->backendType != WGPUBackendType_Undefined) {
                WGPUAdapterInfo info = WGPU_ADAPTER_INFO_INIT;
                bool match = wgpuAdapterGetInfo(list.adapters[i], &info) == WGPUStatus_Success &&
                             info.backendType == options->backendType;
                wgpuAdapterInfoFreeMembers(info);
                if (!match) continue;
            }
            out.push_back(std::move(adapter));
        }
        wgpuShimAdapterListFreeMembers(list);
        return out;
    }

    /// The C handle, borrowed.
    WGPUInstance Get() const { return mInstance; }

  private:
    WGPUInstance mInstance = nullptr;
};

/// This library's functions as Dawn's proc table, for dawnProcSetProcs().
inline const DawnProcTable& GetProcs() {
    static const DawnProcTable table = WGPU_SHIM_DAWN_PROC_TABLE_INIT;
    return table;
}

}  // namespace dawn::native

#endif  // DAWN_NATIVE_DAWNNATIVE_H_
