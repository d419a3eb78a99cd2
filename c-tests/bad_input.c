/* Bad input never takes the host down: each case feeds one kind of bad input and
 * checks that the host gets a clear error through the spec's channel (an error
 * scope, a callback status, a failure return value) or, where no device is
 * reachable, a log record at level Error, and nothing else.
 *
 * Usage: bad_input            run every case
 *        bad_input --table    print the cases as the markdown table in BAD_INPUT.md */
#include "common.h"

#include <pthread.h>

/* ---- the error-scope channel --------------------------------------------------- */

static Ctx *C;

static void scope(void) {
    wgpuDevicePushErrorScope(C->device, WGPUErrorFilter_Validation);
}

static int scoped(WGPUErrorType type, const char *needle) {
    ScopeResult r = pop_scope(C);
    if (r.status != WGPUPopErrorScopeStatus_Success || r.type != type || !strstr(r.message, needle)) {
        printf("    expected error type %d containing \"%s\", got type %d: %s\n", type, needle, r.type, r.message);
        return 0;
    }
    return 1;
}

static int validation(const char *needle) {
    return scoped(WGPUErrorType_Validation, needle);
}

/* The scope caught nothing. */
static int validation_free(void) {
    ScopeResult r = pop_scope(C);
    if (r.status != WGPUPopErrorScopeStatus_Success || r.type != WGPUErrorType_NoError) {
        printf("    expected no error, got type %d: %s\n", r.type, r.message);
        return 0;
    }
    return 1;
}

/* ---- helpers ------------------------------------------------------------------- */

static WGPUBuffer buffer(uint64_t size, WGPUBufferUsage usage) {
    return make_buffer(C, size, usage, 0);
}

/* A handle of the right type that was released. */
static WGPUBuffer released_buffer(void) {
    WGPUBuffer b = buffer(16, WGPUBufferUsage_Storage);
    wgpuBufferRelease(b);
    return b;
}

static WGPUShaderModule compute_module(void) {
    return wgsl_module(C, "@group(0) @binding(0) var<storage, read_write> d: array<u32>;\n"
                          "@compute @workgroup_size(1) fn main() { d[0] = 1u; }\n");
}

static WGPUBindGroupLayout storage_layout(void) {
    WGPUBindGroupLayoutEntry e = WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT;
    e.binding = 0;
    e.visibility = WGPUShaderStage_Compute;
    e.buffer.type = WGPUBufferBindingType_Storage;
    WGPUBindGroupLayoutDescriptor d = WGPU_BIND_GROUP_LAYOUT_DESCRIPTOR_INIT;
    d.entryCount = 1;
    d.entries = &e;
    return wgpuDeviceCreateBindGroupLayout(C->device, &d);
}

static WGPUBindGroup bind_buffer(WGPUBindGroupLayout layout, WGPUBuffer b) {
    WGPUBindGroupEntry e = WGPU_BIND_GROUP_ENTRY_INIT;
    e.binding = 0;
    e.buffer = b;
    WGPUBindGroupDescriptor d = WGPU_BIND_GROUP_DESCRIPTOR_INIT;
    d.layout = layout;
    d.entryCount = 1;
    d.entries = &e;
    return wgpuDeviceCreateBindGroup(C->device, &d);
}

static void submit_encoder(WGPUCommandEncoder enc) {
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(C->queue, 1, &cb);
    wgpuCommandBufferRelease(cb);
    wgpuCommandEncoderRelease(enc);
}

static MapResult map_and_wait(WGPUBuffer b, WGPUMapMode mode, size_t offset, size_t size) {
    MapResult m = {0};
    wait_for(C, map_buffer(b, mode, offset, size, &m));
    return m;
}

static WGPUTexture texture2d(WGPUTextureFormat format, uint32_t w, uint32_t h, WGPUTextureUsage usage) {
    WGPUTextureDescriptor d = WGPU_TEXTURE_DESCRIPTOR_INIT;
    d.size = (WGPUExtent3D){w, h, 1};
    d.format = format;
    d.usage = usage;
    return wgpuDeviceCreateTexture(C->device, &d);
}

#define GARBAGE(type) ((type)(uintptr_t)0xdeadbeefcafeull)

/* ---- the cases ----------------------------------------------------------------- */

/* Instance and adapter: no device is reachable, so these are logged. */

static int null_instance_process_events(void) {
    wgpuInstanceProcessEvents(NULL);
    return logged("WGPUInstance is NULL");
}

static int garbage_instance_request_adapter(void) {
    WGPURequestAdapterCallbackInfo cb = WGPU_REQUEST_ADAPTER_CALLBACK_INFO_INIT;
    cb.mode = WGPUCallbackMode_AllowSpontaneous;
    WGPUFuture f = wgpuInstanceRequestAdapter(GARBAGE(WGPUInstance), NULL, cb);
    return f.id == 0 && logged("is not a live WGPUInstance");
}

static int unknown_instance_feature(void) {
    WGPUInstanceFeatureName f = (WGPUInstanceFeatureName)0x7777;
    WGPUInstanceDescriptor d = WGPU_INSTANCE_DESCRIPTOR_INIT;
    d.requiredFeatureCount = 1;
    d.requiredFeatures = &f;
    return wgpuCreateInstance(&d) == NULL && logged("0x7777 is not a supported WGPUInstanceFeatureName");
}

static int instance_limit_too_high(void) {
    WGPUInstanceLimits l = WGPU_INSTANCE_LIMITS_INIT;
    l.timedWaitAnyMaxCount = 1000000;
    WGPUInstanceDescriptor d = WGPU_INSTANCE_DESCRIPTOR_INIT;
    d.requiredLimits = &l;
    return wgpuCreateInstance(&d) == NULL && logged("timedWaitAnyMaxCount 1000000");
}

static int instance_unknown_stype(void) {
    WGPUChainedStruct bogus = {NULL, (WGPUSType)0x4242};
    WGPUInstanceDescriptor d = WGPU_INSTANCE_DESCRIPTOR_INIT;
    d.nextInChain = &bogus;
    return wgpuCreateInstance(&d) == NULL && logged("unknown sType 0x4242");
}

static int instance_misplaced_stype(void) {
    WGPUShaderSourceWGSL wgsl = WGPU_SHADER_SOURCE_WGSL_INIT;
    WGPUInstanceDescriptor d = WGPU_INSTANCE_DESCRIPTOR_INIT;
    d.nextInChain = &wgsl.chain;
    return wgpuCreateInstance(&d) == NULL && logged("WGPUSType_ShaderSourceWGSL cannot be chained here");
}

static int wait_any_null_futures(void) {
    return wgpuInstanceWaitAny(C->instance, 2, NULL, 0) == WGPUWaitStatus_Error && logged("futures is NULL");
}

static int wait_any_too_many(void) {
    WGPUFutureWaitInfo infos[100];
    memset(infos, 0, sizeof infos);
    return wgpuInstanceWaitAny(C->instance, 100, infos, 10) == WGPUWaitStatus_Error &&
           logged("above timedWaitAnyMaxCount");
}

static int wait_any_unknown_future(void) {
    WGPUFutureWaitInfo w = {{987654321}, 0};
    return wgpuInstanceWaitAny(C->instance, 1, &w, 0) == WGPUWaitStatus_Error && !w.completed &&
           logged("was not made by this instance");
}

static int adapter_limits_null(void) {
    return wgpuAdapterGetLimits(C->adapter, NULL) == WGPUStatus_Error;
}

static int adapter_info_chained(void) {
    WGPUChainedStruct bogus = {NULL, (WGPUSType)0x4242};
    WGPUAdapterInfo info = WGPU_ADAPTER_INFO_INIT;
    info.nextInChain = &bogus;
    return wgpuAdapterGetInfo(C->adapter, &info) == WGPUStatus_Error;
}

typedef struct {
    int status;
    void *object;
    char message[1024];
} Request;

static void on_request_adapter(WGPURequestAdapterStatus s, WGPUAdapter a, WGPUStringView m, void *u1, void *u2) {
    (void)u2;
    Request *r = u1;
    r->status = (int)s;
    r->object = a;
    copy_message(r->message, sizeof r->message, m);
}

static void on_request_device(WGPURequestDeviceStatus s, WGPUDevice d, WGPUStringView m, void *u1, void *u2) {
    (void)u2;
    Request *r = u1;
    r->status = (int)s;
    r->object = d;
    copy_message(r->message, sizeof r->message, m);
}

static Request request_adapter(const WGPURequestAdapterOptions *o) {
    Request r = {0};
    WGPURequestAdapterCallbackInfo cb = WGPU_REQUEST_ADAPTER_CALLBACK_INFO_INIT;
    cb.mode = WGPUCallbackMode_AllowSpontaneous;
    cb.callback = on_request_adapter;
    cb.userdata1 = &r;
    wgpuInstanceRequestAdapter(C->instance, o, cb);
    return r;
}

static Request request_device(const WGPUDeviceDescriptor *d) {
    Request r = {0};
    WGPURequestDeviceCallbackInfo cb = WGPU_REQUEST_DEVICE_CALLBACK_INFO_INIT;
    cb.mode = WGPUCallbackMode_AllowSpontaneous;
    cb.callback = on_request_device;
    cb.userdata1 = &r;
    wgpuAdapterRequestDevice(C->adapter, d, cb);
    return r;
}

static int adapter_unknown_backend(void) {
    WGPURequestAdapterOptions o = WGPU_REQUEST_ADAPTER_OPTIONS_INIT;
    o.backendType = (WGPUBackendType)0x99;
    Request r = request_adapter(&o);
    return r.status == WGPURequestAdapterStatus_Error && !r.object && strstr(r.message, "0x99 is not a valid WGPUBackendType");
}

static int adapter_unknown_power_preference(void) {
    WGPURequestAdapterOptions o = WGPU_REQUEST_ADAPTER_OPTIONS_INIT;
    o.powerPreference = (WGPUPowerPreference)0x55;
    Request r = request_adapter(&o);
    return r.status == WGPURequestAdapterStatus_Error && strstr(r.message, "WGPUPowerPreference");
}

static int device_unknown_feature(void) {
    WGPUFeatureName f = (WGPUFeatureName)0x1234;
    WGPUDeviceDescriptor d = WGPU_DEVICE_DESCRIPTOR_INIT;
    d.requiredFeatureCount = 1;
    d.requiredFeatures = &f;
    Request r = request_device(&d);
    return r.status == WGPURequestDeviceStatus_Error && !r.object && strstr(r.message, "0x1234 is not a valid WGPUFeatureName");
}

static int device_limit_above_adapter(void) {
    WGPULimits l = WGPU_LIMITS_INIT;
    l.maxBindGroups = 1000000;
    WGPUDeviceDescriptor d = WGPU_DEVICE_DESCRIPTOR_INIT;
    d.requiredLimits = &l;
    Request r = request_device(&d);
    return r.status == WGPURequestDeviceStatus_Error && !r.object && strstr(r.message, "max_bind_groups");
}

static int device_bad_lost_mode(void) {
    WGPUDeviceDescriptor d = WGPU_DEVICE_DESCRIPTOR_INIT;
    d.deviceLostCallbackInfo.mode = (WGPUCallbackMode)9;
    Request r = request_device(&d);
    return r.status == WGPURequestDeviceStatus_Error && strstr(r.message, "deviceLostCallbackInfo");
}

static int adapter_use_after_release(void) {
    Request r = request_adapter(NULL);
    WGPUAdapter a = r.object;
    wgpuAdapterRelease(a);
    WGPULimits l = WGPU_LIMITS_INIT;
    return wgpuAdapterGetLimits(a, &l) == WGPUStatus_Error && logged("is not a live WGPUAdapter");
}

static int release_twice(void) {
    WGPUBuffer b = buffer(16, WGPUBufferUsage_Storage);
    wgpuBufferRelease(b);
    wgpuBufferRelease(b);
    return logged("wgpuBufferRelease: WGPUBuffer");
}

