/* Upload/download round trips for every copyable format: WriteTexture of random bytes,
 * CopyTextureToBuffer, and the bytes come back unchanged. Block-compressed and 16-bit
 * normalized formats are covered where the adapter has their feature (the device is
 * asked for it); depth and stencil through the aspects WebGPU lets copies touch. */
#include "common.h"

typedef struct {
    WGPUTextureFormat format;
    const char *name;
    uint32_t block_bytes, block_w, block_h;
    WGPUTextureAspect aspect;
    int writable;             /* WriteTexture allowed (depth32float is copy-source only) */
    WGPUFeatureName feature;  /* 0: core */
} Format;

#define C(f, b) {WGPUTextureFormat_##f, #f, b, 1, 1, WGPUTextureAspect_All, 1, 0}
#define BLOCK(f, b, w, h, feat) {WGPUTextureFormat_##f, #f, b, w, h, WGPUTextureAspect_All, 1, WGPUFeatureName_##feat}

static const Format FORMATS[] = {
    C(R8Unorm, 1), C(R8Snorm, 1), C(R8Uint, 1), C(R8Sint, 1),
    C(R16Uint, 2), C(R16Sint, 2), C(R16Float, 2),
    C(RG8Unorm, 2), C(RG8Snorm, 2), C(RG8Uint, 2), C(RG8Sint, 2),
    C(R32Float, 4), C(R32Uint, 4), C(R32Sint, 4),
    C(RG16Uint, 4), C(RG16Sint, 4), C(RG16Float, 4),
    C(RGBA8Unorm, 4), C(RGBA8UnormSrgb, 4), C(RGBA8Snorm, 4), C(RGBA8Uint, 4), C(RGBA8Sint, 4),
    C(BGRA8Unorm, 4), C(BGRA8UnormSrgb, 4),
    C(RGB10A2Uint, 4), C(RGB10A2Unorm, 4), C(RG11B10Ufloat, 4), C(RGB9E5Ufloat, 4),
    C(RG32Float, 8), C(RG32Uint, 8), C(RG32Sint, 8),
    C(RGBA16Uint, 8), C(RGBA16Sint, 8), C(RGBA16Float, 8),
    C(RGBA32Float, 16), C(RGBA32Uint, 16), C(RGBA32Sint, 16),
    BLOCK(R16Unorm, 2, 1, 1, TextureFormatsTier1), BLOCK(R16Snorm, 2, 1, 1, TextureFormatsTier1),
    BLOCK(RG16Unorm, 4, 1, 1, TextureFormatsTier1), BLOCK(RG16Snorm, 4, 1, 1, TextureFormatsTier1),
    BLOCK(RGBA16Unorm, 8, 1, 1, TextureFormatsTier1), BLOCK(RGBA16Snorm, 8, 1, 1, TextureFormatsTier1),
    {WGPUTextureFormat_Stencil8, "Stencil8", 1, 1, 1, WGPUTextureAspect_StencilOnly, 1, 0},
    {WGPUTextureFormat_Depth16Unorm, "Depth16Unorm", 2, 1, 1, WGPUTextureAspect_DepthOnly, 1, 0},
    {WGPUTextureFormat_Depth32Float, "Depth32Float", 4, 1, 1, WGPUTextureAspect_DepthOnly, 0, 0},
    {WGPUTextureFormat_Depth24PlusStencil8, "Depth24PlusStencil8 (stencil)", 1, 1, 1, WGPUTextureAspect_StencilOnly, 1, 0},
    BLOCK(BC1RGBAUnorm, 8, 4, 4, TextureCompressionBC), BLOCK(BC1RGBAUnormSrgb, 8, 4, 4, TextureCompressionBC),
    BLOCK(BC2RGBAUnorm, 16, 4, 4, TextureCompressionBC), BLOCK(BC2RGBAUnormSrgb, 16, 4, 4, TextureCompressionBC),
    BLOCK(BC3RGBAUnorm, 16, 4, 4, TextureCompressionBC), BLOCK(BC3RGBAUnormSrgb, 16, 4, 4, TextureCompressionBC),
    BLOCK(BC4RUnorm, 8, 4, 4, TextureCompressionBC), BLOCK(BC4RSnorm, 8, 4, 4, TextureCompressionBC),
    BLOCK(BC5RGUnorm, 16, 4, 4, TextureCompressionBC), BLOCK(BC5RGSnorm, 16, 4, 4, TextureCompressionBC),
    BLOCK(BC6HRGBUfloat, 16, 4, 4, TextureCompressionBC), BLOCK(BC6HRGBFloat, 16, 4, 4, TextureCompressionBC),
    BLOCK(BC7RGBAUnorm, 16, 4, 4, TextureCompressionBC), BLOCK(BC7RGBAUnormSrgb, 16, 4, 4, TextureCompressionBC),
    BLOCK(ETC2RGB8Unorm, 8, 4, 4, TextureCompressionETC2), BLOCK(ETC2RGB8UnormSrgb, 8, 4, 4, TextureCompressionETC2),
    BLOCK(ETC2RGB8A1Unorm, 8, 4, 4, TextureCompressionETC2), BLOCK(ETC2RGB8A1UnormSrgb, 8, 4, 4, TextureCompressionETC2),
    BLOCK(ETC2RGBA8Unorm, 16, 4, 4, TextureCompressionETC2), BLOCK(ETC2RGBA8UnormSrgb, 16, 4, 4, TextureCompressionETC2),
    BLOCK(EACR11Unorm, 8, 4, 4, TextureCompressionETC2), BLOCK(EACR11Snorm, 8, 4, 4, TextureCompressionETC2),
    BLOCK(EACRG11Unorm, 16, 4, 4, TextureCompressionETC2), BLOCK(EACRG11Snorm, 16, 4, 4, TextureCompressionETC2),
    BLOCK(ASTC4x4Unorm, 16, 4, 4, TextureCompressionASTC), BLOCK(ASTC4x4UnormSrgb, 16, 4, 4, TextureCompressionASTC),
    BLOCK(ASTC5x4Unorm, 16, 5, 4, TextureCompressionASTC), BLOCK(ASTC5x5Unorm, 16, 5, 5, TextureCompressionASTC),
    BLOCK(ASTC6x5Unorm, 16, 6, 5, TextureCompressionASTC), BLOCK(ASTC6x6Unorm, 16, 6, 6, TextureCompressionASTC),
    BLOCK(ASTC8x5Unorm, 16, 8, 5, TextureCompressionASTC), BLOCK(ASTC8x6Unorm, 16, 8, 6, TextureCompressionASTC),
    BLOCK(ASTC8x8Unorm, 16, 8, 8, TextureCompressionASTC), BLOCK(ASTC10x5Unorm, 16, 10, 5, TextureCompressionASTC),
    BLOCK(ASTC10x6Unorm, 16, 10, 6, TextureCompressionASTC), BLOCK(ASTC10x8Unorm, 16, 10, 8, TextureCompressionASTC),
    BLOCK(ASTC10x10Unorm, 16, 10, 10, TextureCompressionASTC), BLOCK(ASTC12x10Unorm, 16, 12, 10, TextureCompressionASTC),
    BLOCK(ASTC12x12Unorm, 16, 12, 12, TextureCompressionASTC), BLOCK(ASTC12x12UnormSrgb, 16, 12, 12, TextureCompressionASTC),
};

