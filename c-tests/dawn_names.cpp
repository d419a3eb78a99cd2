// A program written only against Dawn's names, as Dawn's clients write them: toggles
// chained on the instance, the adapter options and the device (wgpu::DawnTogglesDescriptor),
// ImplicitDeviceSynchronization requested, the subgroup-matrix feature asked about,
// callbacks taking their message as char const *, callbacks driven by device.Tick(),
// and Dawn's include path. It runs a compute job and a subgroup reduction and checks the
// values.
#include <dawn/webgpu_cpp.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include <chrono>
#include <thread>

#include "check.hpp"

// Runs `main` of `code` as `groups` workgroups over a zeroed array<u32> of `n` words and
// returns the words.
static std::vector<uint32_t> Run(const wgpu::Instance& instance, const wgpu::Device& device, const char* code,
                                 uint32_t groups, uint32_t n) {
    wgpu::ShaderSourceWGSL wgsl;
    wgsl.code = code;
    wgpu::ShaderModuleDescriptor moduleDesc;
    moduleDesc.nextInChain = &wgsl;
    wgpu::ComputePipelineDescriptor pipelineDesc;
    pipelineDesc.compute.module = device.CreateShaderModule(&moduleDesc);
    wgpu::ComputePipeline pipeline = device.CreateComputePipeline(&pipelineDesc);
    wgpu::BufferDescriptor desc;
    desc.size = n * 4;
    desc.usage = wgpu::BufferUsage::Storage | wgpu::BufferUsage::CopySrc;
    wgpu::Buffer storage = device.CreateBuffer(&desc);
    desc.usage = wgpu::BufferUsage::MapRead | wgpu::BufferUsage::CopyDst;
    wgpu::Buffer readback = device.CreateBuffer(&desc);
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
    pass.DispatchWorkgroups(groups);
    pass.End();
    encoder.CopyBufferToBuffer(storage, 0, readback, 0, n * 4);
    wgpu::CommandBuffer commands = encoder.Finish();
    device.GetQueue().Submit(1, &commands);
    std::vector<uint32_t> out(n, 0xffffffffu);
    instance.WaitAny(readback.MapAsync(wgpu::MapMode::Read, 0, n * 4, wgpu::CallbackMode::WaitAnyOnly,
                                       [&](wgpu::MapAsyncStatus status, wgpu::StringView) {
                                           if (status == wgpu::MapAsyncStatus::Success) {
                                               std::memcpy(out.data(), readback.GetConstMappedRange(0, n * 4), n * 4);
                                               readback.Unmap();
                                           }
                                       }),
                     UINT64_MAX);
    return out;
}

