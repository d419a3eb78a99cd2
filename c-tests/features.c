/* Every feature an adapter reports works end to end: for each WGPUFeatureName the
 * adapter has, a device is requested with it and the feature is used, its result
 * read back and checked. A feature the adapter lacks is skipped (and says so);
 * features tested by another program are listed with it.
 *
 * Usage: features            run every case
 *        features --table    print the table in FEATURES.md */
#include "common.h"

static Ctx base;

/* A device with `feature`, and `also` where it is not 0 (a feature that needs another). */
static WGPUDevice device_with(WGPUFeatureName feature, WGPUFeatureName also) {
    WGPUFeatureName features[2] = {feature, also};
    WGPUDeviceDescriptor dd = WGPU_DEVICE_DESCRIPTOR_INIT;
    dd.requiredFeatureCount = also ? 2 : 1;
    dd.requiredFeatures = features;
    WGPUDevice dev = NULL;
    WGPURequestDeviceCallbackInfo cb = WGPU_REQUEST_DEVICE_CALLBACK_INFO_INIT;
    cb.mode = WGPUCallbackMode_WaitAnyOnly;
    cb.callback = on_device;
    cb.userdata1 = &dev;
    futures_expected++;
    wait_for(&base, wgpuAdapterRequestDevice(base.adapter, &dd, cb));
    return dev;
}

static Ctx with(WGPUDevice dev) {
    Ctx c = base;
    c.device = dev;
    c.queue = wgpuDeviceGetQueue(dev);
    return c;
}

static WGPUTexture texture(Ctx *c, WGPUTextureFormat format, WGPUTextureUsage usage) {
    WGPUTextureDescriptor d = WGPU_TEXTURE_DESCRIPTOR_INIT;
    d.size.width = 4;
    d.size.height = 4;
    d.format = format;
    d.usage = usage | WGPUTextureUsage_CopySrc;
    return wgpuDeviceCreateTexture(c->device, &d);
}

