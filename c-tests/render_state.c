/* Render state, each checked by reading pixels back from a 64x64 target:
 * vertex and index buffers with DrawIndexed; DrawIndirect and DrawIndexedIndirect;
 * viewport and scissor; the blend constant; depth test; stencil reference; MSAA
 * resolve; texture sampling through a bind group; a render bundle using every
 * bundle command; debug groups and markers. */
#include "common.h"

#define S 64

static const char *SHADER =
    "struct VOut { @builtin(position) pos: vec4<f32>, @location(0) color: vec4<f32> }\n"
    "@vertex fn vs(@location(0) p: vec3<f32>, @location(1) c: vec4<f32>) -> VOut {\n"
    "    return VOut(vec4<f32>(p, 1.0), c);\n"
    "}\n"
    "@fragment fn fs(v: VOut) -> @location(0) vec4<f32> { return v.color; }\n"
    "@group(0) @binding(0) var tex: texture_2d<f32>;\n"
    "@group(0) @binding(1) var samp: sampler;\n"
    "@fragment fn fs_tex(v: VOut) -> @location(0) vec4<f32> {\n"
    "    return textureSample(tex, samp, vec2<f32>(0.5, 0.5));\n"
    "}\n";

typedef struct {
    float x, y, z;
    float r, g, b, a;
} Vertex;

/* A full-target quad at depth z, in one color. */
static void quad(Vertex *v, float z, float r, float g, float b, float a) {
    const float xy[4][2] = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
    for (int i = 0; i < 4; i++) v[i] = (Vertex){xy[i][0], xy[i][1], z, r, g, b, a};
}

typedef struct {
    Ctx *ctx;
    WGPUShaderModule module;
    WGPUBuffer vertices; /* quads: red z=0.5, green z=0.7, blue z=0.3 */
    WGPUBuffer indices;
    WGPUBuffer indirect; /* draw args at 0, drawIndexed args at 16 */
} Scene;

static WGPURenderPipeline pipeline(Scene *s, WGPUTextureFormat format, const WGPUBlendState *blend,
                                   const WGPUDepthStencilState *ds, uint32_t samples, const char *fs,
                                   WGPUPipelineLayout layout) {
    WGPUVertexAttribute attrs[2] = {{NULL, WGPUVertexFormat_Float32x3, 0, 0}, {NULL, WGPUVertexFormat_Float32x4, 12, 1}};
    WGPUVertexBufferLayout vbl = WGPU_VERTEX_BUFFER_LAYOUT_INIT;
    vbl.stepMode = WGPUVertexStepMode_Vertex;
    vbl.arrayStride = sizeof(Vertex);
    vbl.attributeCount = 2;
    vbl.attributes = attrs;
    WGPUColorTargetState target = WGPU_COLOR_TARGET_STATE_INIT;
    target.format = format;
    target.blend = blend;
    WGPUFragmentState frag = WGPU_FRAGMENT_STATE_INIT;
    frag.module = s->module;
    frag.entryPoint = sv(fs);
    frag.targetCount = 1;
    frag.targets = &target;
    WGPURenderPipelineDescriptor d = WGPU_RENDER_PIPELINE_DESCRIPTOR_INIT;
    d.layout = layout;
    d.vertex.module = s->module;
    d.vertex.entryPoint = sv("vs");
    d.vertex.bufferCount = 1;
    d.vertex.buffers = &vbl;
    d.depthStencil = ds;
    d.multisample.count = samples;
    d.fragment = &frag;
    return wgpuDeviceCreateRenderPipeline(s->ctx->device, &d);
}

static WGPUTexture target_texture(Ctx *ctx, WGPUTextureFormat format, uint32_t samples, WGPUTextureUsage usage) {
    WGPUTextureDescriptor td = WGPU_TEXTURE_DESCRIPTOR_INIT;
    td.size = (WGPUExtent3D){S, S, 1};
    td.format = format;
    td.sampleCount = samples;
    td.usage = usage;
    return wgpuDeviceCreateTexture(ctx->device, &td);
}