static int add_ref_released(void) {
    WGPUBuffer b = released_buffer();
    wgpuBufferAddRef(b);
    return logged("wgpuBufferAddRef");
}

static int garbage_device(void) {
    return wgpuDeviceCreateBuffer(GARBAGE(WGPUDevice), NULL) == NULL && logged("is not a live WGPUDevice");
}

static int null_device(void) {
    return wgpuDeviceCreateCommandEncoder(NULL, NULL) == NULL && logged("WGPUDevice is NULL");
}

static int wrong_type_handle(void) {
    /* A queue's handle passed where a device is expected. */
    return wgpuDeviceGetQueue((WGPUDevice)C->queue) == NULL && logged("is not a live WGPUDevice");
}

static int proc_address_bad_view(void) {
    WGPUStringView v = {NULL, 3};
    return wgpuGetProcAddress(v) == NULL && wgpuGetProcAddress(sv("")) == NULL;
}

/* Device: validation errors through the error scopes. */

static int buffer_null_descriptor(void) {
    scope();
    WGPUBuffer b = wgpuDeviceCreateBuffer(C->device, NULL);
    return b == NULL && validation("descriptor is NULL");
}

/* A descriptor WebGPU rejects still makes an object, an invalid one, whose getters
 * report the descriptor and whose use is an error. */
static int buffer_unknown_usage(void) {
    scope();
    WGPUBuffer b = buffer(16, (WGPUBufferUsage)1 << 40);
    int ok = validation("is not a valid WGPUBufferUsage") && b != NULL;
    ok = ok && wgpuBufferGetSize(b) == 16 && wgpuBufferGetUsage(b) == (WGPUBufferUsage)1 << 40;
    if (b) {
        scope();
        MapResult m = map_and_wait(b, WGPUMapMode_Read, 0, 16);
        ok = ok && m.status == WGPUMapAsyncStatus_Error && validation("");
        wgpuBufferRelease(b);
    }
    return ok;
}

/* An invalid buffer created mappedAtCreation is mapped all the same, so a program
 * that writes its contents before it learns of the error writes to memory (as on
 * Dawn), which Unmap drops. */
static int buffer_invalid_mapped_at_creation(void) {
    scope();
    WGPUBuffer b = make_buffer(C, 64, WGPUBufferUsage_MapRead | WGPUBufferUsage_Storage, 1);
    int ok = validation("") && b != NULL;
    if (!b) return 0;
    uint32_t *p = wgpuBufferGetMappedRange(b, 0, 64);
    ok = ok && p != NULL && wgpuBufferGetMapState(b) == WGPUBufferMapState_Mapped;
    if (p) {
        for (int i = 0; i < 16; i++) p[i] = 0xabcd0000u + i;
    }
    uint32_t back[2] = {0, 0};
    ok = ok && wgpuBufferReadMappedRange(b, 56, back, 8) == WGPUStatus_Success && back[0] == 0xabcd000eu &&
         back[1] == 0xabcd000fu;
    scope();
    wgpuBufferUnmap(b);
    ok = ok && validation_free() && wgpuBufferGetMapState(b) == WGPUBufferMapState_Unmapped &&
         wgpuBufferGetMappedRange(b, 0, 64) == NULL;
    wgpuBufferRelease(b);
    return ok;
}

static int buffer_huge(void) {
    scope();
    WGPUBuffer b = buffer(9007199254740991ull, WGPUBufferUsage_Storage);
    int ok = validation("9007199254740991");
    wgpuBufferRelease(b);
    return ok;
}

static int buffer_map_read_storage(void) {
    scope();
    WGPUBuffer b = buffer(16, WGPUBufferUsage_MapRead | WGPUBufferUsage_Storage);
    int ok = validation("MAP_READ");
    wgpuBufferRelease(b);
    return ok;
}

static int buffer_mapped_unaligned(void) {
    scope();
    WGPUBuffer b = make_buffer(C, 6, WGPUBufferUsage_CopySrc, 1);
    int ok = validation("COPY_BUFFER_ALIGNMENT");
    wgpuBufferRelease(b);
    return ok;
}

static int label_length_without_data(void) {
    WGPUBufferDescriptor d = WGPU_BUFFER_DESCRIPTOR_INIT;
    d.size = 16;
    d.usage = WGPUBufferUsage_Storage;
    d.label.data = NULL;
    d.label.length = 5;
    scope();
    return wgpuDeviceCreateBuffer(C->device, &d) == NULL && validation("length 5 and NULL data");
}

static int label_invalid_utf8(void) {
    WGPUBufferDescriptor d = WGPU_BUFFER_DESCRIPTOR_INIT;
    d.size = 16;
    d.usage = WGPUBufferUsage_Storage;
    d.label.data = "\xff\xfe";
    d.label.length = 2;
    scope();
    return wgpuDeviceCreateBuffer(C->device, &d) == NULL && validation("not valid UTF-8");
}

static int label_too_long(void) {
    WGPUBufferDescriptor d = WGPU_BUFFER_DESCRIPTOR_INIT;
    d.size = 16;
    d.usage = WGPUBufferUsage_Storage;
    d.label.data = "x";
    d.label.length = (size_t)-2;
    scope();
    return wgpuDeviceCreateBuffer(C->device, &d) == NULL && validation("too large");
}

static int bool_not_0_or_1(void) {
    WGPUBufferDescriptor d = WGPU_BUFFER_DESCRIPTOR_INIT;
    d.size = 16;
    d.usage = WGPUBufferUsage_CopySrc;
    d.mappedAtCreation = 2;
    scope();
    return wgpuDeviceCreateBuffer(C->device, &d) == NULL && validation("2 is not a WGPUBool");
}

static int buffer_unknown_stype(void) {
    WGPUChainedStruct bogus = {NULL, (WGPUSType)0x4343};
    WGPUBufferDescriptor d = WGPU_BUFFER_DESCRIPTOR_INIT;
    d.nextInChain = &bogus;
    d.size = 16;
    d.usage = WGPUBufferUsage_Storage;
    scope();
    return wgpuDeviceCreateBuffer(C->device, &d) == NULL && validation("unknown sType 0x4343");
}

static int buffer_misplaced_stype(void) {
    WGPUShaderSourceWGSL wgsl = WGPU_SHADER_SOURCE_WGSL_INIT;
    WGPUBufferDescriptor d = WGPU_BUFFER_DESCRIPTOR_INIT;
    d.nextInChain = &wgsl.chain;
    d.size = 16;
    d.usage = WGPUBufferUsage_Storage;
    scope();
    return wgpuDeviceCreateBuffer(C->device, &d) == NULL && validation("ShaderSourceWGSL cannot be chained here");
}

static int shader_no_source(void) {
    WGPUShaderModuleDescriptor d = WGPU_SHADER_MODULE_DESCRIPTOR_INIT;
    scope();
    return wgpuDeviceCreateShaderModule(C->device, &d) == NULL && validation("no shader source");
}

static int shader_broken_wgsl(void) {
    scope();
    WGPUShaderModule m = wgsl_module(C, "fn main( {");
    int ok = validation("expected");
    wgpuShaderModuleRelease(m);
    return ok;
}

static int shader_null_code(void) {
    WGPUShaderSourceWGSL src = WGPU_SHADER_SOURCE_WGSL_INIT;
    src.code.data = NULL;
    src.code.length = 10;
    WGPUShaderModuleDescriptor d = WGPU_SHADER_MODULE_DESCRIPTOR_INIT;
    d.nextInChain = &src.chain;
    scope();
    return wgpuDeviceCreateShaderModule(C->device, &d) == NULL && validation("NULL data");
}

static int shader_null_character(void) {
    static const char code[] = "@compute @workgroup_size(1) fn main() {} // a\0b";
    WGPUShaderSourceWGSL src = WGPU_SHADER_SOURCE_WGSL_INIT;
    src.code = (WGPUStringView){code, sizeof code - 1};
    WGPUShaderModuleDescriptor d = WGPU_SHADER_MODULE_DESCRIPTOR_INIT;
    d.nextInChain = &src.chain;
    scope();
    WGPUShaderModule m = wgpuDeviceCreateShaderModule(C->device, &d);
    int ok = validation("null character");
    wgpuShaderModuleRelease(m);
    return ok;
}

static int shader_two_sources(void) {
    WGPUShaderSourceWGSL a = WGPU_SHADER_SOURCE_WGSL_INIT, b = WGPU_SHADER_SOURCE_WGSL_INIT;
    a.code = sv("@compute @workgroup_size(1) fn main() {}");
    b.code = a.code;
    a.chain.next = &b.chain;
    WGPUShaderModuleDescriptor d = WGPU_SHADER_MODULE_DESCRIPTOR_INIT;
    d.nextInChain = &a.chain;
    scope();
    return wgpuDeviceCreateShaderModule(C->device, &d) == NULL && validation("more than one shader source");
}

static int shader_garbage_spirv(void) {
    uint32_t words[4] = {0x07230203, 0x00010000, 0, 0};
    WGPUShaderSourceSPIRV src = WGPU_SHADER_SOURCE_SPIRV_INIT;
    src.codeSize = 4;
    src.code = words;
    WGPUShaderModuleDescriptor d = WGPU_SHADER_MODULE_DESCRIPTOR_INIT;
    d.nextInChain = &src.chain;
    scope();
    WGPUShaderModule m = wgpuDeviceCreateShaderModule(C->device, &d);
    int ok = validation("");
    wgpuShaderModuleRelease(m);
    return ok;
}

/* ---- hostile shaders: generated WGSL at and beyond the shader limits ------------- */

/* A growing string. */
typedef struct {
    char *s;
    size_t len, cap;
} Text;

static void put(Text *t, const char *piece, int times) {
    size_t n = strlen(piece);
    for (int i = 0; i < times; i++) {
        if (t->len + n + 1 > t->cap) {
            t->cap = (t->len + n + 1) * 2;
            t->s = realloc(t->s, t->cap);
        }
        memcpy(t->s + t->len, piece, n);
        t->len += n;
        t->s[t->len] = 0;
    }
}

/* A compute shader whose entry point runs `body` (on line 3 of the shader), then
 * stores `result` (a u32 expression) in d[0]. Frees `body`. */
static Text shader(Text body, const char *result) {
    Text t = {0};
    put(&t, "@group(0) @binding(0) var<storage, read_write> d: array<u32>;\n", 1);
    put(&t, "@compute @workgroup_size(1) fn main() {\n", 1);
    put(&t, body.s ? body.s : "", 1);
    put(&t, "\nd[0] = ", 1);
    put(&t, result, 1);
    put(&t, ";\n}\n", 1);
    free(body.s);
    return t;
}

/* `a`, then `unit` `times` times, then `b`. */
static Text repeated(const char *a, const char *unit, int times, const char *b) {
    Text t = {0};
    put(&t, a, 1);
    put(&t, unit, times);
    put(&t, b, 1);
    return t;
}

/* Runs the entry point of `m` once and returns d[0] (0xffffffff if it could not). */
static uint32_t run_once(WGPUShaderModule m) {
    WGPUComputePipelineDescriptor pd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    pd.compute.module = m;
    pd.compute.entryPoint = sv("main");
    WGPUComputePipeline p = wgpuDeviceCreateComputePipeline(C->device, &pd);
    uint32_t value = 0xffffffffu;
    if (dispatch_and_read(C, p, 1, NULL, 1, &value) != WGPUMapAsyncStatus_Success) value = 0xffffffffu;
    wgpuComputePipelineRelease(p);
    return value;
}

