/* The benchmark suite: the same C source for every implementation of webgpu.h
 * (webgpu-shim, wgpu-native, Dawn), waiting only with wgpuInstanceProcessEvents, the
 * one wait every peer supports. Prints one line per figure, `name value unit`, and
 * checks every result the GPU computes before it trusts the timing.
 *
 * Usage: bench [--quick] [--big] [--only NAME]   (--big adds the 4096^3 matmul;
 * --only runs one benchmark: roundtrip, encode, churn, bandwidth, pipeline, matmul,
 * scaling, e.g. under a profiler) */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "webgpu/webgpu.h"

static WGPUInstance instance;
static WGPUAdapter adapter;
static WGPUDevice device;
static WGPUQueue queue;
static int quick;
static const char *only;
/* Whether the benchmark `name` runs (all do, unless --only names another). */
static int wanted(const char *name) { return !only || !strcmp(only, name); }

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static WGPUStringView sv(const char *s) {
    WGPUStringView v = {s, WGPU_STRLEN};
    return v;
}

static void fail(const char *what) {
    fprintf(stderr, "bench: %s\n", what);
    exit(1);
}

static void pump(atomic_int *flag) {
    while (!atomic_load(flag)) wgpuInstanceProcessEvents(instance);
}

static void on_adapter(WGPURequestAdapterStatus s, WGPUAdapter a, WGPUStringView m, void *u1, void *u2) {
    (void)s; (void)m; (void)u2;
    adapter = a;
    atomic_store((atomic_int *)u1, 1);
}

static void on_device(WGPURequestDeviceStatus s, WGPUDevice d, WGPUStringView m, void *u1, void *u2) {
    (void)s; (void)m; (void)u2;
    device = d;
    atomic_store((atomic_int *)u1, 1);
}

static void on_error(const WGPUDevice *d, WGPUErrorType type, WGPUStringView m, void *u1, void *u2) {
    (void)d; (void)u1; (void)u2;
    fprintf(stderr, "bench: device error %d: %.*s\n", (int)type, (int)(m.length == WGPU_STRLEN ? strlen(m.data) : m.length), m.data);
    exit(1);
}

static void on_map(WGPUMapAsyncStatus s, WGPUStringView m, void *u1, void *u2) {
    (void)m; (void)u2;
    if (s != WGPUMapAsyncStatus_Success) fail("map failed");
    atomic_store((atomic_int *)u1, 1);
}

static void map_read(WGPUBuffer b, size_t size) {
    atomic_int done = 0;
    WGPUBufferMapCallbackInfo cb = WGPU_BUFFER_MAP_CALLBACK_INFO_INIT;
    cb.mode = WGPUCallbackMode_AllowProcessEvents;
    cb.callback = on_map;
    cb.userdata1 = &done;
    wgpuBufferMapAsync(b, WGPUMapMode_Read, 0, size, cb);
    pump(&done);
}

static WGPUBuffer buffer(uint64_t size, WGPUBufferUsage usage) {
    WGPUBufferDescriptor d = WGPU_BUFFER_DESCRIPTOR_INIT;
    d.size = size;
    d.usage = usage;
    return wgpuDeviceCreateBuffer(device, &d);
}

static WGPUShaderModule module(const char *code) {
    WGPUShaderSourceWGSL src = WGPU_SHADER_SOURCE_WGSL_INIT;
    src.code = sv(code);
    WGPUShaderModuleDescriptor d = WGPU_SHADER_MODULE_DESCRIPTOR_INIT;
    d.nextInChain = &src.chain;
    return wgpuDeviceCreateShaderModule(device, &d);
}

static WGPUComputePipeline pipeline(WGPUShaderModule m, const char *entry) {
    WGPUComputePipelineDescriptor d = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    d.compute.module = m;
    d.compute.entryPoint = sv(entry);
    return wgpuDeviceCreateComputePipeline(device, &d);
}

static WGPUBindGroup bind(WGPUBindGroupLayout layout, WGPUBuffer *bufs, int n) {
    WGPUBindGroupEntry e[3];
    for (int i = 0; i < n; i++) {
        WGPUBindGroupEntry init = WGPU_BIND_GROUP_ENTRY_INIT;
        e[i] = init;
        e[i].binding = (uint32_t)i;
        e[i].buffer = bufs[i];
    }
    WGPUBindGroupDescriptor d = WGPU_BIND_GROUP_DESCRIPTOR_INIT;
    d.layout = layout;
    d.entryCount = (size_t)n;
    d.entries = e;
    return wgpuDeviceCreateBindGroup(device, &d);
}