/* Reads the color target back and returns the RGBA8 pixel at (x, y). */
static uint32_t pixel_at(Ctx *ctx, WGPUTexture tex, int x, int y, uint8_t *all) {
    static uint32_t texels[S * S];
    memset(texels, 0, sizeof texels);
    read_texels(ctx, tex, S, S, 1, texels);
    if (all) memcpy(all, texels, sizeof texels);
    return texels[y * S + x];
}

#define RGBA(r, g, b, a) ((uint32_t)(r) | ((uint32_t)(g) << 8) | ((uint32_t)(b) << 16) | ((uint32_t)(a) << 24))

static int near(uint32_t got, uint32_t want) {
    for (int i = 0; i < 4; i++) {
        int a = (got >> (8 * i)) & 255, b = (want >> (8 * i)) & 255;
        if (a - b > 2 || b - a > 2) return 0;
    }
    return 1;
}

static WGPURenderPassEncoder begin(WGPUCommandEncoder enc, WGPUTextureView color, WGPUTextureView resolve,
                                   WGPUTextureView depth) {
    WGPURenderPassColorAttachment ca = WGPU_RENDER_PASS_COLOR_ATTACHMENT_INIT;
    ca.view = color;
    ca.resolveTarget = resolve;
    ca.loadOp = WGPULoadOp_Clear;
    ca.storeOp = WGPUStoreOp_Store;
    ca.clearValue = (WGPUColor){0, 0, 0, 1};
    WGPURenderPassDepthStencilAttachment da = WGPU_RENDER_PASS_DEPTH_STENCIL_ATTACHMENT_INIT;
    da.view = depth;
    da.depthLoadOp = WGPULoadOp_Clear;
    da.depthStoreOp = WGPUStoreOp_Store;
    da.depthClearValue = 1.0f;
    da.stencilLoadOp = WGPULoadOp_Clear;
    da.stencilStoreOp = WGPUStoreOp_Store;
    da.stencilClearValue = 0;
    WGPURenderPassDescriptor pd = WGPU_RENDER_PASS_DESCRIPTOR_INIT;
    pd.colorAttachmentCount = 1;
    pd.colorAttachments = &ca;
    pd.depthStencilAttachment = depth ? &da : NULL;
    return wgpuCommandEncoderBeginRenderPass(enc, &pd);
}

static void submit(Ctx *ctx, WGPUCommandEncoder enc) {
    WGPUCommandBuffer cmd = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(ctx->queue, 1, &cmd);
    wgpuCommandBufferRelease(cmd);
    wgpuCommandEncoderRelease(enc);
}

/* A color target whose write mask is not 0 needs a fragment output at its location
 * with as many components as its format has channels (four where its blend reads the
 * source's alpha); a target with write mask 0 needs none. */
