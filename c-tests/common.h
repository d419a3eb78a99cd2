/* Shared helpers for the C tests: checks, a device on the first adapter, waiting,
 * and a count of every callback registered and fired, so each test can assert that
 * every future fired exactly once. */
#ifndef WEBGPU_SHIM_TEST_COMMON_H
#define WEBGPU_SHIM_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>

#include "webgpu/webgpu.h"
#include "webgpu/webgpu_shim.h"

static int test_failures;
static int futures_expected;
static int callbacks_fired;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            test_failures++;                                                     \
        }                                                                        \
    } while (0)

static WGPUStringView sv(const char *s) {
    WGPUStringView v = {s, WGPU_STRLEN};
    return v;
}

static int sv_contains(WGPUStringView v, const char *needle) {
    size_t n = strlen(needle);
    size_t len = v.length == WGPU_STRLEN ? (v.data ? strlen(v.data) : 0) : v.length;
    if (!v.data) return 0;
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(v.data + i, needle, n) == 0) return 1;
    return 0;
}

/* The log channel: errors the library logs where no device is reachable. Tests that
 * want them install on_log with wgpuShimSetLogCallback. */
static char last_log[4096];
static int logged_errors;

static void copy_message(char *dst, size_t cap, WGPUStringView m);

static void on_log(WGPUShimLogLevel level, WGPUStringView message, void *userdata) {
    (void)userdata;
    if (level == WGPUShimLogLevel_Error) {
        logged_errors++;
        copy_message(last_log, sizeof last_log, message);
    }
}

static void log_reset(void) {
    logged_errors = 0;
    last_log[0] = 0;
}

/* Whether an error containing `needle` was logged (says what was, if not). */
static int logged(const char *needle) {
    if (logged_errors == 0 || !strstr(last_log, needle)) {
        printf("    expected a logged error containing \"%s\", got %d: %s\n", needle, logged_errors, last_log);
        return 0;
    }
    return 1;
}

typedef struct {
    WGPUInstance instance;
    WGPUAdapter adapter;
    WGPUDevice device;
    WGPUQueue queue;
    /* Errors that reached the uncaptured-error callback. */
    int uncaptured_count;
    WGPUErrorType uncaptured_type;
    char uncaptured_message[4096];
} Ctx;

static void copy_message(char *dst, size_t cap, WGPUStringView m) {
    size_t len = m.length == WGPU_STRLEN ? (m.data ? strlen(m.data) : 0) : m.length;
    if (len >= cap) len = cap - 1;
    if (m.data) memcpy(dst, m.data, len);
    dst[len] = 0;
}

static void on_uncaptured(const WGPUDevice *device, WGPUErrorType type, WGPUStringView message, void *u1, void *u2) {
    (void)device; (void)u2;
    Ctx *ctx = (Ctx *)u1;
    ctx->uncaptured_count++;
    ctx->uncaptured_type = type;
    copy_message(ctx->uncaptured_message, sizeof ctx->uncaptured_message, message);
}

static void on_adapter(WGPURequestAdapterStatus status, WGPUAdapter adapter, WGPUStringView message, void *u1, void *u2) {
    (void)u2;
    callbacks_fired++;
    if (status != WGPURequestAdapterStatus_Success)
        fprintf(stderr, "no adapter: %.*s\n", (int)message.length, message.data);
    *(WGPUAdapter *)u1 = adapter;
}

static void on_device(WGPURequestDeviceStatus status, WGPUDevice device, WGPUStringView message, void *u1, void *u2) {
    (void)u2;
    callbacks_fired++;
    if (status != WGPURequestDeviceStatus_Success)
        fprintf(stderr, "no device: %.*s\n", (int)message.length, message.data);
    *(WGPUDevice *)u1 = device;
}

static int lost_fired;
static WGPUDeviceLostReason lost_reason;
static char lost_message[1024];
static void on_lost(const WGPUDevice *device, WGPUDeviceLostReason reason, WGPUStringView message, void *u1, void *u2) {
    (void)device; (void)u1; (void)u2;
    callbacks_fired++;
    lost_fired++;
    lost_reason = reason;
    copy_message(lost_message, sizeof lost_message, message);
}