/* A shader within the limits: made without error, quickly, and it computes `expected`. */
static int accepted(Text code, uint32_t expected) {
    scope();
    double start = now_seconds();
    WGPUShaderModule m = wgsl_module(C, code.s);
    uint32_t value = run_once(m);
    double took = now_seconds() - start;
    free(code.s);
    wgpuShaderModuleRelease(m);
    int ok = validation_free();
    if (value != expected) printf("    computed %u, expected %u\n", value, expected);
    if (!under_valgrind() && took > 1.0) printf("    took %.2f s\n", took);
    return ok && value == expected && (under_valgrind() || took < 1.0);
}

/* A shader beyond a limit: rejected quickly with a validation error containing
 * `needle`, whose compilation message says it at line 3 of the shader with the
 * offending token's offset and length; then the device still computes. */
static int rejected(Text code, const char *needle) {
    scope();
    double start = now_seconds();
    WGPUShaderModule m = wgsl_module(C, code.s);
    double took = now_seconds() - start;
    int ok = validation(needle);
    InfoResult info = compilation_info(C, m);
    if (info.count != 1 || info.type != WGPUCompilationMessageType_Error || !strstr(info.message, needle) ||
        info.line != 3 || info.pos == 0 || info.offset >= code.len || info.length != 1 ||
        code.s[info.offset] == ' ') {
        printf("    compilation info: %zu messages, line %llu column %llu offset %llu length %llu: %s\n",
               info.count, (unsigned long long)info.line, (unsigned long long)info.pos,
               (unsigned long long)info.offset, (unsigned long long)info.length, info.message);
        ok = 0;
    }
    free(code.s);
    wgpuShaderModuleRelease(m);
    if (!under_valgrind() && took > 1.0) {
        printf("    took %.2f s\n", took);
        ok = 0;
    }
    WGPUShaderModule good = compute_module();
    uint32_t value = run_once(good);
    wgpuShaderModuleRelease(good);
    if (value != 1) printf("    the device no longer computes (%u)\n", value);
    return ok && value == 1;
}

static int shader_operator_chain_at_limit(void) {
    return accepted(shader(repeated("var x = 1u", "+1u", 2000, ";"), "x"), 2001);
}

static int shader_operator_chain_beyond_limit(void) {
    return rejected(shader(repeated("var x = 1u", "+1u", 30000, ";"), "x"), "limit of 2048");
}

static int shader_parentheses_at_limit(void) {
    Text body = repeated("var x = ", "(", 120, "7u");
    put(&body, ")", 120);
    put(&body, ";", 1);
    return accepted(shader(body, "x"), 7);
}

static int shader_parentheses_beyond_limit(void) {
    return rejected(shader(repeated("var x = ", "(", 5000, "1u"), "0u"), "limit of 127");
}

static int shader_blocks_at_limit(void) {
    /* The function's braces and 120 more. */
    Text body = repeated("var x = 0u; ", "{ x += 1u; ", 120, "");
    put(&body, "}", 120);
    return accepted(shader(body, "x"), 120);
}

static int shader_long_function_at_limit(void) {
    /* 7 tokens a statement: about 30,000 tokens in the function. */
    return accepted(shader(repeated("var x = 0u; ", "x = x + 1u; ", 4200, ""), "x"), 4200);
}

static int shader_blocks_beyond_limit(void) {
    return rejected(shader(repeated("", "{", 5000, ""), "0u"), "limit of 127");
}

static int shader_array_types_at_limit(void) {
    /* Composite types nested 15 deep, the spec's limit. */
    Text body = repeated("var a: ", "array<", 15, "u32");
    put(&body, ", 1>", 15);
    put(&body, ";\na", 1);
    put(&body, "[0]", 15);
    put(&body, " = 5u;", 1);
    return accepted(shader(body, "a[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"), 5);
}

static int shader_array_types_beyond_limit(void) {
    return rejected(shader(repeated("var a: ", "array<", 3000, "u32"), "0u"), "limit of 2048");
}

static int shader_member_chain_beyond_limit(void) {
    return rejected(shader(repeated("var v = vec4u(1u); var x = v", ".x", 30000, ";"), "0u"), "limit of 2048");
}

static int shader_unary_chain_beyond_limit(void) {
    return rejected(shader(repeated("var b = ", "!", 30000, "true;"), "0u"), "limit of 2048");
}

static int shader_long_function_beyond_limit(void) {
    return rejected(shader(repeated("", "_ = 1;", 10000, ""), "0u"), "limit of 32768 tokens");
}

static int shader_let_chain_in_loop(void) {
    /* 64 lets, each using the one before twice, ahead of the loop's test. */
    Text body = repeated("var acc = 0u; var i = 0u; loop { let a0 = i - i + 8u; ", "", 0, "");
    for (int k = 1; k <= 64; k++) {
        char link[96];
        snprintf(link, sizeof link, "let a%d = max(a%d, a%d); ", k, k - 1, k - 1);
        put(&body, link, 1);
    }
    put(&body, "if i < a64 {} else { break; } acc += 1u; continuing { i = i + 1u; } }", 1);
    return accepted(shader(body, "acc"), 8);
}

/* An invalid bind group layout, not NULL, with a validation error containing `needle`:
 * WebGPU's createBindGroupLayout always returns a layout. */
static int invalid_layout(const WGPUBindGroupLayoutDescriptor *d, const char *needle) {
    scope();
    WGPUBindGroupLayout l = wgpuDeviceCreateBindGroupLayout(C->device, d);
    int ok = l != NULL && validation(needle);
    wgpuBindGroupLayoutRelease(l);
    return ok;
}

static int layout_two_binding_types(void) {
    WGPUBindGroupLayoutEntry e = WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT;
    e.visibility = WGPUShaderStage_Compute;
    e.buffer.type = WGPUBufferBindingType_Storage;
    e.sampler.type = WGPUSamplerBindingType_Filtering;
    WGPUBindGroupLayoutDescriptor d = WGPU_BIND_GROUP_LAYOUT_DESCRIPTOR_INIT;
    d.entryCount = 1;
    d.entries = &e;
    return invalid_layout(&d, "exactly one of buffer");
}

static int layout_unknown_binding_type(void) {
    WGPUBindGroupLayoutEntry e = WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT;
    e.visibility = WGPUShaderStage_Compute;
    e.buffer.type = (WGPUBufferBindingType)77;
    WGPUBindGroupLayoutDescriptor d = WGPU_BIND_GROUP_LAYOUT_DESCRIPTOR_INIT;
    d.entryCount = 1;
    d.entries = &e;
    return invalid_layout(&d, "WGPUBufferBindingType");
}

static int layout_duplicate_binding(void) {
    WGPUBindGroupLayoutEntry e[2] = {WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT, WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT};
    for (int i = 0; i < 2; i++) {
        e[i].binding = 3;
        e[i].visibility = WGPUShaderStage_Compute;
        e[i].buffer.type = WGPUBufferBindingType_Storage;
    }
    WGPUBindGroupLayoutDescriptor d = WGPU_BIND_GROUP_LAYOUT_DESCRIPTOR_INIT;
    d.entryCount = 2;
    d.entries = e;
    scope();
    WGPUBindGroupLayout l = wgpuDeviceCreateBindGroupLayout(C->device, &d);
    int ok = validation("3");
    wgpuBindGroupLayoutRelease(l);
    return ok;
}

static int layout_null_entries(void) {
    WGPUBindGroupLayoutDescriptor d = WGPU_BIND_GROUP_LAYOUT_DESCRIPTOR_INIT;
    d.entryCount = 3;
    d.entries = NULL;
    return invalid_layout(&d, "count is 3 but the array is NULL");
}

static int layout_unknown_visibility(void) {
    WGPUBindGroupLayoutEntry e = WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT;
    e.visibility = 0x100;
    e.buffer.type = WGPUBufferBindingType_Storage;
    WGPUBindGroupLayoutDescriptor d = WGPU_BIND_GROUP_LAYOUT_DESCRIPTOR_INIT;
    d.entryCount = 1;
    d.entries = &e;
    return invalid_layout(&d, "WGPUShaderStage");
}

static int bind_group_null_layout(void) {
    scope();
    return bind_buffer(NULL, NULL) == NULL && validation("layout: WGPUBindGroupLayout is NULL");
}

static int bind_group_released_buffer(void) {
    WGPUBindGroupLayout l = storage_layout();
    scope();
    WGPUBindGroup g = bind_buffer(l, released_buffer());
    wgpuBindGroupLayoutRelease(l);
    return g == NULL && validation("is not a live WGPUBuffer");
}

static int bind_group_garbage_buffer(void) {
    WGPUBindGroupLayout l = storage_layout();
    scope();
    WGPUBindGroup g = bind_buffer(l, GARBAGE(WGPUBuffer));
    wgpuBindGroupLayoutRelease(l);
    return g == NULL && validation("is not a live WGPUBuffer");
}

static int bind_group_wrong_type_handle(void) {
    WGPUBindGroupLayout l = storage_layout();
    WGPUSamplerDescriptor sd = WGPU_SAMPLER_DESCRIPTOR_INIT;
    WGPUSampler s = wgpuDeviceCreateSampler(C->device, &sd);
    scope();
    WGPUBindGroup g = bind_buffer(l, (WGPUBuffer)s);
    wgpuSamplerRelease(s);
    wgpuBindGroupLayoutRelease(l);
    return g == NULL && validation("is not a live WGPUBuffer");
}

static int bind_group_nothing_bound(void) {
    WGPUBindGroupLayout l = storage_layout();
    scope();
    WGPUBindGroup g = bind_buffer(l, NULL);
    wgpuBindGroupLayoutRelease(l);
    return g == NULL && validation("exactly one of buffer, sampler and textureView");
}

static int bind_group_wrong_usage(void) {
    WGPUBindGroupLayout l = storage_layout();
    WGPUBuffer b = buffer(16, WGPUBufferUsage_Uniform);
    scope();
    WGPUBindGroup g = bind_buffer(l, b);
    int ok = validation("STORAGE");
    wgpuBindGroupRelease(g);
    wgpuBufferRelease(b);
    wgpuBindGroupLayoutRelease(l);
    return ok;
}

static int pipeline_layout_released_layout(void) {
    WGPUBindGroupLayout l = storage_layout();
    wgpuBindGroupLayoutRelease(l);
    WGPUPipelineLayoutDescriptor d = WGPU_PIPELINE_LAYOUT_DESCRIPTOR_INIT;
    d.bindGroupLayoutCount = 1;
    d.bindGroupLayouts = &l;
    scope();
    return wgpuDeviceCreatePipelineLayout(C->device, &d) == NULL && validation("is not a live WGPUBindGroupLayout");
}

static int compute_missing_entry_point(void) {
    WGPUShaderModule m = compute_module();
    WGPUComputePipelineDescriptor d = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    d.compute.module = m;
    d.compute.entryPoint = sv("nope");
    scope();
    WGPUComputePipeline p = wgpuDeviceCreateComputePipeline(C->device, &d);
    int ok = validation("nope");
    wgpuComputePipelineRelease(p);
    wgpuShaderModuleRelease(m);
    return ok;
}

static int compute_null_module(void) {
    WGPUComputePipelineDescriptor d = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    scope();
    return wgpuDeviceCreateComputePipeline(C->device, &d) == NULL && validation("compute.module: WGPUShaderModule is NULL");
}

static int compute_bind_group_layout_out_of_range(void) {
    WGPUShaderModule m = compute_module();
    WGPUComputePipelineDescriptor d = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    d.compute.module = m;
    WGPUComputePipeline p = wgpuDeviceCreateComputePipeline(C->device, &d);
    scope();
    WGPUBindGroupLayout l = wgpuComputePipelineGetBindGroupLayout(p, 7);
    int ok = l == NULL && validation("7");
    wgpuComputePipelineRelease(p);
    wgpuShaderModuleRelease(m);
    return ok;
}

