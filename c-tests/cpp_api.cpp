// The C++ header (webgpu_cpp.h) against the library: objects own one reference each,
// async methods call their lambda or function once with C++ types, structs that own
// library memory free it, and Dawn-style code computes the right values.
#include <webgpu/webgpu_cpp.h>
#include <webgpu/webgpu_shim.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "check.hpp"

static std::string str(wgpu::StringView v) { return std::string(std::string_view(v)); }

static std::string last_log;
static void on_log(WGPUShimLogLevel, WGPUStringView message, void*) { last_log = str(message); }

static wgpu::ShaderModule wgsl(const wgpu::Device& device, const char* code) {
    wgpu::ShaderSourceWGSL source;
    source.code = code;
    wgpu::ShaderModuleDescriptor desc;
    desc.nextInChain = &source;
    return device.CreateShaderModule(&desc);
}


struct Usage {
    uint64_t buffers, bufferBytes, bindGroups;
};
static Usage usage_of(const wgpu::Device& device) {
    WGPUShimDeviceUsage u = {};
    CHECK(wgpuShimDeviceGetUsage(device.Get(), &u) == WGPUStatus_Success);
    return {u.buffers, u.bufferBytes, u.bindGroups};
}

static int lost_calls = 0;
static wgpu::DeviceLostReason lost_reason;
static int uncaptured_calls = 0;
static std::string uncaptured_message;