/* Waits for one future, for ever. */
static void wait_for(Ctx *ctx, WGPUFuture future) {
    WGPUFutureWaitInfo info = {future, 0};
    WGPUWaitStatus s = wgpuInstanceWaitAny(ctx->instance, 1, &info, UINT64_MAX);
    CHECK(s == WGPUWaitStatus_Success);
    CHECK(info.completed);
}

static int setup(Ctx *ctx) {
    memset(ctx, 0, sizeof *ctx);
    WGPUInstanceFeatureName features[] = {WGPUInstanceFeatureName_TimedWaitAny};
    WGPUInstanceDescriptor idesc = WGPU_INSTANCE_DESCRIPTOR_INIT;
    idesc.requiredFeatureCount = 1;
    idesc.requiredFeatures = features;
    ctx->instance = wgpuCreateInstance(&idesc);
    if (!ctx->instance) return 0;

    WGPURequestAdapterCallbackInfo acb = WGPU_REQUEST_ADAPTER_CALLBACK_INFO_INIT;
    acb.mode = WGPUCallbackMode_WaitAnyOnly;
    acb.callback = on_adapter;
    acb.userdata1 = &ctx->adapter;
    futures_expected++;
    wait_for(ctx, wgpuInstanceRequestAdapter(ctx->instance, NULL, acb));
    if (!ctx->adapter) return 0;

    WGPUDeviceDescriptor ddesc = WGPU_DEVICE_DESCRIPTOR_INIT;
    ddesc.uncapturedErrorCallbackInfo.callback = on_uncaptured;
    ddesc.uncapturedErrorCallbackInfo.userdata1 = ctx;
    ddesc.deviceLostCallbackInfo.mode = WGPUCallbackMode_AllowSpontaneous;
    ddesc.deviceLostCallbackInfo.callback = on_lost;
    futures_expected++; /* the lost callback fires when the device goes away */
    WGPURequestDeviceCallbackInfo dcb = WGPU_REQUEST_DEVICE_CALLBACK_INFO_INIT;
    dcb.mode = WGPUCallbackMode_AllowProcessEvents;
    dcb.callback = on_device;
    dcb.userdata1 = &ctx->device;
    futures_expected++;
    wait_for(ctx, wgpuAdapterRequestDevice(ctx->adapter, &ddesc, dcb));
    if (!ctx->device) return 0;
    ctx->queue = wgpuDeviceGetQueue(ctx->device);
    return 1;
}

static void teardown(Ctx *ctx) {
    wgpuQueueRelease(ctx->queue);
    wgpuDeviceRelease(ctx->device);
    wgpuAdapterRelease(ctx->adapter);
    wgpuInstanceRelease(ctx->instance);
}

/* Ends a test: every registered future fired exactly once, and no failed check. */
static int finish(const char *name) {
    CHECK(lost_fired == 1);
    if (callbacks_fired != futures_expected) {
        fprintf(stderr, "%s: %d callbacks fired for %d futures\n", name, callbacks_fired, futures_expected);
        test_failures++;
    }
    printf("%s: %d futures, each fired once; %s\n", name, futures_expected, test_failures ? "FAILED" : "ok");
    return test_failures ? 1 : 0;
}

/* Map callbacks store their status here. */
typedef struct {
    WGPUMapAsyncStatus status;
    char message[1024];
    int fired;
} MapResult;

static void on_map(WGPUMapAsyncStatus status, WGPUStringView message, void *u1, void *u2) {
    (void)u2;
    MapResult *r = (MapResult *)u1;
    callbacks_fired++;
    r->fired++;
    r->status = status;
    copy_message(r->message, sizeof r->message, message);
}

static WGPUFuture map_buffer(WGPUBuffer buffer, WGPUMapMode mode, size_t offset, size_t size, MapResult *r) {
    WGPUBufferMapCallbackInfo cb = WGPU_BUFFER_MAP_CALLBACK_INFO_INIT;
    cb.mode = WGPUCallbackMode_AllowProcessEvents;
    cb.callback = on_map;
    cb.userdata1 = r;
    futures_expected++;
    return wgpuBufferMapAsync(buffer, mode, offset, size, cb);
}