/* An invalid texture: made, with the error; a view of it is an error too. */
static int invalid_texture(WGPUTexture t, const char *message) {
    int ok = validation(message) && t != NULL;
    if (t) {
        scope();
        WGPUTextureView v = wgpuTextureCreateView(t, NULL);
        ok = ok && validation("");
        wgpuTextureViewRelease(v);
        ok = ok && wgpuTextureGetWidth(t) == 4;
        wgpuTextureRelease(t);
    }
    return ok;
}

static int texture_unknown_format(void) {
    scope();
    return invalid_texture(texture2d((WGPUTextureFormat)0x5555, 4, 4, WGPUTextureUsage_CopyDst),
                           "0x5555 is not a valid WGPUTextureFormat");
}

static int texture_undefined_format(void) {
    scope();
    return invalid_texture(texture2d(WGPUTextureFormat_Undefined, 4, 4, WGPUTextureUsage_CopyDst), "Undefined");
}

static int texture_zero_size(void) {
    scope();
    WGPUTexture t = texture2d(WGPUTextureFormat_RGBA8Unorm, 0, 4, WGPUTextureUsage_CopyDst);
    int ok = validation("");
    wgpuTextureRelease(t);
    return ok;
}

static int texture_unknown_usage(void) {
    scope();
    return invalid_texture(texture2d(WGPUTextureFormat_RGBA8Unorm, 4, 4, 0x10000), "WGPUTextureUsage");
}

/* A 16-bit normalized format exists only with texture-formats-tier1: the texture is
 * invalid, as is a storage texture layout entry of it, and an automatic layout for a
 * shader that declares one (the declaration itself is valid WGSL). */
static int texture_tier1_format_without_feature(void) {
    scope();
    int ok = invalid_texture(texture2d(WGPUTextureFormat_R16Unorm, 4, 4, WGPUTextureUsage_TextureBinding),
                             "R16Unorm needs the texture-formats-tier1 feature");
    WGPUBindGroupLayoutEntry e = WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT;
    e.visibility = WGPUShaderStage_Compute;
    e.storageTexture.access = WGPUStorageTextureAccess_WriteOnly;
    e.storageTexture.format = WGPUTextureFormat_RG16Snorm;
    WGPUBindGroupLayoutDescriptor ld = WGPU_BIND_GROUP_LAYOUT_DESCRIPTOR_INIT;
    ld.entryCount = 1;
    ld.entries = &e;
    scope();
    WGPUBindGroupLayout l = wgpuDeviceCreateBindGroupLayout(C->device, &ld);
    ok = validation("Rg16Snorm needs the texture-formats-tier1 feature") && l != NULL && ok;
    wgpuBindGroupLayoutRelease(l);
    scope();
    WGPUShaderModule m = wgsl_module(C, "@group(0) @binding(0) var t: texture_storage_2d<r16unorm, write>;\n"
                                        "@compute @workgroup_size(1) fn main() { textureStore(t, vec2u(), vec4f()); }\n");
    ok = validation_free() && ok;
    WGPUComputePipelineDescriptor d = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    d.compute.module = m;
    scope();
    WGPUComputePipeline p = wgpuDeviceCreateComputePipeline(C->device, &d);
    ok = validation("R16Unorm needs the texture-formats-tier1 feature") && p != NULL && ok;
    wgpuComputePipelineRelease(p);
    wgpuShaderModuleRelease(m);
    return ok;
}

static int texture_view_unknown_aspect(void) {
    WGPUTexture t = texture2d(WGPUTextureFormat_RGBA8Unorm, 4, 4, WGPUTextureUsage_TextureBinding);
    WGPUTextureViewDescriptor d = WGPU_TEXTURE_VIEW_DESCRIPTOR_INIT;
    d.aspect = (WGPUTextureAspect)0x66;
    scope();
    WGPUTextureView v = wgpuTextureCreateView(t, &d);
    wgpuTextureRelease(t);
    return v == NULL && validation("WGPUTextureAspect");
}

static int texture_use_after_destroy(void) {
    WGPUTexture t = texture2d(WGPUTextureFormat_RGBA8Unorm, 4, 4, WGPUTextureUsage_CopySrc);
    WGPUBuffer b = buffer(256 * 4, WGPUBufferUsage_CopyDst);
    wgpuTextureDestroy(t);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    WGPUTexelCopyTextureInfo src = WGPU_TEXEL_COPY_TEXTURE_INFO_INIT;
    src.texture = t;
    WGPUTexelCopyBufferInfo dst = WGPU_TEXEL_COPY_BUFFER_INFO_INIT;
    dst.buffer = b;
    dst.layout.bytesPerRow = 256;
    WGPUExtent3D size = {4, 4, 1};
    scope();
    wgpuCommandEncoderCopyTextureToBuffer(enc, &src, &dst, &size);
    submit_encoder(enc);
    int ok = validation("destroyed");
    wgpuBufferRelease(b);
    wgpuTextureRelease(t);
    return ok;
}

static int sampler_unknown_address_mode(void) {
    WGPUSamplerDescriptor d = WGPU_SAMPLER_DESCRIPTOR_INIT;
    d.addressModeU = (WGPUAddressMode)9;
    scope();
    return wgpuDeviceCreateSampler(C->device, &d) == NULL && validation("WGPUAddressMode");
}

static int sampler_lod_inverted(void) {
    WGPUSamplerDescriptor d = WGPU_SAMPLER_DESCRIPTOR_INIT;
    d.lodMinClamp = 10;
    d.lodMaxClamp = 1;
    scope();
    WGPUSampler s = wgpuDeviceCreateSampler(C->device, &d);
    int ok = validation("");
    wgpuSamplerRelease(s);
    return ok;
}

static int query_set_unknown_type(void) {
    WGPUQuerySetDescriptor d = WGPU_QUERY_SET_DESCRIPTOR_INIT;
    d.type = (WGPUQueryType)0x33;
    d.count = 1;
    scope();
    return wgpuDeviceCreateQuerySet(C->device, &d) == NULL && validation("WGPUQueryType");
}

static int render_pipeline_null_descriptor(void) {
    scope();
    return wgpuDeviceCreateRenderPipeline(C->device, NULL) == NULL && validation("descriptor is NULL");
}

static WGPURenderPipeline render_pipeline_with(WGPUVertexFormat vf, WGPUBlendFactor factor) {
    WGPUShaderModule m = wgsl_module(C, "@vertex fn vs(@location(0) p: vec4<f32>) -> @builtin(position) vec4<f32> { return p; }\n"
                                        "@fragment fn fs() -> @location(0) vec4<f32> { return vec4<f32>(1.0); }\n");
    WGPUVertexAttribute a = {NULL, vf, 0, 0};
    WGPUVertexBufferLayout vbl = WGPU_VERTEX_BUFFER_LAYOUT_INIT;
    vbl.arrayStride = 16;
    vbl.attributeCount = 1;
    vbl.attributes = &a;
    WGPUBlendState blend = {{WGPUBlendOperation_Add, factor, WGPUBlendFactor_Zero},
                            {WGPUBlendOperation_Add, WGPUBlendFactor_One, WGPUBlendFactor_Zero}};
    WGPUColorTargetState t = WGPU_COLOR_TARGET_STATE_INIT;
    t.format = WGPUTextureFormat_RGBA8Unorm;
    t.blend = &blend;
    WGPUFragmentState f = WGPU_FRAGMENT_STATE_INIT;
    f.module = m;
    f.targetCount = 1;
    f.targets = &t;
    WGPURenderPipelineDescriptor d = WGPU_RENDER_PIPELINE_DESCRIPTOR_INIT;
    d.vertex.module = m;
    d.vertex.bufferCount = 1;
    d.vertex.buffers = &vbl;
    d.fragment = &f;
    WGPURenderPipeline p = wgpuDeviceCreateRenderPipeline(C->device, &d);
    wgpuShaderModuleRelease(m);
    return p;
}

static int render_pipeline_unknown_vertex_format(void) {
    scope();
    return render_pipeline_with((WGPUVertexFormat)0x999, WGPUBlendFactor_One) == NULL && validation("WGPUVertexFormat");
}

static int render_pipeline_unknown_blend_factor(void) {
    scope();
    return render_pipeline_with(WGPUVertexFormat_Float32x4, (WGPUBlendFactor)0x77) == NULL &&
           validation("WGPUBlendFactor");
}

static int render_pipeline_vertex_mismatch(void) {
    scope();
    WGPURenderPipeline p = render_pipeline_with(WGPUVertexFormat_Uint32, WGPUBlendFactor_One);
    int ok = validation("");
    wgpuRenderPipelineRelease(p);
    return ok;
}

static int push_scope_unknown_filter(void) {
    int before = C->uncaptured_count;
    wgpuDevicePushErrorScope(C->device, (WGPUErrorFilter)42);
    return C->uncaptured_count == before + 1 && strstr(C->uncaptured_message, "0x2a is not a valid WGPUErrorFilter");
}

static int pop_scope_empty(void) {
    ScopeResult r = pop_scope(C);
    return r.status == WGPUPopErrorScopeStatus_Error && strstr(r.message, "no error scope");
}

static int map_destroyed_buffer(void) {
    WGPUBuffer b = buffer(16, WGPUBufferUsage_MapRead);
    wgpuBufferDestroy(b);
    scope();
    MapResult m = map_and_wait(b, WGPUMapMode_Read, 0, 16);
    int ok = m.status == WGPUMapAsyncStatus_Error && validation("destroyed");
    wgpuBufferRelease(b);
    return ok;
}

static int map_out_of_range(void) {
    WGPUBuffer b = buffer(16, WGPUBufferUsage_MapRead);
    scope();
    MapResult m = map_and_wait(b, WGPUMapMode_Read, 64, 16);
    int ok = m.status == WGPUMapAsyncStatus_Error && validation("");
    wgpuBufferRelease(b);
    return ok;
}

static int map_without_map_usage(void) {
    WGPUBuffer b = buffer(16, WGPUBufferUsage_Storage);
    scope();
    MapResult m = map_and_wait(b, WGPUMapMode_Read, 0, 16);
    int ok = m.status == WGPUMapAsyncStatus_Error && validation("MAP_READ");
    wgpuBufferRelease(b);
    return ok;
}

static int map_bad_callback_mode(void) {
    WGPUBuffer b = buffer(16, WGPUBufferUsage_MapRead);
    WGPUBufferMapCallbackInfo cb = WGPU_BUFFER_MAP_CALLBACK_INFO_INIT;
    cb.mode = (WGPUCallbackMode)17;
    scope();
    WGPUFuture f = wgpuBufferMapAsync(b, WGPUMapMode_Read, 0, 16, cb);
    int ok = f.id == 0 && validation("WGPUCallbackMode");
    wgpuBufferRelease(b);
    return ok;
}

/* WebGPU: unmapping a buffer that is not mapped (never mapped, unmapped already,
 * destroyed) is valid and does nothing. */
static int unmap_unmapped(void) {
    WGPUBuffer b = buffer(16, WGPUBufferUsage_MapRead);
    scope();
    wgpuBufferUnmap(b);
    wgpuBufferUnmap(b);
    wgpuBufferDestroy(b);
    wgpuBufferUnmap(b);
    int ok = validation_free() && wgpuBufferGetMapState(b) == WGPUBufferMapState_Unmapped;
    wgpuBufferRelease(b);
    return ok;
}

static int mapped_range_of_unmapped(void) {
    WGPUBuffer b = buffer(16, WGPUBufferUsage_MapRead);
    scope();
    int ok = wgpuBufferGetConstMappedRange(b, 0, 16) == NULL && wgpuBufferGetMappedRange(b, 0, 16) == NULL;
    ok = ok && scoped(WGPUErrorType_NoError, "");
    wgpuBufferRelease(b);
    return ok;
}

