/* Futures and their edges: WaitAny with zero, finite and infinite timeouts and the
 * TimedWaitAny rule; async pipeline creation; dynamic offsets and indirect dispatch;
 * a callback that calls back into the API; device destroy with a map pending; an
 * instance released with futures pending; wgpuGetProcAddress. */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "common.h"
#include <unistd.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

typedef struct {
    WGPUCreatePipelineAsyncStatus status;
    WGPUComputePipeline pipeline;
    char message[2048];
} PipelineResult;

static void on_pipeline(WGPUCreatePipelineAsyncStatus status, WGPUComputePipeline pipeline, WGPUStringView message,
                        void *u1, void *u2) {
    (void)u2;
    PipelineResult *r = (PipelineResult *)u1;
    callbacks_fired++;
    r->status = status;
    r->pipeline = pipeline;
    copy_message(r->message, sizeof r->message, message);
}

/* A spontaneous callback: where does it run? */
static pthread_t main_thread;
static atomic_int spontaneous_fired, spontaneous_off_thread;

static void on_spontaneous_pipeline(WGPUCreatePipelineAsyncStatus status, WGPUComputePipeline pipeline,
                                    WGPUStringView message, void *u1, void *u2) {
    (void)message; (void)u2;
    *(WGPUComputePipeline *)u1 = status == WGPUCreatePipelineAsyncStatus_Success ? pipeline : NULL;
    atomic_store(&spontaneous_off_thread, !pthread_equal(pthread_self(), main_thread));
    atomic_fetch_add(&spontaneous_fired, 1);
}

static PipelineResult create_async(Ctx *ctx, WGPUShaderModule m, const char *entry) {
    PipelineResult r;
    memset(&r, 0, sizeof r);
    WGPUComputePipelineDescriptor d = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    d.compute.module = m;
    d.compute.entryPoint = sv(entry);
    WGPUCreateComputePipelineAsyncCallbackInfo cb = WGPU_CREATE_COMPUTE_PIPELINE_ASYNC_CALLBACK_INFO_INIT;
    cb.mode = WGPUCallbackMode_AllowProcessEvents;
    cb.callback = on_pipeline;
    cb.userdata1 = &r;
    futures_expected++;
    wait_for(ctx, wgpuDeviceCreateComputePipelineAsync(ctx->device, &d, cb));
    return r;
}

/* A work-done callback that submits more work and registers another callback. */
typedef struct {
    Ctx *ctx;
    int first, second;
} Chain;

static void on_second(WGPUQueueWorkDoneStatus status, WGPUStringView message, void *u1, void *u2) {
    (void)message; (void)u2;
    callbacks_fired++;
    Chain *c = (Chain *)u1;
    c->second = status == WGPUQueueWorkDoneStatus_Success ? 1 : -1;
}

static void on_first(WGPUQueueWorkDoneStatus status, WGPUStringView message, void *u1, void *u2) {
    (void)message; (void)u2;
    callbacks_fired++;
    Chain *c = (Chain *)u1;
    c->first = status == WGPUQueueWorkDoneStatus_Success ? 1 : -1;
    /* Re-entering the API from inside ProcessEvents must not deadlock. */
    WGPUCommandEncoder e = wgpuDeviceCreateCommandEncoder(c->ctx->device, NULL);
    WGPUCommandBuffer b = wgpuCommandEncoderFinish(e, NULL);
    wgpuQueueSubmit(c->ctx->queue, 1, &b);
    wgpuCommandBufferRelease(b);
    wgpuCommandEncoderRelease(e);
    WGPUQueueWorkDoneCallbackInfo cb = WGPU_QUEUE_WORK_DONE_CALLBACK_INFO_INIT;
    cb.mode = WGPUCallbackMode_AllowProcessEvents;
    cb.callback = on_second;
    cb.userdata1 = c;
    futures_expected++;
    wgpuQueueOnSubmittedWorkDone(c->ctx->queue, cb);
}

static const char *SHADER =
    "struct Params { value: u32, a: u32, b: u32, c: u32, pad: array<vec4<u32>, 15> }\n"
    "@group(0) @binding(0) var<uniform> params: Params;\n"
    "@group(0) @binding(1) var<storage, read_write> out: array<u32>;\n"
    "@compute @workgroup_size(1) fn main(@builtin(global_invocation_id) g: vec3<u32>) {\n"
    "    out[g.x] = params.value + g.x;\n"
    "}\n";