/* Copies texel (0, 0) of `aspect` of `t` into `out` (`bytes` of it). */
static int read_texel(Ctx *c, WGPUTexture t, WGPUTextureAspect aspect, void *out, size_t bytes) {
    WGPUBuffer b = make_buffer(c, 256 * 4, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    WGPUCommandEncoder e = wgpuDeviceCreateCommandEncoder(c->device, NULL);
    WGPUTexelCopyTextureInfo src = WGPU_TEXEL_COPY_TEXTURE_INFO_INIT;
    src.texture = t;
    src.aspect = aspect;
    WGPUTexelCopyBufferInfo dst = WGPU_TEXEL_COPY_BUFFER_INFO_INIT;
    dst.buffer = b;
    dst.layout.bytesPerRow = 256;
    dst.layout.rowsPerImage = 4;
    WGPUExtent3D size = {4, 4, 1};
    wgpuCommandEncoderCopyTextureToBuffer(e, &src, &dst, &size);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(e, NULL);
    wgpuQueueSubmit(c->queue, 1, &cb);
    MapResult r;
    memset(&r, 0, sizeof r);
    wait_for(c, map_buffer(b, WGPUMapMode_Read, 0, 256 * 4, &r));
    const void *mapped = r.status == WGPUMapAsyncStatus_Success ? wgpuBufferGetConstMappedRange(b, 0, 256 * 4) : NULL;
    int ok = mapped != NULL;
    if (ok) {
        memcpy(out, mapped, bytes);
        wgpuBufferUnmap(b);
    } else {
        printf("    no readback: %s\n", r.message);
    }
    wgpuCommandBufferRelease(cb);
    wgpuCommandEncoderRelease(e);
    wgpuBufferRelease(b);
    return ok;
}

/* A render pipeline drawing `code`'s vs/fs into one `format` target, after `tweak`
 * has changed its descriptor. */
static WGPURenderPipeline render_pipeline(Ctx *c, const char *code, WGPUTextureFormat format, WGPUBlendState *blend,
                                          void (*tweak)(WGPURenderPipelineDescriptor *)) {
    WGPUShaderModule m = wgsl_module(c, code);
    WGPUColorTargetState target = WGPU_COLOR_TARGET_STATE_INIT;
    target.format = format;
    target.blend = blend;
    WGPUFragmentState fs = WGPU_FRAGMENT_STATE_INIT;
    fs.module = m;
    fs.targetCount = 1;
    fs.targets = &target;
    WGPURenderPipelineDescriptor d = WGPU_RENDER_PIPELINE_DESCRIPTOR_INIT;
    d.vertex.module = m;
    d.fragment = &fs;
    if (tweak) tweak(&d);
    WGPURenderPipeline p = wgpuDeviceCreateRenderPipeline(c->device, &d);
    wgpuShaderModuleRelease(m);
    return p;
}

/* Clears `target` to `clear`, then draws `vertices` with `p` (indirectly with
 * `indirect`'s four words where not NULL), with `depth` attached where not NULL. */
static void draw(Ctx *c, WGPURenderPipeline p, WGPUTexture target, WGPUColor clear, uint32_t vertices,
                 const uint32_t *indirect, WGPUTexture depth) {
    WGPUTextureView view = wgpuTextureCreateView(target, NULL);
    WGPURenderPassColorAttachment ca = WGPU_RENDER_PASS_COLOR_ATTACHMENT_INIT;
    ca.view = view;
    ca.loadOp = WGPULoadOp_Clear;
    ca.storeOp = WGPUStoreOp_Store;
    ca.clearValue = clear;
    WGPURenderPassDepthStencilAttachment da = WGPU_RENDER_PASS_DEPTH_STENCIL_ATTACHMENT_INIT;
    WGPUTextureView depth_view = depth ? wgpuTextureCreateView(depth, NULL) : NULL;
    da.view = depth_view;
    da.depthLoadOp = WGPULoadOp_Clear;
    da.depthStoreOp = WGPUStoreOp_Store;
    da.depthClearValue = 1.0f;
    WGPURenderPassDescriptor rp = WGPU_RENDER_PASS_DESCRIPTOR_INIT;
    rp.colorAttachmentCount = 1;
    rp.colorAttachments = &ca;
    rp.depthStencilAttachment = depth ? &da : NULL;
    WGPUBuffer args = NULL;
    if (indirect) {
        args = make_buffer(c, 16, WGPUBufferUsage_Indirect | WGPUBufferUsage_CopyDst, 0);
        wgpuQueueWriteBuffer(c->queue, args, 0, indirect, 16);
    }
    WGPUCommandEncoder e = wgpuDeviceCreateCommandEncoder(c->device, NULL);
    WGPURenderPassEncoder pass = wgpuCommandEncoderBeginRenderPass(e, &rp);
    wgpuRenderPassEncoderSetPipeline(pass, p);
    if (indirect) {
        wgpuRenderPassEncoderDrawIndirect(pass, args, 0);
    } else {
        wgpuRenderPassEncoderDraw(pass, vertices, 1, 0, 0);
    }
    wgpuRenderPassEncoderEnd(pass);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(e, NULL);
    wgpuQueueSubmit(c->queue, 1, &cb);
    wgpuCommandBufferRelease(cb);
    wgpuRenderPassEncoderRelease(pass);
    wgpuCommandEncoderRelease(e);
    if (args) wgpuBufferRelease(args);
    if (depth_view) wgpuTextureViewRelease(depth_view);
    wgpuTextureViewRelease(view);
}

/* A full-screen triangle at depth `z`; the fragment shader is the caller's. */
#define FULLSCREEN_VS(z)                                                                    \
    "@vertex fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {\n"       \
    "    let p = array(vec2f(-1.0, -1.0), vec2f(3.0, -1.0), vec2f(-1.0, 3.0));\n"       \
    "    return vec4f(p[i % 3u], " z ", 1.0);\n"                                          \
    "}\n"

static float as_float(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* Runs `main` of `code` once with group 0 bound to `entries` (`count` of them) and,
 * where `words` is not 0, a storage buffer of `words` floats at binding `count`, which
 * is copied to `out`. Returns whether the readback (if any) mapped. */
static int compute(Ctx *c, const char *code, WGPUBindGroupEntry *entries, size_t count, uint32_t words, float *out) {
    WGPUShaderModule m = wgsl_module(c, code);
    WGPUComputePipelineDescriptor pd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    pd.compute.module = m;
    WGPUComputePipeline p = wgpuDeviceCreateComputePipeline(c->device, &pd);
    size_t size = (size_t)words * 4;
    WGPUBuffer storage = words ? make_buffer(c, size, WGPUBufferUsage_Storage | WGPUBufferUsage_CopySrc, 0) : NULL;
    WGPUBuffer rb = words ? make_buffer(c, size, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0) : NULL;
    WGPUBindGroupEntry all[4];
    memcpy(all, entries, count * sizeof *entries);
    if (words) {
        all[count] = (WGPUBindGroupEntry)WGPU_BIND_GROUP_ENTRY_INIT;
        all[count].binding = (uint32_t)count;
        all[count].buffer = storage;
        all[count].size = size;
    }
    WGPUBindGroupLayout layout = wgpuComputePipelineGetBindGroupLayout(p, 0);
    WGPUBindGroupDescriptor bd = WGPU_BIND_GROUP_DESCRIPTOR_INIT;
    bd.layout = layout;
    bd.entryCount = count + (words ? 1 : 0);
    bd.entries = all;
    WGPUBindGroup g = wgpuDeviceCreateBindGroup(c->device, &bd);
    WGPUCommandEncoder e = wgpuDeviceCreateCommandEncoder(c->device, NULL);
    WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(e, NULL);
    wgpuComputePassEncoderSetPipeline(pass, p);
    wgpuComputePassEncoderSetBindGroup(pass, 0, g, 0, NULL);
    wgpuComputePassEncoderDispatchWorkgroups(pass, 1, 1, 1);
    wgpuComputePassEncoderEnd(pass);
    if (words) wgpuCommandEncoderCopyBufferToBuffer(e, storage, 0, rb, 0, size);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(e, NULL);
    wgpuQueueSubmit(c->queue, 1, &cb);
    int ok = 1;
    if (words) {
        MapResult r;
        memset(&r, 0, sizeof r);
        wait_for(c, map_buffer(rb, WGPUMapMode_Read, 0, size, &r));
        ok = r.status == WGPUMapAsyncStatus_Success;
        if (ok) {
            memcpy(out, wgpuBufferGetConstMappedRange(rb, 0, size), size);
            wgpuBufferUnmap(rb);
        }
        wgpuBufferRelease(rb);
        wgpuBufferRelease(storage);
    }
    wgpuCommandBufferRelease(cb);
    wgpuComputePassEncoderRelease(pass);
    wgpuCommandEncoderRelease(e);
    wgpuBindGroupRelease(g);
    wgpuBindGroupLayoutRelease(layout);
    wgpuComputePipelineRelease(p);
    wgpuShaderModuleRelease(m);
    return ok;
}

/* ---- the features ----------------------------------------------------------------- */

/* Depth is kept outside [0, 1] rather than clipped: a triangle at z = 1.5 draws with
 * unclippedDepth, and is clipped away without it. */
static void unclipped(WGPURenderPipelineDescriptor *d) {
    d->primitive.unclippedDepth = WGPU_TRUE;
}
static int depth_clip_control(Ctx *c) {
    const char *shader =
        FULLSCREEN_VS("1.5") "@fragment fn fs() -> @location(0) vec4f { return vec4f(1.0, 0.0, 0.0, 1.0); }";
    WGPURenderPipeline p = render_pipeline(c, shader, WGPUTextureFormat_RGBA8Unorm, NULL, unclipped);
    WGPURenderPipeline clipping = render_pipeline(c, shader, WGPUTextureFormat_RGBA8Unorm, NULL, NULL);
    WGPUTexture t = texture(c, WGPUTextureFormat_RGBA8Unorm, WGPUTextureUsage_RenderAttachment);
    uint8_t px[4] = {0}, clipped[4] = {0};
    draw(c, p, t, (WGPUColor){0, 0, 0, 1}, 3, NULL, NULL);
    int ok = read_texel(c, t, WGPUTextureAspect_All, px, 4) && px[0] == 255 && px[1] == 0;
    draw(c, clipping, t, (WGPUColor){0, 0, 0, 1}, 3, NULL, NULL);
    ok = ok && read_texel(c, t, WGPUTextureAspect_All, clipped, 4) && clipped[0] == 0;
    printf("    unclipped pixel %u %u %u %u; clipped %u\n", px[0], px[1], px[2], px[3], clipped[0]);
    wgpuTextureRelease(t);
    wgpuRenderPipelineRelease(clipping);
    wgpuRenderPipelineRelease(p);
    return ok;
}

/* A depth32float-stencil8 attachment holds both aspects, as the depth and stencil
 * tests see them (a check that needs no depth copy, which GL's downlevel path lacks):
 * cleared to depth 0.25 and stencil 7, a triangle at z = 0.5 fails `less`, one at
 * z = 0.1 passes it, and passes `stencil == 7` too. */
static WGPURenderPipeline depth_stencil_pipeline(Ctx *c, const char *z) {
    char code[1024];
    snprintf(code, sizeof code,
             "@vertex fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {\n"
             "    let p = array(vec2f(-1.0, -1.0), vec2f(3.0, -1.0), vec2f(-1.0, 3.0));\n"
             "    return vec4f(p[i %% 3u], %s, 1.0);\n"
             "}\n"
             "@fragment fn fs() -> @location(0) vec4f { return vec4f(1.0); }\n",
             z);
    WGPUShaderModule m = wgsl_module(c, code);
    WGPUColorTargetState target = WGPU_COLOR_TARGET_STATE_INIT;
    target.format = WGPUTextureFormat_RGBA8Unorm;
    WGPUFragmentState fs = WGPU_FRAGMENT_STATE_INIT;
    fs.module = m;
    fs.targetCount = 1;
    fs.targets = &target;
    WGPUDepthStencilState ds = WGPU_DEPTH_STENCIL_STATE_INIT;
    ds.format = WGPUTextureFormat_Depth32FloatStencil8;
    ds.depthWriteEnabled = WGPUOptionalBool_False;
    ds.depthCompare = WGPUCompareFunction_Less;
    ds.stencilFront.compare = WGPUCompareFunction_Equal;
    ds.stencilBack.compare = WGPUCompareFunction_Equal;
    WGPURenderPipelineDescriptor d = WGPU_RENDER_PIPELINE_DESCRIPTOR_INIT;
    d.vertex.module = m;
    d.fragment = &fs;
    d.depthStencil = &ds;
    WGPURenderPipeline p = wgpuDeviceCreateRenderPipeline(c->device, &d);
    wgpuShaderModuleRelease(m);
    return p;
}

/* Draws with `p` over a cleared color target and a depth/stencil cleared to 0.25 and
 * 7, stencil reference `ref`; returns the red byte of texel (0, 0). */
static int depth_stencil_draw(Ctx *c, WGPURenderPipeline p, uint32_t ref) {
    WGPUTexture color = texture(c, WGPUTextureFormat_RGBA8Unorm, WGPUTextureUsage_RenderAttachment);
    WGPUTexture depth = texture(c, WGPUTextureFormat_Depth32FloatStencil8, WGPUTextureUsage_RenderAttachment);
    WGPUTextureView cv = wgpuTextureCreateView(color, NULL), dv = wgpuTextureCreateView(depth, NULL);
    WGPURenderPassColorAttachment ca = WGPU_RENDER_PASS_COLOR_ATTACHMENT_INIT;
    ca.view = cv;
    ca.loadOp = WGPULoadOp_Clear;
    ca.storeOp = WGPUStoreOp_Store;
    WGPURenderPassDepthStencilAttachment da = WGPU_RENDER_PASS_DEPTH_STENCIL_ATTACHMENT_INIT;
    da.view = dv;
    da.depthLoadOp = WGPULoadOp_Clear;
    da.depthStoreOp = WGPUStoreOp_Store;
    da.depthClearValue = 0.25f;
    da.stencilLoadOp = WGPULoadOp_Clear;
    da.stencilStoreOp = WGPUStoreOp_Store;
    da.stencilClearValue = 7;
    WGPURenderPassDescriptor rp = WGPU_RENDER_PASS_DESCRIPTOR_INIT;
    rp.colorAttachmentCount = 1;
    rp.colorAttachments = &ca;
    rp.depthStencilAttachment = &da;
    WGPUCommandEncoder e = wgpuDeviceCreateCommandEncoder(c->device, NULL);
    WGPURenderPassEncoder pass = wgpuCommandEncoderBeginRenderPass(e, &rp);
    wgpuRenderPassEncoderSetPipeline(pass, p);
    wgpuRenderPassEncoderSetStencilReference(pass, ref);
    wgpuRenderPassEncoderDraw(pass, 3, 1, 0, 0);
    wgpuRenderPassEncoderEnd(pass);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(e, NULL);
    wgpuQueueSubmit(c->queue, 1, &cb);
    uint8_t px[4] = {0};
    int red = read_texel(c, color, WGPUTextureAspect_All, px, 4) ? px[0] : -1;
    wgpuCommandBufferRelease(cb);
    wgpuRenderPassEncoderRelease(pass);
    wgpuCommandEncoderRelease(e);
    wgpuTextureViewRelease(dv);
    wgpuTextureViewRelease(cv);
    wgpuTextureRelease(depth);
    wgpuTextureRelease(color);
    return red;
}

static int depth32float_stencil8(Ctx *c) {
    WGPURenderPipeline behind = depth_stencil_pipeline(c, "0.5"), in_front = depth_stencil_pipeline(c, "0.1");
    int behind_red = depth_stencil_draw(c, behind, 7);
    int front_red = depth_stencil_draw(c, in_front, 7);
    int wrong_stencil_red = depth_stencil_draw(c, in_front, 6);
    printf("    z 0.5: %d, z 0.1: %d, z 0.1 with stencil reference 6: %d\n", behind_red, front_red,
           wrong_stencil_red);
    wgpuRenderPipelineRelease(in_front);
    wgpuRenderPipelineRelease(behind);
    return behind_red == 0 && front_red == 255 && wrong_stencil_red == 0;
}

/* An rg11b10ufloat attachment renders: cleared to (1.0, 0.5, 2.0), packed exactly. */
static int rg11b10ufloat_renderable(Ctx *c) {
    WGPURenderPipeline p = render_pipeline(
        c, FULLSCREEN_VS("0.5") "@fragment fn fs() -> @location(0) vec4f { return vec4f(1.0, 0.5, 2.0, 1.0); }",
        WGPUTextureFormat_RG11B10Ufloat, NULL, NULL);
    WGPUTexture t = texture(c, WGPUTextureFormat_RG11B10Ufloat, WGPUTextureUsage_RenderAttachment);
    draw(c, p, t, (WGPUColor){0, 0, 0, 0}, 3, NULL, NULL);
    uint32_t packed = 0;
    /* 1.0 and 0.5 as 5-bit exponent, 6-bit mantissa; 2.0 with a 5-bit mantissa. */
    uint32_t expected = (15u << 6) | ((14u << 6) << 11) | ((16u << 5) << 22);
    int ok = read_texel(c, t, WGPUTextureAspect_All, &packed, 4) && packed == expected;
    printf("    packed %08x (expected %08x)\n", packed, expected);
    wgpuTextureRelease(t);
    wgpuRenderPipelineRelease(p);
    return ok;
}

/* A compute shader stores to a bgra8unorm storage texture, blue first in memory. */
static int bgra8unorm_storage(Ctx *c) {
    WGPUTexture t = texture(c, WGPUTextureFormat_BGRA8Unorm, WGPUTextureUsage_StorageBinding);
    WGPUBindGroupEntry entry = WGPU_BIND_GROUP_ENTRY_INIT;
    entry.textureView = wgpuTextureCreateView(t, NULL);
    compute(c,
            "@group(0) @binding(0) var t: texture_storage_2d<bgra8unorm, write>;\n"
            "@compute @workgroup_size(1) fn main() {\n"
            "    textureStore(t, vec2i(0, 0), vec4f(1.0, 0.0, 0.2, 1.0));\n"
            "}\n",
            &entry, 1, 0, NULL);
    uint8_t px[4] = {0};
    int ok = read_texel(c, t, WGPUTextureAspect_All, px, 4) && px[0] == 51 && px[1] == 0 && px[2] == 255 &&
             px[3] == 255;
    printf("    bytes %u %u %u %u\n", px[0], px[1], px[2], px[3]);
    wgpuTextureViewRelease(entry.textureView);
    wgpuTextureRelease(t);
    return ok;
}

/* Expects `what` to make a validation error whose message holds `needle`. */
static int refused(Ctx *c, const char *what, const char *needle, int made) {
    ScopeResult r = pop_scope(c);
    int ok = made && r.type == WGPUErrorType_Validation && strstr(r.message, needle) != NULL;
    printf("    %s: %s\n", what, r.type == WGPUErrorType_NoError ? "no error" : r.message);
    return ok;
}

/* Tier 1 formats, each used end to end: a compute shader stores to r8unorm (0.2 is
 * byte 51); rgba8snorm blends (0.5 cleared, -1.0 added: -0.5, byte -63); a draw to
 * r16unorm writes 0.5 as 32768. And what tier 1 does not allow stays refused:
 * read-write r8unorm (tier 2's), blending r32float (float32-blendable's), resolving
 * into rg16unorm. */
static int texture_formats_tier1(Ctx *c) {
    WGPUTexture s = texture(c, WGPUTextureFormat_R8Unorm, WGPUTextureUsage_StorageBinding);
    WGPUBindGroupEntry entry = WGPU_BIND_GROUP_ENTRY_INIT;
    entry.textureView = wgpuTextureCreateView(s, NULL);
    compute(c,
            "@group(0) @binding(0) var t: texture_storage_2d<r8unorm, write>;\n"
            "@compute @workgroup_size(1) fn main() {\n"
            "    textureStore(t, vec2i(0, 0), vec4f(0.2));\n"
            "}\n",
            &entry, 1, 0, NULL);
    uint8_t r8 = 0;
    int ok = read_texel(c, s, WGPUTextureAspect_All, &r8, 1) && r8 == 51;
    printf("    r8unorm storage %u\n", r8);
    wgpuTextureViewRelease(entry.textureView);
    wgpuTextureRelease(s);

    WGPUBlendState add = WGPU_BLEND_STATE_INIT;
    add.color.operation = WGPUBlendOperation_Add;
    add.color.srcFactor = WGPUBlendFactor_One;
    add.color.dstFactor = WGPUBlendFactor_One;
    add.alpha = add.color;
    WGPURenderPipeline p = render_pipeline(
        c, FULLSCREEN_VS("0.5") "@fragment fn fs() -> @location(0) vec4f { return vec4f(-1.0, 0.0, 0.0, 1.0); }",
        WGPUTextureFormat_RGBA8Snorm, &add, NULL);
    WGPUTexture t = texture(c, WGPUTextureFormat_RGBA8Snorm, WGPUTextureUsage_RenderAttachment);
    draw(c, p, t, (WGPUColor){0.5, 0, 0, 0}, 3, NULL, NULL);
    int8_t snorm[4] = {0};
    ok = read_texel(c, t, WGPUTextureAspect_All, snorm, 4) && snorm[0] >= -64 && snorm[0] <= -62 && ok;
    printf("    rgba8snorm blended %d\n", snorm[0]);
    wgpuTextureRelease(t);
    wgpuRenderPipelineRelease(p);

    p = render_pipeline(c, FULLSCREEN_VS("0.5") "@fragment fn fs() -> @location(0) vec4f { return vec4f(0.5); }",
                        WGPUTextureFormat_R16Unorm, NULL, NULL);
    t = texture(c, WGPUTextureFormat_R16Unorm, WGPUTextureUsage_RenderAttachment);
    draw(c, p, t, (WGPUColor){0, 0, 0, 0}, 3, NULL, NULL);
    uint16_t r16 = 0;
    ok = read_texel(c, t, WGPUTextureAspect_All, &r16, 2) && (r16 == 32767 || r16 == 32768) && ok;
    printf("    r16unorm drawn %u\n", r16);
    wgpuTextureRelease(t);
    wgpuRenderPipelineRelease(p);

    wgpuDevicePushErrorScope(c->device, WGPUErrorFilter_Validation);
    WGPUBindGroupLayoutEntry le = WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT;
    le.visibility = WGPUShaderStage_Compute;
    le.storageTexture.access = WGPUStorageTextureAccess_ReadWrite;
    le.storageTexture.format = WGPUTextureFormat_R8Unorm;
    WGPUBindGroupLayoutDescriptor ld = WGPU_BIND_GROUP_LAYOUT_DESCRIPTOR_INIT;
    ld.entryCount = 1;
    ld.entries = &le;
    WGPUBindGroupLayout l = wgpuDeviceCreateBindGroupLayout(c->device, &ld);
    ok = refused(c, "read-write r8unorm", "cannot be a ReadWrite storage texture", l != NULL) && ok;
    if (l) wgpuBindGroupLayoutRelease(l);

    wgpuDevicePushErrorScope(c->device, WGPUErrorFilter_Validation);
    p = render_pipeline(c, FULLSCREEN_VS("0.5") "@fragment fn fs() -> @location(0) vec4f { return vec4f(1.0); }",
                        WGPUTextureFormat_R32Float, &add, NULL);
    ok = refused(c, "blended r32float", "is not blendable", p != NULL) && ok;
    if (p) wgpuRenderPipelineRelease(p);

    WGPUTextureDescriptor td = WGPU_TEXTURE_DESCRIPTOR_INIT;
    td.size = (WGPUExtent3D){4, 4, 1};
    td.format = WGPUTextureFormat_RG16Unorm;
    td.usage = WGPUTextureUsage_RenderAttachment;
    WGPUTexture resolve = wgpuDeviceCreateTexture(c->device, &td);
    td.sampleCount = 4;
    WGPUTexture ms = wgpuDeviceCreateTexture(c->device, &td);
    WGPURenderPassColorAttachment ca = WGPU_RENDER_PASS_COLOR_ATTACHMENT_INIT;
    ca.view = wgpuTextureCreateView(ms, NULL);
    ca.resolveTarget = wgpuTextureCreateView(resolve, NULL);
    ca.loadOp = WGPULoadOp_Clear;
    ca.storeOp = WGPUStoreOp_Discard;
    WGPURenderPassDescriptor rp = WGPU_RENDER_PASS_DESCRIPTOR_INIT;
    rp.colorAttachmentCount = 1;
    rp.colorAttachments = &ca;
    WGPUCommandEncoder e = wgpuDeviceCreateCommandEncoder(c->device, NULL);
    WGPURenderPassEncoder pass = wgpuCommandEncoderBeginRenderPass(e, &rp);
    wgpuRenderPassEncoderEnd(pass);
    wgpuRenderPassEncoderRelease(pass);
    wgpuDevicePushErrorScope(c->device, WGPUErrorFilter_Validation);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(e, NULL);
    ok = refused(c, "resolve into rg16unorm", "cannot be a resolve target", cb != NULL) && ok;
    wgpuCommandBufferRelease(cb);
    wgpuCommandEncoderRelease(e);
    wgpuTextureViewRelease(ca.view);
    wgpuTextureViewRelease(ca.resolveTarget);
    wgpuTextureRelease(ms);
    wgpuTextureRelease(resolve);
    return ok;
}

/* An r32float texture filters linearly: halfway between 0 and 1 samples 0.5. */
static int float32_filterable(Ctx *c) {
    WGPUTexture t = texture(c, WGPUTextureFormat_R32Float, WGPUTextureUsage_TextureBinding | WGPUTextureUsage_CopyDst);
    /* Texel x = 0 holds 0.0, x = 1 holds 1.0 in every row; u = 0.25 is halfway. */
    float texels[16];
    for (int i = 0; i < 16; i++) texels[i] = (i % 4) == 1 ? 1.0f : 0.0f;
    WGPUTexelCopyTextureInfo dst = WGPU_TEXEL_COPY_TEXTURE_INFO_INIT;
    dst.texture = t;
    WGPUTexelCopyBufferLayout layout = WGPU_TEXEL_COPY_BUFFER_LAYOUT_INIT;
    layout.bytesPerRow = 16;
    layout.rowsPerImage = 4;
    WGPUExtent3D size = {4, 4, 1};
    wgpuQueueWriteTexture(c->queue, &dst, texels, sizeof texels, &layout, &size);
    WGPUSamplerDescriptor sd = WGPU_SAMPLER_DESCRIPTOR_INIT;
    sd.magFilter = WGPUFilterMode_Linear;
    sd.minFilter = WGPUFilterMode_Linear;
    WGPUBindGroupEntry entries[2] = {WGPU_BIND_GROUP_ENTRY_INIT, WGPU_BIND_GROUP_ENTRY_INIT};
    entries[0].textureView = wgpuTextureCreateView(t, NULL);
    entries[1].binding = 1;
    entries[1].sampler = wgpuDeviceCreateSampler(c->device, &sd);
    float value = -1;
    compute(c,
            "@group(0) @binding(0) var t: texture_2d<f32>;\n"
            "@group(0) @binding(1) var s: sampler;\n"
            "@group(0) @binding(2) var<storage, read_write> d: array<f32>;\n"
            "@compute @workgroup_size(1) fn main() {\n"
            "    d[0] = textureSampleLevel(t, s, vec2f(0.25, 0.125), 0.0).r;\n"
            "}\n",
            entries, 2, 1, &value);
    printf("    sampled %g\n", value);
    wgpuSamplerRelease(entries[1].sampler);
    wgpuTextureViewRelease(entries[0].textureView);
    wgpuTextureRelease(t);
    return fabsf(value - 0.5f) < 0.01f;
}

/* An r32float attachment blends: 1.0 cleared, plus 2.0 drawn, is 3.0. */
static int float32_blendable(Ctx *c) {
    WGPUBlendState add = WGPU_BLEND_STATE_INIT;
    add.color.operation = WGPUBlendOperation_Add;
    add.color.srcFactor = WGPUBlendFactor_One;
    add.color.dstFactor = WGPUBlendFactor_One;
    add.alpha = add.color;
    WGPURenderPipeline p = render_pipeline(
        c, FULLSCREEN_VS("0.5") "@fragment fn fs() -> @location(0) vec4f { return vec4f(2.0, 0.0, 0.0, 1.0); }",
        WGPUTextureFormat_R32Float, &add, NULL);
    WGPUTexture t = texture(c, WGPUTextureFormat_R32Float, WGPUTextureUsage_RenderAttachment);
    draw(c, p, t, (WGPUColor){1, 0, 0, 0}, 3, NULL, NULL);
    float value = 0;
    int ok = read_texel(c, t, WGPUTextureAspect_All, &value, 4) && value == 3.0f;
    printf("    blended %g\n", value);
    wgpuTextureRelease(t);
    wgpuRenderPipelineRelease(p);
    return ok;
}

/* A triangle whose clip distance is negative everywhere is clipped away; with a
 * positive one it draws. */
static int clip_distances(Ctx *c) {
    const char *shader = "enable clip_distances;\n"
                         "struct Out { @builtin(position) p: vec4f, @builtin(clip_distances) d: array<f32, 1> }\n"
                         "@vertex fn vs(@builtin(vertex_index) i: u32) -> Out {\n"
                         "    let p = array(vec2f(-1.0, -1.0), vec2f(3.0, -1.0), vec2f(-1.0, 3.0));\n"
                         "    var o: Out;\n"
                         "    o.p = vec4f(p[i % 3u], 0.5, 1.0);\n"
                         "    o.d[0] = select(1.0, -1.0, i >= 3u);\n"
                         "    return o;\n"
                         "}\n"
                         "@fragment fn fs() -> @location(0) vec4f { return vec4f(1.0); }\n";
    WGPURenderPipeline p = render_pipeline(c, shader, WGPUTextureFormat_RGBA8Unorm, NULL, NULL);
    WGPUTexture t = texture(c, WGPUTextureFormat_RGBA8Unorm, WGPUTextureUsage_RenderAttachment);
    uint8_t kept[4] = {0}, clipped[4] = {1};
    /* Vertices 0-2 have distance +1; 3-5 (the same triangle, drawn from first vertex
     * 3) have -1. */
    draw(c, p, t, (WGPUColor){0, 0, 0, 0}, 3, NULL, NULL);
    int ok = read_texel(c, t, WGPUTextureAspect_All, kept, 4);
    uint32_t args[4] = {3, 1, 3, 0}; /* vertices 3-5: distance -1 */
    draw(c, p, t, (WGPUColor){0, 0, 0, 0}, 0, args, NULL);
    ok = ok && read_texel(c, t, WGPUTextureAspect_All, clipped, 4);
    printf("    kept %u clipped %u\n", kept[0], clipped[0]);
    wgpuTextureRelease(t);
    wgpuRenderPipelineRelease(p);
    return ok && kept[0] == 255 && clipped[0] == 0;
}

/* The second blend source multiplies the first: (1, 1, 1, 1) × (0.5, 0.25, 1, 1). */
static int dual_source_blending(Ctx *c) {
    WGPUBlendState blend = WGPU_BLEND_STATE_INIT;
    blend.color.operation = WGPUBlendOperation_Add;
    blend.color.srcFactor = WGPUBlendFactor_Src1;
    blend.color.dstFactor = WGPUBlendFactor_Zero;
    blend.alpha.operation = WGPUBlendOperation_Add;
    blend.alpha.srcFactor = WGPUBlendFactor_One;
    blend.alpha.dstFactor = WGPUBlendFactor_Zero;
    WGPURenderPipeline p = render_pipeline(
        c,
        "enable dual_source_blending;\n" FULLSCREEN_VS("0.5")
        "struct F { @location(0) @blend_src(0) a: vec4f, @location(0) @blend_src(1) b: vec4f }\n"
        "@fragment fn fs() -> F { return F(vec4f(1.0), vec4f(0.5, 0.25, 1.0, 1.0)); }\n",
        WGPUTextureFormat_RGBA8Unorm, &blend, NULL);
    WGPUTexture t = texture(c, WGPUTextureFormat_RGBA8Unorm, WGPUTextureUsage_RenderAttachment);
    draw(c, p, t, (WGPUColor){0, 0, 0, 0}, 3, NULL, NULL);
    uint8_t px[4] = {0};
    int ok = read_texel(c, t, WGPUTextureAspect_All, px, 4) && (px[0] == 127 || px[0] == 128) &&
             (px[1] == 63 || px[1] == 64) && px[2] == 255;
    printf("    pixel %u %u %u %u\n", px[0], px[1], px[2], px[3]);
    wgpuTextureRelease(t);
    wgpuRenderPipelineRelease(p);
    return ok;
}

/* The fragment shader sees which primitive it belongs to: the second of two. */
static int primitive_index(Ctx *c) {
    WGPURenderPipeline p = render_pipeline(
        c,
        "enable primitive_index;\n" FULLSCREEN_VS("0.5")
        "@fragment fn fs(@builtin(primitive_index) i: u32) -> @location(0) vec4f {\n"
        "    return vec4f(f32(i + 1u) / 255.0);\n"
        "}\n",
        WGPUTextureFormat_RGBA8Unorm, NULL, NULL);
    WGPUTexture t = texture(c, WGPUTextureFormat_RGBA8Unorm, WGPUTextureUsage_RenderAttachment);
    draw(c, p, t, (WGPUColor){0, 0, 0, 0}, 6, NULL, NULL);
    uint8_t px[4] = {0};
    int ok = read_texel(c, t, WGPUTextureAspect_All, px, 4) && px[0] == 2;
    printf("    primitive %d\n", px[0] - 1);
    wgpuTextureRelease(t);
    wgpuRenderPipelineRelease(p);
    return ok;
}

/* An indirect draw starts at the instance it names. */
static int indirect_first_instance(Ctx *c) {
    WGPURenderPipeline p = render_pipeline(
        c,
        "struct V { @builtin(position) p: vec4f, @location(0) @interpolate(flat) i: u32 }\n"
        "@vertex fn vs(@builtin(vertex_index) v: u32, @builtin(instance_index) i: u32) -> V {\n"
        "    let p = array(vec2f(-1.0, -1.0), vec2f(3.0, -1.0), vec2f(-1.0, 3.0));\n"
        "    return V(vec4f(p[v], 0.5, 1.0), i);\n"
        "}\n"
        "@fragment fn fs(in: V) -> @location(0) vec4f { return vec4f(f32(in.i) / 255.0); }\n",
        WGPUTextureFormat_RGBA8Unorm, NULL, NULL);
    WGPUTexture t = texture(c, WGPUTextureFormat_RGBA8Unorm, WGPUTextureUsage_RenderAttachment);
    uint32_t args[4] = {3, 1, 0, 5};
    draw(c, p, t, (WGPUColor){0, 0, 0, 0}, 0, args, NULL);
    uint8_t px[4] = {0};
    int ok = read_texel(c, t, WGPUTextureAspect_All, px, 4) && px[0] == 5;
    printf("    instance %u\n", px[0]);
    wgpuTextureRelease(t);
    wgpuRenderPipelineRelease(p);
    return ok;
}

/* A 3D texture in a BC format decodes slice by slice: slice 0 is one black BC1 block,
 * slice 1 one white block, and a compute shader loads texels of each (sampling, not
 * copying back: GL's downlevel path keeps compressed textures decompressed). */
static int texture_compression_bc_sliced_3d(Ctx *c) {
    WGPUTextureDescriptor d = WGPU_TEXTURE_DESCRIPTOR_INIT;
    d.dimension = WGPUTextureDimension_3D;
    d.size = (WGPUExtent3D){4, 4, 2};
    d.format = WGPUTextureFormat_BC1RGBAUnorm;
    d.usage = WGPUTextureUsage_TextureBinding | WGPUTextureUsage_CopyDst;
    WGPUTexture t = wgpuDeviceCreateTexture(c->device, &d);
    /* BC1: color0, color1 (RGB565), then 2-bit indices; index 0 is color0. */
    const uint8_t blocks[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0};
    WGPUTexelCopyTextureInfo tex = WGPU_TEXEL_COPY_TEXTURE_INFO_INIT;
    tex.texture = t;
    /* Rows are of blocks: each 4x4 slice is one row of one 8-byte block. */
    WGPUTexelCopyBufferLayout layout = WGPU_TEXEL_COPY_BUFFER_LAYOUT_INIT;
    layout.bytesPerRow = 8;
    layout.rowsPerImage = 1;
    wgpuQueueWriteTexture(c->queue, &tex, blocks, sizeof blocks, &layout, &d.size);
    WGPUBindGroupEntry entry = WGPU_BIND_GROUP_ENTRY_INIT;
    entry.textureView = wgpuTextureCreateView(t, NULL);
    float values[3] = {-1, -1, -1};
    compute(c,
            "@group(0) @binding(0) var t: texture_3d<f32>;\n"
            "@group(0) @binding(1) var<storage, read_write> d: array<f32>;\n"
            "@compute @workgroup_size(1) fn main() {\n"
            "    d[0] = textureLoad(t, vec3i(1, 1, 0), 0).r;\n"
            "    d[1] = textureLoad(t, vec3i(2, 2, 1), 0).g;\n"
            "    d[2] = textureLoad(t, vec3i(0, 3, 1), 0).a;\n"
            "}\n",
            &entry, 1, 3, values);
    printf("    slice 0 red %g, slice 1 green %g, alpha %g\n", values[0], values[1], values[2]);
    wgpuTextureViewRelease(entry.textureView);
    wgpuTextureRelease(t);
    return values[0] == 0.0f && values[1] == 1.0f && values[2] == 1.0f;
}

/* Dawn's ChromiumExperimentalTimestampQueryInsidePasses: timestamps written between
 * the commands of a compute pass (around a dispatch) and of a render pass, resolved in
 * order: each no earlier than the one before. */
static int timestamp_query_inside_passes(Ctx *c) {
    WGPUQuerySetDescriptor qd = WGPU_QUERY_SET_DESCRIPTOR_INIT;
    qd.type = WGPUQueryType_Timestamp;
    qd.count = 4;
    WGPUQuerySet qs = wgpuDeviceCreateQuerySet(c->device, &qd);
    WGPUBuffer resolved = make_buffer(c, 32, WGPUBufferUsage_QueryResolve | WGPUBufferUsage_CopySrc, 0);
    WGPUBuffer readback = make_buffer(c, 32, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    WGPUShaderModule m = wgsl_module(c,
        "@group(0) @binding(0) var<storage, read_write> d: array<u32>;\n"
        "@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {\n"
        "    var x = g.x;\n"
        "    for (var i = 0u; i < 256u; i++) { x = x * 1664525u + 1013904223u; }\n"
        "    d[g.x] = x;\n"
        "}\n");
    WGPUComputePipelineDescriptor pd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    pd.compute.module = m;
    WGPUComputePipeline p = wgpuDeviceCreateComputePipeline(c->device, &pd);
    WGPUBuffer storage = make_buffer(c, 64 * 16 * 4, WGPUBufferUsage_Storage, 0);
    WGPUBindGroupLayout layout = wgpuComputePipelineGetBindGroupLayout(p, 0);
    WGPUBindGroupEntry entry = WGPU_BIND_GROUP_ENTRY_INIT;
    entry.buffer = storage;
    WGPUBindGroupDescriptor bd = WGPU_BIND_GROUP_DESCRIPTOR_INIT;
    bd.layout = layout;
    bd.entryCount = 1;
    bd.entries = &entry;
    WGPUBindGroup group = wgpuDeviceCreateBindGroup(c->device, &bd);
    WGPUTexture target = texture(c, WGPUTextureFormat_RGBA8Unorm, WGPUTextureUsage_RenderAttachment);
    WGPUTextureView view = wgpuTextureCreateView(target, NULL);
    WGPURenderPassColorAttachment ca = WGPU_RENDER_PASS_COLOR_ATTACHMENT_INIT;
    ca.view = view;
    ca.loadOp = WGPULoadOp_Clear;
    ca.storeOp = WGPUStoreOp_Store;
    WGPURenderPassDescriptor rp = WGPU_RENDER_PASS_DESCRIPTOR_INIT;
    rp.colorAttachmentCount = 1;
    rp.colorAttachments = &ca;

    WGPUCommandEncoder e = wgpuDeviceCreateCommandEncoder(c->device, NULL);
    WGPUComputePassEncoder cp = wgpuCommandEncoderBeginComputePass(e, NULL);
    wgpuComputePassEncoderWriteTimestamp(cp, qs, 0);
    wgpuComputePassEncoderSetPipeline(cp, p);
    wgpuComputePassEncoderSetBindGroup(cp, 0, group, 0, NULL);
    wgpuComputePassEncoderDispatchWorkgroups(cp, 16, 1, 1);
    wgpuComputePassEncoderWriteTimestamp(cp, qs, 1);
    wgpuComputePassEncoderEnd(cp);
    WGPURenderPassEncoder rpe = wgpuCommandEncoderBeginRenderPass(e, &rp);
    wgpuRenderPassEncoderWriteTimestamp(rpe, qs, 2);
    wgpuRenderPassEncoderWriteTimestamp(rpe, qs, 3);
    wgpuRenderPassEncoderEnd(rpe);
    wgpuCommandEncoderResolveQuerySet(e, qs, 0, 4, resolved, 0);
    wgpuCommandEncoderCopyBufferToBuffer(e, resolved, 0, readback, 0, 32);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(e, NULL);
    wgpuQueueSubmit(c->queue, 1, &cb);
    MapResult r;
    memset(&r, 0, sizeof r);
    wait_for(c, map_buffer(readback, WGPUMapMode_Read, 0, 32, &r));
    uint64_t t[4] = {0};
    if (r.status == WGPUMapAsyncStatus_Success) {
        memcpy(t, wgpuBufferGetConstMappedRange(readback, 0, 32), 32);
        wgpuBufferUnmap(readback);
    }
    printf("    compute pass %llu -> %llu, render pass %llu -> %llu\n", (unsigned long long)t[0],
           (unsigned long long)t[1], (unsigned long long)t[2], (unsigned long long)t[3]);
    wgpuCommandBufferRelease(cb);
    wgpuRenderPassEncoderRelease(rpe);
    wgpuComputePassEncoderRelease(cp);
    wgpuCommandEncoderRelease(e);
    wgpuTextureViewRelease(view);
    wgpuTextureRelease(target);
    wgpuBindGroupRelease(group);
    wgpuBindGroupLayoutRelease(layout);
    wgpuBufferRelease(storage);
    wgpuComputePipelineRelease(p);
    wgpuShaderModuleRelease(m);
    wgpuBufferRelease(readback);
    wgpuBufferRelease(resolved);
    wgpuQuerySetRelease(qs);
    return r.status == WGPUMapAsyncStatus_Success && t[0] != 0 && t[1] >= t[0] && t[2] >= t[1] && t[3] >= t[2];
}

/* ---- the table ----------------------------------------------------------------------- */

typedef struct {
    WGPUFeatureName feature;
    const char *name;
    const char *checks;
    int (*run)(Ctx *);
    const char *elsewhere;
    /* A feature this one is used with (the spec's BC sliced 3D needs BC). */
    WGPUFeatureName also;
} Feature;

static const Feature FEATURES[] = {
    {WGPUFeatureName_CoreFeaturesAndLimits, "CoreFeaturesAndLimits", "every device is a core device", NULL, "futures.c", 0},
    {WGPUFeatureName_ImplicitDeviceSynchronization, "ImplicitDeviceSynchronization", "requested and reported", NULL, "dawn_names.cpp", 0},
    {WGPUFeatureName_DepthClipControl, "DepthClipControl", "a triangle at z = 1.5 draws with unclippedDepth, is clipped without", depth_clip_control, NULL, 0},
    {WGPUFeatureName_Depth32FloatStencil8, "Depth32FloatStencil8", "depth 0.25 and stencil 7 as the depth and stencil tests see them", depth32float_stencil8, NULL, 0},
    {WGPUFeatureName_TextureCompressionBC, "TextureCompressionBC", "every BC format round-trips byte for byte", NULL, "formats.c", 0},
    {WGPUFeatureName_TextureCompressionBCSliced3D, "TextureCompressionBCSliced3D", "a two-slice 3D BC1 texture decodes each slice in a shader (with TextureCompressionBC)", texture_compression_bc_sliced_3d, NULL, WGPUFeatureName_TextureCompressionBC},
    {WGPUFeatureName_TextureCompressionETC2, "TextureCompressionETC2", "every ETC2 format round-trips byte for byte", NULL, "formats.c", 0},
    {WGPUFeatureName_TextureCompressionASTC, "TextureCompressionASTC", "every ASTC format round-trips byte for byte", NULL, "formats.c", 0},
    {WGPUFeatureName_TimestampQuery, "TimestampQuery", "timestamps around a dispatch increase", NULL, "objects.c", 0},
    {WGPUFeatureName_ChromiumExperimentalTimestampQueryInsidePasses, "ChromiumExperimentalTimestampQueryInsidePasses (Dawn's)", "timestamps written inside a compute pass (around a dispatch) and a render pass come back in order", timestamp_query_inside_passes, NULL, 0},
    {WGPUFeatureName_IndirectFirstInstance, "IndirectFirstInstance", "an indirect draw's first instance reaches the shader (5)", indirect_first_instance, NULL, 0},
    {WGPUFeatureName_ShaderF16, "ShaderF16", "f16 arithmetic and bitcasts, values checked", NULL, "shader_features.c", 0},
    {WGPUFeatureName_RG11B10UfloatRenderable, "RG11B10UfloatRenderable", "a draw to rg11b10ufloat packs (1, 0.5, 2) exactly", rg11b10ufloat_renderable, NULL, 0},
    {WGPUFeatureName_BGRA8UnormStorage, "BGRA8UnormStorage", "a compute shader stores to bgra8unorm, blue first in memory", bgra8unorm_storage, NULL, 0},
    {WGPUFeatureName_Float32Filterable, "Float32Filterable", "r32float sampled linearly halfway between 0 and 1 gives 0.5", float32_filterable, NULL, 0},
    {WGPUFeatureName_Float32Blendable, "Float32Blendable", "additive blending on r32float: 1 + 2 = 3", float32_blendable, NULL, 0},
    {WGPUFeatureName_ClipDistances, "ClipDistances", "a negative clip distance clips the triangle, a positive one keeps it", clip_distances, NULL, 0},
    {WGPUFeatureName_DualSourceBlending, "DualSourceBlending", "the second blend source scales the first", dual_source_blending, NULL, 0},
    {WGPUFeatureName_Subgroups, "Subgroups", "enable subgroups; subgroupAdd over 256 invocations", NULL, "shader_features.c", 0},
    {WGPUFeatureName_TextureFormatsTier1, "TextureFormatsTier1", "r8unorm as a storage texture, blending on rgba8snorm, a draw to r16unorm, values read back; read-write r8unorm, blended r32float and a rg16unorm resolve refused", texture_formats_tier1, NULL, 0},
    {WGPUFeatureName_PrimitiveIndex, "PrimitiveIndex", "the fragment shader sees the second primitive's index", primitive_index, NULL, 0},
};

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int count = (int)(sizeof FEATURES / sizeof FEATURES[0]);
    if (argc > 1 && strcmp(argv[1], "--table") == 0) {
        printf("# Features\n\n");
        printf("Each feature an adapter may report, and the test that requests it and uses it end\n");
        printf("to end with its result checked. This file is `c-tests/features --table`; `features`\n");
        printf("runs every row whose test is `features.c` on each adapter that reports the feature.\n\n");
        printf("| feature | test | what is checked |\n| --- | --- | --- |\n");
        for (int i = 0; i < count; i++)
            printf("| `%s` | %s | %s |\n", FEATURES[i].name, FEATURES[i].run ? "features.c" : FEATURES[i].elsewhere,
                   FEATURES[i].checks);
        return 0;
    }
    if (!setup(&base)) return 1;
    int passed = 0, failed = 0, skipped = 0;
    for (int i = 0; i < count; i++) {
        const Feature *f = &FEATURES[i];
        if (!f->run) continue;
        if (!wgpuAdapterHasFeature(base.adapter, f->feature)) {
            printf("%s: the adapter does not have it; skipped\n", f->name);
            skipped++;
            continue;
        }
        WGPUDevice dev = device_with(f->feature, f->also);
        Ctx c = with(dev);
        wgpuDevicePushErrorScope(dev, WGPUErrorFilter_Validation);
        int ok = f->run(&c);
        ScopeResult r = pop_scope(&c);
        if (r.type != WGPUErrorType_NoError) {
            printf("    error: %s\n", r.message);
            ok = 0;
        }
        printf("%s: %s\n", f->name, ok ? "ok" : "FAILED");
        if (ok) passed++; else failed++;
        wgpuQueueRelease(c.queue);
        wgpuDeviceRelease(dev);
    }
    teardown(&base);
    printf("features: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed || finish("features");
}
