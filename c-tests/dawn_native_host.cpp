// A host written the way server-side JavaScript runtimes embedded Dawn, through
// dawn::native: install the proc table, enumerate the instance's adapters and pick a
// Vulkan one, create a device before the call returns, then run a compute job whose
// completion arrives only from ProcessEvents, called from the host's own timer loop.
#include <dawn/dawn_proc.h>
#include <dawn/native/DawnNative.h>
#include <webgpu/webgpu_cpp.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <thread>

#include "check.hpp"

int main() {
    const DawnProcTable& procs = dawn::native::GetProcs();
    dawnProcSetProcs(&procs);
    CHECK(procs.createInstance == wgpuCreateInstance);
    CHECK(procs.adapterGetInfo == wgpuAdapterGetInfo);
    CHECK(procs.instanceProcessEvents == wgpuInstanceProcessEvents);

    dawn::native::Instance instance;
    wgpu::RequestAdapterOptions options;
    options.backendType = wgpu::BackendType::Vulkan;
    std::vector<dawn::native::Adapter> adapters = instance.EnumerateAdapters(&options);
    CHECK(!adapters.empty());
    if (adapters.empty()) return 1;
    for (const dawn::native::Adapter& a : adapters) {
        wgpu::AdapterInfo info;
        CHECK(a.GetInfo(&info) == wgpu::Status::Success);
        CHECK(info.backendType == wgpu::BackendType::Vulkan);
        std::string_view name = info.device;
        std::printf("dawn_native_host: Vulkan adapter %.*s\n", int(name.size()), name.data());
    }
    WGPULimits limits = WGPU_LIMITS_INIT;
    CHECK(adapters[0].GetLimits(&limits) == wgpu::Status::Success && limits.maxBindGroups >= 4);

    wgpu::DeviceDescriptor desc;
    desc.SetUncapturedErrorCallback([](const wgpu::Device&, wgpu::ErrorType type, wgpu::StringView message) {
        std::string_view m = message;
        std::fprintf(stderr, "uncaptured error %d: %.*s\n", int(type), int(m.size()), m.data());
        failures++;
    });
    wgpu::Device device = wgpu::Device::Acquire(adapters[0].CreateDevice(&desc));
    CHECK(device != nullptr);
    if (!device) return 1;

    wgpu::ShaderSourceWGSL wgsl;
    wgsl.code = "@group(0) @binding(0) var<storage, read_write> d: array<u32>;\n"
                "@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {\n"
                "    d[g.x] = 3u * g.x + 1u;\n"
                "}\n";
    wgpu::ShaderModuleDescriptor moduleDesc;
    moduleDesc.nextInChain = &wgsl;
    wgpu::ComputePipelineDescriptor pipelineDesc;
    pipelineDesc.compute.module = device.CreateShaderModule(&moduleDesc);
    wgpu::ComputePipeline pipeline = device.CreateComputePipeline(&pipelineDesc);
    const uint32_t n = 256;
    wgpu::BufferDescriptor bufferDesc;
    bufferDesc.size = n * 4;
    bufferDesc.usage = wgpu::BufferUsage::Storage | wgpu::BufferUsage::CopySrc;
    wgpu::Buffer storage = device.CreateBuffer(&bufferDesc);
    bufferDesc.usage = wgpu::BufferUsage::MapRead | wgpu::BufferUsage::CopyDst;
    wgpu::Buffer readback = device.CreateBuffer(&bufferDesc);
    wgpu::BindGroupEntry entry;
    entry.buffer = storage;
    wgpu::BindGroupDescriptor groupDesc;
    groupDesc.layout = pipeline.GetBindGroupLayout(0);
    groupDesc.entryCount = 1;
    groupDesc.entries = &entry;
    wgpu::BindGroup group = device.CreateBindGroup(&groupDesc);
    wgpu::CommandEncoder encoder = device.CreateCommandEncoder();
    wgpu::ComputePassEncoder pass = encoder.BeginComputePass();
    pass.SetPipeline(pipeline);
    pass.SetBindGroup(0, group);
    pass.DispatchWorkgroups(n / 64);
    pass.End();
    encoder.CopyBufferToBuffer(storage, 0, readback, 0, n * 4);
    wgpu::CommandBuffer commands = encoder.Finish();
    device.GetQueue().Submit(1, &commands);

    // The host's event loop: a 5 ms timer that calls ProcessEvents, up to 10 s.
    bool done = false, ok = false;
    readback.MapAsync(wgpu::MapMode::Read, 0, n * 4, wgpu::CallbackMode::AllowProcessEvents,
                      [&](wgpu::MapAsyncStatus status, wgpu::StringView) {
                          done = true;
                          ok = status == wgpu::MapAsyncStatus::Success;
                      });
    int ticks = 0;
    for (; !done && ticks < 2000; ticks++) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        wgpuInstanceProcessEvents(instance.Get());
    }
    CHECK(done && ok);
    if (ok) {
        const uint32_t* d = static_cast<const uint32_t*>(readback.GetConstMappedRange(0, n * 4));
        bool all = true;
        for (uint32_t i = 0; i < n; i++) all = all && d[i] == 3 * i + 1;
        CHECK(all);
        std::printf("dawn_native_host: %u values checked after %d timer ticks\n", n, ticks);
        readback.Unmap();
    }
    std::printf("dawn_native_host: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