static int write_mapped_out_of_range(void) {
    WGPUBuffer b = make_buffer(C, 16, WGPUBufferUsage_CopySrc, 1);
    uint8_t data[32] = {0};
    int ok = wgpuBufferWriteMappedRange(b, 8, data, 16) == WGPUStatus_Error &&
             wgpuBufferWriteMappedRange(b, 0, NULL, 4) == WGPUStatus_Error &&
             wgpuBufferReadMappedRange(b, SIZE_MAX - 2, data, 8) == WGPUStatus_Error;
    wgpuBufferUnmap(b);
    wgpuBufferRelease(b);
    return ok;
}

static int write_buffer_null_data(void) {
    WGPUBuffer b = buffer(16, WGPUBufferUsage_CopyDst);
    scope();
    wgpuQueueWriteBuffer(C->queue, b, 0, NULL, 16);
    int ok = validation("data: count is 16 but the array is NULL");
    wgpuBufferRelease(b);
    return ok;
}

static int write_buffer_out_of_bounds(void) {
    WGPUBuffer b = buffer(16, WGPUBufferUsage_CopyDst);
    uint8_t data[32] = {0};
    scope();
    wgpuQueueWriteBuffer(C->queue, b, 8, data, 32);
    int ok = validation("");
    wgpuBufferRelease(b);
    return ok;
}

static int write_buffer_offset_overflow(void) {
    WGPUBuffer b = buffer(16, WGPUBufferUsage_CopyDst);
    uint8_t data[4] = {0};
    scope();
    wgpuQueueWriteBuffer(C->queue, b, UINT64_MAX - 1, data, 4);
    int ok = validation("");
    wgpuBufferRelease(b);
    return ok;
}

static int submit_twice(void) {
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(C->queue, 1, &cb);
    scope();
    wgpuQueueSubmit(C->queue, 1, &cb);
    int ok = validation("already submitted");
    wgpuCommandBufferRelease(cb);
    wgpuCommandEncoderRelease(enc);
    return ok;
}

/* A 4x4 rgba8unorm render target and a pass descriptor that clears and stores it. */
typedef struct {
    WGPUTexture texture;
    WGPUTextureView view;
    WGPURenderPassColorAttachment attachment;
    WGPURenderPassDescriptor pass;
} ColorTarget;

static void color_target(ColorTarget *c) {
    c->texture = texture2d(WGPUTextureFormat_RGBA8Unorm, 4, 4, WGPUTextureUsage_RenderAttachment);
    c->view = wgpuTextureCreateView(c->texture, NULL);
    c->attachment = (WGPURenderPassColorAttachment)WGPU_RENDER_PASS_COLOR_ATTACHMENT_INIT;
    c->attachment.view = c->view;
    c->attachment.loadOp = WGPULoadOp_Clear;
    c->attachment.storeOp = WGPUStoreOp_Store;
    c->pass = (WGPURenderPassDescriptor)WGPU_RENDER_PASS_DESCRIPTOR_INIT;
    c->pass.colorAttachmentCount = 1;
    c->pass.colorAttachments = &c->attachment;
}

static void color_target_release(ColorTarget *c) {
    wgpuTextureViewRelease(c->view);
    wgpuTextureRelease(c->texture);
}

/* A render pass that records more draws than its maxDrawCount (chained), directly or
 * through a bundle, makes its encoder invalid: finish reports it, and the buffer it
 * gives cannot be submitted. Within the count, all is well. */
static int pass_with_draws(uint64_t max, int draws, int bundle_draws) {
    ColorTarget c;
    color_target(&c);
    WGPUShaderModule m = wgsl_module(C, "@vertex fn vs() -> @builtin(position) vec4f { return vec4f(); }\n"
                                        "@fragment fn fs() -> @location(0) vec4f { return vec4f(1); }\n");
    WGPUColorTargetState ct = WGPU_COLOR_TARGET_STATE_INIT;
    ct.format = WGPUTextureFormat_RGBA8Unorm;
    WGPUFragmentState fs = WGPU_FRAGMENT_STATE_INIT;
    fs.module = m;
    fs.targetCount = 1;
    fs.targets = &ct;
    WGPURenderPipelineDescriptor rd = WGPU_RENDER_PIPELINE_DESCRIPTOR_INIT;
    rd.vertex.module = m;
    rd.fragment = &fs;
    WGPURenderPipeline p = wgpuDeviceCreateRenderPipeline(C->device, &rd);
    WGPURenderBundle bundle = NULL;
    if (bundle_draws) {
        WGPURenderBundleEncoderDescriptor bd = WGPU_RENDER_BUNDLE_ENCODER_DESCRIPTOR_INIT;
        bd.colorFormatCount = 1;
        bd.colorFormats = &ct.format;
        WGPURenderBundleEncoder be = wgpuDeviceCreateRenderBundleEncoder(C->device, &bd);
        wgpuRenderBundleEncoderSetPipeline(be, p);
        for (int i = 0; i < bundle_draws; i++) wgpuRenderBundleEncoderDraw(be, 3, 1, 0, 0);
        bundle = wgpuRenderBundleEncoderFinish(be, NULL);
        wgpuRenderBundleEncoderRelease(be);
    }
    WGPURenderPassMaxDrawCount mdc = WGPU_RENDER_PASS_MAX_DRAW_COUNT_INIT;
    mdc.maxDrawCount = max;
    c.pass.nextInChain = &mdc.chain;
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    WGPURenderPassEncoder pass = wgpuCommandEncoderBeginRenderPass(enc, &c.pass);
    wgpuRenderPassEncoderSetPipeline(pass, p);
    for (int i = 0; i < draws; i++) wgpuRenderPassEncoderDraw(pass, 3, 1, 0, 0);
    if (bundle) wgpuRenderPassEncoderExecuteBundles(pass, 1, &bundle);
    wgpuRenderPassEncoderEnd(pass);
    scope();
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
    int over = (uint64_t)(draws + bundle_draws) > max;
    int ok = over ? validation("more than its maxDrawCount") : validation_free();
    scope();
    wgpuQueueSubmit(C->queue, 1, &cb);
    ok = ok && (over ? validation("invalid") : validation_free());
    wgpuCommandBufferRelease(cb);
    wgpuCommandEncoderRelease(enc);
    wgpuRenderPassEncoderRelease(pass);
    if (bundle) wgpuRenderBundleRelease(bundle);
    wgpuRenderPipelineRelease(p);
    wgpuShaderModuleRelease(m);
    color_target_release(&c);
    return ok;
}

static int render_pass_over_max_draw_count(void) {
    return pass_with_draws(2, 2, 0) && pass_with_draws(2, 3, 0) && pass_with_draws(3, 1, 2) && pass_with_draws(3, 2, 2);
}

/* A render bundle encoder for one rgba8unorm target, with a pipeline set that draws
 * nothing; `*m` and `*p` to release. */
static WGPURenderBundleEncoder bundle_with_pipeline(WGPUShaderModule *m, WGPURenderPipeline *p) {
    *m = wgsl_module(C, "@vertex fn vs() -> @builtin(position) vec4f { return vec4f(); }\n"
                        "@fragment fn fs() -> @location(0) vec4f { return vec4f(1); }\n");
    WGPUColorTargetState ct = WGPU_COLOR_TARGET_STATE_INIT;
    ct.format = WGPUTextureFormat_RGBA8Unorm;
    WGPUFragmentState fs = WGPU_FRAGMENT_STATE_INIT;
    fs.module = *m;
    fs.targetCount = 1;
    fs.targets = &ct;
    WGPURenderPipelineDescriptor rd = WGPU_RENDER_PIPELINE_DESCRIPTOR_INIT;
    rd.vertex.module = *m;
    rd.fragment = &fs;
    *p = wgpuDeviceCreateRenderPipeline(C->device, &rd);
    WGPURenderBundleEncoderDescriptor bd = WGPU_RENDER_BUNDLE_ENCODER_DESCRIPTOR_INIT;
    bd.colorFormatCount = 1;
    bd.colorFormats = &ct.format;
    WGPURenderBundleEncoder be = wgpuDeviceCreateRenderBundleEncoder(C->device, &bd);
    wgpuRenderBundleEncoderSetPipeline(be, *p);
    return be;
}

/* A render pass of `pd` that executes `bundle`, finished: the command buffer is made
 * (never NULL) and the scope holds an error with `needle`, or none for NULL. */
static int pass_with_bundle_finishes(const WGPURenderPassDescriptor *pd, WGPURenderBundle bundle, const char *needle) {
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    WGPURenderPassEncoder pass = wgpuCommandEncoderBeginRenderPass(enc, pd);
    wgpuRenderPassEncoderExecuteBundles(pass, 1, &bundle);
    wgpuRenderPassEncoderEnd(pass);
    scope();
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
    int ok = cb != NULL && (needle ? validation(needle) : validation_free());
    wgpuCommandBufferRelease(cb);
    wgpuRenderPassEncoderRelease(pass);
    wgpuCommandEncoderRelease(enc);
    return ok;
}

/* WebGPU checks a bundle's indirect draw against its buffer in the bundle encoder:
 * the bundle is invalid, and a pass that executes it makes an invalid command buffer
 * (wgpu-core 30 alone panicked in Finish over the out-of-bounds draw). */
static int bundle_indirect_draw(uint64_t buffer_size, uint64_t offset, const char *needle) {
    WGPUShaderModule m;
    WGPURenderPipeline p;
    WGPURenderBundleEncoder be = bundle_with_pipeline(&m, &p);
    WGPUBuffer indirect = buffer(buffer_size, WGPUBufferUsage_Indirect);
    WGPUBuffer index = buffer(16, WGPUBufferUsage_Index);
    wgpuRenderBundleEncoderSetIndexBuffer(be, index, WGPUIndexFormat_Uint32, 0, WGPU_WHOLE_SIZE);
    wgpuRenderBundleEncoderDrawIndexedIndirect(be, indirect, offset);
    scope();
    WGPURenderBundle bundle = wgpuRenderBundleEncoderFinish(be, NULL);
    int ok = bundle != NULL && validation(needle);
    ColorTarget c;
    color_target(&c);
    ok = ok && pass_with_bundle_finishes(&c.pass, bundle, "");
    color_target_release(&c);
    wgpuRenderBundleRelease(bundle);
    wgpuBufferRelease(index);
    wgpuBufferRelease(indirect);
    wgpuRenderBundleEncoderRelease(be);
    wgpuRenderPipelineRelease(p);
    wgpuShaderModuleRelease(m);
    return ok;
}

static int bundle_indirect_draw_out_of_bounds(void) {
    return bundle_indirect_draw(0, 0, "reads 20 bytes at offset 0 of a buffer of 0") &&
           bundle_indirect_draw(24, 8, "reads 20 bytes at offset 8 of a buffer of 24");
}

static int bundle_indirect_draw_unaligned(void) {
    return bundle_indirect_draw(24, 2, "offset 2 is not a multiple of 4");
}

/* A bundle's debug groups balance, as a pass's do: checked at the bundle's Finish. */
static int bundle_debug_groups(int pushes, int pops, const char *needle) {
    WGPUShaderModule m;
    WGPURenderPipeline p;
    WGPURenderBundleEncoder be = bundle_with_pipeline(&m, &p);
    for (int i = 0; i < pushes; i++) wgpuRenderBundleEncoderPushDebugGroup(be, sv("group"));
    for (int i = 0; i < pops; i++) wgpuRenderBundleEncoderPopDebugGroup(be);
    scope();
    WGPURenderBundle bundle = wgpuRenderBundleEncoderFinish(be, NULL);
    int ok = bundle != NULL && (needle ? validation(needle) : validation_free());
    wgpuRenderBundleRelease(bundle);
    wgpuRenderBundleEncoderRelease(be);
    wgpuRenderPipelineRelease(p);
    wgpuShaderModuleRelease(m);
    return ok;
}

static int bundle_debug_groups_unbalanced(void) {
    return bundle_debug_groups(0, 1, "PopDebugGroup without a debug group pushed") &&
           bundle_debug_groups(2, 1, "1 debug group(s) pushed and not popped") &&
           bundle_debug_groups(2, 2, NULL);
}