int main() {
    const char* instanceToggles[] = {"allow_unsafe_apis"};
    wgpu::DawnTogglesDescriptor instanceTogglesDesc;
    instanceTogglesDesc.enabledToggleCount = 1;
    instanceTogglesDesc.enabledToggles = instanceToggles;
    wgpu::InstanceFeatureName instanceFeatures[] = {wgpu::InstanceFeatureName::TimedWaitAny};
    wgpu::InstanceDescriptor instanceDesc;
    instanceDesc.nextInChain = &instanceTogglesDesc;
    instanceDesc.requiredFeatureCount = 1;
    instanceDesc.requiredFeatures = instanceFeatures;
    wgpu::Instance instance = wgpu::CreateInstance(&instanceDesc);
    CHECK(instance != nullptr);

    const char* adapterToggles[] = {"use_dxc"};
    wgpu::DawnTogglesDescriptor adapterTogglesDesc;
    adapterTogglesDesc.enabledToggleCount = 1;
    adapterTogglesDesc.enabledToggles = adapterToggles;
    wgpu::RequestAdapterOptions adapterOptions;
    adapterOptions.nextInChain = &adapterTogglesDesc;
    // Callbacks written for Dawn may take the message as a NUL-terminated char const *.
    wgpu::Adapter adapter;
    instance.WaitAny(instance.RequestAdapter(&adapterOptions, wgpu::CallbackMode::WaitAnyOnly,
                                             [&](wgpu::RequestAdapterStatus status, wgpu::Adapter a,
                                                 char const* message) {
                                                 CHECK(message != nullptr);
                                                 if (status == wgpu::RequestAdapterStatus::Success)
                                                     adapter = std::move(a);
                                             }),
                     UINT64_MAX);
    wgpu::RequestAdapterOptions badOptions;
    badOptions.backendType = static_cast<wgpu::BackendType>(0x999);
    std::string badMessage;
    instance.WaitAny(instance.RequestAdapter(&badOptions, wgpu::CallbackMode::WaitAnyOnly,
                                             [&](wgpu::RequestAdapterStatus status, wgpu::Adapter,
                                                 char const* message) {
                                                 CHECK(status == wgpu::RequestAdapterStatus::Error);
                                                 badMessage = message;
                                             }),
                     UINT64_MAX);
    std::printf("dawn_names: a bad adapter request says: %s\n", badMessage.c_str());
    CHECK(badMessage.find("0x999") != std::string::npos);
    if (!adapter) {
        std::fprintf(stderr, "no adapter\n");
        return 1;
    }
    // Every adapter of this library synchronizes its devices; none has subgroup matrices.
    CHECK(adapter.HasFeature(wgpu::FeatureName::ImplicitDeviceSynchronization));
    CHECK(!adapter.HasFeature(wgpu::FeatureName::ChromiumExperimentalSubgroupMatrix));
    bool subgroups = adapter.HasFeature(wgpu::FeatureName::Subgroups);
    // The subgroup matrix configurations, chained on the adapter info: none here.
    {
        wgpu::AdapterPropertiesSubgroupMatrixConfigs matrices;
        wgpu::AdapterInfo info;
        info.nextInChain = &matrices;
        CHECK(adapter.GetInfo(&info) == wgpu::Status::Success);
        CHECK(matrices.configCount == 0);
        wgpu::SubgroupMatrixConfig config;
        config.componentType = wgpu::SubgroupMatrixComponentType::F16;
        config.M = config.N = config.K = 8;
        CHECK(config.M * config.N * config.K == 512 && info.vendorID == info.vendorID);
    }

    std::vector<wgpu::FeatureName> required = {wgpu::FeatureName::ImplicitDeviceSynchronization};
    if (subgroups) required.push_back(wgpu::FeatureName::Subgroups);
    const char* enabled[] = {"skip_validation", "disable_robustness"};
    const char* disabled[] = {"lazy_clear_resource_on_first_use"};
    wgpu::DawnTogglesDescriptor deviceToggles;
    deviceToggles.enabledToggleCount = 2;
    deviceToggles.enabledToggles = enabled;
    deviceToggles.disabledToggleCount = 1;
    deviceToggles.disabledToggles = disabled;
    wgpu::DeviceDescriptor deviceDesc;
    deviceDesc.nextInChain = &deviceToggles;
    deviceDesc.requiredFeatureCount = required.size();
    deviceDesc.requiredFeatures = required.data();
    deviceDesc.SetUncapturedErrorCallback([](const wgpu::Device&, wgpu::ErrorType type, wgpu::StringView message) {
        std::string_view m = message;
        std::fprintf(stderr, "uncaptured error %d: %.*s\n", int(type), int(m.size()), m.data());
        failures++;
    });
    // The function forms take the char const * message too: on the descriptor, and with
    // a userdata pointer.
    static wgpu::DeviceLostReason lostReason = wgpu::DeviceLostReason::Unknown;
    static std::string lostMessage;
    deviceDesc.SetDeviceLostCallback(wgpu::CallbackMode::AllowSpontaneous,
                                     [](const wgpu::Device&, wgpu::DeviceLostReason reason, char const* message) {
                                         lostReason = reason;
                                         lostMessage = message;
                                     });
    wgpu::Device device;
    instance.WaitAny(adapter.RequestDevice(
                         &deviceDesc, wgpu::CallbackMode::WaitAnyOnly,
                         [](wgpu::RequestDeviceStatus status, wgpu::Device d, char const* message, wgpu::Device* out) {
                             CHECK(message != nullptr);
                             if (status == wgpu::RequestDeviceStatus::Success) *out = std::move(d);
                         },
                         &device),
                     UINT64_MAX);
    if (!device) {
        std::fprintf(stderr, "no device\n");
        return 1;
    }
    CHECK(device.HasFeature(wgpu::FeatureName::ImplicitDeviceSynchronization));

    std::vector<uint32_t> squares = Run(instance, device,
                                        "@group(0) @binding(0) var<storage, read_write> d: array<u32>;\n"
                                        "@compute @workgroup_size(1) fn main(@builtin(global_invocation_id) g: vec3u) {\n"
                                        "    d[g.x] = g.x * g.x;\n"
                                        "}\n",
                                        4, 4);
    CHECK(squares == (std::vector<uint32_t>{0, 1, 4, 9}));
    std::printf("dawn_names: squares %u %u %u %u\n", squares[0], squares[1], squares[2], squares[3]);

    // Dawn's polling loop: a callback that may fire in ProcessEvents fires when the
    // program ticks the device, and not before.
    {
        wgpu::BufferDescriptor desc;
        desc.size = 4;
        desc.usage = wgpu::BufferUsage::MapWrite | wgpu::BufferUsage::CopySrc;
        wgpu::Buffer buffer = device.CreateBuffer(&desc);
        bool mapped = false;
        buffer.MapAsync(wgpu::MapMode::Write, 0, 4, wgpu::CallbackMode::AllowProcessEvents,
                        [&](wgpu::MapAsyncStatus status, wgpu::StringView) {
                            mapped = status == wgpu::MapAsyncStatus::Success;
                        });
        CHECK(!mapped);
        int ticks = 0;
        while (!mapped && ticks < 5000) {
            device.Tick();
            ticks++;
            if (!mapped) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        CHECK(mapped);
        std::printf("dawn_names: mapped after %d device.Tick()\n", ticks);
    }

    if (subgroups) {
        std::vector<uint32_t> sums = Run(instance, device,
                                         "enable subgroups;\n"
                                         "@group(0) @binding(0) var<storage, read_write> d: array<atomic<u32>>;\n"
                                         "@compute @workgroup_size(64) fn main(@builtin(local_invocation_index) i: u32) {\n"
                                         "    let s = subgroupAdd(i + 1u);\n"
                                         "    if subgroupElect() { atomicAdd(&d[0], s); }\n"
                                         "}\n",
                                         2, 1);
        // Two workgroups of 1 + 2 + ... + 64.
        CHECK(sums[0] == 2 * 64 * 65 / 2);
        std::printf("dawn_names: subgroup reduction %u\n", sums[0]);
    } else {
        std::printf("dawn_names: the adapter has no subgroups; reduction skipped\n");
    }
    device.Destroy();
    instance.ProcessEvents();
    CHECK(lostReason == wgpu::DeviceLostReason::Destroyed && !lostMessage.empty());
    std::printf("dawn_names: destroyed, the lost callback says: %s\n", lostMessage.c_str());
    std::printf("dawn_names: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