static void submit(WGPUCommandEncoder enc) {
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(queue, 1, &cb);
    wgpuCommandBufferRelease(cb);
    wgpuCommandEncoderRelease(enc);
}

static const char *SEED =
    "@group(0) @binding(0) var<storage, read_write> result: array<f32>;\n"
    "@compute @workgroup_size(1) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n"
    "    result[gid.x] = f32(gid.x) + result[gid.x];\n"
    "}\n";

/* 1. The seed roundtrip: WriteBuffer 16 B, dispatch 4 workgroups, copy, map, read. */
static void bench_roundtrip(void) {
    WGPUShaderModule m = module(SEED);
    WGPUComputePipeline p = pipeline(m, "main");
    WGPUBindGroupLayout l = wgpuComputePipelineGetBindGroupLayout(p, 0);
    WGPUBuffer storage = buffer(16, WGPUBufferUsage_Storage | WGPUBufferUsage_CopySrc | WGPUBufferUsage_CopyDst);
    WGPUBuffer readback = buffer(16, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst);
    WGPUBindGroup g = bind(l, &storage, 1);
    int iters = quick ? 200 : 2000;
    /* The whole iteration, then where it goes: WriteBuffer, encoding (to Finish),
       Submit, waiting for the map, reading and Unmap. */
    static double t[2000], ph[5][2000];
    for (int i = 0; i < iters; i++) {
        float in[4] = {(float)i, (float)i, (float)i, (float)i};
        double t0 = now();
        wgpuQueueWriteBuffer(queue, storage, 0, in, sizeof in);
        double t1 = now();
        WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(device, NULL);
        WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(enc, NULL);
        wgpuComputePassEncoderSetPipeline(pass, p);
        wgpuComputePassEncoderSetBindGroup(pass, 0, g, 0, NULL);
        wgpuComputePassEncoderDispatchWorkgroups(pass, 4, 1, 1);
        wgpuComputePassEncoderEnd(pass);
        wgpuComputePassEncoderRelease(pass);
        wgpuCommandEncoderCopyBufferToBuffer(enc, storage, 0, readback, 0, 16);
        WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
        double t2 = now();
        wgpuQueueSubmit(queue, 1, &cb);
        double t3 = now();
        wgpuCommandBufferRelease(cb);
        wgpuCommandEncoderRelease(enc);
        map_read(readback, 16);
        double t4 = now();
        const float *out = wgpuBufferGetConstMappedRange(readback, 0, 16);
        for (int k = 0; k < 4; k++)
            if (!out || out[k] != (float)(i + k)) fail("roundtrip: wrong result");
        wgpuBufferUnmap(readback);
        double t5 = now();
        t[i] = t5 - t0;
        const double marks[6] = {t0, t1, t2, t3, t4, t5};
        for (int k = 0; k < 5; k++) ph[k][i] = marks[k + 1] - marks[k];
    }
    printf("roundtrip %.2f us\n", median(t, iters) * 1e6);
    const char *phases[5] = {"write", "encode", "submit", "wait", "read"};
    for (int k = 0; k < 5; k++) printf("roundtrip.%s %.3f us\n", phases[k], median(ph[k], iters) * 1e6);
    wgpuBindGroupRelease(g);
    wgpuBufferRelease(readback);
    wgpuBufferRelease(storage);
    wgpuBindGroupLayoutRelease(l);
    wgpuComputePipelineRelease(p);
    wgpuShaderModuleRelease(m);
}

