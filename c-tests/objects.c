/* Object lifetimes and the remaining queries, as named cases (CASES, at the end; each
 * prints ok or FAIL with its name):
 * - AddRef and Release of every object type: an extra reference keeps the object
 *   alive through one Release, and the last Release ends it (later use is reported);
 * - SetLabel on every object type: a valid label is accepted, an invalid one is a
 *   validation error;
 * - adapter and device features agree; WGSL language features; the device's adapter
 *   info equals the adapter's; the lost future fires when the device is destroyed;
 * - buffer-to-texture and texture-to-texture copies round-trip; a query set is
 *   destroyed; the texture binding view dimension is kept;
 * - immediates in compute passes, render passes and bundles; timestamps increase. */
#include "common.h"

static Ctx ctx;

/* A label on a live object logs nothing; on a released one it logs "not a live". */
static int alive_after(int errors_before) {
    return logged_errors == errors_before;
}

/* The lifecycle every object type goes through. */
#define LIFECYCLE(Type, make, add_ref, release, set_label)                                 \
    do {                                                                                   \
        WGPU##Type obj = (make);                                                           \
        CHECK(obj != NULL);                                                                \
        add_ref(obj);                                                                      \
        release(obj);                                                                      \
        int before = logged_errors;                                                        \
        set_label(obj, sv("labelled " #Type));                                             \
        CHECK(alive_after(before)); /* one reference left: alive */                       \
        wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);                  \
        WGPUStringView bad = {"\xc3\x28", 2};                                              \
        set_label(obj, bad);                                                               \
        ScopeResult r = pop_scope(&ctx);                                                   \
        CHECK(r.type == WGPUErrorType_Validation && strstr(r.message, "SetLabel"));        \
        release(obj);                                                                      \
        set_label(obj, sv("gone"));                                                        \
        CHECK(logged_errors == before + 1 && strstr(last_log, "not a live WGPU" #Type)); \
    } while (0)

static void on_lost_future(const WGPUDevice *d, WGPUDeviceLostReason reason, WGPUStringView m, void *u1, void *u2) {
    (void)d; (void)m; (void)u2;
    *(WGPUDeviceLostReason *)u1 = reason;
}

static void on_second_device(WGPURequestDeviceStatus s, WGPUDevice d, WGPUStringView m, void *u1, void *u2) {
    (void)m; (void)u2;
    *(WGPUDevice *)u1 = s == WGPURequestDeviceStatus_Success ? d : NULL;
}

static WGPUDevice second_device(const WGPUDeviceDescriptor *desc) {
    WGPUDevice d = NULL;
    WGPURequestDeviceCallbackInfo cb = WGPU_REQUEST_DEVICE_CALLBACK_INFO_INIT;
    cb.mode = WGPUCallbackMode_AllowSpontaneous;
    cb.callback = on_second_device;
    cb.userdata1 = &d;
    wgpuAdapterRequestDevice(ctx.adapter, desc, cb);
    return d;
}

static const uint32_t *map_read(Ctx *c, WGPUBuffer b, size_t size) {
    MapResult m = {0};
    wait_for(c, map_buffer(b, WGPUMapMode_Read, 0, size, &m));
    CHECK(m.status == WGPUMapAsyncStatus_Success);
    return wgpuBufferGetConstMappedRange(b, 0, size);
}

static WGPUShaderModule module_on(WGPUDevice device, const char *code) {
    WGPUShaderSourceWGSL src = WGPU_SHADER_SOURCE_WGSL_INIT;
    src.code = sv(code);
    WGPUShaderModuleDescriptor desc = WGPU_SHADER_MODULE_DESCRIPTOR_INIT;
    desc.nextInChain = &src.chain;
    return wgpuDeviceCreateShaderModule(device, &desc);
}

/* Immediates: a compute pass writes its immediate to a buffer; a render pass and a
 * bundle color a pixel with theirs. Immediate data may be set before the pipeline (as
 * WebGPU allows; wgpu-core takes it only after); a draw or dispatch whose pipeline uses
 * words not set, and data past maxImmediateSize, make the encoder invalid. */
static void immediates(void) {
    WGPULimits limits = WGPU_LIMITS_INIT;
    limits.maxImmediateSize = 16;
    WGPUDeviceDescriptor dd = WGPU_DEVICE_DESCRIPTOR_INIT;
    dd.requiredLimits = &limits;
    WGPUDevice dev = second_device(&dd);
    CHECK(dev != NULL);
    if (!dev) return;
    WGPULimits got = WGPU_LIMITS_INIT;
    wgpuDeviceGetLimits(dev, &got);
    CHECK(got.maxImmediateSize == 16);
    WGPUQueue q = wgpuDeviceGetQueue(dev);
    Ctx c = ctx;
    c.device = dev;
    c.queue = q;

    WGPUShaderModule m = module_on(dev,
        "var<immediate> k: vec4<u32>;\n"
        "@group(0) @binding(0) var<storage, read_write> out: array<u32>;\n"
        "@compute @workgroup_size(1) fn cs() { out[0] = k.x + k.w; }\n"
        "@vertex fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4<f32> {\n"
        "    var p = array<vec2<f32>, 3>(vec2(-1.0, -1.0), vec2(3.0, -1.0), vec2(-1.0, 3.0));\n"
        "    return vec4<f32>(p[i], 0.0, 1.0);\n"
        "}\n"
        "@fragment fn fs() -> @location(0) vec4<u32> { return k; }\n");
    WGPUBindGroupLayoutEntry le = WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT;
    le.visibility = WGPUShaderStage_Compute;
    le.buffer.type = WGPUBufferBindingType_Storage;
    WGPUBindGroupLayoutDescriptor ld = WGPU_BIND_GROUP_LAYOUT_DESCRIPTOR_INIT;
    ld.entryCount = 1;
    ld.entries = &le;
    WGPUBindGroupLayout bgl = wgpuDeviceCreateBindGroupLayout(dev, &ld);
    WGPUPipelineLayoutDescriptor pld = WGPU_PIPELINE_LAYOUT_DESCRIPTOR_INIT;
    pld.bindGroupLayoutCount = 1;
    pld.bindGroupLayouts = &bgl;
    pld.immediateSize = 16;
    WGPUPipelineLayout pl = wgpuDeviceCreatePipelineLayout(dev, &pld);
    WGPUComputePipelineDescriptor cpd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    cpd.layout = pl;
    cpd.compute.module = m;
    cpd.compute.entryPoint = sv("cs");
    WGPUComputePipeline cp = wgpuDeviceCreateComputePipeline(dev, &cpd);
    {
        /* A layout whose immediateSize cannot hold the shader's immediate data. */
        pld.immediateSize = 8;
        WGPUPipelineLayout small = wgpuDeviceCreatePipelineLayout(dev, &pld);
        cpd.layout = small;
        wgpuDevicePushErrorScope(dev, WGPUErrorFilter_Validation);
        WGPUComputePipeline bad = wgpuDeviceCreateComputePipeline(dev, &cpd);
        ScopeResult r = pop_scope(&c);
        CHECK(r.type == WGPUErrorType_Validation);
        CHECK(strstr(r.message, "uses 16 bytes of immediate data, more than the pipeline layout's immediateSize (8)") != NULL);
        wgpuComputePipelineRelease(bad);
        wgpuPipelineLayoutRelease(small);
        cpd.layout = pl;
    }
    WGPUBuffer out = make_buffer(&c, 4, WGPUBufferUsage_Storage | WGPUBufferUsage_CopySrc, 0);
    WGPUBuffer rb = make_buffer(&c, 4, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    WGPUBindGroupEntry be = WGPU_BIND_GROUP_ENTRY_INIT;
    be.buffer = out;
    WGPUBindGroupDescriptor bgd = WGPU_BIND_GROUP_DESCRIPTOR_INIT;
    bgd.layout = bgl;
    bgd.entryCount = 1;
    bgd.entries = &be;
    WGPUBindGroup bg = wgpuDeviceCreateBindGroup(dev, &bgd);
    uint32_t k[4] = {40, 0, 0, 2};
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(dev, NULL);
    WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(enc, NULL);
    wgpuComputePassEncoderPushDebugGroup(pass, sv("immediates"));
    wgpuComputePassEncoderInsertDebugMarker(pass, sv("set"));
    wgpuComputePassEncoderSetImmediates(pass, 0, k, sizeof k);
    wgpuComputePassEncoderSetPipeline(pass, cp);
    wgpuComputePassEncoderSetBindGroup(pass, 0, bg, 0, NULL);
    wgpuComputePassEncoderDispatchWorkgroups(pass, 1, 1, 1);
    wgpuComputePassEncoderPopDebugGroup(pass);
    wgpuComputePassEncoderEnd(pass);
    wgpuCommandEncoderCopyBufferToBuffer(enc, out, 0, rb, 0, 4);
    WGPUCommandBuffer cmd = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(q, 1, &cmd);
    const uint32_t *v = map_read(&c, rb, 4);
    CHECK(v && *v == 42);
    wgpuBufferUnmap(rb);

    /* Render: the pass's immediates color the target, then a bundle's do. */
    WGPUPipelineLayoutDescriptor rpld = WGPU_PIPELINE_LAYOUT_DESCRIPTOR_INIT;
    rpld.immediateSize = 16;
    WGPUPipelineLayout rpl = wgpuDeviceCreatePipelineLayout(dev, &rpld);
    WGPUColorTargetState target = WGPU_COLOR_TARGET_STATE_INIT;
    target.format = WGPUTextureFormat_RGBA32Uint;
    WGPUFragmentState fs = WGPU_FRAGMENT_STATE_INIT;
    fs.module = m;
    fs.entryPoint = sv("fs");
    fs.targetCount = 1;
    fs.targets = &target;
    WGPURenderPipelineDescriptor rpd = WGPU_RENDER_PIPELINE_DESCRIPTOR_INIT;
    rpd.layout = rpl;
    rpd.vertex.module = m;
    rpd.vertex.entryPoint = sv("vs");
    rpd.fragment = &fs;
    WGPURenderPipeline rp = wgpuDeviceCreateRenderPipeline(dev, &rpd);
    WGPUTextureDescriptor td = WGPU_TEXTURE_DESCRIPTOR_INIT;
    td.size = (WGPUExtent3D){4, 4, 1};
    td.format = WGPUTextureFormat_RGBA32Uint;
    td.usage = WGPUTextureUsage_RenderAttachment | WGPUTextureUsage_CopySrc;
    WGPUTexture tex = wgpuDeviceCreateTexture(dev, &td);
    WGPUTextureView view = wgpuTextureCreateView(tex, NULL);
    WGPUTextureFormat fmt = WGPUTextureFormat_RGBA32Uint;
    WGPURenderBundleEncoderDescriptor bed = WGPU_RENDER_BUNDLE_ENCODER_DESCRIPTOR_INIT;
    bed.colorFormatCount = 1;
    bed.colorFormats = &fmt;
    WGPURenderBundleEncoder be2 = wgpuDeviceCreateRenderBundleEncoder(dev, &bed);
    uint32_t kb[4] = {7, 8, 9, 10};
    wgpuRenderBundleEncoderSetPipeline(be2, rp);
    wgpuRenderBundleEncoderSetImmediates(be2, 0, kb, sizeof kb);
    wgpuRenderBundleEncoderDraw(be2, 3, 1, 0, 0);
    WGPURenderBundle bundle = wgpuRenderBundleEncoderFinish(be2, NULL);
    WGPUBuffer trb[2];
    for (int i = 0; i < 2; i++) {
        WGPUCommandEncoder e = wgpuDeviceCreateCommandEncoder(dev, NULL);
        WGPURenderPassColorAttachment ca = WGPU_RENDER_PASS_COLOR_ATTACHMENT_INIT;
        ca.view = view;
        ca.loadOp = WGPULoadOp_Clear;
        ca.storeOp = WGPUStoreOp_Store;
        WGPURenderPassDescriptor pd = WGPU_RENDER_PASS_DESCRIPTOR_INIT;
        pd.colorAttachmentCount = 1;
        pd.colorAttachments = &ca;
        WGPURenderPassEncoder rpass = wgpuCommandEncoderBeginRenderPass(e, &pd);
        if (i == 0) {
            uint32_t kr[4] = {1, 2, 3, 4};
            wgpuRenderPassEncoderSetImmediates(rpass, 0, kr, 8);
            wgpuRenderPassEncoderSetPipeline(rpass, rp);
            wgpuRenderPassEncoderSetImmediates(rpass, 8, kr + 2, 8);
            wgpuRenderPassEncoderDraw(rpass, 3, 1, 0, 0);
        } else {
            wgpuRenderPassEncoderExecuteBundles(rpass, 1, &bundle);
        }
        wgpuRenderPassEncoderEnd(rpass);
        trb[i] = make_buffer(&c, 256 * 4, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
        WGPUTexelCopyTextureInfo src = WGPU_TEXEL_COPY_TEXTURE_INFO_INIT;
        src.texture = tex;
        WGPUTexelCopyBufferInfo dst = WGPU_TEXEL_COPY_BUFFER_INFO_INIT;
        dst.buffer = trb[i];
        dst.layout.bytesPerRow = 256;
        wgpuCommandEncoderCopyTextureToBuffer(e, &src, &dst, &td.size);
        WGPUCommandBuffer cb = wgpuCommandEncoderFinish(e, NULL);
        wgpuQueueSubmit(q, 1, &cb);
        const uint32_t *px = map_read(&c, trb[i], 256 * 4);
        if (i == 0) CHECK(px && px[0] == 1 && px[3] == 4);
        else CHECK(px && px[0] == 7 && px[3] == 10);
        wgpuBufferUnmap(trb[i]);
        wgpuBufferRelease(trb[i]);
        wgpuCommandBufferRelease(cb);
        wgpuRenderPassEncoderRelease(rpass);
        wgpuCommandEncoderRelease(e);
    }
    CHECK(c.uncaptured_count == 0);

    /* A dispatch whose pipeline reads words not set, and data past maxImmediateSize
     * (16 here): each makes the encoder invalid, with the reason. */
    for (int i = 0; i < 2; i++) {
        wgpuDevicePushErrorScope(dev, WGPUErrorFilter_Validation);
        WGPUCommandEncoder e = wgpuDeviceCreateCommandEncoder(dev, NULL);
        WGPUComputePassEncoder cpass = wgpuCommandEncoderBeginComputePass(e, NULL);
        wgpuComputePassEncoderSetPipeline(cpass, cp);
        wgpuComputePassEncoderSetBindGroup(cpass, 0, bg, 0, NULL);
        if (i == 0) wgpuComputePassEncoderSetImmediates(cpass, 0, k, 8);
        else {
            wgpuComputePassEncoderSetImmediates(cpass, 0, k, 16);
            wgpuComputePassEncoderSetImmediates(cpass, 8, k, 16);
        }
        wgpuComputePassEncoderDispatchWorkgroups(cpass, 1, 1, 1);
        wgpuComputePassEncoderEnd(cpass);
        WGPUCommandBuffer bad = wgpuCommandEncoderFinish(e, NULL);
        ScopeResult r = pop_scope(&c);
        CHECK(r.type == WGPUErrorType_Validation);
        CHECK(strstr(r.message, i == 0 ? "mmediate" : "past maxImmediateSize (16)") != NULL);
        if (r.type != WGPUErrorType_Validation || !strstr(r.message, i == 0 ? "mmediate" : "maxImmediateSize"))
            printf("immediates %d: %s\n", i, r.message);
        wgpuCommandBufferRelease(bad);
        wgpuComputePassEncoderRelease(cpass);
        wgpuCommandEncoderRelease(e);
    }
    wgpuRenderBundleRelease(bundle);
    wgpuRenderBundleEncoderRelease(be2);
    wgpuTextureViewRelease(view);
    wgpuTextureRelease(tex);
    wgpuRenderPipelineRelease(rp);
    wgpuPipelineLayoutRelease(rpl);
    wgpuCommandBufferRelease(cmd);
    wgpuComputePassEncoderRelease(pass);
    wgpuCommandEncoderRelease(enc);
    wgpuBindGroupRelease(bg);
    wgpuBufferRelease(rb);
    wgpuBufferRelease(out);
    wgpuComputePipelineRelease(cp);
    wgpuPipelineLayoutRelease(pl);
    wgpuBindGroupLayoutRelease(bgl);
    wgpuShaderModuleRelease(m);
    wgpuQueueRelease(q);
    wgpuDeviceRelease(dev);
}

/* Timestamps written around a dispatch increase; without the feature the write is a
 * validation error. */
static void timestamps(void) {
    int supported = wgpuAdapterHasFeature(ctx.adapter, WGPUFeatureName_TimestampQuery);
    WGPUFeatureName f = WGPUFeatureName_TimestampQuery;
    WGPUDeviceDescriptor dd = WGPU_DEVICE_DESCRIPTOR_INIT;
    dd.requiredFeatureCount = supported ? 1 : 0;
    dd.requiredFeatures = &f;
    WGPUDevice dev = second_device(&dd);
    CHECK(dev != NULL);
    if (!dev) return;
    CHECK(wgpuDeviceHasFeature(dev, WGPUFeatureName_TimestampQuery) == (WGPUBool)supported);
    WGPUQueue q = wgpuDeviceGetQueue(dev);
    Ctx c = ctx;
    c.device = dev;
    c.queue = q;
    WGPUQuerySetDescriptor qd = WGPU_QUERY_SET_DESCRIPTOR_INIT;
    qd.type = WGPUQueryType_Timestamp;
    qd.count = 2;
    wgpuDevicePushErrorScope(dev, WGPUErrorFilter_Validation);
    WGPUQuerySet qs = wgpuDeviceCreateQuerySet(dev, &qd);
    WGPUBuffer resolve = make_buffer(&c, 16, WGPUBufferUsage_QueryResolve | WGPUBufferUsage_CopySrc, 0);
    WGPUBuffer rb = make_buffer(&c, 16, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    WGPUCommandEncoder e = wgpuDeviceCreateCommandEncoder(dev, NULL);
    wgpuCommandEncoderWriteTimestamp(e, qs, 0);
    WGPUBuffer scratch = make_buffer(&c, 1 << 20, WGPUBufferUsage_CopyDst, 0);
    wgpuCommandEncoderClearBuffer(e, scratch, 0, WGPU_WHOLE_SIZE);
    wgpuCommandEncoderWriteTimestamp(e, qs, 1);
    wgpuCommandEncoderResolveQuerySet(e, qs, 0, 2, resolve, 0);
    wgpuCommandEncoderCopyBufferToBuffer(e, resolve, 0, rb, 0, 16);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(e, NULL);
    wgpuQueueSubmit(q, 1, &cb);
    ScopeResult r = pop_scope(&c);
    if (supported) {
        CHECK(r.type == WGPUErrorType_NoError);
        const uint64_t *t = (const uint64_t *)map_read(&c, rb, 16);
        CHECK(t && t[1] >= t[0] && t[1] > 0);
        if (t) printf("timestamps: %llu -> %llu\n", (unsigned long long)t[0], (unsigned long long)t[1]);
        wgpuBufferUnmap(rb);
    } else {
        CHECK(r.type == WGPUErrorType_Validation);
        printf("timestamps: not supported here: %s\n", r.message);
    }
    wgpuQuerySetDestroy(qs);
    wgpuCommandBufferRelease(cb);
    wgpuCommandEncoderRelease(e);
    wgpuBufferRelease(scratch);
    wgpuBufferRelease(rb);
    wgpuBufferRelease(resolve);
    wgpuQuerySetRelease(qs);
    wgpuQueueRelease(q);
    wgpuDeviceRelease(dev);
}

/* A large WriteBuffer (its staging copy is split over threads) lands whole and in
   queue order with the writes before and after it, and is validated like any other. */
static void large_writes(void) {
    const size_t big = 12u << 20, size = big + 4096;
    uint32_t *data = malloc(big);
    for (size_t i = 0; i < big / 4; i++) data[i] = (uint32_t)(i * 2654435761u);
    WGPUBuffer gpu = make_buffer(&ctx, size, WGPUBufferUsage_CopyDst | WGPUBufferUsage_CopySrc, 0);
    WGPUBuffer down = make_buffer(&ctx, size, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    const uint32_t first[4] = {1, 2, 3, 4}, last[2] = {7, 8};
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    wgpuQueueWriteBuffer(ctx.queue, gpu, 4096, first, sizeof first);
    wgpuQueueWriteBuffer(ctx.queue, gpu, 4096, data, big);
    wgpuQueueWriteBuffer(ctx.queue, gpu, size - sizeof last, last, sizeof last);
    CHECK(pop_scope(&ctx).type == WGPUErrorType_NoError);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    wgpuCommandEncoderCopyBufferToBuffer(enc, gpu, 0, down, 0, size);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(ctx.queue, 1, &cb);
    const uint32_t *back = map_read(&ctx, down, size);
    CHECK(back != NULL);
    if (back) {
        size_t wrong = 0, n = big / 4;
        for (size_t i = 0; i < 1024; i++) wrong += back[i] != 0;
        for (size_t i = 0; i + 2 < n; i++) wrong += back[1024 + i] != data[i];
        wrong += back[1024 + n - 2] != 7 || back[1024 + n - 1] != 8;
        CHECK(wrong == 0);
    }
    wgpuBufferUnmap(down);
    /* Past the end: nothing is written, and the error says why. */
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    wgpuQueueWriteBuffer(ctx.queue, gpu, 8192, data, big);
    ScopeResult r = pop_scope(&ctx);
    CHECK(r.type == WGPUErrorType_Validation && strstr(r.message, "overrun"));
    wgpuCommandBufferRelease(cb);
    wgpuCommandEncoderRelease(enc);
    wgpuBufferRelease(down);
    wgpuBufferRelease(gpu);
    free(data);
}

/* Loops compute what WGSL says whether they provably end (no counter) or not (each
   gets its own), barriers included; the module takes the loop-bounded path. */
static int took_plain_path;
static void on_debug_log(WGPUShimLogLevel level, WGPUStringView message, void *userdata) {
    (void)level, (void)userdata;
    if (sv_contains(message, "plain path")) took_plain_path = 1;
}

static const char *LOOPS =
    "override N: u32 = 1u;\n"
    "@group(0) @binding(0) var<storage, read_write> out: array<u32>;\n"
    "var<workgroup> tile: array<u32, 16>;\n"
    "fn bump(p: ptr<function, u32>) { *p = *p + 2u; }\n"
    "@compute @workgroup_size(16) fn main(@builtin(local_invocation_index) li: u32) {\n"
    "    var a = 0u; for (var k = 0u; k < 16u; k++) { a += k * k; }\n"
    "    var b = 0u; for (var t = 0u; t < N; t += 3u) { b += t; }\n"
    "    var c = 0u; var i = 0u; while i < 100u { c += i; i += 7u; }\n"
    "    var d = 0u; for (var k = 0u; k < 8u; k++) { bump(&k); d += 1u; }\n"
    "    var e = 0i; for (var k = -5i; k < 5i; k += 2i) { e += k; }\n"
    "    var f = 0u; loop { f += 5u; if f > 40u { break; } }\n"
    "    var g = 0u;\n"
    "    for (var t = 0u; t < N; t += 2u) {\n"
    "        tile[li] = t + li; workgroupBarrier(); g += tile[(li + 1u) % 16u]; workgroupBarrier();\n"
    "    }\n"
    "    var h = 0u; for (var t = 0u; t < N; t++) { for (var k = 0u; k < 4u; k++) { h += t * k; } }\n"
    "    if li == 0u { out[0] = a; out[1] = b; out[2] = c; out[3] = d; out[4] = bitcast<u32>(e);\n"
    "                  out[5] = f; out[6] = g; out[7] = h; }\n"
    "}\n";

static void loops(void) {
    wgpuShimSetLogCallback(on_debug_log, WGPUShimLogLevel_Debug, NULL);
    took_plain_path = 0;
    WGPUShaderModule m = wgsl_module(&ctx, LOOPS);
    CHECK(!took_plain_path);
    wgpuShimSetLogCallback(on_log, WGPUShimLogLevel_Error, NULL);
    WGPUConstantEntry n = WGPU_CONSTANT_ENTRY_INIT;
    n.key = sv("N");
    n.value = 10;
    WGPUComputePipelineDescriptor pd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    pd.compute.module = m;
    pd.compute.constantCount = 1;
    pd.compute.constants = &n;
    WGPUComputePipeline p = wgpuDeviceCreateComputePipeline(ctx.device, &pd);
    WGPUBuffer out = make_buffer(&ctx, 32, WGPUBufferUsage_Storage | WGPUBufferUsage_CopySrc, 0);
    WGPUBuffer down = make_buffer(&ctx, 32, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    WGPUBindGroupEntry e = WGPU_BIND_GROUP_ENTRY_INIT;
    e.buffer = out;
    WGPUBindGroupDescriptor bd = WGPU_BIND_GROUP_DESCRIPTOR_INIT;
    bd.layout = wgpuComputePipelineGetBindGroupLayout(p, 0);
    bd.entryCount = 1;
    bd.entries = &e;
    WGPUBindGroup g = wgpuDeviceCreateBindGroup(ctx.device, &bd);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(enc, NULL);
    wgpuComputePassEncoderSetPipeline(pass, p);
    wgpuComputePassEncoderSetBindGroup(pass, 0, g, 0, NULL);
    wgpuComputePassEncoderDispatchWorkgroups(pass, 1, 1, 1);
    wgpuComputePassEncoderEnd(pass);
    wgpuCommandEncoderCopyBufferToBuffer(enc, out, 0, down, 0, 32);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(ctx.queue, 1, &cb);
    const uint32_t *r = map_read(&ctx, down, 32);
    /* a: 0² + ... + 15²; b: 0 + 3 + 6 + 9; c: 0 + 7 + ... + 98; d: k = 0, 3, 6;
       e: -5 - 3 - 1 + 1 + 3; f: first multiple of 5 over 40; g: t + 1 for t = 0, 2, .., 8;
       h: (0 + ... + 9) * (0 + 1 + 2 + 3). */
    const uint32_t want[8] = {1240, 18, 735, 3, (uint32_t)-5, 45, 25, 270};
    CHECK(r != NULL);
    for (int i = 0; r && i < 8; i++) {
        if (r[i] != want[i]) printf("    loop %d: got %u, want %u\n", i, r[i], want[i]);
        CHECK(r[i] == want[i]);
    }
    wgpuBufferUnmap(down);
    wgpuCommandBufferRelease(cb);
    wgpuComputePassEncoderRelease(pass);
    wgpuCommandEncoderRelease(enc);
    wgpuBindGroupRelease(g);
    wgpuBindGroupLayoutRelease(bd.layout);
    wgpuBufferRelease(down);
    wgpuBufferRelease(out);
    wgpuComputePipelineRelease(p);
    wgpuShaderModuleRelease(m);
}

/* Limits, as WebGPU's "request a device" sets them: the defaults, raised (or, for an
 * alignment, lowered) only where the request is better; never the adapter's own. */
static void device_limits(void) {
    WGPULimits al = WGPU_LIMITS_INIT, got = WGPU_LIMITS_INIT;
    wgpuAdapterGetLimits(ctx.adapter, &al);

    /* A device made without requiredLimits has exactly the defaults. */
    wgpuDeviceGetLimits(ctx.device, &got);
    CHECK(got.maxBindGroups == 4 && got.maxComputeWorkgroupStorageSize == 16384);
    CHECK(got.minUniformBufferOffsetAlignment == 256 && got.maxBufferSize == 268435456);

    /* A request worse than the default gets the default; a better one, exactly it. */
    WGPULimits req = WGPU_LIMITS_INIT;
    req.maxBindGroups = 3;
    req.minStorageBufferOffsetAlignment = 512;
    req.maxComputeWorkgroupStorageSize = al.maxComputeWorkgroupStorageSize;
    WGPUDeviceDescriptor dd = WGPU_DEVICE_DESCRIPTOR_INIT;
    dd.requiredLimits = &req;
    WGPUDevice dev = second_device(&dd);
    CHECK(dev != NULL);
    if (dev) {
        wgpuDeviceGetLimits(dev, &got);
        CHECK(got.maxBindGroups == 4 && got.minStorageBufferOffsetAlignment == 256);
        CHECK(got.maxComputeWorkgroupStorageSize == al.maxComputeWorkgroupStorageSize);
        wgpuDeviceRelease(dev);
    }

    /* A request beyond the adapter's limit, or an alignment that is not a power of
     * two, makes no device. */
    req = (WGPULimits)WGPU_LIMITS_INIT;
    req.maxBindGroups = al.maxBindGroups + 1;
    CHECK(second_device(&dd) == NULL);
    req = (WGPULimits)WGPU_LIMITS_INIT;
    req.minUniformBufferOffsetAlignment = 384;
    CHECK(second_device(&dd) == NULL);

    /* The per-stage storage limits (WGPUCompatibilityModeLimits, chained): on a core
     * device each equals its per-shader-stage limit, and requesting one raises that
     * limit to it; one above the adapter's limit makes no device. */
    WGPUCompatibilityModeLimits stage = WGPU_COMPATIBILITY_MODE_LIMITS_INIT;
    got = (WGPULimits)WGPU_LIMITS_INIT;
    got.nextInChain = &stage.chain;
    CHECK(wgpuAdapterGetLimits(ctx.adapter, &got) == WGPUStatus_Success);
    CHECK(stage.maxStorageBuffersInFragmentStage == al.maxStorageBuffersPerShaderStage &&
          stage.maxStorageTexturesInVertexStage == al.maxStorageTexturesPerShaderStage);
    WGPUCompatibilityModeLimits want = WGPU_COMPATIBILITY_MODE_LIMITS_INIT;
    want.maxStorageBuffersInFragmentStage = 9;
    req = (WGPULimits)WGPU_LIMITS_INIT;
    req.nextInChain = &want.chain;
    dev = al.maxStorageBuffersPerShaderStage >= 9 ? second_device(&dd) : NULL;
    CHECK(dev != NULL);
    if (dev) {
        stage = (WGPUCompatibilityModeLimits)WGPU_COMPATIBILITY_MODE_LIMITS_INIT;
        got = (WGPULimits)WGPU_LIMITS_INIT;
        got.nextInChain = &stage.chain;
        CHECK(wgpuDeviceGetLimits(dev, &got) == WGPUStatus_Success);
        CHECK(got.maxStorageBuffersPerShaderStage == 9 && stage.maxStorageBuffersInFragmentStage == 9);
        CHECK(stage.maxStorageBuffersInVertexStage == 9 && stage.maxStorageTexturesInFragmentStage == 4);
        wgpuDeviceRelease(dev);
    }
    want.maxStorageBuffersInFragmentStage = al.maxStorageBuffersPerShaderStage + 1;
    CHECK(second_device(&dd) == NULL);

    /* WebGPU's rule for an adapter's limits: maxBindingsPerBindGroup >= the five
     * per-stage binding limits summed, times 2 stages (Vulkan drivers report a million
     * sampled textures per stage; the adapter holds them to the rule). A device with
     * the adapter's sampled-texture limit takes a layout of that many textures in one
     * stage, and refuses one more. */
    uint64_t per_stage = (uint64_t)al.maxSampledTexturesPerShaderStage + al.maxSamplersPerShaderStage +
                         al.maxStorageBuffersPerShaderStage + al.maxStorageTexturesPerShaderStage +
                         al.maxUniformBuffersPerShaderStage;
    CHECK(al.maxBindingsPerBindGroup >= per_stage * 2);
    req = (WGPULimits)WGPU_LIMITS_INIT;
    req.maxSampledTexturesPerShaderStage = al.maxSampledTexturesPerShaderStage;
    dev = second_device(&dd);
    CHECK(dev != NULL);
    if (dev) {
        uint32_t n = al.maxSampledTexturesPerShaderStage;
        WGPUBindGroupLayoutEntry *entries = calloc(n + 1, sizeof *entries);
        for (uint32_t i = 0; i <= n; i++) {
            entries[i] = (WGPUBindGroupLayoutEntry)WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT;
            entries[i].binding = i;
            entries[i].visibility = WGPUShaderStage_Fragment;
            entries[i].texture.sampleType = WGPUTextureSampleType_Float;
        }
        Ctx c2 = ctx;
        c2.device = dev;
        WGPUBindGroupLayoutDescriptor bd = WGPU_BIND_GROUP_LAYOUT_DESCRIPTOR_INIT;
        for (uint32_t count = n; count <= n + 1; count++) {
            bd.entryCount = count;
            bd.entries = entries;
            wgpuDevicePushErrorScope(dev, WGPUErrorFilter_Validation);
            WGPUBindGroupLayout bgl = wgpuDeviceCreateBindGroupLayout(dev, &bd);
            ScopeResult r = pop_scope(&c2);
            CHECK(bgl != NULL);
            if (count == n)
                CHECK(r.type == WGPUErrorType_NoError);
            else
                CHECK(r.type == WGPUErrorType_Validation && strstr(r.message, "SampledTextures"));
            wgpuBindGroupLayoutRelease(bgl);
        }
        free(entries);
        wgpuDeviceRelease(dev);
    }

    /* Creating a compute pipeline whose entry point uses more workgroup storage than
     * the device's maxComputeWorkgroupStorageSize (each variable rounded up to 16
     * bytes) is a validation error; within it, the pipeline is valid. */
    static const char *over = "var<workgroup> a: array<u32, 4096>; var<workgroup> b: u32;\n"
                              "@compute @workgroup_size(1) fn main() { a[0] = 1u; b = a[0]; }\n";
    WGPUShaderModule m = wgsl_module(&ctx, over);
    WGPUComputePipelineDescriptor cpd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    cpd.compute.module = m;
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    WGPUComputePipeline p = wgpuDeviceCreateComputePipeline(ctx.device, &cpd);
    ScopeResult r = pop_scope(&ctx);
    CHECK(r.type == WGPUErrorType_Validation);
    CHECK(strstr(r.message, "16400 bytes of workgroup storage") && strstr(r.message, "(16384)"));
    wgpuComputePipelineRelease(p);
    wgpuShaderModuleRelease(m);
    /* Where overrides give the workgroup size or size a workgroup array, the same
     * limits hold once the pipeline's constants are known (a driver given a size over
     * its limits may do anything). */
    m = wgsl_module(&ctx, "override w: u32 = 64; override n: u32 = 4;\n"
                          "var<workgroup> a: array<vec4f, n>;\n"
                          "@compute @workgroup_size(w, 2) fn main() { a[0] = vec4f(1); }\n");
    static const struct {
        double w, n;
        const char *error;
    } sizes[] = {{64, 4, NULL}, {256, 4, "512 invocations per workgroup, more than maxComputeInvocationsPerWorkgroup (256)"},
                 {257, 1, "workgroup size (257, 2, 1)"}, {64, 1025, "16400 bytes of workgroup storage"}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        WGPUConstantEntry c[2] = {WGPU_CONSTANT_ENTRY_INIT, WGPU_CONSTANT_ENTRY_INIT};
        c[0].key = sv("w");
        c[0].value = sizes[i].w;
        c[1].key = sv("n");
        c[1].value = sizes[i].n;
        cpd.compute.module = m;
        cpd.compute.constantCount = 2;
        cpd.compute.constants = c;
        wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
        p = wgpuDeviceCreateComputePipeline(ctx.device, &cpd);
        r = pop_scope(&ctx);
        if (sizes[i].error) {
            CHECK(r.type == WGPUErrorType_Validation && strstr(r.message, sizes[i].error));
            if (!strstr(r.message, sizes[i].error)) printf("    got: %s\n", r.message);
        } else {
            CHECK(r.type == WGPUErrorType_NoError);
        }
        wgpuComputePipelineRelease(p);
    }
    cpd.compute.constantCount = 0;
    cpd.compute.constants = NULL;
    wgpuShaderModuleRelease(m);
    /* A binding in a group at or over maxBindGroups makes no error when the module is
     * created (its compilation info is clean), but every pipeline made from it
     * fails validation. */
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    m = wgsl_module(&ctx, "@group(4) @binding(0) var<storage, read_write> b: array<u32>;\n"
                          "@compute @workgroup_size(1) fn main() { b[0] = 1u; }\n");
    CHECK(pop_scope(&ctx).type == WGPUErrorType_NoError);
    InfoResult info = compilation_info(&ctx, m);
    CHECK(info.status == WGPUCompilationInfoRequestStatus_Success && info.count == 0);
    cpd.compute.module = m;
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    p = wgpuDeviceCreateComputePipeline(ctx.device, &cpd);
    r = pop_scope(&ctx);
    CHECK(r.type == WGPUErrorType_Validation && strstr(r.message, "group index 4") &&
          strstr(r.message, "max_bind_groups limit of 4"));
    wgpuComputePipelineRelease(p);
    wgpuShaderModuleRelease(m);
    if (al.maxComputeWorkgroupStorageSize >= 16400) {
        req = (WGPULimits)WGPU_LIMITS_INIT;
        req.maxComputeWorkgroupStorageSize = 16400;
        dev = second_device(&dd);
        CHECK(dev != NULL);
        Ctx c = ctx;
        c.device = dev;
        m = wgsl_module(&c, over);
        cpd.compute.module = m;
        wgpuDevicePushErrorScope(dev, WGPUErrorFilter_Validation);
        p = wgpuDeviceCreateComputePipeline(dev, &cpd);
        CHECK(pop_scope(&c).type == WGPUErrorType_NoError);
        wgpuComputePipelineRelease(p);
        wgpuShaderModuleRelease(m);
        wgpuDeviceRelease(dev);
    }
}

/* A device has the features it was created with and no more: TimestampQuery does not
 * bring Dawn's timestamps inside passes along (though wgpu-core's device needs some of
 * their bits to write timestamps from the encoder). */
static void device_features(void) {
    if (!wgpuAdapterHasFeature(ctx.adapter, WGPUFeatureName_TimestampQuery)) return;
    WGPUFeatureName ts = WGPUFeatureName_TimestampQuery;
    WGPUDeviceDescriptor dd = WGPU_DEVICE_DESCRIPTOR_INIT;
    dd.requiredFeatureCount = 1;
    dd.requiredFeatures = &ts;
    WGPUDevice dev = second_device(&dd);
    CHECK(dev != NULL);
    if (!dev) return;
    CHECK(wgpuDeviceHasFeature(dev, WGPUFeatureName_TimestampQuery));
    CHECK(!wgpuDeviceHasFeature(dev, WGPUFeatureName_ChromiumExperimentalTimestampQueryInsidePasses));
    WGPUSupportedFeatures f = WGPU_SUPPORTED_FEATURES_INIT;
    wgpuDeviceGetFeatures(dev, &f);
    /* CoreFeaturesAndLimits, which every device has, and TimestampQuery: not Dawn's
     * ImplicitDeviceSynchronization, which every device of this library has too but
     * reports only when it was requested (as Dawn does). */
    CHECK(f.featureCount == 2);
    CHECK(!wgpuDeviceHasFeature(dev, WGPUFeatureName_ImplicitDeviceSynchronization));
    CHECK(wgpuAdapterHasFeature(ctx.adapter, WGPUFeatureName_ImplicitDeviceSynchronization));
    wgpuSupportedFeaturesFreeMembers(f);
    wgpuDeviceRelease(dev);
    /* A device made with no features reports CoreFeaturesAndLimits alone. */
    WGPUSupportedFeatures none = WGPU_SUPPORTED_FEATURES_INIT;
    wgpuDeviceGetFeatures(ctx.device, &none);
    CHECK(none.featureCount == 1 && none.features[0] == WGPUFeatureName_CoreFeaturesAndLimits);
    wgpuSupportedFeaturesFreeMembers(none);
}

static void features_and_limits(void) {
    /* Features: what the adapter lists, it has; the device's are a subset. */
    WGPUSupportedFeatures af = WGPU_SUPPORTED_FEATURES_INIT;
    wgpuAdapterGetFeatures(ctx.adapter, &af);
    CHECK(af.featureCount >= 1);
    for (size_t i = 0; i < af.featureCount; i++) CHECK(wgpuAdapterHasFeature(ctx.adapter, af.features[i]));
    CHECK(!wgpuAdapterHasFeature(ctx.adapter, (WGPUFeatureName)0x7fff));
    WGPUSupportedFeatures df = WGPU_SUPPORTED_FEATURES_INIT;
    wgpuDeviceGetFeatures(ctx.device, &df);
    for (size_t i = 0; i < df.featureCount; i++) CHECK(wgpuAdapterHasFeature(ctx.adapter, df.features[i]));
    wgpuSupportedFeaturesFreeMembers(df);
    wgpuSupportedFeaturesFreeMembers(af);
    WGPULimits al = WGPU_LIMITS_INIT, dl = WGPU_LIMITS_INIT;
    CHECK(wgpuAdapterGetLimits(ctx.adapter, &al) == WGPUStatus_Success);
    CHECK(wgpuDeviceGetLimits(ctx.device, &dl) == WGPUStatus_Success);
    CHECK(dl.maxBufferSize <= al.maxBufferSize && dl.maxBindGroups <= al.maxBindGroups);
}

static void wgsl_language_features(void) {
    /* WGSL language features: each one reported is had, and a shader that requires it
     * and uses it compiles; one that is not (pointers to storage as arguments) is not
     * reported, and requiring it is an error. */
    static const struct {
        WGPUWGSLLanguageFeatureName name;
        const char *wgsl;
    } uses[] = {
        {WGPUWGSLLanguageFeatureName_ReadonlyAndReadwriteStorageTextures,
         "requires readonly_and_readwrite_storage_textures;\n"
         "@group(0) @binding(0) var t: texture_storage_2d<r32float, read_write>;\n"
         "@compute @workgroup_size(1) fn main() { textureStore(t, vec2i(0), textureLoad(t, vec2i(1)) + 1.0); }"},
        {WGPUWGSLLanguageFeatureName_Packed4x8IntegerDotProduct,
         "requires packed_4x8_integer_dot_product;\n"
         "@compute @workgroup_size(1) fn main() { let x = dot4U8Packed(1u, 2u); }"},
        {WGPUWGSLLanguageFeatureName_PointerCompositeAccess,
         "requires pointer_composite_access;\n"
         "fn first(p: ptr<function, vec2f>) -> f32 { return p.x; }\n"
         "@compute @workgroup_size(1) fn main() { var v = vec2f(1, 2); let x = first(&v); }"},
        {WGPUWGSLLanguageFeatureName_ImmediateAddressSpace,
         "requires immediate_address_space;\n"
         "var<immediate> k: vec4<u32>;\n"
         "@group(0) @binding(0) var<storage, read_write> out: array<u32>;\n"
         "@compute @workgroup_size(1) fn main() { out[0] = k.x; }"},
        {WGPUWGSLLanguageFeatureName_TextureFormatsTier1,
         "requires texture_formats_tier1;\n"
         "@group(0) @binding(0) var a: texture_storage_2d<r8unorm, write>;\n"
         "@group(0) @binding(1) var b: texture_storage_2d<rg11b10ufloat, read>;\n"
         "@group(0) @binding(2) var c: texture_storage_2d<r16unorm, write>;\n"
         "@compute @workgroup_size(1) fn main() { textureStore(a, vec2i(0), textureLoad(b, vec2i(0)));\n"
         "  textureStore(c, vec2i(0), vec4f(1)); }"},
        {WGPUWGSLLanguageFeatureName_SubgroupUniformity,
         "requires subgroup_uniformity;\n"
         "@compute @workgroup_size(64) fn main(@builtin(workgroup_id) g: vec3u) {\n"
         "  if g.x == 0u { workgroupBarrier(); } }"},
    };
    WGPUSupportedWGSLLanguageFeatures wf = WGPU_SUPPORTED_WGSL_LANGUAGE_FEATURES_INIT;
    wgpuInstanceGetWGSLLanguageFeatures(ctx.instance, &wf);
    CHECK(wf.featureCount == sizeof uses / sizeof uses[0]);
    for (size_t i = 0; i < wf.featureCount; i++) {
        CHECK(wgpuInstanceHasWGSLLanguageFeature(ctx.instance, wf.features[i]));
        int tested = 0;
        for (size_t k = 0; k < sizeof uses / sizeof uses[0]; k++) {
            if (uses[k].name != wf.features[i]) continue;
            tested = 1;
            wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
            wgpuShaderModuleRelease(wgsl_module(&ctx, uses[k].wgsl));
            ScopeResult r = pop_scope(&ctx);
            CHECK(r.type == WGPUErrorType_NoError);
            if (r.type != WGPUErrorType_NoError) fprintf(stderr, "language feature %#x: %s\n", uses[k].name, r.message);
        }
        CHECK(tested);
    }
    wgpuSupportedWGSLLanguageFeaturesFreeMembers(wf);
    CHECK(!wgpuInstanceHasWGSLLanguageFeature(ctx.instance, WGPUWGSLLanguageFeatureName_UnrestrictedPointerParameters));
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    wgpuShaderModuleRelease(wgsl_module(&ctx, "requires unrestricted_pointer_parameters;\n"
                                              "@compute @workgroup_size(1) fn main() {}"));
    CHECK(pop_scope(&ctx).type == WGPUErrorType_Validation);
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    WGPUShaderModule dot = wgsl_module(&ctx, "@compute @workgroup_size(1) fn main() { let x = dot4U8Packed(1u, 2u); }");
    CHECK(pop_scope(&ctx).type == WGPUErrorType_NoError);
    wgpuShaderModuleRelease(dot);
}

static void adapter_info(void) {
    /* The device's adapter info is the adapter's. */
    WGPUAdapterInfo ai = WGPU_ADAPTER_INFO_INIT, di = WGPU_ADAPTER_INFO_INIT;
    CHECK(wgpuAdapterGetInfo(ctx.adapter, &ai) == WGPUStatus_Success);
    CHECK(wgpuDeviceGetAdapterInfo(ctx.device, &di) == WGPUStatus_Success);
    CHECK(ai.device.length == di.device.length && memcmp(ai.device.data, di.device.data, ai.device.length) == 0);
    CHECK(ai.vendorID == di.vendorID && ai.deviceID == di.deviceID && ai.backendType == di.backendType);
    wgpuAdapterInfoFreeMembers(ai);
    wgpuAdapterInfoFreeMembers(di);
}

static void texture_copies(void) {
    /* Copies through a texture: buffer -> texture -> texture -> buffer. */
    WGPUTextureBindingViewDimension tbvd = WGPU_TEXTURE_BINDING_VIEW_DIMENSION_INIT;
    tbvd.textureBindingViewDimension = WGPUTextureViewDimension_2DArray;
    WGPUTextureDescriptor td = WGPU_TEXTURE_DESCRIPTOR_INIT;
    td.nextInChain = &tbvd.chain;
    td.size = (WGPUExtent3D){8, 8, 1};
    td.format = WGPUTextureFormat_R32Uint;
    td.usage = WGPUTextureUsage_CopySrc | WGPUTextureUsage_CopyDst;
    WGPUTexture ta = wgpuDeviceCreateTexture(ctx.device, &td), tb = wgpuDeviceCreateTexture(ctx.device, &td);
    CHECK(wgpuTextureGetTextureBindingViewDimension(ta) == WGPUTextureViewDimension_2DArray);
    uint32_t texels[64 * 8];
    for (int i = 0; i < 64 * 8; i++) texels[i] = 1000 + i;
    WGPUBuffer up = make_buffer(&ctx, sizeof texels, WGPUBufferUsage_CopySrc | WGPUBufferUsage_CopyDst, 0);
    wgpuQueueWriteBuffer(ctx.queue, up, 0, texels, sizeof texels);
    WGPUBuffer down = make_buffer(&ctx, sizeof texels, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    WGPUTexelCopyBufferInfo bi = WGPU_TEXEL_COPY_BUFFER_INFO_INIT;
    bi.buffer = up;
    bi.layout.bytesPerRow = 256;
    WGPUTexelCopyTextureInfo tia = WGPU_TEXEL_COPY_TEXTURE_INFO_INIT, tib = WGPU_TEXEL_COPY_TEXTURE_INFO_INIT;
    tia.texture = ta;
    tib.texture = tb;
    wgpuCommandEncoderCopyBufferToTexture(enc, &bi, &tia, &td.size);
    wgpuCommandEncoderCopyTextureToTexture(enc, &tia, &tib, &td.size);
    bi.buffer = down;
    wgpuCommandEncoderCopyTextureToBuffer(enc, &tib, &bi, &td.size);
    WGPUCommandBuffer cmd = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(ctx.queue, 1, &cmd);
    const uint32_t *got = map_read(&ctx, down, sizeof texels);
    /* Row y of the texture starts at y * 64 words (256 bytes). */
    CHECK(got && got[0] == 1000 && got[7] == 1007 && got[64 * 7 + 7] == 1000 + 64 * 7 + 7);
    wgpuBufferUnmap(down);

    wgpuCommandBufferRelease(cmd);
    wgpuCommandEncoderRelease(enc);
    wgpuBufferRelease(down);
    wgpuBufferRelease(up);
    wgpuTextureRelease(tb);
    wgpuTextureRelease(ta);
}

static void lifecycles(void) {
    WGPUTextureDescriptor td = WGPU_TEXTURE_DESCRIPTOR_INIT;
    td.size = (WGPUExtent3D){8, 8, 1};
    td.format = WGPUTextureFormat_R32Uint;
    td.usage = WGPUTextureUsage_CopySrc | WGPUTextureUsage_CopyDst;
    WGPUTexture ta = wgpuDeviceCreateTexture(ctx.device, &td);
    WGPUBuffer up = make_buffer(&ctx, 64, WGPUBufferUsage_Storage, 0);
    WGPUShaderModule dot = wgsl_module(&ctx, "@compute @workgroup_size(1) fn main() {}");
    /* Every object type: AddRef keeps it through one Release; SetLabel validates. */
    /* The instance and adapter have no SetLabel: check them through a call. */
    CHECK(logged_errors == 0);
    WGPUInstance second = wgpuCreateInstance(NULL);
    wgpuInstanceAddRef(second);
    wgpuInstanceRelease(second);
    wgpuInstanceProcessEvents(second);
    CHECK(logged_errors == 0);
    wgpuInstanceRelease(second);
    wgpuInstanceProcessEvents(second);
    CHECK(logged_errors == 1 && strstr(last_log, "not a live WGPUInstance"));
    logged_errors = 0;
    wgpuAdapterAddRef(ctx.adapter);
    wgpuAdapterRelease(ctx.adapter);
    WGPULimits still = WGPU_LIMITS_INIT;
    CHECK(wgpuAdapterGetLimits(ctx.adapter, &still) == WGPUStatus_Success);
    wgpuDeviceAddRef(ctx.device);
    wgpuDeviceRelease(ctx.device);
    wgpuDeviceSetLabel(ctx.device, sv("device"));
    wgpuQueueAddRef(ctx.queue);
    wgpuQueueRelease(ctx.queue);
    wgpuQueueSetLabel(ctx.queue, sv("queue"));
    CHECK(logged_errors == 0);
    LIFECYCLE(Buffer, make_buffer(&ctx, 16, WGPUBufferUsage_Storage, 0), wgpuBufferAddRef, wgpuBufferRelease, wgpuBufferSetLabel);
    LIFECYCLE(Texture, wgpuDeviceCreateTexture(ctx.device, &td), wgpuTextureAddRef, wgpuTextureRelease, wgpuTextureSetLabel);
    LIFECYCLE(TextureView, wgpuTextureCreateView(ta, NULL), wgpuTextureViewAddRef, wgpuTextureViewRelease, wgpuTextureViewSetLabel);
    WGPUSamplerDescriptor smd = WGPU_SAMPLER_DESCRIPTOR_INIT;
    LIFECYCLE(Sampler, wgpuDeviceCreateSampler(ctx.device, &smd), wgpuSamplerAddRef, wgpuSamplerRelease, wgpuSamplerSetLabel);
    LIFECYCLE(ShaderModule, wgsl_module(&ctx, "@compute @workgroup_size(1) fn main() {}"), wgpuShaderModuleAddRef, wgpuShaderModuleRelease, wgpuShaderModuleSetLabel);
    WGPUBindGroupLayoutEntry le = WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT;
    le.visibility = WGPUShaderStage_Compute;
    le.buffer.type = WGPUBufferBindingType_Storage;
    WGPUBindGroupLayoutDescriptor ld = WGPU_BIND_GROUP_LAYOUT_DESCRIPTOR_INIT;
    ld.entryCount = 1;
    ld.entries = &le;
    WGPUBindGroupLayout bgl = wgpuDeviceCreateBindGroupLayout(ctx.device, &ld);
    LIFECYCLE(BindGroupLayout, wgpuDeviceCreateBindGroupLayout(ctx.device, &ld), wgpuBindGroupLayoutAddRef, wgpuBindGroupLayoutRelease, wgpuBindGroupLayoutSetLabel);
    WGPUPipelineLayoutDescriptor pld = WGPU_PIPELINE_LAYOUT_DESCRIPTOR_INIT;
    pld.bindGroupLayoutCount = 1;
    pld.bindGroupLayouts = &bgl;
    LIFECYCLE(PipelineLayout, wgpuDeviceCreatePipelineLayout(ctx.device, &pld), wgpuPipelineLayoutAddRef, wgpuPipelineLayoutRelease, wgpuPipelineLayoutSetLabel);
    WGPUBindGroupEntry be = WGPU_BIND_GROUP_ENTRY_INIT;
    be.buffer = up;
    WGPUBindGroupDescriptor bgd = WGPU_BIND_GROUP_DESCRIPTOR_INIT;
    bgd.layout = bgl;
    bgd.entryCount = 1;
    bgd.entries = &be;
    le.buffer.type = WGPUBufferBindingType_ReadOnlyStorage;
    WGPUBuffer storage = make_buffer(&ctx, 64, WGPUBufferUsage_Storage, 0);
    be.buffer = storage;
    LIFECYCLE(BindGroup, wgpuDeviceCreateBindGroup(ctx.device, &bgd), wgpuBindGroupAddRef, wgpuBindGroupRelease, wgpuBindGroupSetLabel);
    WGPUComputePipelineDescriptor cpd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    cpd.compute.module = dot;
    LIFECYCLE(ComputePipeline, wgpuDeviceCreateComputePipeline(ctx.device, &cpd), wgpuComputePipelineAddRef, wgpuComputePipelineRelease, wgpuComputePipelineSetLabel);
    WGPUShaderModule rm = wgsl_module(&ctx, "@vertex fn vs() -> @builtin(position) vec4<f32> { return vec4<f32>(0.0); }");
    WGPURenderPipelineDescriptor rpd = WGPU_RENDER_PIPELINE_DESCRIPTOR_INIT;
    rpd.vertex.module = rm;
    WGPUDepthStencilState depth_only = WGPU_DEPTH_STENCIL_STATE_INIT;
    depth_only.format = WGPUTextureFormat_Depth32Float;
    depth_only.depthWriteEnabled = WGPUOptionalBool_True;
    depth_only.depthCompare = WGPUCompareFunction_Less;
    rpd.depthStencil = &depth_only;
    LIFECYCLE(RenderPipeline, wgpuDeviceCreateRenderPipeline(ctx.device, &rpd), wgpuRenderPipelineAddRef, wgpuRenderPipelineRelease, wgpuRenderPipelineSetLabel);
    LIFECYCLE(CommandEncoder, wgpuDeviceCreateCommandEncoder(ctx.device, NULL), wgpuCommandEncoderAddRef, wgpuCommandEncoderRelease, wgpuCommandEncoderSetLabel);
    WGPUCommandEncoder e2 = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    WGPUComputePassEncoder cpe = wgpuCommandEncoderBeginComputePass(e2, NULL);
    wgpuComputePassEncoderEnd(cpe);
    LIFECYCLE(ComputePassEncoder, cpe, wgpuComputePassEncoderAddRef, wgpuComputePassEncoderRelease, wgpuComputePassEncoderSetLabel);
    LIFECYCLE(CommandBuffer, wgpuCommandEncoderFinish(e2, NULL), wgpuCommandBufferAddRef, wgpuCommandBufferRelease, wgpuCommandBufferSetLabel);
    WGPUCommandEncoder e3 = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    WGPUTextureDescriptor rtd = WGPU_TEXTURE_DESCRIPTOR_INIT;
    rtd.size = (WGPUExtent3D){4, 4, 1};
    rtd.format = WGPUTextureFormat_RGBA8Unorm;
    rtd.usage = WGPUTextureUsage_RenderAttachment;
    WGPUTexture rt = wgpuDeviceCreateTexture(ctx.device, &rtd);
    WGPUTextureView rtv = wgpuTextureCreateView(rt, NULL);
    WGPURenderPassColorAttachment ca = WGPU_RENDER_PASS_COLOR_ATTACHMENT_INIT;
    ca.view = rtv;
    ca.loadOp = WGPULoadOp_Clear;
    ca.storeOp = WGPUStoreOp_Store;
    WGPURenderPassDescriptor rpass = WGPU_RENDER_PASS_DESCRIPTOR_INIT;
    rpass.colorAttachmentCount = 1;
    rpass.colorAttachments = &ca;
    LIFECYCLE(RenderPassEncoder, wgpuCommandEncoderBeginRenderPass(e3, &rpass), wgpuRenderPassEncoderAddRef, wgpuRenderPassEncoderRelease, wgpuRenderPassEncoderSetLabel);
    WGPUTextureFormat fmt = WGPUTextureFormat_RGBA8Unorm;
    WGPURenderBundleEncoderDescriptor bed = WGPU_RENDER_BUNDLE_ENCODER_DESCRIPTOR_INIT;
    bed.colorFormatCount = 1;
    bed.colorFormats = &fmt;
    WGPURenderBundleEncoder rbe = wgpuDeviceCreateRenderBundleEncoder(ctx.device, &bed);
    LIFECYCLE(RenderBundleEncoder, wgpuDeviceCreateRenderBundleEncoder(ctx.device, &bed), wgpuRenderBundleEncoderAddRef, wgpuRenderBundleEncoderRelease, wgpuRenderBundleEncoderSetLabel);
    LIFECYCLE(RenderBundle, wgpuRenderBundleEncoderFinish(rbe, NULL), wgpuRenderBundleAddRef, wgpuRenderBundleRelease, wgpuRenderBundleSetLabel);
    WGPUQuerySetDescriptor qd = WGPU_QUERY_SET_DESCRIPTOR_INIT;
    qd.type = WGPUQueryType_Occlusion;
    qd.count = 4;
    LIFECYCLE(QuerySet, wgpuDeviceCreateQuerySet(ctx.device, &qd), wgpuQuerySetAddRef, wgpuQuerySetRelease, wgpuQuerySetSetLabel);

    wgpuRenderBundleEncoderRelease(rbe);
    wgpuTextureViewRelease(rtv);
    wgpuTextureRelease(rt);
    wgpuCommandEncoderRelease(e3);
    wgpuCommandEncoderRelease(e2);
    wgpuShaderModuleRelease(rm);
    wgpuBufferRelease(storage);
    wgpuBindGroupLayoutRelease(bgl);
    wgpuShaderModuleRelease(dot);
    wgpuBufferRelease(up);
    wgpuTextureRelease(ta);
}

static void labels_in_messages(void) {
    /* Labels name objects in error messages: the creation label, and after SetLabel
     * the new one; the library's internal tagging never shows. */
    WGPUBufferDescriptor lbd = WGPU_BUFFER_DESCRIPTOR_INIT;
    lbd.label = sv("vertices");
    lbd.size = 16;
    lbd.usage = WGPUBufferUsage_Storage;
    WGPUBuffer labelled = wgpuDeviceCreateBuffer(ctx.device, &lbd);
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    MapResult lm1 = {0};
    wait_for(&ctx, map_buffer(labelled, WGPUMapMode_Read, 0, 16, &lm1));
    ScopeResult l1 = pop_scope(&ctx);
    CHECK(strstr(l1.message, "'vertices'") != NULL && strchr(l1.message, '\x1f') == NULL);
    CHECK(strstr(lm1.message, "'vertices'") != NULL && strchr(lm1.message, '\x1f') == NULL);
    wgpuBufferSetLabel(labelled, sv("particles"));
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    MapResult lm2 = {0};
    wait_for(&ctx, map_buffer(labelled, WGPUMapMode_Read, 0, 16, &lm2));
    ScopeResult l2 = pop_scope(&ctx);
    CHECK(strstr(l2.message, "'particles'") != NULL && strstr(l2.message, "vertices") == NULL);
    printf("after SetLabel: %s\n", l2.message);
    wgpuBufferRelease(labelled);
    /* An unlabelled object renamed later is named too. */
    WGPUShaderModule unnamed = wgsl_module(&ctx, "@compute @workgroup_size(1) fn main() {}");
    wgpuShaderModuleSetLabel(unnamed, sv("kernels"));
    WGPUComputePipelineDescriptor npd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    npd.compute.module = unnamed;
    npd.compute.entryPoint = sv("missing");
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    WGPUComputePipeline np = wgpuDeviceCreateComputePipeline(ctx.device, &npd);
    ScopeResult l3 = pop_scope(&ctx);
    CHECK(l3.type == WGPUErrorType_Validation && strchr(l3.message, '\x1f') == NULL);
    printf("pipeline error: %s\n", l3.message);
    wgpuComputePipelineRelease(np);
    wgpuShaderModuleRelease(unnamed);
}

static void lost_future(void) {
    /* The lost future fires when the device is destroyed: wait on it. */
    WGPUDeviceLostReason reason = 0;
    WGPUDeviceDescriptor ldd = WGPU_DEVICE_DESCRIPTOR_INIT;
    ldd.deviceLostCallbackInfo.mode = WGPUCallbackMode_WaitAnyOnly;
    ldd.deviceLostCallbackInfo.callback = on_lost_future;
    ldd.deviceLostCallbackInfo.userdata1 = &reason;
    WGPUDevice doomed = second_device(&ldd);
    WGPUFuture lost = wgpuDeviceGetLostFuture(doomed);
    CHECK(lost.id != 0);
    WGPUFutureWaitInfo lw = {lost, 0};
    CHECK(wgpuInstanceWaitAny(ctx.instance, 1, &lw, 0) == WGPUWaitStatus_TimedOut);
    wgpuDeviceDestroy(doomed);
    CHECK(wgpuInstanceWaitAny(ctx.instance, 1, &lw, UINT64_MAX) == WGPUWaitStatus_Success && lw.completed);
    CHECK(reason == WGPUDeviceLostReason_Destroyed);
    wgpuDeviceRelease(doomed);
    CHECK(ctx.uncaptured_count == 0);
    if (ctx.uncaptured_count) fprintf(stderr, "uncaptured: %s\n", ctx.uncaptured_message);
}

typedef struct {
    const char *name;
    const char *what;
    void (*run)(void);
} Case;

#define CASE(fn, what) {#fn, what, fn}

/* Each case makes and releases its own objects on the shared device. */
static const Case CASES[] = {
    CASE(features_and_limits, "the adapter has what it lists; the device's features and limits are within the adapter's"),
    CASE(device_limits, "a device's limits: the defaults, better only where requested, never the adapter's own"),
    CASE(device_features, "a device has the features it was created with and no more"),
    CASE(wgsl_language_features, "each reported WGSL language feature is had; an unreported one is an error to require"),
    CASE(adapter_info, "the device's adapter info is the adapter's"),
    CASE(texture_copies, "buffer to texture to texture to buffer round-trips; the binding view dimension is kept"),
    CASE(immediates, "immediate data in compute passes, render passes and bundles, set before the pipeline too; past the limit, an invalid encoder"),
    CASE(timestamps, "timestamps around a dispatch increase; without the feature, a validation error"),
    CASE(large_writes, "a large WriteBuffer (staged by several threads) lands whole"),
    CASE(loops, "loops compute what WGSL says, bounded or provably ending, barriers included"),
    CASE(lifecycles, "every object type: AddRef keeps it through one Release; SetLabel validates"),
    CASE(labels_in_messages, "labels name objects in error messages, after SetLabel too"),
    CASE(lost_future, "the lost future fires when the device is destroyed"),
};

int main(void) {
    wgpuShimSetLogCallback(on_log, WGPUShimLogLevel_Error, NULL);
    if (!setup(&ctx)) return 1;
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        int before = test_failures;
        CASES[i].run();
        printf("%s %s: %s\n", test_failures == before ? "ok  " : "FAIL", CASES[i].name, CASES[i].what);
    }
    wgpuShimSetLogCallback(NULL, WGPUShimLogLevel_Off, NULL);
    teardown(&ctx);
    return finish("objects");
}
