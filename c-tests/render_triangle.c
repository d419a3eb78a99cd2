/* Rendering: a triangle into a 256x256 rgba8unorm-srgb texture, read back and compared
 * with the expected image; the same drawn through a render bundle gives the same
 * pixels; an occlusion query counts the covered samples; a texture upload round-trips
 * through WriteTexture and CopyTextureToBuffer. */
#include "common.h"

#define W 256
#define H 256

static const char *SHADER =
    "@vertex fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4<f32> {\n"
    "    var p = array<vec2<f32>, 3>(vec2(-0.5, -0.5), vec2(0.5, -0.5), vec2(0.0, 0.5));\n"
    "    return vec4<f32>(p[i], 0.0, 1.0);\n"
    "}\n"
    "@fragment fn fs() -> @location(0) vec4<f32> { return vec4<f32>(1.0, 0.0, 0.0, 1.0); }\n";

static void on_render_pipeline(WGPUCreatePipelineAsyncStatus status, WGPURenderPipeline pipeline, WGPUStringView message,
                               void *u1, void *u2) {
    (void)message; (void)u2;
    callbacks_fired++;
    if (status == WGPUCreatePipelineAsyncStatus_Success) *(WGPURenderPipeline *)u1 = pipeline;
}

/* Signed distance in pixels of point p from the line through a and b. */
static double edge(double ax, double ay, double bx, double by, double px, double py) {
    double ex = bx - ax, ey = by - ay;
    return ((px - ax) * ey - (py - ay) * ex) / sqrt(ex * ex + ey * ey);
}

/* 1 inside, 0 outside, -1 within a pixel of an edge (rasterizers may differ there). */
static int expected_coverage(int x, int y) {
    double px = x + 0.5, py = y + 0.5;
    /* The triangle in pixel coordinates (y down); inside, all three distances share
     * a sign, whichever way the edges wind. */
    double ax = 64, ay = 192, bx = 128, by = 64, cx = 192, cy = 192;
    double d[3] = {edge(ax, ay, bx, by, px, py), edge(bx, by, cx, cy, px, py), edge(cx, cy, ax, ay, px, py)};
    int positive = 0, negative = 0, near = 0;
    for (int i = 0; i < 3; i++) {
        positive += d[i] > 0;
        negative += d[i] < 0;
        if (fabs(d[i]) < 1.0) near = 1;
    }
    int inside = positive == 3 || negative == 3;
    if (near) return -1;
    return inside;
}