/* 2. Encode and submit: one pass of 20,000 x (SetBindGroup + Dispatch(1,1,1)). */
static void bench_encode(void) {
    WGPUShaderModule m = module(SEED);
    WGPUComputePipeline p = pipeline(m, "main");
    WGPUBindGroupLayout l = wgpuComputePipelineGetBindGroupLayout(p, 0);
    WGPUBufferUsage u = WGPUBufferUsage_Storage | WGPUBufferUsage_CopySrc;
    WGPUBuffer storage[2] = {buffer(64, u), buffer(64, u)};
    WGPUBindGroup g[2] = {bind(l, &storage[0], 1), bind(l, &storage[1], 1)};
    const int n = 20000, reps = quick ? 3 : 9;
    double enc_t[9], sub_t[9];
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(device, NULL);
        WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(enc, NULL);
        wgpuComputePassEncoderSetPipeline(pass, p);
        for (int i = 0; i < n; i++) {
            wgpuComputePassEncoderSetBindGroup(pass, 0, g[i & 1], 0, NULL);
            wgpuComputePassEncoderDispatchWorkgroups(pass, 1, 1, 1);
        }
        wgpuComputePassEncoderEnd(pass);
        wgpuComputePassEncoderRelease(pass);
        WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
        double t1 = now();
        wgpuQueueSubmit(queue, 1, &cb);
        double t2 = now();
        wgpuCommandBufferRelease(cb);
        wgpuCommandEncoderRelease(enc);
        enc_t[r] = (t1 - t0) / n;
        sub_t[r] = (t2 - t1) / n;
        /* Let the GPU drain before the next repetition. */
        WGPUBuffer rb = buffer(4, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst);
        WGPUCommandEncoder e2 = wgpuDeviceCreateCommandEncoder(device, NULL);
        wgpuCommandEncoderCopyBufferToBuffer(e2, storage[0], 0, rb, 0, 4);
        submit(e2);
        map_read(rb, 4);
        wgpuBufferUnmap(rb);
        wgpuBufferRelease(rb);
    }
    double e = median(enc_t, reps), s = median(sub_t, reps);
    printf("encode_per_dispatch %.1f ns\n", e * 1e9);
    printf("submit_per_dispatch %.1f ns\n", s * 1e9);
    printf("encode_submit_per_dispatch %.1f ns\n", (e + s) * 1e9);
    for (int i = 0; i < 2; i++) {
        wgpuBindGroupRelease(g[i]);
        wgpuBufferRelease(storage[i]);
    }
    wgpuBindGroupLayoutRelease(l);
    wgpuComputePipelineRelease(p);
    wgpuShaderModuleRelease(m);
}

/* 3. Object churn: create and release a buffer and a bind group. */
static void bench_churn(void) {
    WGPUShaderModule m = module(SEED);
    WGPUComputePipeline p = pipeline(m, "main");
    WGPUBindGroupLayout l = wgpuComputePipelineGetBindGroupLayout(p, 0);
    int n = quick ? 2000 : 20000;
    double t[5];
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        for (int i = 0; i < n; i++) {
            WGPUBuffer b = buffer(256, WGPUBufferUsage_Storage);
            WGPUBindGroup g = bind(l, &b, 1);
            wgpuBindGroupRelease(g);
            wgpuBufferRelease(b);
        }
        t[r] = (now() - t0) / n;
        wgpuInstanceProcessEvents(instance);
    }
    printf("churn_buffer_bindgroup %.3f us\n", median(t, 5) * 1e6);
    wgpuBindGroupLayoutRelease(l);
    wgpuComputePipelineRelease(p);
    wgpuShaderModuleRelease(m);
}

/* 4. Bandwidth: 64 MiB WriteBuffer, copy, map, read back. */
static void bench_bandwidth(void) {
    const size_t size = 64u << 20;
    uint32_t *data = malloc(size), *back = malloc(size);
    for (size_t i = 0; i < size / 4; i++) data[i] = (uint32_t)(i * 2654435761u);
    WGPUBuffer gpu = buffer(size, WGPUBufferUsage_CopyDst | WGPUBufferUsage_CopySrc);
    WGPUBuffer rb = buffer(size, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst);
    int reps = quick ? 2 : 5;
    /* The whole, then its parts: WriteBuffer, encoding and Submit, waiting for the
       map, reading the mapped range, Unmap. */
    double t[5], ph[5][5];
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        wgpuQueueWriteBuffer(queue, gpu, 0, data, size);
        double t1 = now();
        WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(device, NULL);
        wgpuCommandEncoderCopyBufferToBuffer(enc, gpu, 0, rb, 0, size);
        submit(enc);
        double t2 = now();
        map_read(rb, size);
        double t3 = now();
        memcpy(back, wgpuBufferGetConstMappedRange(rb, 0, size), size);
        double t4 = now();
        wgpuBufferUnmap(rb);
        double t5 = now();
        t[r] = t5 - t0;
        const double marks[6] = {t0, t1, t2, t3, t4, t5};
        for (int k = 0; k < 5; k++) ph[k][r] = marks[k + 1] - marks[k];
        if (memcmp(back, data, size) != 0) fail("bandwidth: data differs");
    }
    /* Bytes moved: up, and back down. */
    printf("bandwidth_64MiB %.2f GB/s\n", 2.0 * size / median(t, reps) / 1e9);
    const char *phases[5] = {"write", "submit", "wait", "read", "unmap"};
    for (int k = 0; k < 5; k++) printf("bandwidth.%s %.3f ms\n", phases[k], median(ph[k], reps) * 1e3);
    wgpuBufferRelease(rb);
    wgpuBufferRelease(gpu);
    free(data);
    free(back);
}