/* A second Finish, as WebGPU's finish(), reports the error and returns an invalid
 * bundle, not NULL (a JavaScript binding throws on NULL); so does a lost device's. */
static int bundle_finished_twice(void) {
    WGPUShaderModule m;
    WGPURenderPipeline p;
    WGPURenderBundleEncoder be = bundle_with_pipeline(&m, &p);
    wgpuRenderBundleEncoderDraw(be, 3, 1, 0, 0);
    scope();
    WGPURenderBundle first = wgpuRenderBundleEncoderFinish(be, NULL);
    int ok = first != NULL && validation_free();
    scope();
    wgpuRenderBundleEncoderDraw(be, 3, 1, 0, 0);
    ok = ok && validation("already finished");
    scope();
    WGPURenderBundle second = wgpuRenderBundleEncoderFinish(be, NULL);
    ok = ok && second != NULL && validation("already finished");
    wgpuRenderBundleRelease(second);
    wgpuRenderBundleRelease(first);
    wgpuRenderBundleEncoderRelease(be);
    wgpuRenderPipelineRelease(p);
    wgpuShaderModuleRelease(m);
    return ok;
}

/* A render pipeline of one rgba8unorm target from `fs` (entry point `fs`), with the
 * given write mask, sample count and alpha-to-coverage; NULL never: the caller checks
 * the scope. */
static WGPURenderPipeline pipeline_with(const char *fs_code, uint32_t write_mask, uint32_t count, int a2c) {
    char code[512];
    snprintf(code, sizeof code, "@vertex fn vs() -> @builtin(position) vec4f { return vec4f(); }\n%s", fs_code);
    WGPUShaderModule m = wgsl_module(C, code);
    WGPUColorTargetState ct = WGPU_COLOR_TARGET_STATE_INIT;
    ct.format = WGPUTextureFormat_RGBA8Unorm;
    ct.writeMask = write_mask;
    WGPUFragmentState fs = WGPU_FRAGMENT_STATE_INIT;
    fs.module = m;
    fs.targetCount = 1;
    fs.targets = &ct;
    WGPURenderPipelineDescriptor rd = WGPU_RENDER_PIPELINE_DESCRIPTOR_INIT;
    rd.vertex.module = m;
    rd.fragment = &fs;
    rd.multisample.count = count;
    rd.multisample.alphaToCoverageEnabled = a2c;
    WGPURenderPipeline p = wgpuDeviceCreateRenderPipeline(C->device, &rd);
    wgpuShaderModuleRelease(m);
    return p;
}

static const char *FS_COLOR = "@fragment fn fs() -> @location(0) vec4f { return vec4f(1); }\n";
static const char *FS_SAMPLE_MASK =
    "struct O { @location(0) c: vec4f, @builtin(sample_mask) m: u32 }\n"
    "@fragment fn fs() -> O { return O(vec4f(1), 1u); }\n";

static int pipeline_refused(WGPURenderPipeline p, const char *needle) {
    int ok = p != NULL && (needle ? validation(needle) : validation_free());
    wgpuRenderPipelineRelease(p);
    return ok;
}

static int render_pipeline_write_mask_unknown_bits(void) {
    scope();
    int ok = pipeline_refused(pipeline_with(FS_COLOR, 0x10, 1, 0), "0x10 (color target 0) is not a valid write mask");
    scope();
    return ok && pipeline_refused(pipeline_with(FS_COLOR, 0x80000001u, 1, 0), "0x80000001 (color target 0) is not a valid write mask");
}

static int render_pipeline_alpha_to_coverage_rules(void) {
    scope();
    int ok = pipeline_refused(pipeline_with(FS_COLOR, WGPUColorWriteMask_All, 1, 1), "alpha-to-coverage needs a multisample count above 1, not 1");
    scope();
    ok = ok && pipeline_refused(pipeline_with(FS_SAMPLE_MASK, WGPUColorWriteMask_All, 4, 1), "writes @builtin(sample_mask)");
    scope();
    ok = ok && pipeline_refused(pipeline_with(FS_SAMPLE_MASK, WGPUColorWriteMask_All, 4, 0), NULL);
    scope();
    return ok && pipeline_refused(pipeline_with(FS_COLOR, WGPUColorWriteMask_All, 4, 1), NULL);
}

/* A render pass whose depth or stencil is read-only executes only bundles that are
 * read-only there too, whatever aspects the format has (the CTS's rule). */
static int pass_executes_bundle(int pass_stencil_ro, int bundle_stencil_ro, const char *needle) {
    WGPUTexture t = texture2d(WGPUTextureFormat_Depth16Unorm, 4, 4, WGPUTextureUsage_RenderAttachment);
    WGPUTextureView v = wgpuTextureCreateView(t, NULL);
    WGPURenderBundleEncoderDescriptor bd = WGPU_RENDER_BUNDLE_ENCODER_DESCRIPTOR_INIT;
    bd.depthStencilFormat = WGPUTextureFormat_Depth16Unorm;
    bd.stencilReadOnly = bundle_stencil_ro;
    WGPURenderBundleEncoder be = wgpuDeviceCreateRenderBundleEncoder(C->device, &bd);
    WGPURenderBundle bundle = wgpuRenderBundleEncoderFinish(be, NULL);
    WGPURenderPassDepthStencilAttachment ds = WGPU_RENDER_PASS_DEPTH_STENCIL_ATTACHMENT_INIT;
    ds.view = v;
    ds.depthLoadOp = WGPULoadOp_Clear;
    ds.depthStoreOp = WGPUStoreOp_Store;
    ds.depthClearValue = 1.0f;
    ds.stencilReadOnly = pass_stencil_ro;
    WGPURenderPassDescriptor pd = WGPU_RENDER_PASS_DESCRIPTOR_INIT;
    pd.depthStencilAttachment = &ds;
    int ok = pass_with_bundle_finishes(&pd, bundle, needle);
    wgpuRenderBundleRelease(bundle);
    wgpuRenderBundleEncoderRelease(be);
    wgpuTextureViewRelease(v);
    wgpuTextureRelease(t);
    return ok;
}

static int pass_read_only_bundle_not(void) {
    return pass_executes_bundle(1, 0, "the pass's stencil is read-only and a bundle's is not") &&
           pass_executes_bundle(1, 1, NULL) && pass_executes_bundle(0, 0, NULL);
}

/* A pipeline whose explicit layout gives a depth texture a filtering sampler, sampled
 * together (here through a helper function) is invalid; a non-filtering sampler is
 * fine. wgpu-core 30 checks only float and integer textures. */
static int depth_with_sampler(WGPUSamplerBindingType sampler, const char *needle) {
    WGPUShaderModule m = wgsl_module(C, "@group(0) @binding(0) var t: texture_depth_2d;\n"
                                        "@group(0) @binding(1) var s: sampler;\n"
                                        "fn gather() -> vec4f { return textureGather(t, s, vec2f(0)); }\n"
                                        "@compute @workgroup_size(1) fn main() { _ = gather(); }\n");
    WGPUBindGroupLayoutEntry e[2] = {WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT, WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT};
    e[0].binding = 0;
    e[0].visibility = WGPUShaderStage_Compute;
    e[0].texture.sampleType = WGPUTextureSampleType_Depth;
    e[1].binding = 1;
    e[1].visibility = WGPUShaderStage_Compute;
    e[1].sampler.type = sampler;
    WGPUBindGroupLayoutDescriptor ld = WGPU_BIND_GROUP_LAYOUT_DESCRIPTOR_INIT;
    ld.entryCount = 2;
    ld.entries = e;
    WGPUBindGroupLayout bgl = wgpuDeviceCreateBindGroupLayout(C->device, &ld);
    WGPUPipelineLayoutDescriptor pld = WGPU_PIPELINE_LAYOUT_DESCRIPTOR_INIT;
    pld.bindGroupLayoutCount = 1;
    pld.bindGroupLayouts = &bgl;
    WGPUPipelineLayout pl = wgpuDeviceCreatePipelineLayout(C->device, &pld);
    WGPUComputePipelineDescriptor cd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    cd.layout = pl;
    cd.compute.module = m;
    scope();
    WGPUComputePipeline p = wgpuDeviceCreateComputePipeline(C->device, &cd);
    int ok = p != NULL && (needle ? validation(needle) : validation_free());
    wgpuComputePipelineRelease(p);
    wgpuPipelineLayoutRelease(pl);
    wgpuBindGroupLayoutRelease(bgl);
    wgpuShaderModuleRelease(m);
    return ok;
}

static int depth_texture_with_filtering_sampler(void) {
    return depth_with_sampler(WGPUSamplerBindingType_Filtering, "is sampled with the filtering sampler at group 0 binding 1") &&
           depth_with_sampler(WGPUSamplerBindingType_NonFiltering, NULL);
}

static int submit_null_array(void) {
    scope();
    wgpuQueueSubmit(C->queue, 2, NULL);
    return validation("commands: count is 2 but the array is NULL");
}

static int submit_released_command_buffer(void) {
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
    wgpuCommandBufferRelease(cb);
    wgpuCommandEncoderRelease(enc);
    scope();
    wgpuQueueSubmit(C->queue, 1, &cb);
    return validation("is not a live WGPUCommandBuffer");
}

static int submit_destroyed_buffer(void) {
    WGPUBuffer a = buffer(16, WGPUBufferUsage_CopySrc);
    WGPUBuffer b = buffer(16, WGPUBufferUsage_CopyDst);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    wgpuCommandEncoderCopyBufferToBuffer(enc, a, 0, b, 0, 16);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
    wgpuBufferDestroy(a);
    scope();
    wgpuQueueSubmit(C->queue, 1, &cb);
    int ok = validation("destroyed");
    wgpuCommandBufferRelease(cb);
    wgpuCommandEncoderRelease(enc);
    wgpuBufferRelease(a);
    wgpuBufferRelease(b);
    return ok;
}

static int finish_twice(void) {
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    WGPUCommandBuffer a = wgpuCommandEncoderFinish(enc, NULL);
    scope();
    WGPUCommandBuffer b = wgpuCommandEncoderFinish(enc, NULL);
    int ok = validation("");
    wgpuCommandBufferRelease(a);
    wgpuCommandBufferRelease(b);
    wgpuCommandEncoderRelease(enc);
    return ok;
}

static int encode_after_finish(void) {
    WGPUBuffer b = buffer(16, WGPUBufferUsage_CopyDst);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
    scope();
    wgpuCommandEncoderClearBuffer(enc, b, 0, 16);
    int ok = validation("");
    wgpuCommandBufferRelease(cb);
    wgpuCommandEncoderRelease(enc);
    wgpuBufferRelease(b);
    return ok;
}

static int copy_out_of_bounds(void) {
    WGPUBuffer a = buffer(16, WGPUBufferUsage_CopySrc);
    WGPUBuffer b = buffer(16, WGPUBufferUsage_CopyDst);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    wgpuCommandEncoderCopyBufferToBuffer(enc, a, 0, b, 8, 16);
    scope();
    submit_encoder(enc);
    int ok = validation("");
    wgpuBufferRelease(a);
    wgpuBufferRelease(b);
    return ok;
}

static int dispatch_without_pipeline(void) {
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(enc, NULL);
    wgpuComputePassEncoderDispatchWorkgroups(pass, 1, 1, 1);
    wgpuComputePassEncoderEnd(pass);
    scope();
    submit_encoder(enc);
    wgpuComputePassEncoderRelease(pass);
    return validation("pipeline");
}

static int bind_group_index_out_of_range(void) {
    WGPUBindGroupLayout l = storage_layout();
    WGPUBuffer b = buffer(16, WGPUBufferUsage_Storage);
    WGPUBindGroup g = bind_buffer(l, b);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(enc, NULL);
    wgpuComputePassEncoderSetBindGroup(pass, 99, g, 0, NULL);
    wgpuComputePassEncoderEnd(pass);
    scope();
    submit_encoder(enc);
    int ok = validation("99");
    wgpuComputePassEncoderRelease(pass);
    wgpuBindGroupRelease(g);
    wgpuBufferRelease(b);
    wgpuBindGroupLayoutRelease(l);
    return ok;
}

