/* A shader that runs for a long time on one device does not hold up another device
 * of the same process: while device A's dispatch loops for seconds, device B's
 * map round trips complete through WaitAny and through ProcessEvents, and A's work
 * still finishes with the right value. */
#include "common.h"


static const char *LOOP =
    "@group(0) @binding(0) var<storage, read_write> d: array<u32>;\n"
    "@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {\n"
    "    var acc = 1u;\n"
    "    for (var i = 0u; i < d[1]; i++) { acc = acc * 1664525u + 1013904223u; }\n"
    "    if g.x == 0u && g.y == 0u { d[0] = acc; }\n"
    "}\n";

/* Iterations of each invocation's loop: lavapipe ends an invocation's loops after
 * 65,535 iterations in all, so a long dispatch is many invocations. */
static const uint32_t ITERATIONS = 60000;

typedef struct {
    Ctx *ctx;
    WGPUComputePipeline pipeline;
    WGPUBuffer storage, readback;
    WGPUBindGroup group;
} Job;

static Job job(Ctx *ctx) {
    Job j;
    j.ctx = ctx;
    WGPUShaderModule m = wgsl_module(ctx, LOOP);
    WGPUComputePipelineDescriptor pd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    pd.compute.module = m;
    j.pipeline = wgpuDeviceCreateComputePipeline(ctx->device, &pd);
    wgpuShaderModuleRelease(m);
    j.storage = make_buffer(ctx, 8, WGPUBufferUsage_Storage | WGPUBufferUsage_CopySrc | WGPUBufferUsage_CopyDst, 0);
    j.readback = make_buffer(ctx, 8, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    WGPUBindGroupLayout layout = wgpuComputePipelineGetBindGroupLayout(j.pipeline, 0);
    WGPUBindGroupEntry e = WGPU_BIND_GROUP_ENTRY_INIT;
    e.buffer = j.storage;
    e.size = 8;
    WGPUBindGroupDescriptor bd = WGPU_BIND_GROUP_DESCRIPTOR_INIT;
    bd.layout = layout;
    bd.entryCount = 1;
    bd.entries = &e;
    j.group = wgpuDeviceCreateBindGroup(ctx->device, &bd);
    wgpuBindGroupLayoutRelease(layout);
    return j;
}

/* Submits `groups` workgroups of 64 invocations that loop ITERATIONS times each,
 * then a copy to the readback buffer. */
static void submit(Job *j, uint32_t groups) {
    uint32_t init[2] = {0, ITERATIONS};
    wgpuQueueWriteBuffer(j->ctx->queue, j->storage, 0, init, sizeof init);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(j->ctx->device, NULL);
    WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(enc, NULL);
    wgpuComputePassEncoderSetPipeline(pass, j->pipeline);
    wgpuComputePassEncoderSetBindGroup(pass, 0, j->group, 0, NULL);
    wgpuComputePassEncoderDispatchWorkgroups(pass, groups < 65535 ? groups : 65535, (groups + 65534) / 65535, 1);
    wgpuComputePassEncoderEnd(pass);
    wgpuComputePassEncoderRelease(pass);
    wgpuCommandEncoderCopyBufferToBuffer(enc, j->storage, 0, j->readback, 0, 8);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(j->ctx->queue, 1, &cb);
    wgpuCommandBufferRelease(cb);
    wgpuCommandEncoderRelease(enc);
}

/* Maps the readback buffer, waiting with WaitAny or by calling ProcessEvents, and
 * returns d[0]. */
static uint32_t read_back(Job *j, int process_events) {
    MapResult r;
    memset(&r, 0, sizeof r);
    WGPUFuture f = map_buffer(j->readback, WGPUMapMode_Read, 0, 8, &r);
    if (process_events) {
        while (!r.fired) wgpuInstanceProcessEvents(j->ctx->instance);
    } else {
        wait_for(j->ctx, f);
    }
    CHECK(r.status == WGPUMapAsyncStatus_Success);
    uint32_t value = *(const uint32_t *)wgpuBufferGetConstMappedRange(j->readback, 0, 8);
    wgpuBufferUnmap(j->readback);
    return value;
}

static uint32_t expected(void) {
    uint32_t acc = 1;
    for (uint32_t i = 0; i < ITERATIONS; i++) acc = acc * 1664525u + 1013904223u;
    return acc;
}

static void release(Job *j) {
    wgpuBindGroupRelease(j->group);
    wgpuBufferRelease(j->readback);
    wgpuBufferRelease(j->storage);
    wgpuComputePipelineRelease(j->pipeline);
}

static int a_done;
static void on_done(WGPUQueueWorkDoneStatus status, WGPUStringView message, void *u1, void *u2) {
    (void)message; (void)u1; (void)u2;
    callbacks_fired++;
    CHECK(status == WGPUQueueWorkDoneStatus_Success);
    a_done = 1;
}

int main(void) {
    Ctx a, b;
    if (!setup(&a) || !setup(&b)) return 1;
    Job ja = job(&a), jb = job(&b);

    /* How fast this machine loops: a short run, then one of about four seconds. */
    uint32_t probe = 64;
    double start = now_seconds();
    submit(&ja, probe);
    CHECK(read_back(&ja, 0) == expected());
    double per = (now_seconds() - start) / probe;
    double n = 4.0 / (per > 0 ? per : 1e-9);
    uint32_t long_n = n > 4e6 ? 4000000u : (uint32_t)n;

    submit(&ja, long_n);
    WGPUQueueWorkDoneCallbackInfo done = WGPU_QUEUE_WORK_DONE_CALLBACK_INFO_INIT;
    done.mode = WGPUCallbackMode_AllowProcessEvents;
    done.callback = on_done;
    futures_expected++;
    WGPUFuture a_future = wgpuQueueOnSubmittedWorkDone(a.queue, done);

    /* Meanwhile, B's round trips, each quick, through WaitAny and ProcessEvents
     * (which also polls A's device, without waiting for it). */
    double slowest = 0;
    for (int i = 0; i < 6; i++) {
        double t = now_seconds();
        submit(&jb, 1);
        CHECK(read_back(&jb, i % 2) == expected());
        wgpuInstanceProcessEvents(a.instance);
        if (now_seconds() - t > slowest) slowest = now_seconds() - t;
    }
    int a_was_running = !a_done;
    printf("long loop: %u workgroups of 64 x %u iterations on A; B's slowest round trip %.3f s; A still running after B's work: %s\n",
           long_n, ITERATIONS, slowest, a_was_running ? "yes" : "no");
    CHECK(a_was_running);
    CHECK(slowest < 1.0);

    /* A finishes, with the right value. */
    WGPUFutureWaitInfo info = {a_future, 0};
    CHECK(wgpuInstanceWaitAny(a.instance, 1, &info, UINT64_MAX) == WGPUWaitStatus_Success);
    CHECK(a_done);
    CHECK(read_back(&ja, 0) == expected());

    release(&ja);
    release(&jb);
    teardown(&a);
    teardown(&b);
    /* Two devices, two lost callbacks; `finish` counts one. */
    CHECK(lost_fired == 2);
    lost_fired = 1;
    return finish("long_loop");
}