/* 5. Compute pipeline creation from a ~200-line shader (module and pipeline). */
static void bench_pipeline(void) {
    char *src = malloc(1 << 16);
    size_t len = 0;
    len += sprintf(src + len, "@group(0) @binding(0) var<storage, read_write> data: array<f32>;\n");
    for (int f = 0; f < 32; f++)
        len += sprintf(src + len,
                       "fn step%d(x: f32, i: u32) -> f32 {\n"
                       "    var acc = x * %d.0 + 1.0;\n"
                       "    for (var k = 0u; k < (i %% 7u) + 1u; k = k + 1u) { acc = acc * 0.5 + f32(k); }\n"
                       "    if (acc > 100.0) { acc = sqrt(acc); } else { acc = acc + sin(x); }\n"
                       "    return acc;\n"
                       "}\n",
                       f, f + 1);
    len += sprintf(src + len, "@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) {\n"
                              "    var x = data[g.x];\n");
    for (int f = 0; f < 32; f++) len += sprintf(src + len, "    x = step%d(x, g.x);\n", f);
    sprintf(src + len, "    data[g.x] = x;\n}\n");
    int reps = quick ? 3 : 9;
    double t[9];
    for (int r = 0; r < reps; r++) {
        /* A different constant each time defeats any cache of identical shaders. */
        char *variant = malloc(strlen(src) + 64);
        sprintf(variant, "const salt: f32 = %d.0;\n%s", r, src);
        double t0 = now();
        WGPUShaderModule m = module(variant);
        WGPUComputePipeline p = pipeline(m, "main");
        t[r] = now() - t0;
        if (!p) fail("pipeline: not created");
        wgpuComputePipelineRelease(p);
        wgpuShaderModuleRelease(m);
        free(variant);
    }
    printf("pipeline_creation %.2f ms\n", median(t, reps) * 1e3);
    free(src);
}

/* 6. Tiled f32 matmul, C = A x B, checked against the CPU on sampled entries. */
static const char *MATMUL =
    "struct Dims { n: u32 }\n"
    "@group(0) @binding(0) var<storage, read> a: array<f32>;\n"
    "@group(0) @binding(1) var<storage, read> b: array<f32>;\n"
    "@group(0) @binding(2) var<storage, read_write> c: array<f32>;\n"
    "override N: u32 = 1024u;\n"
    "var<workgroup> ta: array<array<f32, 16>, 16>;\n"
    "var<workgroup> tb: array<array<f32, 16>, 16>;\n"
    "@compute @workgroup_size(16, 16)\n"
    "fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {\n"
    "    let row = g.y; let col = g.x;\n"
    "    var acc = 0.0;\n"
    "    for (var t = 0u; t < N; t = t + 16u) {\n"
    "        ta[l.y][l.x] = a[row * N + t + l.x];\n"
    "        tb[l.y][l.x] = b[(t + l.y) * N + col];\n"
    "        workgroupBarrier();\n"
    "        for (var k = 0u; k < 16u; k = k + 1u) { acc = acc + ta[l.y][k] * tb[k][l.x]; }\n"
    "        workgroupBarrier();\n"
    "    }\n"
    "    c[row * N + col] = acc;\n"
    "}\n";