int main(void) {
    Ctx ctx;
    if (!setup(&ctx)) return 1;

    /* An instance without TimedWaitAny cannot wait with a timeout. */
    WGPUInstance plain = wgpuCreateInstance(NULL);
    WGPUFutureWaitInfo none = {{1}, 0};
    CHECK(wgpuInstanceWaitAny(plain, 1, &none, 1000) == WGPUWaitStatus_Error);
    WGPUInstanceLimits limits = WGPU_INSTANCE_LIMITS_INIT;
    CHECK(wgpuGetInstanceLimits(&limits) == WGPUStatus_Success && limits.timedWaitAnyMaxCount >= 1);
    CHECK(wgpuHasInstanceFeature(WGPUInstanceFeatureName_TimedWaitAny));
    WGPUSupportedInstanceFeatures inst_features = WGPU_SUPPORTED_INSTANCE_FEATURES_INIT;
    wgpuGetInstanceFeatures(&inst_features);
    CHECK(inst_features.featureCount == 3);
    wgpuSupportedInstanceFeaturesFreeMembers(inst_features);

    /* Adapter and device queries. */
    WGPUAdapterInfo info = WGPU_ADAPTER_INFO_INIT;
    CHECK(wgpuAdapterGetInfo(ctx.adapter, &info) == WGPUStatus_Success);
    CHECK(info.backendType == WGPUBackendType_Vulkan || info.backendType == WGPUBackendType_OpenGL);
    printf("adapter: %.*s (%.*s)\n", (int)info.device.length, info.device.data, (int)info.vendor.length, info.vendor.data);
    wgpuAdapterInfoFreeMembers(info);
    WGPULimits dl = WGPU_LIMITS_INIT;
    CHECK(wgpuDeviceGetLimits(ctx.device, &dl) == WGPUStatus_Success && dl.maxBindGroups >= 4);
    WGPUSupportedFeatures df = WGPU_SUPPORTED_FEATURES_INIT;
    wgpuDeviceGetFeatures(ctx.device, &df);
    CHECK(df.featureCount >= 1 && df.features[0] == WGPUFeatureName_CoreFeaturesAndLimits);
    CHECK(wgpuDeviceHasFeature(ctx.device, WGPUFeatureName_CoreFeaturesAndLimits));
    wgpuSupportedFeaturesFreeMembers(df);

    /* Zero and finite timeouts on a map that cannot complete (the buffer is in use by
     * nothing, but the map is WaitAnyOnly and not yet polled: it completes on the poll
     * WaitAny does, so use a pending work-done future instead of a map). */
    WGPUBuffer rb = make_buffer(&ctx, 256, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    MapResult m = {0};
    WGPUFuture mf = map_buffer(rb, WGPUMapMode_Read, 0, 256, &m);
    WGPUFutureWaitInfo w = {mf, 0};
    double t0 = now_ms();
    WGPUWaitStatus s = wgpuInstanceWaitAny(ctx.instance, 1, &w, 0);
    CHECK(s == WGPUWaitStatus_Success || s == WGPUWaitStatus_TimedOut);
    if (s == WGPUWaitStatus_TimedOut) {
        s = wgpuInstanceWaitAny(ctx.instance, 1, &w, 50 * 1000 * 1000ull);
        CHECK(s == WGPUWaitStatus_Success);
    }
    CHECK(w.completed && m.fired == 1 && m.status == WGPUMapAsyncStatus_Success);
    CHECK(now_ms() - t0 < 5000);
    /* A buffer released with its map pending: the callback still fires, once. */
    WGPUBuffer gone = make_buffer(&ctx, 64, WGPUBufferUsage_MapRead, 0);
    MapResult gm = {0};
    WGPUFuture gf = map_buffer(gone, WGPUMapMode_Read, 0, 64, &gm);
    wgpuBufferRelease(gone);
    WGPUFutureWaitInfo gw = {gf, 0};
    CHECK(wgpuInstanceWaitAny(ctx.instance, 1, &gw, UINT64_MAX) == WGPUWaitStatus_Success);
    CHECK(gm.fired == 1 && gm.status == WGPUMapAsyncStatus_Aborted);

    /* A future that already fired reports completed at once. */
    w.completed = 0;
    CHECK(wgpuInstanceWaitAny(ctx.instance, 1, &w, 0) == WGPUWaitStatus_Success && w.completed);
    /* A future this instance never made is an error. */
    WGPUFutureWaitInfo bogus = {{123456789}, 0};
    CHECK(wgpuInstanceWaitAny(ctx.instance, 1, &bogus, 0) == WGPUWaitStatus_Error);
    wgpuBufferUnmap(rb);

    /* Async pipelines: success, and failure through the callback (not the scopes). */
    WGPUShaderModule mod = wgsl_module(&ctx, SHADER);
    PipelineResult ok = create_async(&ctx, mod, "main");
    CHECK(ok.status == WGPUCreatePipelineAsyncStatus_Success && ok.pipeline != NULL);
    PipelineResult bad = create_async(&ctx, mod, "no_such_entry_point");
    CHECK(bad.status == WGPUCreatePipelineAsyncStatus_ValidationError && bad.pipeline == NULL);
    CHECK(strstr(bad.message, "no_such_entry_point") != NULL);

    /* The pipeline is built off the calling thread: a spontaneous callback comes from
     * the worker. */
    main_thread = pthread_self();
    WGPUComputePipeline spontaneous = NULL;
    WGPUComputePipelineDescriptor sd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    sd.compute.module = mod;
    WGPUCreateComputePipelineAsyncCallbackInfo scb = WGPU_CREATE_COMPUTE_PIPELINE_ASYNC_CALLBACK_INFO_INIT;
    scb.mode = WGPUCallbackMode_AllowSpontaneous;
    scb.callback = on_spontaneous_pipeline;
    scb.userdata1 = &spontaneous;
    WGPUFuture sf = wgpuDeviceCreateComputePipelineAsync(ctx.device, &sd, scb);
    WGPUFutureWaitInfo sw = {sf, 0};
    CHECK(wgpuInstanceWaitAny(ctx.instance, 1, &sw, UINT64_MAX) == WGPUWaitStatus_Success);
    for (int i = 0; i < 1000 && !atomic_load(&spontaneous_fired); i++) usleep(1000);
    CHECK(atomic_load(&spontaneous_fired) == 1 && spontaneous != NULL);
    /* In-process, wgpu-core's compile thread calls it; in remote mode the thread that
     * reads the server's messages does. */
    if (!getenv("WEBGPU_SHIM_REMOTE")) CHECK(atomic_load(&spontaneous_off_thread));
    wgpuComputePipelineRelease(spontaneous);
    CHECK(ctx.uncaptured_count == 0);

    /* Dynamic offsets and indirect dispatch: two dispatches read different params. */
    WGPUBindGroupLayoutEntry le[2] = {WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT, WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT};
    le[0].binding = 0;
    le[0].visibility = WGPUShaderStage_Compute;
    le[0].buffer.type = WGPUBufferBindingType_Uniform;
    le[0].buffer.hasDynamicOffset = WGPU_TRUE;
    le[0].buffer.minBindingSize = 256;
    le[1].binding = 1;
    le[1].visibility = WGPUShaderStage_Compute;
    le[1].buffer.type = WGPUBufferBindingType_Storage;
    le[1].buffer.hasDynamicOffset = WGPU_TRUE;
    WGPUBindGroupLayoutDescriptor ld = WGPU_BIND_GROUP_LAYOUT_DESCRIPTOR_INIT;
    ld.entryCount = 2;
    ld.entries = le;
    WGPUBindGroupLayout bgl = wgpuDeviceCreateBindGroupLayout(ctx.device, &ld);
    WGPUPipelineLayoutDescriptor pld = WGPU_PIPELINE_LAYOUT_DESCRIPTOR_INIT;
    pld.bindGroupLayoutCount = 1;
    pld.bindGroupLayouts = &bgl;
    WGPUPipelineLayout pl = wgpuDeviceCreatePipelineLayout(ctx.device, &pld);
    WGPUComputePipelineDescriptor cpd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    cpd.layout = pl;
    cpd.compute.module = mod;
    WGPUComputePipeline pipe = wgpuDeviceCreateComputePipeline(ctx.device, &cpd);
    WGPUBuffer params = make_buffer(&ctx, 512, WGPUBufferUsage_Uniform | WGPUBufferUsage_CopyDst, 0);
    uint32_t pv[128] = {0};
    pv[0] = 1000;
    pv[64] = 2000;
    wgpuQueueWriteBuffer(ctx.queue, params, 0, pv, sizeof pv);
    WGPUBuffer out = make_buffer(&ctx, 512, WGPUBufferUsage_Storage | WGPUBufferUsage_CopySrc | WGPUBufferUsage_CopyDst, 0);
    WGPUBuffer indirect = make_buffer(&ctx, 12, WGPUBufferUsage_Indirect | WGPUBufferUsage_CopyDst, 0);
    uint32_t groups[3] = {4, 1, 1};
    wgpuQueueWriteBuffer(ctx.queue, indirect, 0, groups, sizeof groups);
    WGPUBindGroupEntry be[2] = {WGPU_BIND_GROUP_ENTRY_INIT, WGPU_BIND_GROUP_ENTRY_INIT};
    be[0].binding = 0;
    be[0].buffer = params;
    be[0].size = 256;
    be[1].binding = 1;
    be[1].buffer = out;
    be[1].size = 256;
    WGPUBindGroupDescriptor bgd = WGPU_BIND_GROUP_DESCRIPTOR_INIT;
    bgd.layout = bgl;
    bgd.entryCount = 2;
    bgd.entries = be;
    WGPUBindGroup bg = wgpuDeviceCreateBindGroup(ctx.device, &bgd);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    wgpuCommandEncoderClearBuffer(enc, out, 0, WGPU_WHOLE_SIZE);
    WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(enc, NULL);
    wgpuComputePassEncoderSetPipeline(pass, pipe);
    uint32_t offsets_a[2] = {0, 0}, offsets_b[2] = {256, 256};
    wgpuComputePassEncoderSetBindGroup(pass, 0, bg, 2, offsets_a);
    wgpuComputePassEncoderDispatchWorkgroups(pass, 2, 1, 1);
    wgpuComputePassEncoderSetBindGroup(pass, 0, bg, 2, offsets_b);
    wgpuComputePassEncoderDispatchWorkgroupsIndirect(pass, indirect, 0);
    wgpuComputePassEncoderEnd(pass);
    wgpuCommandEncoderCopyBufferToBuffer(enc, out, 0, rb, 0, 256);
    WGPUCommandBuffer cmd = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(ctx.queue, 1, &cmd);
    WGPUCommandEncoder enc2 = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    WGPUBuffer rb2 = make_buffer(&ctx, 256, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    wgpuCommandEncoderCopyBufferToBuffer(enc2, out, 256, rb2, 0, 256);
    WGPUCommandBuffer cmd2 = wgpuCommandEncoderFinish(enc2, NULL);
    wgpuQueueSubmit(ctx.queue, 1, &cmd2);
    MapResult ma = {0}, mb = {0};
    wait_for(&ctx, map_buffer(rb, WGPUMapMode_Read, 0, 256, &ma));
    wait_for(&ctx, map_buffer(rb2, WGPUMapMode_Read, 0, 256, &mb));
    const uint32_t *ra = wgpuBufferGetConstMappedRange(rb, 0, 256);
    const uint32_t *rb_ = wgpuBufferGetConstMappedRange(rb2, 0, 256);
    CHECK(ctx.uncaptured_count == 0);
    CHECK(ra && ra[0] == 1000 && ra[1] == 1001 && ra[2] == 0);
    CHECK(rb_ && rb_[0] == 2000 && rb_[3] == 2003 && rb_[4] == 0);
    wgpuBufferUnmap(rb);
    wgpuBufferUnmap(rb2);

    /* A callback that re-enters the API from inside ProcessEvents. */
    Chain chain = {&ctx, 0, 0};
    WGPUQueueWorkDoneCallbackInfo wd = WGPU_QUEUE_WORK_DONE_CALLBACK_INFO_INIT;
    wd.mode = WGPUCallbackMode_AllowProcessEvents;
    wd.callback = on_first;
    wd.userdata1 = &chain;
    futures_expected++;
    wgpuQueueOnSubmittedWorkDone(ctx.queue, wd);
    for (int i = 0; i < 100000 && chain.second == 0; i++) wgpuInstanceProcessEvents(ctx.instance);
    CHECK(chain.first == 1 && chain.second == 1);

    /* Our version query agrees with itself. */
    WGPUStringView version = wgpuShimGetVersionString();
    char vbuf[32];
    snprintf(vbuf, sizeof vbuf, "%u.%u.%u", wgpuShimGetVersion() >> 16, (wgpuShimGetVersion() >> 8) & 255,
             wgpuShimGetVersion() & 255);
    CHECK(version.length == strlen(vbuf) && memcmp(version.data, vbuf, version.length) == 0);

    /* wgpuGetProcAddress finds every function by name, and nothing else. */
    WGPUProc p = wgpuGetProcAddress(sv("wgpuBufferGetSize"));
    CHECK(p == (WGPUProc)wgpuBufferGetSize);
    CHECK(((WGPUProcBufferGetSize)p)(rb) == 256);
    CHECK(wgpuGetProcAddress(sv("wgpuGetProcAddress")) == (WGPUProc)wgpuGetProcAddress);
    CHECK(wgpuGetProcAddress(sv("wgpuNoSuchFunction")) == NULL);
    WGPUStringView partial = {"wgpuBufferGetSizeXYZ", 17};
    CHECK(wgpuGetProcAddress(partial) == (WGPUProc)wgpuBufferGetSize);

    wgpuCommandBufferRelease(cmd2);
    wgpuCommandEncoderRelease(enc2);
    wgpuCommandBufferRelease(cmd);
    wgpuComputePassEncoderRelease(pass);
    wgpuCommandEncoderRelease(enc);
    wgpuBindGroupRelease(bg);
    wgpuBufferRelease(indirect);
    wgpuBufferRelease(out);
    wgpuBufferRelease(params);
    wgpuComputePipelineRelease(pipe);
    wgpuPipelineLayoutRelease(pl);
    wgpuBindGroupLayoutRelease(bgl);
    wgpuComputePipelineRelease(ok.pipeline);
    wgpuShaderModuleRelease(mod);
    wgpuBufferRelease(rb2);

    /* Destroying the device with a map pending: the map fails, lost fires once with
     * reason Destroyed. */
    WGPUBuffer late = make_buffer(&ctx, 64, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    MapResult lm = {0};
    WGPUFuture lf = map_buffer(late, WGPUMapMode_Read, 0, 64, &lm);
    wgpuDeviceDestroy(ctx.device);
    wgpuInstanceProcessEvents(ctx.instance);
    WGPUFutureWaitInfo lw = {lf, 0};
    wgpuInstanceWaitAny(ctx.instance, 1, &lw, UINT64_MAX);
    CHECK(lm.fired == 1 && lm.status == WGPUMapAsyncStatus_Aborted);
    CHECK(lost_fired == 1 && lost_reason == WGPUDeviceLostReason_Destroyed);
    printf("map pending at destroy: status %d (%s)\n", (int)lm.status, lm.message);
    wgpuBufferRelease(late);
    wgpuBufferRelease(rb);

    /* Releasing the instance cancels what it still owes. */
    MapResult never = {0};
    WGPUBuffer orphan = make_buffer(&ctx, 64, WGPUBufferUsage_MapRead, 0);
    (void)orphan;
    ScopeResult cancelled;
    memset(&cancelled, 0, sizeof cancelled);
    WGPUPopErrorScopeCallbackInfo pc = WGPU_POP_ERROR_SCOPE_CALLBACK_INFO_INIT;
    pc.mode = WGPUCallbackMode_WaitAnyOnly;
    pc.callback = on_pop;
    pc.userdata1 = &cancelled;
    futures_expected++;
    wgpuDevicePopErrorScope(ctx.device, pc);
    (void)never;
    wgpuInstanceRelease(plain);
    teardown(&ctx);
    CHECK(cancelled.status == WGPUPopErrorScopeStatus_CallbackCancelled);
    wgpuBufferRelease(orphan);
    return finish("futures");
}
