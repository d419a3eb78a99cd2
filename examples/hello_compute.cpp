// The compute hello world in C++, written as one writes it against Dawn's
// webgpu_cpp.h: four workgroups write their index, a copy brings the result to a
// MAP_READ buffer, and the host prints it. Prints [0, 1, 2, 3].
#include <webgpu/webgpu_cpp.h>

#include <cstdio>
#include <cstdlib>

static const char* kShader = R"(
@group(0) @binding(0) var<storage, read_write> result: array<f32>;
@compute @workgroup_size(1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    result[gid.x] = f32(gid.x);
}
)";

int main() {
    // WaitAny with a timeout needs the TimedWaitAny instance feature.
    wgpu::InstanceFeatureName features[] = {wgpu::InstanceFeatureName::TimedWaitAny};
    wgpu::InstanceDescriptor instanceDesc;
    instanceDesc.requiredFeatureCount = 1;
    instanceDesc.requiredFeatures = features;
    wgpu::Instance instance = wgpu::CreateInstance(&instanceDesc);

    wgpu::Adapter adapter;
    instance.WaitAny(
        instance.RequestAdapter(nullptr, wgpu::CallbackMode::WaitAnyOnly,
                                [&](wgpu::RequestAdapterStatus status, wgpu::Adapter a,
                                    wgpu::StringView message) {
                                    if (status != wgpu::RequestAdapterStatus::Success) {
                                        std::fprintf(stderr, "no adapter: %.*s\n",
                                                     int(std::string_view(message).size()),
                                                     std::string_view(message).data());
                                        std::exit(1);
                                    }
                                    adapter = std::move(a);
                                }),
        UINT64_MAX);

    wgpu::DeviceDescriptor deviceDesc;
    deviceDesc.SetUncapturedErrorCallback(
        [](const wgpu::Device&, wgpu::ErrorType type, wgpu::StringView message) {
            std::string_view m = message;
            std::fprintf(stderr, "uncaptured error %d: %.*s\n", int(type), int(m.size()), m.data());
        });
    wgpu::Device device;
    instance.WaitAny(adapter.RequestDevice(&deviceDesc, wgpu::CallbackMode::WaitAnyOnly,
                                           [&](wgpu::RequestDeviceStatus status, wgpu::Device d,
                                               wgpu::StringView) {
                                               if (status != wgpu::RequestDeviceStatus::Success)
                                                   std::exit(1);
                                               device = std::move(d);
                                           }),
                     UINT64_MAX);

    wgpu::BufferDescriptor storageDesc;
    storageDesc.size = 16;
    storageDesc.usage = wgpu::BufferUsage::Storage | wgpu::BufferUsage::CopySrc;
    wgpu::Buffer storage = device.CreateBuffer(&storageDesc);
    wgpu::BufferDescriptor readbackDesc;
    readbackDesc.size = 16;
    readbackDesc.usage = wgpu::BufferUsage::MapRead | wgpu::BufferUsage::CopyDst;
    wgpu::Buffer readback = device.CreateBuffer(&readbackDesc);

    wgpu::ShaderSourceWGSL wgsl;
    wgsl.code = kShader;
    wgpu::ShaderModuleDescriptor moduleDesc;
    moduleDesc.nextInChain = &wgsl;
    wgpu::ShaderModule module = device.CreateShaderModule(&moduleDesc);

    wgpu::ComputePipelineDescriptor pipelineDesc;
    pipelineDesc.compute.module = module;
    pipelineDesc.compute.entryPoint = "main";
    wgpu::ComputePipeline pipeline = device.CreateComputePipeline(&pipelineDesc);

    wgpu::BindGroupEntry entry;
    entry.binding = 0;
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
    pass.DispatchWorkgroups(4);
    pass.End();
    encoder.CopyBufferToBuffer(storage, 0, readback, 0, 16);
    wgpu::CommandBuffer commands = encoder.Finish();
    device.GetQueue().Submit(1, &commands);

    bool mapped = false;
    instance.WaitAny(readback.MapAsync(wgpu::MapMode::Read, 0, 16, wgpu::CallbackMode::WaitAnyOnly,
                                       [&](wgpu::MapAsyncStatus status, wgpu::StringView) {
                                           mapped = status == wgpu::MapAsyncStatus::Success;
                                       }),
                     UINT64_MAX);
    if (!mapped) return 1;
    const float* out = static_cast<const float*>(readback.GetConstMappedRange(0, 16));
    std::printf("[%g, %g, %g, %g]\n", out[0], out[1], out[2], out[3]);
    readback.Unmap();
    return 0;
}