typedef struct {
    WGPUPopErrorScopeStatus status;
    WGPUErrorType type;
    char message[4096];
} ScopeResult;

static void on_pop(WGPUPopErrorScopeStatus status, WGPUErrorType type, WGPUStringView message, void *u1, void *u2) {
    (void)u2;
    ScopeResult *r = (ScopeResult *)u1;
    callbacks_fired++;
    r->status = status;
    r->type = type;
    copy_message(r->message, sizeof r->message, message);
}

/* Pops the innermost error scope and waits for its result. */
static ScopeResult pop_scope(Ctx *ctx) {
    ScopeResult r;
    memset(&r, 0, sizeof r);
    WGPUPopErrorScopeCallbackInfo cb = WGPU_POP_ERROR_SCOPE_CALLBACK_INFO_INIT;
    cb.mode = WGPUCallbackMode_WaitAnyOnly;
    cb.callback = on_pop;
    cb.userdata1 = &r;
    futures_expected++;
    wait_for(ctx, wgpuDevicePopErrorScope(ctx->device, cb));
    return r;
}

static WGPUShaderModule wgsl_module(Ctx *ctx, const char *code) {
    WGPUShaderSourceWGSL src = WGPU_SHADER_SOURCE_WGSL_INIT;
    src.code = sv(code);
    WGPUShaderModuleDescriptor desc = WGPU_SHADER_MODULE_DESCRIPTOR_INIT;
    desc.nextInChain = &src.chain;
    return wgpuDeviceCreateShaderModule(ctx->device, &desc);
}

static WGPUBuffer make_buffer(Ctx *ctx, uint64_t size, WGPUBufferUsage usage, int mapped) {
    WGPUBufferDescriptor desc = WGPU_BUFFER_DESCRIPTOR_INIT;
    desc.size = size;
    desc.usage = usage;
    desc.mappedAtCreation = mapped ? WGPU_TRUE : WGPU_FALSE;
    return wgpuDeviceCreateBuffer(ctx->device, &desc);
}

/* Runs `pipeline` once as `groups` workgroups, its group 0 binding 0 a storage buffer
 * of `words` u32 (first written from `init` where not NULL, zero otherwise), and
 * copies the buffer to `out`. Returns the readback's map status. */