static void on_dev(WGPURequestDeviceStatus s, WGPUDevice d, WGPUStringView m, void *u1, void *u2) {
    (void)m; (void)u2;
    *(WGPUDevice *)u1 = s == WGPURequestDeviceStatus_Success ? d : NULL;
}

int main(void) {
    Ctx ctx;
    if (!setup(&ctx)) return 1;
    /* A device with every format feature the adapter has. */
    WGPUFeatureName wanted[4] = {WGPUFeatureName_TextureCompressionBC, WGPUFeatureName_TextureCompressionETC2,
                                 WGPUFeatureName_TextureCompressionASTC, WGPUFeatureName_TextureFormatsTier1};
    WGPUFeatureName have[4];
    size_t n_have = 0;
    for (int i = 0; i < 4; i++)
        if (wgpuAdapterHasFeature(ctx.adapter, wanted[i])) have[n_have++] = wanted[i];
    WGPUDeviceDescriptor dd = WGPU_DEVICE_DESCRIPTOR_INIT;
    dd.requiredFeatureCount = n_have;
    dd.requiredFeatures = have;
    WGPUDevice dev = NULL;
    WGPURequestDeviceCallbackInfo cb = WGPU_REQUEST_DEVICE_CALLBACK_INFO_INIT;
    cb.mode = WGPUCallbackMode_AllowSpontaneous;
    cb.callback = on_dev;
    cb.userdata1 = &dev;
    wgpuAdapterRequestDevice(ctx.adapter, &dd, cb);
    CHECK(dev != NULL);
    if (!dev) return finish("formats");
    Ctx c = ctx;
    c.device = dev;
    c.queue = wgpuDeviceGetQueue(dev);

    int tested = 0, skipped = 0;
    unsigned seed = 12345;
    for (size_t i = 0; i < sizeof FORMATS / sizeof FORMATS[0]; i++) {
        const Format *f = &FORMATS[i];
        if (f->feature && !wgpuDeviceHasFeature(dev, f->feature)) {
            skipped++;
            continue;
        }
        uint32_t w = f->block_w * 2, h = f->block_h * 2;
        uint32_t row = (w / f->block_w) * f->block_bytes, rows = h / f->block_h;
        uint32_t size = 256 * rows;
        uint8_t *data = calloc(size, 1);
        for (uint32_t r = 0; r < rows; r++)
            for (uint32_t b = 0; b < row; b++) data[r * 256 + b] = (uint8_t)((seed = seed * 1103515245 + 12345) >> 16);
        WGPUTextureDescriptor td = WGPU_TEXTURE_DESCRIPTOR_INIT;
        td.size = (WGPUExtent3D){w, h, 1};
        td.format = f->format;
        td.usage = WGPUTextureUsage_CopySrc | WGPUTextureUsage_CopyDst |
                   (f->writable ? 0 : WGPUTextureUsage_RenderAttachment);
        wgpuDevicePushErrorScope(dev, WGPUErrorFilter_Validation);
        WGPUTexture t = wgpuDeviceCreateTexture(dev, &td);
        WGPUTexelCopyTextureInfo ti = WGPU_TEXEL_COPY_TEXTURE_INFO_INIT;
        ti.texture = t;
        ti.aspect = f->aspect;
        WGPUTexelCopyBufferLayout layout = WGPU_TEXEL_COPY_BUFFER_LAYOUT_INIT;
        layout.bytesPerRow = 256;
        layout.rowsPerImage = rows;
        WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(dev, NULL);
        if (f->writable) {
            wgpuQueueWriteTexture(c.queue, &ti, data, size, &layout, &td.size);
        } else {
            /* Copy-source only: fill it by clearing as a depth attachment. */
            WGPUTextureView v = wgpuTextureCreateView(t, NULL);
            WGPURenderPassDepthStencilAttachment da = WGPU_RENDER_PASS_DEPTH_STENCIL_ATTACHMENT_INIT;
            da.view = v;
            da.depthLoadOp = WGPULoadOp_Clear;
            da.depthStoreOp = WGPUStoreOp_Store;
            da.depthClearValue = 0.25f;
            WGPURenderPassDescriptor pd = WGPU_RENDER_PASS_DESCRIPTOR_INIT;
            pd.depthStencilAttachment = &da;
            WGPURenderPassEncoder p = wgpuCommandEncoderBeginRenderPass(enc, &pd);
            wgpuRenderPassEncoderEnd(p);
            wgpuRenderPassEncoderRelease(p);
            wgpuTextureViewRelease(v);
            float quarter = 0.25f;
            for (uint32_t r = 0; r < rows; r++)
                for (uint32_t x = 0; x < w; x++) memcpy(data + r * 256 + x * 4, &quarter, 4);
        }
        WGPUBuffer buf = make_buffer(&c, size, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
        WGPUTexelCopyBufferInfo bi = WGPU_TEXEL_COPY_BUFFER_INFO_INIT;
        bi.buffer = buf;
        bi.layout = layout;
        wgpuCommandEncoderCopyTextureToBuffer(enc, &ti, &bi, &td.size);
        WGPUCommandBuffer cmd = wgpuCommandEncoderFinish(enc, NULL);
        wgpuQueueSubmit(c.queue, 1, &cmd);
        ScopeResult r = pop_scope(&c);
        if (r.type != WGPUErrorType_NoError) {
            fprintf(stderr, "%s: %s\n", f->name, r.message);
            test_failures++;
        } else {
            MapResult m = {0};
            wait_for(&c, map_buffer(buf, WGPUMapMode_Read, 0, size, &m));
            const uint8_t *got = wgpuBufferGetConstMappedRange(buf, 0, size);
            int same = got != NULL;
            for (uint32_t rr = 0; same && rr < rows; rr++) same = memcmp(got + rr * 256, data + rr * 256, row) == 0;
            if (!same) fprintf(stderr, "%s: bytes differ after the round trip\n", f->name);
            CHECK(same);
            wgpuBufferUnmap(buf);
            tested++;
        }
        wgpuCommandBufferRelease(cmd);
        wgpuCommandEncoderRelease(enc);
        wgpuBufferRelease(buf);
        wgpuTextureRelease(t);
        free(data);
    }
    printf("formats: %d round-tripped, %d skipped (format feature absent on this adapter)\n", tested, skipped);
    CHECK(tested >= 41);
    wgpuQueueRelease(c.queue);
    wgpuDeviceRelease(dev);
    teardown(&ctx);
    return finish("formats");
}
