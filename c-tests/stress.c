/* 8 threads on one device, concurrently, for STRESS_SECONDS (default 10): each
 * creates buffers and bind groups, encodes and submits a dispatch, maps the result
 * (alternating spontaneous callbacks and WaitAny), checks the value, uses its own
 * error scopes, and releases everything; one more thread calls ProcessEvents. Every
 * callback fires exactly once, nothing deadlocks. Then 1M buffer create/release
 * cycles (STRESS_CYCLES) across the threads: resident memory stays flat. */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define THREADS 8

static Ctx ctx;
static WGPUComputePipeline pipeline;
static WGPUBindGroupLayout layout;
static atomic_int registered, fired, failures, iterations;
static atomic_int stop;
static double seconds = 10;
static long cycles = 1000000;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long rss_kb(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

#define EXPECT(c)                                                           \
    do {                                                                    \
        if (!(c)) {                                                         \
            atomic_fetch_add(&failures, 1);                                 \
            fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #c); \
        }                                                                   \
    } while (0)

typedef struct {
    atomic_int done;
    WGPUMapAsyncStatus status;
} Map;

static void on_map_done(WGPUMapAsyncStatus status, WGPUStringView message, void *u1, void *u2) {
    (void)message; (void)u2;
    Map *m = u1;
    m->status = status;
    atomic_fetch_add(&fired, 1);
    atomic_fetch_add(&m->done, 1);
}

typedef struct {
    atomic_int done;
    WGPUErrorType type;
} Scope;

static void on_scope(WGPUPopErrorScopeStatus status, WGPUErrorType type, WGPUStringView message, void *u1, void *u2) {
    (void)status; (void)message; (void)u2;
    Scope *s = u1;
    s->type = type;
    atomic_fetch_add(&fired, 1);
    atomic_fetch_add(&s->done, 1);
}

static void wait_future(WGPUFuture f) {
    WGPUFutureWaitInfo w = {f, 0};
    EXPECT(wgpuInstanceWaitAny(ctx.instance, 1, &w, UINT64_MAX) == WGPUWaitStatus_Success);
}

static void one_round(int thread, int round) {
    uint32_t value = (uint32_t)(thread * 1000000 + round);
    WGPUBuffer storage = make_buffer(&ctx, 4, WGPUBufferUsage_Storage | WGPUBufferUsage_CopySrc | WGPUBufferUsage_CopyDst, 0);
    WGPUBuffer readback = make_buffer(&ctx, 4, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    wgpuQueueWriteBuffer(ctx.queue, storage, 0, &value, 4);
    WGPUBindGroupEntry e = WGPU_BIND_GROUP_ENTRY_INIT;
    e.buffer = storage;
    WGPUBindGroupDescriptor bd = WGPU_BIND_GROUP_DESCRIPTOR_INIT;
    bd.layout = layout;
    bd.entryCount = 1;
    bd.entries = &e;
    WGPUBindGroup group = wgpuDeviceCreateBindGroup(ctx.device, &bd);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(enc, NULL);
    wgpuComputePassEncoderSetPipeline(pass, pipeline);
    wgpuComputePassEncoderSetBindGroup(pass, 0, group, 0, NULL);
    wgpuComputePassEncoderDispatchWorkgroups(pass, 1, 1, 1);
    wgpuComputePassEncoderEnd(pass);
    wgpuCommandEncoderCopyBufferToBuffer(enc, storage, 0, readback, 0, 4);
    WGPUCommandBuffer cmd = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(ctx.queue, 1, &cmd);

    Map m = {0};
    WGPUBufferMapCallbackInfo cb = WGPU_BUFFER_MAP_CALLBACK_INFO_INIT;
    cb.callback = on_map_done;
    cb.userdata1 = &m;
    atomic_fetch_add(&registered, 1);
    if (round % 2) {
        cb.mode = WGPUCallbackMode_AllowSpontaneous;
        wgpuBufferMapAsync(readback, WGPUMapMode_Read, 0, 4, cb);
        /* Someone must drive the device: the ProcessEvents thread, or us. */
        double give_up = now() + 120;
        while (!atomic_load(&m.done) && now() < give_up) wgpuInstanceProcessEvents(ctx.instance);
    } else {
        cb.mode = WGPUCallbackMode_WaitAnyOnly;
        wait_future(wgpuBufferMapAsync(readback, WGPUMapMode_Read, 0, 4, cb));
    }
    EXPECT(atomic_load(&m.done) == 1 && m.status == WGPUMapAsyncStatus_Success);
    const uint32_t *p = wgpuBufferGetConstMappedRange(readback, 0, 4);
    EXPECT(p && *p == value * 3u + 1u);
    wgpuBufferUnmap(readback);

    /* This thread's own error scope catches this thread's error. */
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    WGPUBuffer bad = make_buffer(&ctx, 4, WGPUBufferUsage_MapRead | WGPUBufferUsage_Storage, 0);
    Scope s = {0};
    WGPUPopErrorScopeCallbackInfo pc = WGPU_POP_ERROR_SCOPE_CALLBACK_INFO_INIT;
    pc.mode = WGPUCallbackMode_AllowSpontaneous;
    pc.callback = on_scope;
    pc.userdata1 = &s;
    atomic_fetch_add(&registered, 1);
    wgpuDevicePopErrorScope(ctx.device, pc);
    EXPECT(atomic_load(&s.done) == 1 && s.type == WGPUErrorType_Validation);

    wgpuBufferRelease(bad);
    wgpuCommandBufferRelease(cmd);
    wgpuComputePassEncoderRelease(pass);
    wgpuCommandEncoderRelease(enc);
    wgpuBindGroupRelease(group);
    wgpuBufferRelease(readback);
    wgpuBufferRelease(storage);
}

static void *worker(void *arg) {
    int thread = (int)(intptr_t)arg;
    for (int round = 0; !atomic_load(&stop); round++) {
        one_round(thread, round);
        atomic_fetch_add(&iterations, 1);
    }
    return NULL;
}

static void *pump(void *arg) {
    (void)arg;
    while (!atomic_load(&stop)) {
        wgpuInstanceProcessEvents(ctx.instance);
        usleep(100);
    }
    return NULL;
}

static void *churn(void *arg) {
    long n = (long)(intptr_t)arg;
    for (long i = 0; i < n; i++) {
        WGPUBuffer b = make_buffer(&ctx, 256, WGPUBufferUsage_Storage, 0);
        wgpuBufferRelease(b);
    }
    return NULL;
}

static void run_churn(long total) {
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, churn, (void *)(intptr_t)(total / THREADS));
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    wgpuInstanceProcessEvents(ctx.instance);
}

int main(void) {
    if (getenv("STRESS_SECONDS")) seconds = atof(getenv("STRESS_SECONDS"));
    if (getenv("STRESS_CYCLES")) cycles = atol(getenv("STRESS_CYCLES"));
    if (!setup(&ctx)) return 1;
    WGPUShaderModule m = wgsl_module(&ctx, "@group(0) @binding(0) var<storage, read_write> v: u32;\n"
                                           "@compute @workgroup_size(1) fn main() { v = v * 3u + 1u; }\n");
    WGPUComputePipelineDescriptor pd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    pd.compute.module = m;
    pipeline = wgpuDeviceCreateComputePipeline(ctx.device, &pd);
    layout = wgpuComputePipelineGetBindGroupLayout(pipeline, 0);

    pthread_t workers[THREADS], pumper;
    double start = now();
    for (int i = 0; i < THREADS; i++) pthread_create(&workers[i], NULL, worker, (void *)(intptr_t)i);
    pthread_create(&pumper, NULL, pump, NULL);
    while (now() - start < seconds) usleep(10000);
    atomic_store(&stop, 1);
    for (int i = 0; i < THREADS; i++) pthread_join(workers[i], NULL);
    pthread_join(pumper, NULL);
    printf("%d rounds on %d threads in %.1f s; %d callbacks for %d futures; %d failed checks\n",
           atomic_load(&iterations), THREADS, now() - start, atomic_load(&fired), atomic_load(&registered),
           atomic_load(&failures));
    CHECK(atomic_load(&failures) == 0);
    CHECK(atomic_load(&fired) == atomic_load(&registered));
    CHECK(atomic_load(&iterations) >= THREADS);
    CHECK(ctx.uncaptured_count == 0);

    /* Resident memory over create/release cycles: warm up a tenth, then the rest. */
    run_churn(cycles / 10);
    long before = rss_kb();
    run_churn(cycles - cycles / 10);
    long after = rss_kb();
    printf("%ld create/release cycles: resident %ld kB after warm-up, %ld kB at the end (%+ld kB)\n", cycles, before,
           after, after - before);
    CHECK(after - before < 4096);

    wgpuBindGroupLayoutRelease(layout);
    wgpuComputePipelineRelease(pipeline);
    wgpuShaderModuleRelease(m);
    teardown(&ctx);
    return finish("stress");
}