static void outputs_and_targets(Ctx *ctx) {
    WGPUShaderModule m = wgsl_module(ctx, "@vertex fn vs() -> @builtin(position) vec4f { return vec4f(); }\n"
                                          "@fragment fn two() -> @location(0) vec2f { return vec2f(1); }\n"
                                          "@fragment fn none() {}\n");
    static const struct {
        const char *entry;
        WGPUTextureFormat format;
        WGPUColorWriteMask mask;
        int blend_alpha;
        const char *error;
    } cases[] = {
        {"two", WGPUTextureFormat_RG8Unorm, WGPUColorWriteMask_All, 0, NULL},
        {"two", WGPUTextureFormat_RGBA8Unorm, WGPUColorWriteMask_All, 0, "fewer than the 4"},
        {"none", WGPUTextureFormat_RGBA8Unorm, WGPUColorWriteMask_Red, 0, "no output at @location(0)"},
        {"none", WGPUTextureFormat_RGBA8Unorm, WGPUColorWriteMask_None, 0, NULL},
        {"two", WGPUTextureFormat_RG8Unorm, WGPUColorWriteMask_All, 1, "blends with the source's alpha"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        WGPUBlendState blend = {{WGPUBlendOperation_Add, WGPUBlendFactor_SrcAlpha, WGPUBlendFactor_OneMinusSrcAlpha},
                                {WGPUBlendOperation_Add, WGPUBlendFactor_One, WGPUBlendFactor_Zero}};
        WGPUColorTargetState ct = WGPU_COLOR_TARGET_STATE_INIT;
        ct.format = cases[i].format;
        ct.writeMask = cases[i].mask;
        ct.blend = cases[i].blend_alpha ? &blend : NULL;
        WGPUFragmentState fs = WGPU_FRAGMENT_STATE_INIT;
        fs.module = m;
        fs.entryPoint = sv(cases[i].entry);
        fs.targetCount = 1;
        fs.targets = &ct;
        WGPURenderPipelineDescriptor rd = WGPU_RENDER_PIPELINE_DESCRIPTOR_INIT;
        rd.vertex.module = m;
        rd.fragment = &fs;
        wgpuDevicePushErrorScope(ctx->device, WGPUErrorFilter_Validation);
        WGPURenderPipeline p = wgpuDeviceCreateRenderPipeline(ctx->device, &rd);
        ScopeResult r = pop_scope(ctx);
        if (cases[i].error) {
            CHECK(r.type == WGPUErrorType_Validation && strstr(r.message, cases[i].error));
        } else {
            CHECK(r.type == WGPUErrorType_NoError);
            if (r.type != WGPUErrorType_NoError) printf("    %s\n", r.message);
        }
        wgpuRenderPipelineRelease(p);
    }
    wgpuShaderModuleRelease(m);
}

int main(void) {
    Ctx ctx;
    if (!setup(&ctx)) return 1;
    Scene s = {&ctx, wgsl_module(&ctx, SHADER), NULL, NULL, NULL};
    Vertex verts[12];
    quad(verts, 0.5f, 1, 0, 0, 1);
    quad(verts + 4, 0.7f, 0, 1, 0, 1);
    quad(verts + 8, 0.3f, 0, 0, 1, 1);
    s.vertices = make_buffer(&ctx, sizeof verts, WGPUBufferUsage_Vertex | WGPUBufferUsage_CopyDst, 0);
    wgpuQueueWriteBuffer(ctx.queue, s.vertices, 0, verts, sizeof verts);
    uint16_t idx[6] = {0, 1, 2, 0, 2, 3};
    s.indices = make_buffer(&ctx, sizeof idx, WGPUBufferUsage_Index | WGPUBufferUsage_CopyDst, 0);
    wgpuQueueWriteBuffer(ctx.queue, s.indices, 0, idx, sizeof idx);
    /* draw(vertexCount 3, instances 1, firstVertex 4 (green), firstInstance 0);
     * drawIndexed(indexCount 6, instances 1, firstIndex 0, baseVertex 8 (blue), firstInstance 0) */
    uint32_t args[9] = {3, 1, 4, 0, 6, 1, 0, 8, 0};
    s.indirect = make_buffer(&ctx, sizeof args, WGPUBufferUsage_Indirect | WGPUBufferUsage_CopyDst, 0);
    wgpuQueueWriteBuffer(ctx.queue, s.indirect, 0, args, sizeof args);

    const WGPUTextureFormat RGBA8 = WGPUTextureFormat_RGBA8Unorm;
    WGPUTextureUsage target_usage = WGPUTextureUsage_RenderAttachment | WGPUTextureUsage_CopySrc;
    WGPUTexture color = target_texture(&ctx, RGBA8, 1, target_usage);
    WGPUTextureView color_view = wgpuTextureCreateView(color, NULL);
    WGPURenderPipeline plain = pipeline(&s, RGBA8, NULL, NULL, 1, "fs", NULL);

    /* 1. DrawIndexed of the red quad, with viewport and scissor on the left half;
     *    debug groups and markers on encoder and pass. */
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    wgpuCommandEncoderPushDebugGroup(enc, sv("frame"));
    wgpuCommandEncoderInsertDebugMarker(enc, sv("start"));
    WGPURenderPassEncoder pass = begin(enc, color_view, NULL, NULL);
    wgpuRenderPassEncoderPushDebugGroup(pass, sv("quad"));
    wgpuRenderPassEncoderInsertDebugMarker(pass, sv("draw"));
    wgpuRenderPassEncoderSetPipeline(pass, plain);
    wgpuRenderPassEncoderSetVertexBuffer(pass, 0, s.vertices, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderSetIndexBuffer(pass, s.indices, WGPUIndexFormat_Uint16, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderSetViewport(pass, 0, 0, S / 2, S, 0, 1);
    wgpuRenderPassEncoderSetScissorRect(pass, 0, 0, S / 2, S / 2);
    wgpuRenderPassEncoderDrawIndexed(pass, 6, 1, 0, 0, 0);
    wgpuRenderPassEncoderPopDebugGroup(pass);
    wgpuRenderPassEncoderEnd(pass);
    wgpuCommandEncoderPopDebugGroup(enc);
    submit(&ctx, enc);
    CHECK(near(pixel_at(&ctx, color, 5, 5, NULL), RGBA(255, 0, 0, 255)));   /* inside both */
    CHECK(near(pixel_at(&ctx, color, 5, 50, NULL), RGBA(0, 0, 0, 255)));    /* scissored out */
    CHECK(near(pixel_at(&ctx, color, 50, 5, NULL), RGBA(0, 0, 0, 255)));    /* outside the viewport */
    wgpuRenderPassEncoderRelease(pass);

    /* 2. DrawIndirect (3 vertices of the green quad: a triangle) then
     *    DrawIndexedIndirect (the blue quad with baseVertex 8) on top. */
    enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    pass = begin(enc, color_view, NULL, NULL);
    wgpuRenderPassEncoderSetPipeline(pass, plain);
    wgpuRenderPassEncoderSetVertexBuffer(pass, 0, s.vertices, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderSetIndexBuffer(pass, s.indices, WGPUIndexFormat_Uint16, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderDrawIndirect(pass, s.indirect, 0);
    wgpuRenderPassEncoderEnd(pass);
    wgpuRenderPassEncoderRelease(pass);
    submit(&ctx, enc);
    /* The green triangle covers the lower-right half (below the diagonal). */
    CHECK(near(pixel_at(&ctx, color, 60, 60, NULL), RGBA(0, 0, 0, 255)) ||
          near(pixel_at(&ctx, color, 60, 60, NULL), RGBA(0, 255, 0, 255)));
    uint8_t img[S * S * 4];
    pixel_at(&ctx, color, 0, 0, img);
    int green = 0;
    for (int i = 0; i < S * S; i++) green += img[i * 4 + 1] == 255 && img[i * 4] == 0;
    CHECK(green > S * S / 2 - S && green < S * S / 2 + S);
    enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    pass = begin(enc, color_view, NULL, NULL);
    wgpuRenderPassEncoderSetPipeline(pass, plain);
    wgpuRenderPassEncoderSetVertexBuffer(pass, 0, s.vertices, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderSetIndexBuffer(pass, s.indices, WGPUIndexFormat_Uint16, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderDrawIndexedIndirect(pass, s.indirect, 16);
    wgpuRenderPassEncoderEnd(pass);
    wgpuRenderPassEncoderRelease(pass);
    submit(&ctx, enc);
    CHECK(near(pixel_at(&ctx, color, 32, 32, NULL), RGBA(0, 0, 255, 255)));

    /* 3. The blend constant: src * constant + dst * 0. */
    WGPUBlendState blend = {{WGPUBlendOperation_Add, WGPUBlendFactor_Constant, WGPUBlendFactor_Zero},
                            {WGPUBlendOperation_Add, WGPUBlendFactor_One, WGPUBlendFactor_Zero}};
    WGPURenderPipeline blended = pipeline(&s, RGBA8, &blend, NULL, 1, "fs", NULL);
    enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    pass = begin(enc, color_view, NULL, NULL);
    wgpuRenderPassEncoderSetPipeline(pass, blended);
    WGPUColor constant = {0.5, 0.25, 1.0, 1.0};
    wgpuRenderPassEncoderSetBlendConstant(pass, &constant);
    wgpuRenderPassEncoderSetVertexBuffer(pass, 0, s.vertices, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderSetIndexBuffer(pass, s.indices, WGPUIndexFormat_Uint16, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderDrawIndexed(pass, 6, 1, 0, 0, 0); /* red */
    wgpuRenderPassEncoderEnd(pass);
    wgpuRenderPassEncoderRelease(pass);
    submit(&ctx, enc);
    CHECK(near(pixel_at(&ctx, color, 32, 32, NULL), RGBA(128, 0, 0, 255)));
    /*    Every pass starts with the blend constant (0, 0, 0, 0), set or not in the pass
     *    before: red * 0 + dst * 0, with no error. */
    enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    pass = begin(enc, color_view, NULL, NULL);
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    wgpuRenderPassEncoderSetPipeline(pass, blended);
    wgpuRenderPassEncoderSetVertexBuffer(pass, 0, s.vertices, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderSetIndexBuffer(pass, s.indices, WGPUIndexFormat_Uint16, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderDrawIndexed(pass, 6, 1, 0, 0, 0); /* red */
    wgpuRenderPassEncoderEnd(pass);
    wgpuRenderPassEncoderRelease(pass);
    submit(&ctx, enc);
    CHECK(pop_scope(&ctx).type == WGPUErrorType_NoError);
    CHECK(near(pixel_at(&ctx, color, 32, 32, NULL), RGBA(0, 0, 0, 255)));

    /* 4. Depth test (Less): red at 0.5, then green at 0.7 is hidden, blue at 0.3 wins
     *    only where the stencil test lets it (reference 1, Equal; stencil is 0). */
    WGPUTexture depth = target_texture(&ctx, WGPUTextureFormat_Depth24PlusStencil8, 1, WGPUTextureUsage_RenderAttachment);
    WGPUTextureView depth_view = wgpuTextureCreateView(depth, NULL);
    WGPUDepthStencilState ds = WGPU_DEPTH_STENCIL_STATE_INIT;
    ds.format = WGPUTextureFormat_Depth24PlusStencil8;
    ds.depthWriteEnabled = WGPUOptionalBool_True;
    ds.depthCompare = WGPUCompareFunction_Less;
    WGPURenderPipeline depth_pipe = pipeline(&s, RGBA8, NULL, &ds, 1, "fs", NULL);
    WGPUDepthStencilState st = ds;
    st.stencilFront.compare = WGPUCompareFunction_Equal;
    st.stencilBack.compare = WGPUCompareFunction_Equal;
    WGPURenderPipeline stencil_pipe = pipeline(&s, RGBA8, NULL, &st, 1, "fs", NULL);
    enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    pass = begin(enc, color_view, NULL, depth_view);
    wgpuRenderPassEncoderSetPipeline(pass, depth_pipe);
    wgpuRenderPassEncoderSetVertexBuffer(pass, 0, s.vertices, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderSetIndexBuffer(pass, s.indices, WGPUIndexFormat_Uint16, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderDrawIndexed(pass, 6, 1, 0, 0, 0); /* red, z 0.5 */
    wgpuRenderPassEncoderDrawIndexed(pass, 6, 1, 0, 4, 0); /* green, z 0.7: hidden */
    wgpuRenderPassEncoderSetPipeline(pass, stencil_pipe);
    wgpuRenderPassEncoderSetStencilReference(pass, 1);
    wgpuRenderPassEncoderDrawIndexed(pass, 6, 1, 0, 8, 0); /* blue, z 0.3: stencil 0 != 1 */
    wgpuRenderPassEncoderEnd(pass);
    wgpuRenderPassEncoderRelease(pass);
    submit(&ctx, enc);
    CHECK(near(pixel_at(&ctx, color, 32, 32, NULL), RGBA(255, 0, 0, 255)));
    enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    pass = begin(enc, color_view, NULL, depth_view);
    wgpuRenderPassEncoderSetPipeline(pass, stencil_pipe);
    wgpuRenderPassEncoderSetStencilReference(pass, 0);
    wgpuRenderPassEncoderSetVertexBuffer(pass, 0, s.vertices, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderSetIndexBuffer(pass, s.indices, WGPUIndexFormat_Uint16, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderDrawIndexed(pass, 6, 1, 0, 8, 0); /* blue: stencil 0 == 0 */
    wgpuRenderPassEncoderEnd(pass);
    wgpuRenderPassEncoderRelease(pass);
    submit(&ctx, enc);
    CHECK(near(pixel_at(&ctx, color, 32, 32, NULL), RGBA(0, 0, 255, 255)));

    /* 5. MSAA: 4 samples resolved into the single-sampled target. */
    WGPUTexture msaa = target_texture(&ctx, RGBA8, 4, WGPUTextureUsage_RenderAttachment);
    WGPUTextureView msaa_view = wgpuTextureCreateView(msaa, NULL);
    WGPURenderPipeline msaa_pipe = pipeline(&s, RGBA8, NULL, NULL, 4, "fs", NULL);
    enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    pass = begin(enc, msaa_view, color_view, NULL);
    wgpuRenderPassEncoderSetPipeline(pass, msaa_pipe);
    wgpuRenderPassEncoderSetVertexBuffer(pass, 0, s.vertices, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderDraw(pass, 3, 1, 4, 0); /* the green triangle */
    wgpuRenderPassEncoderEnd(pass);
    wgpuRenderPassEncoderRelease(pass);
    submit(&ctx, enc);
    pixel_at(&ctx, color, 0, 0, img);
    int partial = 0, full_green = 0;
    for (int i = 0; i < S * S; i++) {
        uint8_t g = img[i * 4 + 1];
        full_green += g == 255;
        partial += g > 0 && g < 255; /* edge pixels: some samples covered */
    }
    CHECK(full_green > S * S / 2 - 2 * S && partial >= S / 2);
    printf("msaa: %d full, %d partially covered pixels\n", full_green, partial);

    /* 6. Sampling a texture through a render-pass bind group; the pipeline's layout is
     *    automatic and read back with GetBindGroupLayout. */
    WGPUTextureDescriptor sd = WGPU_TEXTURE_DESCRIPTOR_INIT;
    sd.size = (WGPUExtent3D){2, 2, 1};
    sd.format = RGBA8;
    sd.usage = WGPUTextureUsage_TextureBinding | WGPUTextureUsage_CopyDst;
    WGPUTexture small = wgpuDeviceCreateTexture(ctx.device, &sd);
    uint8_t texels[16] = {0, 0, 0, 255, 255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255};
    WGPUTexelCopyTextureInfo dst = WGPU_TEXEL_COPY_TEXTURE_INFO_INIT;
    dst.texture = small;
    WGPUTexelCopyBufferLayout tl = WGPU_TEXEL_COPY_BUFFER_LAYOUT_INIT;
    tl.bytesPerRow = 8;
    wgpuQueueWriteTexture(ctx.queue, &dst, texels, sizeof texels, &tl, &sd.size);
    WGPUSamplerDescriptor smd = WGPU_SAMPLER_DESCRIPTOR_INIT;
    smd.magFilter = WGPUFilterMode_Linear;
    smd.minFilter = WGPUFilterMode_Linear;
    WGPUSampler sampler = wgpuDeviceCreateSampler(ctx.device, &smd);
    WGPURenderPipeline tex_pipe = pipeline(&s, RGBA8, NULL, NULL, 1, "fs_tex", NULL);
    WGPUBindGroupLayout tex_bgl = wgpuRenderPipelineGetBindGroupLayout(tex_pipe, 0);
    CHECK(tex_bgl != NULL);
    WGPUTextureView small_view = wgpuTextureCreateView(small, NULL);
    WGPUBindGroupEntry be[2] = {WGPU_BIND_GROUP_ENTRY_INIT, WGPU_BIND_GROUP_ENTRY_INIT};
    be[0].binding = 0;
    be[0].textureView = small_view;
    be[1].binding = 1;
    be[1].sampler = sampler;
    WGPUBindGroupDescriptor bgd = WGPU_BIND_GROUP_DESCRIPTOR_INIT;
    bgd.layout = tex_bgl;
    bgd.entryCount = 2;
    bgd.entries = be;
    WGPUBindGroup tex_group = wgpuDeviceCreateBindGroup(ctx.device, &bgd);
    enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    pass = begin(enc, color_view, NULL, NULL);
    wgpuRenderPassEncoderSetPipeline(pass, tex_pipe);
    wgpuRenderPassEncoderSetBindGroup(pass, 0, tex_group, 0, NULL);
    wgpuRenderPassEncoderSetVertexBuffer(pass, 0, s.vertices, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderSetIndexBuffer(pass, s.indices, WGPUIndexFormat_Uint16, 0, WGPU_WHOLE_SIZE);
    wgpuRenderPassEncoderDrawIndexed(pass, 6, 1, 0, 0, 0);
    wgpuRenderPassEncoderEnd(pass);
    wgpuRenderPassEncoderRelease(pass);
    submit(&ctx, enc);
    /* The center of a 2x2 texture with linear filtering averages its four texels. */
    CHECK(near(pixel_at(&ctx, color, 32, 32, NULL), RGBA(64, 64, 64, 255)));

    /* 7. A render bundle with every bundle command draws what a pass would. */
    WGPURenderBundleEncoderDescriptor bd = WGPU_RENDER_BUNDLE_ENCODER_DESCRIPTOR_INIT;
    bd.colorFormatCount = 1;
    bd.colorFormats = &RGBA8;
    WGPURenderBundleEncoder bundle_enc = wgpuDeviceCreateRenderBundleEncoder(ctx.device, &bd);
    wgpuRenderBundleEncoderPushDebugGroup(bundle_enc, sv("bundle"));
    wgpuRenderBundleEncoderInsertDebugMarker(bundle_enc, sv("inside"));
    wgpuRenderBundleEncoderSetPipeline(bundle_enc, tex_pipe);
    wgpuRenderBundleEncoderSetBindGroup(bundle_enc, 0, tex_group, 0, NULL);
    wgpuRenderBundleEncoderSetVertexBuffer(bundle_enc, 0, s.vertices, 0, WGPU_WHOLE_SIZE);
    wgpuRenderBundleEncoderSetIndexBuffer(bundle_enc, s.indices, WGPUIndexFormat_Uint16, 0, WGPU_WHOLE_SIZE);
    wgpuRenderBundleEncoderDrawIndexed(bundle_enc, 6, 1, 0, 0, 0);
    wgpuRenderBundleEncoderSetPipeline(bundle_enc, plain);
    wgpuRenderBundleEncoderDrawIndirect(bundle_enc, s.indirect, 0);              /* green triangle */
    wgpuRenderBundleEncoderDrawIndexedIndirect(bundle_enc, s.indirect, 16);      /* blue quad */
    wgpuRenderBundleEncoderPopDebugGroup(bundle_enc);
    WGPURenderBundle bundle = wgpuRenderBundleEncoderFinish(bundle_enc, NULL);
    enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    pass = begin(enc, color_view, NULL, NULL);
    wgpuRenderPassEncoderExecuteBundles(pass, 1, &bundle);
    wgpuRenderPassEncoderEnd(pass);
    wgpuRenderPassEncoderRelease(pass);
    submit(&ctx, enc);
    CHECK(near(pixel_at(&ctx, color, 32, 32, NULL), RGBA(0, 0, 255, 255)));
    CHECK(ctx.uncaptured_count == 0);
    if (ctx.uncaptured_count) fprintf(stderr, "uncaptured: %s\n", ctx.uncaptured_message);

    /* 8. Size 0 binds an empty range, not the rest of the buffer: a draw that needs a
     *    vertex or an index from it is invalid; the whole buffer still draws. */
    struct {
        uint64_t vertex_size, index_size;
        const char *error; /* NULL: none */
    } ranges[3] = {
        {0, WGPU_WHOLE_SIZE, "beyond limit 0 imposed by the buffer in slot 0"},
        {WGPU_WHOLE_SIZE, 0, "Index 6 extends beyond limit 0"},
        {WGPU_WHOLE_SIZE, WGPU_WHOLE_SIZE, NULL},
    };
    for (int i = 0; i < 3; i++) {
        wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
        enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
        pass = begin(enc, color_view, NULL, NULL);
        wgpuRenderPassEncoderSetPipeline(pass, plain);
        wgpuRenderPassEncoderSetVertexBuffer(pass, 0, s.vertices, 0, ranges[i].vertex_size);
        wgpuRenderPassEncoderSetIndexBuffer(pass, s.indices, WGPUIndexFormat_Uint16, 0, ranges[i].index_size);
        wgpuRenderPassEncoderDraw(pass, 3, 1, 0, 0);
        wgpuRenderPassEncoderDrawIndexed(pass, 6, 1, 0, 0, 0);
        wgpuRenderPassEncoderEnd(pass);
        wgpuRenderPassEncoderRelease(pass);
        WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
        ScopeResult r = pop_scope(&ctx);
        if (ranges[i].error) {
            CHECK(r.type == WGPUErrorType_Validation && strstr(r.message, ranges[i].error) != NULL);
        } else {
            CHECK(r.type == WGPUErrorType_NoError);
        }
        if (r.type != WGPUErrorType_NoError && !ranges[i].error) printf("    unexpected: %s\n", r.message);
        wgpuCommandBufferRelease(cb);
        wgpuCommandEncoderRelease(enc);
    }
    /* The same in a bundle. */
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    WGPURenderBundleEncoder empty_enc = wgpuDeviceCreateRenderBundleEncoder(ctx.device, &bd);
    wgpuRenderBundleEncoderSetPipeline(empty_enc, plain);
    wgpuRenderBundleEncoderSetVertexBuffer(empty_enc, 0, s.vertices, 0, WGPU_WHOLE_SIZE);
    wgpuRenderBundleEncoderSetIndexBuffer(empty_enc, s.indices, WGPUIndexFormat_Uint16, 0, 0);
    wgpuRenderBundleEncoderDrawIndexed(empty_enc, 6, 1, 0, 0, 0);
    WGPURenderBundle empty_bundle = wgpuRenderBundleEncoderFinish(empty_enc, NULL);
    ScopeResult eb = pop_scope(&ctx);
    CHECK(eb.type == WGPUErrorType_Validation && strstr(eb.message, "Index 6 extends beyond limit 0") != NULL);
    wgpuRenderBundleRelease(empty_bundle);
    wgpuRenderBundleEncoderRelease(empty_enc);

    /* A finished bundle encoder cannot record. */
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    wgpuRenderBundleEncoderDraw(bundle_enc, 3, 1, 0, 0);
    ScopeResult fin = pop_scope(&ctx);
    CHECK(fin.type == WGPUErrorType_Validation && strstr(fin.message, "finished") != NULL);

    wgpuRenderBundleRelease(bundle);
    wgpuRenderBundleEncoderRelease(bundle_enc);
    wgpuBindGroupRelease(tex_group);
    wgpuTextureViewRelease(small_view);
    wgpuBindGroupLayoutRelease(tex_bgl);
    wgpuRenderPipelineRelease(tex_pipe);
    wgpuSamplerRelease(sampler);
    wgpuTextureRelease(small);
    wgpuRenderPipelineRelease(msaa_pipe);
    wgpuTextureViewRelease(msaa_view);
    wgpuTextureRelease(msaa);
    wgpuRenderPipelineRelease(stencil_pipe);
    wgpuRenderPipelineRelease(depth_pipe);
    wgpuTextureViewRelease(depth_view);
    wgpuTextureRelease(depth);
    wgpuRenderPipelineRelease(blended);
    wgpuRenderPipelineRelease(plain);
    wgpuTextureViewRelease(color_view);
    wgpuTextureRelease(color);
    wgpuBufferRelease(s.indirect);
    wgpuBufferRelease(s.indices);
    wgpuBufferRelease(s.vertices);
    wgpuShaderModuleRelease(s.module);
    outputs_and_targets(&ctx);
    teardown(&ctx);
    return finish("render_state");
}