static void bench_matmul(uint32_t n) {
    size_t bytes = (size_t)n * n * 4;
    float *a = malloc(bytes), *b = malloc(bytes);
    for (size_t i = 0; i < (size_t)n * n; i++) {
        a[i] = (float)((i * 7) % 5) - 2.0f;
        b[i] = (float)((i * 3) % 7) - 3.0f;
    }
    WGPUBuffer ba = buffer(bytes, WGPUBufferUsage_Storage | WGPUBufferUsage_CopyDst);
    WGPUBuffer bb = buffer(bytes, WGPUBufferUsage_Storage | WGPUBufferUsage_CopyDst);
    WGPUBuffer bc = buffer(bytes, WGPUBufferUsage_Storage | WGPUBufferUsage_CopySrc);
    WGPUBuffer rb = buffer(bytes, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst);
    wgpuQueueWriteBuffer(queue, ba, 0, a, bytes);
    wgpuQueueWriteBuffer(queue, bb, 0, b, bytes);
    WGPUShaderModule m = module(MATMUL);
    WGPUConstantEntry c = WGPU_CONSTANT_ENTRY_INIT;
    c.key = sv("N");
    c.value = n;
    WGPUComputePipelineDescriptor d = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    d.compute.module = m;
    d.compute.entryPoint = sv("main");
    d.compute.constantCount = 1;
    d.compute.constants = &c;
    WGPUComputePipeline p = wgpuDeviceCreateComputePipeline(device, &d);
    WGPUBindGroupLayout l = wgpuComputePipelineGetBindGroupLayout(p, 0);
    WGPUBuffer bufs[3] = {ba, bb, bc};
    WGPUBindGroup g = bind(l, bufs, 3);
    int reps = quick ? 2 : 5;
    double t[5];
    for (int r = 0; r < reps + 1; r++) {
        double t0 = now();
        WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(device, NULL);
        WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(enc, NULL);
        wgpuComputePassEncoderSetPipeline(pass, p);
        wgpuComputePassEncoderSetBindGroup(pass, 0, g, 0, NULL);
        wgpuComputePassEncoderDispatchWorkgroups(pass, n / 16, n / 16, 1);
        wgpuComputePassEncoderEnd(pass);
        wgpuComputePassEncoderRelease(pass);
        wgpuCommandEncoderCopyBufferToBuffer(enc, bc, 0, rb, 0, 4);
        submit(enc);
        map_read(rb, 4);
        wgpuBufferUnmap(rb);
        if (r > 0) t[r - 1] = now() - t0; /* the first run warms up */
    }
    /* Check sampled entries against the CPU. */
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(device, NULL);
    wgpuCommandEncoderCopyBufferToBuffer(enc, bc, 0, rb, 0, bytes);
    submit(enc);
    map_read(rb, bytes);
    const float *out = wgpuBufferGetConstMappedRange(rb, 0, bytes);
    for (int s = 0; s < 64; s++) {
        uint32_t i = (uint32_t)((s * 2654435761u) % n), j = (uint32_t)((s * 40503u + 17) % n);
        double want = 0;
        for (uint32_t k = 0; k < n; k++) want += (double)a[(size_t)i * n + k] * b[(size_t)k * n + j];
        if (!out || fabs(out[(size_t)i * n + j] - want) > 1e-3 * (fabs(want) + 1)) fail("matmul: wrong result");
    }
    wgpuBufferUnmap(rb);
    printf("matmul_%u %.1f GFLOP/s\n", n, 2.0 * n * n * n / median(t, reps) / 1e9);
    wgpuBindGroupRelease(g);
    wgpuBindGroupLayoutRelease(l);
    wgpuComputePipelineRelease(p);
    wgpuShaderModuleRelease(m);
    wgpuBufferRelease(rb);
    wgpuBufferRelease(bc);
    wgpuBufferRelease(bb);
    wgpuBufferRelease(ba);
    free(a);
    free(b);
}

/* 7. Encode scaling: threads each encode their own pass of dispatches. */
typedef struct {
    WGPUComputePipeline p;
    WGPUBindGroup g;
    int n;
    WGPUCommandBuffer out;
} EncodeJob;

static void *encode_job(void *arg) {
    EncodeJob *j = arg;
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(device, NULL);
    WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(enc, NULL);
    wgpuComputePassEncoderSetPipeline(pass, j->p);
    for (int i = 0; i < j->n; i++) {
        wgpuComputePassEncoderSetBindGroup(pass, 0, j->g, 0, NULL);
        wgpuComputePassEncoderDispatchWorkgroups(pass, 1, 1, 1);
    }
    wgpuComputePassEncoderEnd(pass);
    wgpuComputePassEncoderRelease(pass);
    j->out = wgpuCommandEncoderFinish(enc, NULL);
    wgpuCommandEncoderRelease(enc);
    return NULL;
}

