/* WebGPU: a texture's texels read as zero until they are written, whatever the memory
 * held before (another tenant's texture, freed). Checked where an implementation tracks
 * initialization coarsely:
 * - a 3D render target of which one depth slice is rendered (cleared) in a pass: the
 *   other slices read as zero (wgpu-core 30 took the pass as initializing the whole mip
 *   level, and the other slices read the previous texture's texels: ffi/objects/texture.rs
 *   zeroes them when such a texture is made);
 * - a 3D texture and a 2D array of which one slice is written by WriteTexture.
 * Each round first fills a texture of the same size and frees it, so that the memory
 * the next one gets has held texels. */
#include "common.h"

#define N 64

static WGPUTexture make(Ctx *ctx, WGPUTextureDimension dim, WGPUTextureUsage usage) {
    WGPUTextureDescriptor td = WGPU_TEXTURE_DESCRIPTOR_INIT;
    td.dimension = dim;
    td.size = (WGPUExtent3D){N, N, 2};
    td.format = WGPUTextureFormat_RGBA8Unorm;
    td.usage = usage | WGPUTextureUsage_CopySrc;
    return wgpuDeviceCreateTexture(ctx->device, &td);
}

/* Clears one depth slice (or every one, slice < 0) of a 3D render target. */
static void clear_slices(Ctx *ctx, WGPUTexture tex, int slice, double g) {
    WGPUTextureView view = wgpuTextureCreateView(tex, NULL);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx->device, NULL);
    for (int s = 0; s < 2; s++) {
        if (slice >= 0 && s != slice) continue;
        WGPURenderPassColorAttachment ca = WGPU_RENDER_PASS_COLOR_ATTACHMENT_INIT;
        ca.view = view;
        ca.depthSlice = s;
        ca.loadOp = WGPULoadOp_Clear;
        ca.storeOp = WGPUStoreOp_Store;
        ca.clearValue = (WGPUColor){0, g, 0, 1};
        WGPURenderPassDescriptor pd = WGPU_RENDER_PASS_DESCRIPTOR_INIT;
        pd.colorAttachmentCount = 1;
        pd.colorAttachments = &ca;
        WGPURenderPassEncoder pass = wgpuCommandEncoderBeginRenderPass(enc, &pd);
        wgpuRenderPassEncoderEnd(pass);
        wgpuRenderPassEncoderRelease(pass);
    }
    WGPUCommandBuffer cmd = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(ctx->queue, 1, &cmd);
    wgpuCommandBufferRelease(cmd);
    wgpuCommandEncoderRelease(enc);
    wgpuTextureViewRelease(view);
}

static void write_slices(Ctx *ctx, WGPUTexture tex, int first, int count, uint32_t texel) {
    static uint32_t texels[N * N * 2];
    for (int i = 0; i < N * N * count; i++) texels[i] = texel;
    WGPUTexelCopyTextureInfo dst = WGPU_TEXEL_COPY_TEXTURE_INFO_INIT;
    dst.texture = tex;
    dst.origin.z = first;
    WGPUTexelCopyBufferLayout layout = WGPU_TEXEL_COPY_BUFFER_LAYOUT_INIT;
    layout.bytesPerRow = N * 4;
    layout.rowsPerImage = N;
    WGPUExtent3D size = {N, N, count};
    wgpuQueueWriteTexture(ctx->queue, &dst, texels, (size_t)N * N * 4 * count, &layout, &size);
}

/* The number of non-zero texels of slice 0, and slice 1's first texel. */
static int nonzero_in_slice0(Ctx *ctx, WGPUTexture tex, uint32_t *slice1) {
    static uint32_t texels[N * N * 2];
    CHECK(read_texels(ctx, tex, N, N, 2, texels) == WGPUMapAsyncStatus_Success);
    int nonzero = 0;
    for (int i = 0; i < N * N; i++) nonzero += texels[i] != 0;
    *slice1 = texels[N * N];
    return nonzero;
}

int main(void) {
    Ctx ctx;
    if (!setup(&ctx)) return 1;
    for (int round = 0; round < 4; round++) {
        WGPUTexture old = make(&ctx, WGPUTextureDimension_3D, WGPUTextureUsage_RenderAttachment);
        clear_slices(&ctx, old, -1, 0.5);
        wgpuTextureDestroy(old);
        wgpuTextureRelease(old);
        WGPUTexture tex = make(&ctx, WGPUTextureDimension_3D, WGPUTextureUsage_RenderAttachment);
        clear_slices(&ctx, tex, 1, 1.0);
        uint32_t slice1 = 0;
        int stale = nonzero_in_slice0(&ctx, tex, &slice1);
        CHECK(stale == 0 && slice1 == 0xff00ff00);
        printf("3D render target, slice 1 rendered: slice 0 has %d non-zero texels, slice 1 %08x\n", stale, slice1);
        wgpuTextureRelease(tex);
    }
    static const WGPUTextureDimension dims[2] = {WGPUTextureDimension_3D, WGPUTextureDimension_2D};
    for (int d = 0; d < 2; d++) {
        WGPUTexture old = make(&ctx, dims[d], WGPUTextureUsage_CopyDst);
        write_slices(&ctx, old, 0, 2, 0xff00aa00);
        wgpuTextureDestroy(old);
        wgpuTextureRelease(old);
        WGPUTexture tex = make(&ctx, dims[d], WGPUTextureUsage_CopyDst);
        write_slices(&ctx, tex, 1, 1, 0xff0000ff);
        uint32_t slice1 = 0;
        int stale = nonzero_in_slice0(&ctx, tex, &slice1);
        CHECK(stale == 0 && slice1 == 0xff0000ff);
        printf("%s, slice 1 written: slice 0 has %d non-zero texels, slice 1 %08x\n", d ? "2D array" : "3D texture", stale,
               slice1);
        wgpuTextureRelease(tex);
    }
    CHECK(ctx.uncaptured_count == 0);
    teardown(&ctx);
    return finish("zero_init");
}