int main() {
    wgpuShimSetLogCallback(on_log, WGPUShimLogLevel_Error, nullptr);

    // Enums and bitmasks are the C values.
    static_assert(static_cast<uint32_t>(wgpu::TextureFormat::RGBA8Unorm) == WGPUTextureFormat_RGBA8Unorm, "");
    static_assert(static_cast<uint32_t>(wgpu::TextureDimension::e2D) == WGPUTextureDimension_2D, "");
    constexpr wgpu::BufferUsage rw = wgpu::BufferUsage::MapRead | wgpu::BufferUsage::CopyDst;
    static_assert(static_cast<uint64_t>(rw) == (WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst), "");
    static_assert((rw & wgpu::BufferUsage::MapRead) == wgpu::BufferUsage::MapRead, "");
    static_assert(wgpu::HasZeroOrOneBits(wgpu::BufferUsage::MapRead), "");

    // Defaults are the C header's *_INIT values.
    wgpu::Limits limits;
    CHECK(limits.maxBindGroups == WGPU_LIMIT_U32_UNDEFINED);
    CHECK(limits.maxBufferSize == WGPU_LIMIT_U64_UNDEFINED);
    wgpu::TextureDescriptor td;
    CHECK(td.mipLevelCount == 1 && td.sampleCount == 1 && td.dimension == wgpu::TextureDimension::Undefined);
    CHECK(td.size.height == 1 && td.size.depthOrArrayLayers == 1);
    wgpu::StringView sv = std::string_view("abc");
    CHECK(sv.length == 3 && str(sv) == "abc");
    CHECK(wgpu::StringView().IsUndefined());
    CHECK(wgpu::GetProcAddress("wgpuCreateInstance") == reinterpret_cast<wgpu::Proc>(&wgpuCreateInstance));
    CHECK(wgpu::GetProcAddress("wgpuNoSuchFunction") == nullptr);

    wgpu::InstanceFeatureName features[] = {wgpu::InstanceFeatureName::TimedWaitAny};
    wgpu::InstanceDescriptor idesc;
    idesc.requiredFeatureCount = 1;
    idesc.requiredFeatures = features;
    wgpu::Instance instance = wgpu::CreateInstance(&idesc);
    CHECK(instance);
    CHECK(wgpu::HasInstanceFeature(wgpu::InstanceFeatureName::TimedWaitAny));

    // A lambda with captures, called once, then destroyed.
    auto alive = std::make_shared<int>(0);
    int adapter_calls = 0;
    wgpu::Adapter adapter;
    wgpu::Future f = instance.RequestAdapter(
        nullptr, wgpu::CallbackMode::WaitAnyOnly,
        [&, alive](wgpu::RequestAdapterStatus status, wgpu::Adapter a, wgpu::StringView) {
            adapter_calls++;
            CHECK(status == wgpu::RequestAdapterStatus::Success);
            adapter = std::move(a);
        });
    CHECK(alive.use_count() == 2);
    CHECK(instance.WaitAny(f, UINT64_MAX) == wgpu::WaitStatus::Success);
    CHECK(adapter_calls == 1 && adapter);
    CHECK(alive.use_count() == 1);

    // Move-only structs own the library's memory.
    wgpu::AdapterInfo info;
    CHECK(adapter.GetInfo(&info) == wgpu::Status::Success);
    CHECK(!str(info.device).empty());
    wgpu::AdapterInfo moved = std::move(info);
    CHECK(info.device.data == nullptr && !str(moved.device).empty());
    CHECK(adapter.GetInfo(&moved) == wgpu::Status::Success);  // refilled, the old strings freed
    wgpu::SupportedFeatures supported;
    adapter.GetFeatures(&supported);
    for (size_t i = 0; i < supported.featureCount; i++) CHECK(adapter.HasFeature(supported.features[i]));

    // Device callbacks set on the descriptor: a function, and a function with userdata.
    wgpu::DeviceDescriptor ddesc;
    ddesc.SetDeviceLostCallback(wgpu::CallbackMode::AllowSpontaneous,
                                [](const wgpu::Device& device, wgpu::DeviceLostReason reason, wgpu::StringView) {
                                    CHECK(device.Get() != nullptr);
                                    lost_calls++;
                                    lost_reason = reason;
                                });
    ddesc.SetUncapturedErrorCallback(
        [](const wgpu::Device&, wgpu::ErrorType type, wgpu::StringView message, int* count) {
            CHECK(type == wgpu::ErrorType::Validation);
            (*count)++;
            uncaptured_message = str(message);
        },
        &uncaptured_calls);
    wgpu::Device device;
    instance.WaitAny(adapter.RequestDevice(&ddesc, wgpu::CallbackMode::AllowProcessEvents,
                                           [&](wgpu::RequestDeviceStatus status, wgpu::Device d, wgpu::StringView) {
                                               CHECK(status == wgpu::RequestDeviceStatus::Success);
                                               device = std::move(d);
                                           }),
                     UINT64_MAX);
    CHECK(device);
    wgpu::Queue queue = device.GetQueue();

    // Copies share one C object and hold one reference each.
    wgpu::BufferDescriptor bd;
    bd.size = 256;
    bd.usage = wgpu::BufferUsage::Storage | wgpu::BufferUsage::CopySrc | wgpu::BufferUsage::CopyDst;
    wgpu::Buffer buffer = device.CreateBuffer(&bd);
    CHECK(usage_of(device).buffers == 1 && usage_of(device).bufferBytes == 256);
    {
        wgpu::Buffer copy = buffer;
        CHECK(copy == buffer && copy.Get() == buffer.Get());
        std::vector<wgpu::Buffer> many(10, buffer);
    }
    CHECK(buffer.GetSize() == 256);
    WGPUBuffer raw = buffer.Get();
    {
        wgpu::Buffer taken = std::move(buffer);
        CHECK(!buffer && taken.Get() == raw);
    }
    // The last wrapper went: the C object is released.
    CHECK(usage_of(device).buffers == 0);
    last_log.clear();
    CHECK(wgpuBufferGetSize(raw) == 0);
    CHECK(last_log.find("is not a live WGPUBuffer") != std::string::npos);

    // An uncaptured error reaches the descriptor's callback with its userdata.
    bd.usage = wgpu::BufferUsage::MapRead | wgpu::BufferUsage::MapWrite;
    wgpu::Buffer invalid = device.CreateBuffer(&bd);
    CHECK(uncaptured_calls == 1);
    CHECK(uncaptured_message.find("usage") != std::string::npos);

    // Error scopes: the popped error, as C++ enums and StringView.
    device.PushErrorScope(wgpu::ErrorFilter::Validation);
    invalid.Unmap();
    device.CreateBuffer(&bd);
    int popped = 0;
    instance.WaitAny(device.PopErrorScope(wgpu::CallbackMode::WaitAnyOnly,
                                          [&](wgpu::PopErrorScopeStatus status, wgpu::ErrorType type,
                                              wgpu::StringView message) {
                                              popped++;
                                              CHECK(status == wgpu::PopErrorScopeStatus::Success);
                                              CHECK(type == wgpu::ErrorType::Validation);
                                              CHECK(!str(message).empty());
                                          }),
                     UINT64_MAX);
    CHECK(popped == 1 && uncaptured_calls == 1);

    // Compilation info for broken WGSL: a pointer to the C++ struct.
    wgpu::ShaderModule broken;
    device.PushErrorScope(wgpu::ErrorFilter::Validation);
    broken = wgsl(device, "fn main() { let x: f32 = ; }");
    instance.WaitAny(device.PopErrorScope(wgpu::CallbackMode::WaitAnyOnly,
                                          [](wgpu::PopErrorScopeStatus, wgpu::ErrorType type, wgpu::StringView) {
                                              CHECK(type == wgpu::ErrorType::Validation);
                                          }),
                     UINT64_MAX);
    int info_calls = 0;
    instance.WaitAny(broken.GetCompilationInfo(
                         wgpu::CallbackMode::WaitAnyOnly,
                         [&](wgpu::CompilationInfoRequestStatus status, wgpu::CompilationInfo const* ci) {
                             info_calls++;
                             CHECK(status == wgpu::CompilationInfoRequestStatus::Success);
                             CHECK(ci->messageCount >= 1);
                             CHECK(ci->messages[0].type == wgpu::CompilationMessageType::Error);
                             CHECK(ci->messages[0].lineNum == 1);
                         }),
                     UINT64_MAX);
    CHECK(info_calls == 1);

    // Async pipeline creation, then a dispatch whose result is read back.
    wgpu::ComputePipelineDescriptor pd;
    pd.compute.module = wgsl(device,
                             "@group(0) @binding(0) var<storage, read_write> v: array<u32>;\n"
                             "@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {\n"
                             "    v[g.x] = v[g.x] * 3u + g.x;\n"
                             "}\n");
    wgpu::ComputePipeline pipeline;
    instance.WaitAny(device.CreateComputePipelineAsync(
                         &pd, wgpu::CallbackMode::WaitAnyOnly,
                         [&](wgpu::CreatePipelineAsyncStatus status, wgpu::ComputePipeline p, wgpu::StringView) {
                             CHECK(status == wgpu::CreatePipelineAsyncStatus::Success);
                             pipeline = std::move(p);
                         }),
                     UINT64_MAX);
    CHECK(pipeline);

    std::vector<uint32_t> input(64);
    for (uint32_t i = 0; i < 64; i++) input[i] = 100 + i;
    bd.size = 256;
    bd.usage = wgpu::BufferUsage::Storage | wgpu::BufferUsage::CopySrc | wgpu::BufferUsage::CopyDst;
    wgpu::Buffer data = device.CreateBuffer(&bd);
    queue.WriteBuffer(data, 0, input.data(), 256);
    bd.usage = wgpu::BufferUsage::MapRead | wgpu::BufferUsage::CopyDst;
    wgpu::Buffer readback = device.CreateBuffer(&bd);

    wgpu::BindGroupEntry entry;
    entry.binding = 0;
    entry.buffer = data;
    wgpu::BindGroupDescriptor bgd;
    bgd.layout = pipeline.GetBindGroupLayout(0);
    bgd.entryCount = 1;
    bgd.entries = &entry;
    wgpu::BindGroup group = device.CreateBindGroup(&bgd);
    wgpu::CommandEncoder encoder = device.CreateCommandEncoder();
    wgpu::ComputePassEncoder pass = encoder.BeginComputePass();
    pass.SetPipeline(pipeline);
    pass.SetBindGroup(0, group);
    pass.DispatchWorkgroups(1);
    pass.End();
    encoder.CopyBufferToBuffer(data, 0, readback, 0, 256);
    wgpu::CommandBuffer commands = encoder.Finish();
    queue.Submit(1, &commands);

    // A function with typed userdata.
    struct Done {
        int calls = 0;
        wgpu::QueueWorkDoneStatus status;
    } done;
    wgpu::Future work = queue.OnSubmittedWorkDone(
        wgpu::CallbackMode::WaitAnyOnly,
        [](wgpu::QueueWorkDoneStatus status, wgpu::StringView, Done* d) {
            d->calls++;
            d->status = status;
        },
        &done);
    CHECK(instance.WaitAny(work, UINT64_MAX) == wgpu::WaitStatus::Success);
    CHECK(done.calls == 1 && done.status == wgpu::QueueWorkDoneStatus::Success);

    bool mapped = false;
    instance.WaitAny(readback.MapAsync(wgpu::MapMode::Read, 0, 256, wgpu::CallbackMode::WaitAnyOnly,
                                       [&](wgpu::MapAsyncStatus status, wgpu::StringView) {
                                           mapped = status == wgpu::MapAsyncStatus::Success;
                                       }),
                     UINT64_MAX);
    CHECK(mapped && readback.GetMapState() == wgpu::BufferMapState::Mapped);
    const uint32_t* out = static_cast<const uint32_t*>(readback.GetConstMappedRange());
    int wrong = 0;
    for (uint32_t i = 0; i < 64; i++) wrong += out[i] != (100 + i) * 3 + i;
    CHECK(wrong == 0);
    readback.Unmap();

    // A pending lambda whose instance goes first is called once, cancelled, and freed.
    {
        auto token = std::make_shared<int>(0);
        int cancelled = 0;
        wgpu::Instance second = wgpu::CreateInstance();
        second.RequestAdapter(nullptr, wgpu::CallbackMode::WaitAnyOnly,
                              [&cancelled, token](wgpu::RequestAdapterStatus status, wgpu::Adapter a, wgpu::StringView) {
                                  cancelled += status == wgpu::RequestAdapterStatus::CallbackCancelled;
                                  CHECK(!a);
                              });
        CHECK(token.use_count() == 2);
        second = nullptr;
        CHECK(cancelled == 1);
        CHECK(token.use_count() == 1);
    }

    // Destroying the device calls the lost callback once, reason Destroyed.
    device.Destroy();
    instance.ProcessEvents();
    CHECK(lost_calls == 1 && lost_reason == wgpu::DeviceLostReason::Destroyed);

    std::printf("cpp_api: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
