// A host shaped like an event-loop runtime: requests stay in flight, every callback
// is AllowProcessEvents, and the only thing that drives them is Instance::ProcessEvents
// called from a 50 ms timer. Checks that each request's result is right, that every
// callback fires exactly once, and only inside ProcessEvents (never spontaneously on
// another thread while the loop sleeps).
#include <webgpu/webgpu_cpp.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "check.hpp"

static bool in_process_events = false;
static int callbacks = 0;
// Every callback goes through here: it must run inside ProcessEvents.
static void fired() {
    CHECK(in_process_events);
    callbacks++;
}

static const int kRequests = 48;
static const int kInFlight = 8;
static const uint32_t kWords = 256;

struct Host {
    wgpu::Instance instance;
    wgpu::Adapter adapter;
    wgpu::Device device;
    wgpu::Queue queue;
    wgpu::ComputePipeline pipeline;
    int started = 0, finished = 0, expected_callbacks = 0;

    // One request: upload v = 7i + k, dispatch `v = 2v + v % 7`, read back, check.
    void Start() {
        const uint32_t k = static_cast<uint32_t>(started++);
        std::vector<uint32_t> input(kWords);
        for (uint32_t i = 0; i < kWords; i++) input[i] = i * 7 + k;

        wgpu::BufferDescriptor bd;
        bd.size = kWords * 4;
        bd.usage = wgpu::BufferUsage::Storage | wgpu::BufferUsage::CopySrc | wgpu::BufferUsage::CopyDst;
        wgpu::Buffer data = device.CreateBuffer(&bd);
        bd.usage = wgpu::BufferUsage::MapRead | wgpu::BufferUsage::CopyDst;
        wgpu::Buffer readback = device.CreateBuffer(&bd);
        queue.WriteBuffer(data, 0, input.data(), kWords * 4);

        // Odd requests make a validation error inside a scope; even ones none.
        device.PushErrorScope(wgpu::ErrorFilter::Validation);
        if (k % 2) {
            wgpu::BufferDescriptor bad;
            bad.size = 4;
            bad.usage = wgpu::BufferUsage::MapRead | wgpu::BufferUsage::Storage;
            device.CreateBuffer(&bad);
        }
        expected_callbacks++;
        device.PopErrorScope(wgpu::CallbackMode::AllowProcessEvents,
                             [k](wgpu::PopErrorScopeStatus status, wgpu::ErrorType type, wgpu::StringView) {
                                 fired();
                                 CHECK(status == wgpu::PopErrorScopeStatus::Success);
                                 CHECK(type == (k % 2 ? wgpu::ErrorType::Validation : wgpu::ErrorType::NoError));
                             });

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
        pass.DispatchWorkgroups(kWords / 64);
        pass.End();
        encoder.CopyBufferToBuffer(data, 0, readback, 0, kWords * 4);
        wgpu::CommandBuffer commands = encoder.Finish();
        queue.Submit(1, &commands);

        expected_callbacks++;
        queue.OnSubmittedWorkDone(wgpu::CallbackMode::AllowProcessEvents,
                                  [](wgpu::QueueWorkDoneStatus status, wgpu::StringView) {
                                      fired();
                                      CHECK(status == wgpu::QueueWorkDoneStatus::Success);
                                  });
        expected_callbacks++;
        // The lambda keeps the buffer alive; the host keeps nothing.
        readback.MapAsync(wgpu::MapMode::Read, 0, kWords * 4, wgpu::CallbackMode::AllowProcessEvents,
                          [this, k, readback](wgpu::MapAsyncStatus status, wgpu::StringView) {
                              fired();
                              CHECK(status == wgpu::MapAsyncStatus::Success);
                              if (status != wgpu::MapAsyncStatus::Success) return;
                              auto out = static_cast<const uint32_t*>(readback.GetConstMappedRange());
                              int wrong = 0;
                              for (uint32_t i = 0; i < kWords; i++) wrong += out[i] != (i * 7 + k) * 2 + k % 7;
                              CHECK(wrong == 0);
                              readback.Unmap();
                              finished++;
                              if (started < kRequests) Start();
                          });
    }
};

int main() {
    Host host;
    host.instance = wgpu::CreateInstance();  // no TimedWaitAny: this host never blocks
    bool ready = false;
    host.expected_callbacks++;
    host.instance.RequestAdapter(nullptr, wgpu::CallbackMode::AllowProcessEvents,
                                 [&](wgpu::RequestAdapterStatus status, wgpu::Adapter a, wgpu::StringView) {
                                     fired();
                                     CHECK(status == wgpu::RequestAdapterStatus::Success);
                                     host.adapter = std::move(a);
                                     host.expected_callbacks++;
                                     host.adapter.RequestDevice(
                                         nullptr, wgpu::CallbackMode::AllowProcessEvents,
                                         [&](wgpu::RequestDeviceStatus s, wgpu::Device d, wgpu::StringView) {
                                             fired();
                                             CHECK(s == wgpu::RequestDeviceStatus::Success);
                                             host.device = std::move(d);
                                             host.queue = host.device.GetQueue();
                                             wgpu::ShaderSourceWGSL src;
                                             src.code =
                                                 "@group(0) @binding(0) var<storage, read_write> v: array<u32>;\n"
                                                 "@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {\n"
                                                 "    v[g.x] = v[g.x] * 2u + (v[g.x] % 7u);\n"
                                                 "}\n";
                                             wgpu::ShaderModuleDescriptor md;
                                             md.nextInChain = &src;
                                             wgpu::ComputePipelineDescriptor pd;
                                             pd.compute.module = host.device.CreateShaderModule(&md);
                                             host.expected_callbacks++;
                                             host.device.CreateComputePipelineAsync(
                                                 &pd, wgpu::CallbackMode::AllowProcessEvents,
                                                 [&](wgpu::CreatePipelineAsyncStatus ps, wgpu::ComputePipeline p,
                                                     wgpu::StringView) {
                                                     fired();
                                                     CHECK(ps == wgpu::CreatePipelineAsyncStatus::Success);
                                                     host.pipeline = std::move(p);
                                                     ready = true;
                                                 });
                                         });
                                 });

    using Clock = std::chrono::steady_clock;
    const auto period = std::chrono::milliseconds(50);
    auto next = Clock::now();
    int ticks = 0;
    double longest_ms = 0;
    bool launched = false;
    // Give up after two minutes (valgrind on a busy 2-core machine needs about 30 s).
    const auto deadline = Clock::now() + std::chrono::minutes(2);
    while (host.finished < kRequests && Clock::now() < deadline) {
        next += period;
        std::this_thread::sleep_until(next);
        ticks++;
        auto t0 = Clock::now();
        in_process_events = true;
        host.instance.ProcessEvents();
        in_process_events = false;
        longest_ms = std::max(longest_ms, std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (ready && !launched) {
            launched = true;
            for (int i = 0; i < kInFlight; i++) host.Start();
        }
    }
    CHECK(host.finished == kRequests);
    CHECK(callbacks == host.expected_callbacks);
    std::printf("event_loop_host: %d requests (%d in flight), %d callbacks each once, %d ticks of 50 ms, "
                "longest ProcessEvents %.1f ms: %s\n",
                host.finished, kInFlight, callbacks, ticks, longest_ms, failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