static int pass_end_twice(void) {
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(enc, NULL);
    wgpuComputePassEncoderEnd(pass);
    scope();
    wgpuComputePassEncoderEnd(pass);
    int ok = validation("");
    wgpuComputePassEncoderRelease(pass);
    wgpuCommandEncoderRelease(enc);
    return ok;
}

static int dynamic_offsets_null(void) {
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(enc, NULL);
    scope();
    wgpuComputePassEncoderSetBindGroup(pass, 0, NULL, 4, NULL);
    int ok = validation("dynamicOffsets: count is 4 but the array is NULL");
    wgpuComputePassEncoderEnd(pass);
    wgpuComputePassEncoderRelease(pass);
    wgpuCommandEncoderRelease(enc);
    return ok;
}

static int render_pass_null_descriptor(void) {
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    scope();
    WGPURenderPassEncoder pass = wgpuCommandEncoderBeginRenderPass(enc, NULL);
    wgpuCommandEncoderRelease(enc);
    return pass == NULL && validation("descriptor is NULL");
}

static int render_pass_undefined_load_op(void) {
    WGPUTexture t = texture2d(WGPUTextureFormat_RGBA8Unorm, 4, 4, WGPUTextureUsage_RenderAttachment);
    WGPUTextureView v = wgpuTextureCreateView(t, NULL);
    WGPURenderPassColorAttachment ca = WGPU_RENDER_PASS_COLOR_ATTACHMENT_INIT;
    ca.view = v;
    ca.storeOp = WGPUStoreOp_Store;
    WGPURenderPassDescriptor d = WGPU_RENDER_PASS_DESCRIPTOR_INIT;
    d.colorAttachmentCount = 1;
    d.colorAttachments = &ca;
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    scope();
    WGPURenderPassEncoder pass = wgpuCommandEncoderBeginRenderPass(enc, &d);
    int ok = pass == NULL && validation("loadOp is Undefined");
    wgpuCommandEncoderRelease(enc);
    wgpuTextureViewRelease(v);
    wgpuTextureRelease(t);
    return ok;
}

static int draw_without_pipeline(void) {
    ColorTarget c;
    color_target(&c);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    WGPURenderPassEncoder pass = wgpuCommandEncoderBeginRenderPass(enc, &c.pass);
    wgpuRenderPassEncoderDraw(pass, 3, 1, 0, 0);
    wgpuRenderPassEncoderEnd(pass);
    scope();
    submit_encoder(enc);
    wgpuRenderPassEncoderRelease(pass);
    color_target_release(&c);
    return validation("pipeline");
}

static int blend_constant_null(void) {
    ColorTarget c;
    color_target(&c);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(C->device, NULL);
    WGPURenderPassEncoder pass = wgpuCommandEncoderBeginRenderPass(enc, &c.pass);
    scope();
    wgpuRenderPassEncoderSetBlendConstant(pass, NULL);
    int ok = validation("color is NULL");
    wgpuRenderPassEncoderEnd(pass);
    wgpuRenderPassEncoderRelease(pass);
    wgpuCommandEncoderRelease(enc);
    color_target_release(&c);
    return ok;
}

static int surface_without_source(void) {
    WGPUSurfaceDescriptor d = WGPU_SURFACE_DESCRIPTOR_INIT;
    return wgpuInstanceCreateSurface(C->instance, &d) == NULL && logged("no surface source is chained");
}

static int surface_null_window(void) {
    WGPUSurfaceSourceXlibWindow x = WGPU_SURFACE_SOURCE_XLIB_WINDOW_INIT;
    WGPUSurfaceDescriptor d = WGPU_SURFACE_DESCRIPTOR_INIT;
    d.nextInChain = &x.chain;
    return wgpuInstanceCreateSurface(C->instance, &d) == NULL && logged("display is NULL");
}

static int surface_texture_null_handle(void) {
    WGPUSurfaceTexture st;
    memset(&st, 0xff, sizeof st);
    wgpuSurfaceGetCurrentTexture(NULL, &st);
    return st.texture == NULL && st.status == WGPUSurfaceGetCurrentTextureStatus_Error && logged("WGPUSurface is NULL");
}

static int external_texture_null(void) {
    wgpuExternalTextureSetLabel(NULL, sv("x"));
    int ok = logged("WGPUExternalTexture is NULL");
    log_reset();
    wgpuExternalTextureAddRef(NULL);
    ok = ok && logged("wgpuExternalTextureAddRef");
    log_reset();
    wgpuExternalTextureRelease(GARBAGE(WGPUExternalTexture));
    return ok && logged("wgpuExternalTextureRelease");
}

static int set_label_invalid_utf8(void) {
    WGPUBuffer b = buffer(16, WGPUBufferUsage_Storage);
    WGPUStringView bad = {"\xc3\x28", 2};
    scope();
    wgpuBufferSetLabel(b, bad);
    int ok = validation("not valid UTF-8");
    wgpuBufferRelease(b);
    return ok;
}

static int device_use_after_destroy(void) {
    /* A second device, destroyed: later calls on it are quiet no-ops that still return
     * objects, as the spec says for a lost device, and nothing crashes. */
    Request r = request_device(NULL);
    WGPUDevice d = r.object;
    wgpuDeviceDestroy(d);
    WGPUBufferDescriptor bd = WGPU_BUFFER_DESCRIPTOR_INIT;
    bd.size = 16;
    bd.usage = WGPUBufferUsage_Storage;
    WGPUBuffer b = wgpuDeviceCreateBuffer(d, &bd);
    WGPUQueue q = wgpuDeviceGetQueue(d);
    uint32_t x = 1;
    wgpuQueueWriteBuffer(q, b, 0, &x, 4);
    int ok = b != NULL && wgpuBufferGetSize(b) == 16 && logged_errors == 0;
    wgpuQueueRelease(q);
    wgpuBufferRelease(b);
    wgpuDeviceRelease(d);
    return ok;
}

typedef struct {
    const char *name;
    const char *input;
    const char *outcome;
    int (*run)(void);
} Case;

#define CASE(fn, input, outcome) {#fn, input, outcome, fn}