static WGPUBuffer read_texture(Ctx *ctx, WGPUTexture tex, WGPUCommandEncoder enc) {
    WGPUBuffer buf = make_buffer(ctx, W * H * 4, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    WGPUTexelCopyTextureInfo src = WGPU_TEXEL_COPY_TEXTURE_INFO_INIT;
    src.texture = tex;
    WGPUTexelCopyBufferInfo dst = WGPU_TEXEL_COPY_BUFFER_INFO_INIT;
    dst.buffer = buf;
    dst.layout.bytesPerRow = W * 4;
    dst.layout.rowsPerImage = H;
    WGPUExtent3D size = {W, H, 1};
    wgpuCommandEncoderCopyTextureToBuffer(enc, &src, &dst, &size);
    return buf;
}

static const uint8_t *map_all(Ctx *ctx, WGPUBuffer b) {
    MapResult m = {0};
    wait_for(ctx, map_buffer(b, WGPUMapMode_Read, 0, WGPU_WHOLE_MAP_SIZE, &m));
    CHECK(m.status == WGPUMapAsyncStatus_Success);
    return wgpuBufferGetConstMappedRange(b, 0, W * H * 4);
}

int main(void) {
    Ctx ctx;
    if (!setup(&ctx)) return 1;

    WGPUTextureDescriptor td = WGPU_TEXTURE_DESCRIPTOR_INIT;
    td.size.width = W;
    td.size.height = H;
    td.format = WGPUTextureFormat_RGBA8UnormSrgb;
    td.usage = WGPUTextureUsage_RenderAttachment | WGPUTextureUsage_CopySrc;
    WGPUTexture targets[2] = {wgpuDeviceCreateTexture(ctx.device, &td), wgpuDeviceCreateTexture(ctx.device, &td)};
    CHECK(wgpuTextureGetWidth(targets[0]) == W && wgpuTextureGetHeight(targets[0]) == H);
    CHECK(wgpuTextureGetDepthOrArrayLayers(targets[0]) == 1 && wgpuTextureGetMipLevelCount(targets[0]) == 1);
    CHECK(wgpuTextureGetSampleCount(targets[0]) == 1);
    CHECK(wgpuTextureGetFormat(targets[0]) == WGPUTextureFormat_RGBA8UnormSrgb);
    CHECK(wgpuTextureGetDimension(targets[0]) == WGPUTextureDimension_2D);
    CHECK(wgpuTextureGetUsage(targets[0]) == td.usage);
    WGPUTextureView views[2] = {wgpuTextureCreateView(targets[0], NULL), wgpuTextureCreateView(targets[1], NULL)};

    WGPUShaderModule module = wgsl_module(&ctx, SHADER);
    WGPUColorTargetState target = WGPU_COLOR_TARGET_STATE_INIT;
    target.format = WGPUTextureFormat_RGBA8UnormSrgb;
    WGPUFragmentState fragment = WGPU_FRAGMENT_STATE_INIT;
    fragment.module = module;
    fragment.entryPoint = sv("fs");
    fragment.targetCount = 1;
    fragment.targets = &target;
    WGPURenderPipelineDescriptor rp = WGPU_RENDER_PIPELINE_DESCRIPTOR_INIT;
    rp.vertex.module = module;
    rp.vertex.entryPoint = sv("vs");
    rp.fragment = &fragment;
    WGPURenderPipeline pipeline = wgpuDeviceCreateRenderPipeline(ctx.device, &rp);
    CHECK(pipeline != NULL);

    /* The same pipeline made asynchronously draws the bundle. */
    WGPURenderPipeline async_pipeline = NULL;
    WGPUCreateRenderPipelineAsyncCallbackInfo acb = WGPU_CREATE_RENDER_PIPELINE_ASYNC_CALLBACK_INFO_INIT;
    acb.mode = WGPUCallbackMode_WaitAnyOnly;
    acb.callback = on_render_pipeline;
    acb.userdata1 = &async_pipeline;
    futures_expected++;
    wait_for(&ctx, wgpuDeviceCreateRenderPipelineAsync(ctx.device, &rp, acb));
    CHECK(async_pipeline != NULL);

    /* The same draw through a render bundle. */
    WGPUTextureFormat fmt = WGPUTextureFormat_RGBA8UnormSrgb;
    WGPURenderBundleEncoderDescriptor bd = WGPU_RENDER_BUNDLE_ENCODER_DESCRIPTOR_INIT;
    bd.colorFormatCount = 1;
    bd.colorFormats = &fmt;
    WGPURenderBundleEncoder be = wgpuDeviceCreateRenderBundleEncoder(ctx.device, &bd);
    wgpuRenderBundleEncoderSetPipeline(be, async_pipeline);
    wgpuRenderBundleEncoderDraw(be, 3, 1, 0, 0);
    WGPURenderBundle bundle = wgpuRenderBundleEncoderFinish(be, NULL);
    CHECK(bundle != NULL);

    WGPUQuerySetDescriptor qd = WGPU_QUERY_SET_DESCRIPTOR_INIT;
    qd.type = WGPUQueryType_Occlusion;
    qd.count = 2;
    WGPUQuerySet queries = wgpuDeviceCreateQuerySet(ctx.device, &qd);
    CHECK(wgpuQuerySetGetType(queries) == WGPUQueryType_Occlusion && wgpuQuerySetGetCount(queries) == 2);
    WGPUBuffer resolved = make_buffer(&ctx, 16, WGPUBufferUsage_QueryResolve | WGPUBufferUsage_CopySrc, 0);
    WGPUBuffer query_read = make_buffer(&ctx, 16, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);

    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    for (int i = 0; i < 2; i++) {
        WGPURenderPassColorAttachment ca = WGPU_RENDER_PASS_COLOR_ATTACHMENT_INIT;
        ca.view = views[i];
        ca.loadOp = WGPULoadOp_Clear;
        ca.storeOp = WGPUStoreOp_Store;
        ca.clearValue = (WGPUColor){0, 0, 0, 1};
        WGPURenderPassDescriptor pd = WGPU_RENDER_PASS_DESCRIPTOR_INIT;
        pd.colorAttachmentCount = 1;
        pd.colorAttachments = &ca;
        if (i == 0) pd.occlusionQuerySet = queries;
        WGPURenderPassEncoder pass = wgpuCommandEncoderBeginRenderPass(enc, &pd);
        if (i == 0) {
            wgpuRenderPassEncoderBeginOcclusionQuery(pass, 0);
            wgpuRenderPassEncoderSetPipeline(pass, pipeline);
            wgpuRenderPassEncoderDraw(pass, 3, 1, 0, 0);
            wgpuRenderPassEncoderEndOcclusionQuery(pass);
            /* The same draw scissored away: no sample passes. */
            wgpuRenderPassEncoderSetScissorRect(pass, 0, 0, 0, 0);
            wgpuRenderPassEncoderBeginOcclusionQuery(pass, 1);
            wgpuRenderPassEncoderDraw(pass, 3, 1, 0, 0);
            wgpuRenderPassEncoderEndOcclusionQuery(pass);
        } else {
            wgpuRenderPassEncoderExecuteBundles(pass, 1, &bundle);
        }
        wgpuRenderPassEncoderEnd(pass);
        wgpuRenderPassEncoderRelease(pass);
    }
    wgpuCommandEncoderResolveQuerySet(enc, queries, 0, 2, resolved, 0);
    wgpuCommandEncoderCopyBufferToBuffer(enc, resolved, 0, query_read, 0, 16);
    WGPUBuffer direct = read_texture(&ctx, targets[0], enc);
    WGPUBuffer bundled = read_texture(&ctx, targets[1], enc);
    WGPUCommandBuffer cmd = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(ctx.queue, 1, &cmd);

    const uint8_t *a = map_all(&ctx, direct);
    const uint8_t *b = map_all(&ctx, bundled);
    int wrong = 0, covered = 0, differ = 0;
    for (int y = 0; a && b && y < H; y++) {
        for (int x = 0; x < W; x++) {
            const uint8_t *p = a + (y * W + x) * 4;
            int red = p[0] == 255 && p[1] == 0 && p[2] == 0 && p[3] == 255;
            int black = p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 255;
            int want = expected_coverage(x, y);
            covered += red;
            if ((want == 1 && !red) || (want == 0 && !black) || (want == -1 && !red && !black)) wrong++;
            if (memcmp(p, b + (y * W + x) * 4, 4) != 0) differ++;
        }
    }
    printf("triangle: %d pixels covered (ideal %d), %d wrong, bundle differs in %d\n", covered, 128 * 128 / 2, wrong, differ);
    CHECK(wrong == 0);
    CHECK(differ == 0);
    CHECK(covered > 8000 && covered < 8400);

    MapResult qm = {0};
    wait_for(&ctx, map_buffer(query_read, WGPUMapMode_Read, 0, 16, &qm));
    const uint64_t *samples = wgpuBufferGetConstMappedRange(query_read, 0, 16);
    /* WebGPU promises non-zero when samples pass (Vulkan counts them; GL says 1). */
    CHECK(samples != NULL && samples[0] > 0 && samples[0] <= (uint64_t)covered && samples[1] == 0);
    if (samples)
        printf("occlusion queries: %llu samples passed, then %llu when scissored away\n",
               (unsigned long long)samples[0], (unsigned long long)samples[1]);

    /* WriteTexture, then copy back: the bytes round-trip. */
    WGPUTextureDescriptor ud = WGPU_TEXTURE_DESCRIPTOR_INIT;
    ud.size = (WGPUExtent3D){64, 64, 1};
    ud.format = WGPUTextureFormat_RGBA8Uint;
    ud.usage = WGPUTextureUsage_CopyDst | WGPUTextureUsage_CopySrc;
    WGPUTexture up = wgpuDeviceCreateTexture(ctx.device, &ud);
    uint8_t *pixels = malloc(64 * 64 * 4);
    for (int i = 0; i < 64 * 64 * 4; i++) pixels[i] = (uint8_t)(i * 7 + 3);
    WGPUTexelCopyTextureInfo dst = WGPU_TEXEL_COPY_TEXTURE_INFO_INIT;
    dst.texture = up;
    WGPUTexelCopyBufferLayout layout = WGPU_TEXEL_COPY_BUFFER_LAYOUT_INIT;
    layout.bytesPerRow = 256;
    layout.rowsPerImage = 64;
    wgpuQueueWriteTexture(ctx.queue, &dst, pixels, 64 * 64 * 4, &layout, &ud.size);
    WGPUBuffer down = make_buffer(&ctx, 64 * 64 * 4, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    WGPUCommandEncoder e2 = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    WGPUTexelCopyBufferInfo bi = WGPU_TEXEL_COPY_BUFFER_INFO_INIT;
    bi.buffer = down;
    bi.layout = layout;
    wgpuCommandEncoderCopyTextureToBuffer(e2, &dst, &bi, &ud.size);
    WGPUCommandBuffer c2 = wgpuCommandEncoderFinish(e2, NULL);
    wgpuQueueSubmit(ctx.queue, 1, &c2);
    MapResult dm = {0};
    wait_for(&ctx, map_buffer(down, WGPUMapMode_Read, 0, WGPU_WHOLE_MAP_SIZE, &dm));
    const uint8_t *got = wgpuBufferGetConstMappedRange(down, 0, 64 * 64 * 4);
    CHECK(got != NULL && memcmp(got, pixels, 64 * 64 * 4) == 0);
    CHECK(ctx.uncaptured_count == 0);
    if (ctx.uncaptured_count) fprintf(stderr, "uncaptured: %s\n", ctx.uncaptured_message);

    free(pixels);
    wgpuCommandBufferRelease(c2);
    wgpuCommandEncoderRelease(e2);
    wgpuBufferRelease(down);
    wgpuTextureRelease(up);
    wgpuBufferRelease(query_read);
    wgpuBufferRelease(resolved);
    wgpuQuerySetRelease(queries);
    wgpuCommandBufferRelease(cmd);
    wgpuCommandEncoderRelease(enc);
    wgpuBufferRelease(direct);
    wgpuBufferRelease(bundled);
    wgpuRenderBundleRelease(bundle);
    wgpuRenderBundleEncoderRelease(be);
    wgpuRenderPipelineRelease(async_pipeline);
    wgpuRenderPipelineRelease(pipeline);
    wgpuShaderModuleRelease(module);
    for (int i = 0; i < 2; i++) {
        wgpuTextureViewRelease(views[i]);
        wgpuTextureRelease(targets[i]);
    }
    teardown(&ctx);
    return finish("render_triangle");
}