static WGPUMapAsyncStatus dispatch_and_read(Ctx *c, WGPUComputePipeline pipeline, uint32_t groups,
                                            const uint32_t *init, uint32_t words, uint32_t *out) {
    size_t size = (size_t)words * 4;
    WGPUBuffer storage = make_buffer(c, size, WGPUBufferUsage_Storage | WGPUBufferUsage_CopySrc | WGPUBufferUsage_CopyDst, 0);
    WGPUBuffer readback = make_buffer(c, size, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    if (init) wgpuQueueWriteBuffer(c->queue, storage, 0, init, size);
    WGPUBindGroupLayout layout = wgpuComputePipelineGetBindGroupLayout(pipeline, 0);
    WGPUBindGroupEntry entry = WGPU_BIND_GROUP_ENTRY_INIT;
    entry.buffer = storage;
    entry.size = size;
    WGPUBindGroupDescriptor bd = WGPU_BIND_GROUP_DESCRIPTOR_INIT;
    bd.layout = layout;
    bd.entryCount = 1;
    bd.entries = &entry;
    WGPUBindGroup group = wgpuDeviceCreateBindGroup(c->device, &bd);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(c->device, NULL);
    WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(enc, NULL);
    wgpuComputePassEncoderSetPipeline(pass, pipeline);
    wgpuComputePassEncoderSetBindGroup(pass, 0, group, 0, NULL);
    wgpuComputePassEncoderDispatchWorkgroups(pass, groups, 1, 1);
    wgpuComputePassEncoderEnd(pass);
    wgpuCommandEncoderCopyBufferToBuffer(enc, storage, 0, readback, 0, size);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(c->queue, 1, &cb);
    MapResult r;
    memset(&r, 0, sizeof r);
    wait_for(c, map_buffer(readback, WGPUMapMode_Read, 0, size, &r));
    if (r.status == WGPUMapAsyncStatus_Success) {
        memcpy(out, wgpuBufferGetConstMappedRange(readback, 0, size), size);
        wgpuBufferUnmap(readback);
    }
    wgpuCommandBufferRelease(cb);
    wgpuComputePassEncoderRelease(pass);
    wgpuCommandEncoderRelease(enc);
    wgpuBindGroupRelease(group);
    wgpuBindGroupLayoutRelease(layout);
    wgpuBufferRelease(readback);
    wgpuBufferRelease(storage);
    return r.status;
}

/* Copies the first `depth` slices (or layers) of mip level 0 of a texture with 4-byte
 * texels, `w` x `h` each, into `out` (w * h * depth texels, rows packed) through a
 * buffer. Returns the readback's map status. */
static WGPUMapAsyncStatus read_texels(Ctx *ctx, WGPUTexture tex, uint32_t w, uint32_t h, uint32_t depth, uint32_t *out) {
    uint32_t pitch = (w * 4 + 255) / 256 * 256;
    size_t size = (size_t)pitch * h * depth;
    WGPUBuffer buf = make_buffer(ctx, size, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx->device, NULL);
    WGPUTexelCopyTextureInfo src = WGPU_TEXEL_COPY_TEXTURE_INFO_INIT;
    src.texture = tex;
    WGPUTexelCopyBufferInfo dst = WGPU_TEXEL_COPY_BUFFER_INFO_INIT;
    dst.buffer = buf;
    dst.layout.bytesPerRow = pitch;
    dst.layout.rowsPerImage = h;
    WGPUExtent3D extent = {w, h, depth};
    wgpuCommandEncoderCopyTextureToBuffer(enc, &src, &dst, &extent);
    WGPUCommandBuffer cmd = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(ctx->queue, 1, &cmd);
    MapResult m;
    memset(&m, 0, sizeof m);
    wait_for(ctx, map_buffer(buf, WGPUMapMode_Read, 0, WGPU_WHOLE_MAP_SIZE, &m));
    const uint8_t *p = wgpuBufferGetConstMappedRange(buf, 0, size);
    for (uint32_t row = 0; p && row < h * depth; row++) memcpy(out + (size_t)row * w, p + (size_t)row * pitch, w * 4);
    if (p) wgpuBufferUnmap(buf);
    wgpuCommandBufferRelease(cmd);
    wgpuCommandEncoderRelease(enc);
    wgpuBufferRelease(buf);
    return m.status;
}

/* Whether this runs under valgrind, where everything is many times slower (time limits
 * are not checked there, and large inputs are made smaller). */
static int under_valgrind(void) {
    const char *preload = getenv("LD_PRELOAD");
    return preload && strstr(preload, "vgpreload");
}

/* Monotonic time in seconds. */
static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- a shader module's compilation info ---- */

typedef struct {
    WGPUCompilationInfoRequestStatus status;
    size_t count;
    WGPUCompilationMessageType type;
    uint64_t line, pos, offset, length;
    char message[1024];
} InfoResult;

static void on_compilation_info(WGPUCompilationInfoRequestStatus status, const struct WGPUCompilationInfo *info, void *u1, void *u2) {
    (void)u2;
    InfoResult *r = (InfoResult *)u1;
    callbacks_fired++;
    r->status = status;
    r->count = info ? info->messageCount : 0;
    if (r->count) {
        r->type = info->messages[0].type;
        r->line = info->messages[0].lineNum;
        r->pos = info->messages[0].linePos;
        r->offset = info->messages[0].offset;
        r->length = info->messages[0].length;
        copy_message(r->message, sizeof r->message, info->messages[0].message);
    }
}

static InfoResult compilation_info(Ctx *ctx, WGPUShaderModule m) {
    InfoResult r;
    memset(&r, 0, sizeof r);
    WGPUCompilationInfoCallbackInfo cb = WGPU_COMPILATION_INFO_CALLBACK_INFO_INIT;
    cb.mode = WGPUCallbackMode_AllowProcessEvents;
    cb.callback = on_compilation_info;
    cb.userdata1 = &r;
    futures_expected++;
    wait_for(ctx, wgpuShaderModuleGetCompilationInfo(m, cb));
    return r;
}

#endif