static const Case CASES[] = {
    CASE(null_instance_process_events, "`wgpuInstanceProcessEvents(NULL)`", "logged: WGPUInstance is NULL"),
    CASE(garbage_instance_request_adapter, "garbage instance handle", "future id 0; logged: not a live WGPUInstance"),
    CASE(unknown_instance_feature, "unknown WGPUInstanceFeatureName", "NULL instance; logged, naming the value"),
    CASE(instance_limit_too_high, "timedWaitAnyMaxCount above the supported", "NULL instance; logged, naming the value"),
    CASE(instance_unknown_stype, "unknown sType chained to the instance descriptor", "NULL instance; logged: unknown sType"),
    CASE(instance_misplaced_stype, "a known sType chained where it does not belong", "NULL instance; logged: cannot be chained here"),
    CASE(wait_any_null_futures, "`WaitAny` with a count and a NULL array", "WGPUWaitStatus_Error; logged"),
    CASE(wait_any_too_many, "`WaitAny` with a timeout on more than timedWaitAnyMaxCount futures", "WGPUWaitStatus_Error; logged"),
    CASE(wait_any_unknown_future, "`WaitAny` on a future the instance never made", "WGPUWaitStatus_Error; logged"),
    CASE(adapter_limits_null, "`wgpuAdapterGetLimits(adapter, NULL)`", "WGPUStatus_Error"),
    CASE(adapter_info_chained, "adapter info with an unknown chained struct", "WGPUStatus_Error"),
    CASE(adapter_unknown_backend, "unknown WGPUBackendType in adapter options", "callback status Error, naming the value"),
    CASE(adapter_unknown_power_preference, "unknown WGPUPowerPreference", "callback status Error, naming the type"),
    CASE(device_unknown_feature, "unknown WGPUFeatureName required", "callback status Error, naming the value"),
    CASE(device_limit_above_adapter, "a required limit above the adapter's", "callback status Error, naming the limit"),
    CASE(device_bad_lost_mode, "unknown callback mode for the lost callback", "callback status Error"),
    CASE(adapter_use_after_release, "an adapter used after its last release", "WGPUStatus_Error; logged: not a live WGPUAdapter"),
    CASE(release_twice, "a handle released one time too many", "logged, nothing freed twice"),
    CASE(add_ref_released, "`AddRef` on a released handle", "logged"),
    CASE(garbage_device, "garbage device handle", "NULL; logged: not a live WGPUDevice"),
    CASE(null_device, "NULL device", "NULL; logged: WGPUDevice is NULL"),
    CASE(wrong_type_handle, "a queue handle passed as a device", "NULL; logged: not a live WGPUDevice"),
    CASE(proc_address_bad_view, "`wgpuGetProcAddress` with a length and NULL data, or empty", "NULL"),
    CASE(buffer_null_descriptor, "`CreateBuffer(device, NULL)`", "NULL; validation error: descriptor is NULL"),
    CASE(buffer_invalid_mapped_at_creation, "an invalid buffer (MapRead with Storage) created mappedAtCreation", "validation error; mapped all the same: GetMappedRange gives 64 writable bytes until Unmap"),
    CASE(buffer_unknown_usage, "unknown WGPUBufferUsage bits", "an invalid buffer (size and usage as given; mapping it fails); validation error naming the bits"),
    CASE(buffer_huge, "a buffer of 9007199254740991 bytes", "validation error containing the number"),
    CASE(buffer_map_read_storage, "MapRead together with Storage usage", "validation error (wgpu-core's)"),
    CASE(buffer_mapped_unaligned, "mappedAtCreation with a size not a multiple of 4", "validation error"),
    CASE(label_length_without_data, "a string view with a length and NULL data", "NULL; validation error"),
    CASE(label_invalid_utf8, "a label that is not UTF-8", "NULL; validation error"),
    CASE(label_too_long, "a string view longer than memory", "NULL; validation error: too large"),
    CASE(bool_not_0_or_1, "a WGPUBool of 2", "NULL; validation error"),
    CASE(buffer_unknown_stype, "unknown sType chained to a descriptor", "NULL; validation error: unknown sType"),
    CASE(buffer_misplaced_stype, "a known sType chained to the wrong descriptor", "NULL; validation error: cannot be chained here"),
    CASE(shader_no_source, "a shader module with no source", "NULL; validation error"),
    CASE(shader_broken_wgsl, "broken WGSL", "validation error with the compiler's message"),
    CASE(shader_null_code, "WGSL code with a length and NULL data", "NULL; validation error"),
    CASE(shader_null_character, "WGSL with a null character in a comment", "validation error naming the null character"),
    CASE(shader_two_sources, "two shader sources chained", "NULL; validation error"),
    CASE(shader_garbage_spirv, "malformed SPIR-V", "validation error"),
    CASE(shader_operator_chain_at_limit, "WGSL: an expression of 2,000 chained operators", "module made, computes the sum, under a second"),
    CASE(shader_operator_chain_beyond_limit, "WGSL: an expression of 30,000 chained operators", "validation error naming the depth limit; compilation info at its line and column"),
    CASE(shader_parentheses_at_limit, "WGSL: 120 nested parentheses", "module made, computes the value"),
    CASE(shader_parentheses_beyond_limit, "WGSL: 5,000 nested parentheses", "validation error naming the nesting limit, with its position"),
    CASE(shader_blocks_at_limit, "WGSL: 120 nested blocks", "module made, computes the value"),
    CASE(shader_long_function_at_limit, "WGSL: a function of about 30,000 tokens", "module made under a second, computes the value"),
    CASE(shader_blocks_beyond_limit, "WGSL: 5,000 nested blocks", "validation error naming the nesting limit, with its position"),
    CASE(shader_array_types_at_limit, "WGSL: array types nested 15 deep", "module made, computes the value"),
    CASE(shader_array_types_beyond_limit, "WGSL: array types nested 3,000 deep", "validation error naming the depth limit, with its position"),
    CASE(shader_member_chain_beyond_limit, "WGSL: 30,000 chained member accesses", "validation error naming the depth limit, with its position"),
    CASE(shader_unary_chain_beyond_limit, "WGSL: 30,000 chained unary operators", "validation error naming the depth limit, with its position"),
    CASE(shader_long_function_beyond_limit, "WGSL: a function of 40,000 tokens", "validation error naming the token limit, with its position"),
    CASE(shader_let_chain_in_loop, "WGSL: 64 chained lets, each using the last twice, before a loop's test", "module made under a second, computes the count"),
    CASE(layout_two_binding_types, "a layout entry with two binding types", "an invalid layout; validation error"),
    CASE(layout_unknown_binding_type, "unknown WGPUBufferBindingType", "an invalid layout; validation error"),
    CASE(layout_duplicate_binding, "two layout entries with the same binding", "validation error naming the binding"),
    CASE(layout_null_entries, "entryCount 3 with NULL entries", "an invalid layout; validation error"),
    CASE(layout_unknown_visibility, "unknown WGPUShaderStage bits", "an invalid layout; validation error"),
    CASE(bind_group_null_layout, "a bind group with a NULL layout", "NULL; validation error"),
    CASE(bind_group_released_buffer, "a released buffer bound", "NULL; validation error: not a live WGPUBuffer"),
    CASE(bind_group_garbage_buffer, "a garbage buffer handle bound", "NULL; validation error"),
    CASE(bind_group_wrong_type_handle, "a sampler handle passed as a buffer", "NULL; validation error"),
    CASE(bind_group_nothing_bound, "a bind group entry binding nothing", "NULL; validation error"),
    CASE(bind_group_wrong_usage, "a uniform buffer bound to a storage binding", "validation error naming the usage"),
    CASE(pipeline_layout_released_layout, "a released bind group layout in a pipeline layout", "NULL; validation error"),
    CASE(compute_missing_entry_point, "an entry point the module lacks", "validation error naming it"),
    CASE(compute_null_module, "a compute pipeline with a NULL module", "NULL; validation error"),
    CASE(compute_bind_group_layout_out_of_range, "`GetBindGroupLayout(7)` past the layout", "NULL; validation error"),
    CASE(texture_unknown_format, "unknown WGPUTextureFormat", "an invalid texture; validation error naming the value"),
    CASE(texture_tier1_format_without_feature, "r16unorm or rg16snorm on a device without texture-formats-tier1 (a texture, a storage texture layout entry, an automatic layout from WGSL that declares one)", "an invalid texture, layout, pipeline; validation error naming the feature (the module itself is valid)"),
    CASE(texture_undefined_format, "texture format Undefined", "an invalid texture (a view of it is an error); validation error"),
    CASE(texture_zero_size, "a texture of width 0", "validation error"),
    CASE(texture_unknown_usage, "unknown WGPUTextureUsage bits", "an invalid texture; validation error"),
    CASE(texture_view_unknown_aspect, "unknown WGPUTextureAspect", "NULL; validation error"),
    CASE(texture_use_after_destroy, "a destroyed texture copied", "validation error at submit: destroyed"),
    CASE(sampler_unknown_address_mode, "unknown WGPUAddressMode", "NULL; validation error"),
    CASE(sampler_lod_inverted, "lodMinClamp above lodMaxClamp", "validation error"),
    CASE(query_set_unknown_type, "unknown WGPUQueryType", "NULL; validation error"),
    CASE(render_pipeline_null_descriptor, "`CreateRenderPipeline(device, NULL)`", "NULL; validation error"),
    CASE(render_pipeline_unknown_vertex_format, "unknown WGPUVertexFormat", "NULL; validation error"),
    CASE(render_pipeline_unknown_blend_factor, "unknown WGPUBlendFactor", "NULL; validation error"),
    CASE(render_pipeline_vertex_mismatch, "a vertex format that does not match the shader", "validation error"),
    CASE(push_scope_unknown_filter, "unknown WGPUErrorFilter", "uncaptured validation error naming the value"),
    CASE(pop_scope_empty, "`PopErrorScope` with no scope", "callback status Error"),
    CASE(map_destroyed_buffer, "`MapAsync` on a destroyed buffer", "callback status Error; validation error"),
    CASE(map_out_of_range, "`MapAsync` past the end of the buffer", "callback status Error; validation error"),
    CASE(map_without_map_usage, "`MapAsync` on a buffer without MAP usage", "callback status Error; validation error"),
    CASE(map_bad_callback_mode, "unknown WGPUCallbackMode", "future id 0; validation error"),
    CASE(unmap_unmapped, "`Unmap` of an unmapped or destroyed buffer", "nothing: no error (WebGPU makes it valid)"),
    CASE(mapped_range_of_unmapped, "`GetMappedRange` of an unmapped buffer", "NULL, and no error"),
    CASE(write_mapped_out_of_range, "`Write/ReadMappedRange` out of range, NULL data, overflowing offset", "WGPUStatus_Error"),
    CASE(write_buffer_null_data, "`WriteBuffer` with a size and NULL data", "validation error"),
    CASE(write_buffer_out_of_bounds, "`WriteBuffer` past the end", "validation error"),
    CASE(write_buffer_offset_overflow, "`WriteBuffer` at an offset that overflows", "validation error"),
    CASE(submit_twice, "a command buffer submitted twice", "validation error: already submitted"),
    CASE(render_pass_over_max_draw_count, "a render pass with more draws (its bundles' included) than its maxDrawCount", "finish: validation error naming it; the command buffer cannot be submitted"),
    CASE(bundle_indirect_draw_out_of_bounds, "render bundle: an indexed indirect draw past its buffer's end (empty buffer; offset 8 of 24), executed in a pass", "the bundle's Finish reports it and the bundle is invalid; the pass's command buffer is made, invalid"),
    CASE(bundle_indirect_draw_unaligned, "render bundle: an indirect draw at offset 2", "the bundle's Finish reports it; the bundle is invalid"),
    CASE(bundle_debug_groups_unbalanced, "render bundle: PopDebugGroup with none pushed; a group left open", "the bundle's Finish reports each; balanced groups are fine"),
    CASE(bundle_finished_twice, "render bundle: a draw after Finish; Finish again", "validation errors; the second Finish returns an invalid bundle, not NULL"),
    CASE(render_pipeline_write_mask_unknown_bits, "render pipeline: a color target's write mask with bits past Alpha (0x10; 0x80000001)", "an invalid pipeline, not NULL; validation error naming the mask"),
    CASE(render_pipeline_alpha_to_coverage_rules, "render pipeline: alpha-to-coverage with 1 sample; with a shader that writes sample_mask", "invalid pipelines with validation errors; with 4 samples and no sample_mask output, or sample_mask without alpha-to-coverage, valid"),
    CASE(pass_read_only_bundle_not, "a depth16unorm pass with stencilReadOnly executes a bundle without it", "the encoder's Finish reports it; with the bundle read-only too, or neither, valid"),
    CASE(depth_texture_with_filtering_sampler, "compute pipeline: an explicit layout gives a gathered depth texture a filtering sampler", "an invalid pipeline with a validation error naming both bindings; a non-filtering sampler is valid"),
    CASE(submit_null_array, "`Submit` with a count and NULL array", "validation error"),
    CASE(submit_released_command_buffer, "a released command buffer submitted", "validation error"),
    CASE(submit_destroyed_buffer, "a submit using a destroyed buffer", "validation error: destroyed"),
    CASE(finish_twice, "`Finish` twice", "validation error"),
    CASE(encode_after_finish, "encoding after `Finish`", "validation error"),
    CASE(copy_out_of_bounds, "a buffer copy past the end", "validation error at finish"),
    CASE(dispatch_without_pipeline, "a dispatch with no pipeline", "validation error at finish"),
    CASE(bind_group_index_out_of_range, "`SetBindGroup(99, ...)`", "validation error naming the index"),
    CASE(pass_end_twice, "`End` on an ended pass", "validation error"),
    CASE(dynamic_offsets_null, "dynamic offset count with a NULL array", "validation error"),
    CASE(render_pass_null_descriptor, "`BeginRenderPass(encoder, NULL)`", "NULL; validation error"),
    CASE(render_pass_undefined_load_op, "a color attachment with loadOp Undefined", "NULL; validation error"),
    CASE(draw_without_pipeline, "a draw with no pipeline", "validation error at finish"),
    CASE(blend_constant_null, "`SetBlendConstant(pass, NULL)`", "validation error"),
    CASE(surface_without_source, "a surface descriptor with no source", "NULL; logged"),
    CASE(surface_null_window, "an Xlib surface with a NULL display", "NULL; logged"),
    CASE(surface_texture_null_handle, "`GetCurrentTexture` on a NULL surface", "status Error, NULL texture; logged"),
    CASE(external_texture_null, "external texture calls on NULL or garbage", "logged"),
    CASE(set_label_invalid_utf8, "`SetLabel` with invalid UTF-8", "validation error"),
    CASE(device_use_after_destroy, "a destroyed device used", "objects still returned, no error (the device is lost)"),
};

/* The shader cases, run again from a thread with the small stack embedders give
 * their threads: shader compilation must not need the caller's stack. */
static const size_t SMALL_STACK = 256 * 1024;

typedef struct {
    int passed, failed;
} Tally;

static void run_case(const Case *c, Tally *t, const char *where) {
    log_reset();
    if (c->run()) {
        t->passed++;
    } else {
        t->failed++;
        printf("FAIL %s%s\n", c->name, where);
    }
}

static void *shader_cases_on_small_stack(void *arg) {
    Tally *t = (Tally *)arg;
    int count = (int)(sizeof CASES / sizeof CASES[0]);
    for (int i = 0; i < count; i++)
        if (strncmp(CASES[i].name, "shader_", 7) == 0) run_case(&CASES[i], t, " (256 KiB stack)");
    return NULL;
}

int main(int argc, char **argv) {
    int count = (int)(sizeof CASES / sizeof CASES[0]);
    if (argc > 1 && strcmp(argv[1], "--table") == 0) {
        printf("# Bad input\n\n");
        printf("What the host gets for each kind of bad input. Each row is a case of\n");
        printf("`c-tests/bad_input.c`, which checks it; this file is its `--table` output.\n");
        printf("The `shader_` cases run a second time from a thread with a 256 KiB stack.\n\n");
        printf("| test | input | what the host gets |\n| --- | --- | --- |\n");
        for (int i = 0; i < count; i++) printf("| `%s` | %s | %s |\n", CASES[i].name, CASES[i].input, CASES[i].outcome);
        return 0;
    }
    wgpuShimSetLogCallback(on_log, WGPUShimLogLevel_Error, NULL);
    Ctx ctx;
    if (!setup(&ctx)) return 1;
    C = &ctx;
    Tally t = {0, 0};
    for (int i = 0; i < count; i++) run_case(&CASES[i], &t, "");
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, SMALL_STACK);
    pthread_t small;
    if (pthread_create(&small, &attr, shader_cases_on_small_stack, &t) != 0) {
        printf("FAIL no thread with a %zu-byte stack\n", SMALL_STACK);
        t.failed++;
    } else {
        pthread_join(small, NULL);
    }
    pthread_attr_destroy(&attr);
    wgpuShimSetLogCallback(NULL, WGPUShimLogLevel_Off, NULL);
    /* Futures of this program's own waits are not counted here. */
    teardown(&ctx);
    printf("bad_input: %d passed, %d failed\n", t.passed, t.failed);
    return t.failed != 0;
}