static void bench_scaling(void) {
    WGPUShaderModule m = module(SEED);
    WGPUComputePipeline p = pipeline(m, "main");
    WGPUBindGroupLayout l = wgpuComputePipelineGetBindGroupLayout(p, 0);
    WGPUBuffer storage = buffer(64, WGPUBufferUsage_Storage);
    WGPUBindGroup g = bind(l, &storage, 1);
    const int per_thread = quick ? 2000 : 10000;
    for (int threads = 1; threads <= 8; threads *= 2) {
        double t[5];
        for (int r = 0; r < 5; r++) {
            EncodeJob jobs[8];
            pthread_t tid[8];
            double t0 = now();
            for (int i = 0; i < threads; i++) {
                jobs[i] = (EncodeJob){p, g, per_thread, NULL};
                pthread_create(&tid[i], NULL, encode_job, &jobs[i]);
            }
            for (int i = 0; i < threads; i++) pthread_join(tid[i], NULL);
            t[r] = (now() - t0) / (threads * per_thread);
            for (int i = 0; i < threads; i++) wgpuCommandBufferRelease(jobs[i].out);
        }
        printf("encode_threads_%d %.1f ns\n", threads, median(t, 5) * 1e9);
    }
    wgpuBindGroupRelease(g);
    wgpuBufferRelease(storage);
    wgpuBindGroupLayoutRelease(l);
    wgpuComputePipelineRelease(p);
    wgpuShaderModuleRelease(m);
}

int main(int argc, char **argv) {
    int big = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick")) quick = 1;
        if (!strcmp(argv[i], "--big")) big = 1;
        if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
    }
    instance = wgpuCreateInstance(NULL);
    if (!instance) fail("no instance");
    atomic_int got = 0;
    WGPURequestAdapterOptions opts = WGPU_REQUEST_ADAPTER_OPTIONS_INIT;
    opts.powerPreference = WGPUPowerPreference_HighPerformance;
    WGPURequestAdapterCallbackInfo acb = WGPU_REQUEST_ADAPTER_CALLBACK_INFO_INIT;
    acb.mode = WGPUCallbackMode_AllowProcessEvents;
    acb.callback = on_adapter;
    acb.userdata1 = &got;
    wgpuInstanceRequestAdapter(instance, &opts, acb);
    pump(&got);
    if (!adapter) fail("no adapter");
    WGPUAdapterInfo info = WGPU_ADAPTER_INFO_INIT;
    wgpuAdapterGetInfo(adapter, &info);
    printf("adapter %.*s backend %d type %d\n", (int)info.device.length, info.device.data, (int)info.backendType,
           (int)info.adapterType);
    if (info.backendType == WGPUBackendType_Null) fail("only a null adapter here: nothing to measure");
    got = 0;
    WGPUDeviceDescriptor dd = WGPU_DEVICE_DESCRIPTOR_INIT;
    dd.uncapturedErrorCallbackInfo.callback = on_error;
    WGPURequestDeviceCallbackInfo dcb = WGPU_REQUEST_DEVICE_CALLBACK_INFO_INIT;
    dcb.mode = WGPUCallbackMode_AllowProcessEvents;
    dcb.callback = on_device;
    dcb.userdata1 = &got;
    wgpuAdapterRequestDevice(adapter, &dd, dcb);
    pump(&got);
    if (!device) fail("no device");
    queue = wgpuDeviceGetQueue(device);

    if (wanted("roundtrip")) bench_roundtrip();
    if (wanted("encode")) bench_encode();
    if (wanted("churn")) bench_churn();
    if (wanted("bandwidth")) bench_bandwidth();
    if (wanted("pipeline")) bench_pipeline();
    if (wanted("matmul")) bench_matmul(1024);
    if (wanted("matmul") && big) bench_matmul(4096);
    if (wanted("scaling")) bench_scaling();
    fflush(stdout);
    /* Peers differ in what they free at exit; the figures are out, so leave. */
    _exit(0);
}
