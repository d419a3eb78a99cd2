/* Renders a triangle into a 256x256 texture, copies it to a buffer, reads it back and
 * writes it as a PNG (by a minimal encoder below: stored deflate blocks, no zlib).
 *
 * Usage: render_to_png [out.png]   (default triangle.png)
 * The triangle is orange (255, 128, 0) on a dark blue (0, 0, 64) background. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <webgpu/webgpu.h>

#define SIZE 256

static const char *SHADER =
    "@vertex fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {\n"
    "    var p = array(vec2f(0.0, 0.8), vec2f(-0.8, -0.8), vec2f(0.8, -0.8));\n"
    "    return vec4f(p[i], 0.0, 1.0);\n"
    "}\n"
    "@fragment fn fs() -> @location(0) vec4f {\n"
    "    return vec4f(1.0, 128.0 / 255.0, 0.0, 1.0);\n"
    "}\n";

static WGPUStringView sv(const char *s) {
    WGPUStringView v = {s, WGPU_STRLEN};
    return v;
}

static void on_adapter(WGPURequestAdapterStatus s, WGPUAdapter a, WGPUStringView m, void *out, void *u) {
    (void)s; (void)m; (void)u;
    *(WGPUAdapter *)out = a;
}
static void on_device(WGPURequestDeviceStatus s, WGPUDevice d, WGPUStringView m, void *out, void *u) {
    (void)s; (void)m; (void)u;
    *(WGPUDevice *)out = d;
}
static void on_error(const WGPUDevice *d, WGPUErrorType type, WGPUStringView message, void *u1, void *u2) {
    (void)d; (void)u1; (void)u2;
    fprintf(stderr, "uncaptured error %d: %.*s\n", (int)type, (int)message.length, message.data);
}
static void on_map(WGPUMapAsyncStatus status, WGPUStringView m, void *ok, void *u) {
    (void)m; (void)u;
    *(int *)ok = status == WGPUMapAsyncStatus_Success;
}
static void wait(WGPUInstance instance, WGPUFuture future) {
    WGPUFutureWaitInfo info = {future, WGPU_FALSE};
    wgpuInstanceWaitAny(instance, 1, &info, UINT64_MAX);
}

/* ---- A minimal PNG writer: 8-bit RGBA, deflate "stored" blocks. ---- */
static uint32_t crc_table[256];
static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n) {
    if (!crc_table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            crc_table[i] = c;
        }
    crc = ~crc;
    while (n--) crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}
static void be32(uint8_t *p, uint32_t v) {
    p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}
static void chunk(FILE *f, const char *type, const uint8_t *data, uint32_t len) {
    uint8_t head[8];
    be32(head, len);
    memcpy(head + 4, type, 4);
    uint32_t crc = crc32(crc32(0, head + 4, 4), data, len);
    uint8_t tail[4];
    be32(tail, crc);
    fwrite(head, 1, 8, f);
    fwrite(data, 1, len, f);
    fwrite(tail, 1, 4, f);
}
static int write_png(const char *path, const uint8_t *rgba, uint32_t w, uint32_t h, uint32_t stride) {
    size_t raw_len = (size_t)h * (1 + w * 4);
    uint8_t *raw = malloc(raw_len);
    for (uint32_t y = 0; y < h; y++) {
        raw[y * (1 + w * 4)] = 0; /* filter: none */
        memcpy(raw + y * (1 + w * 4) + 1, rgba + (size_t)y * stride, w * 4);
    }
    size_t blocks = (raw_len + 65534) / 65535;
    size_t z_len = 2 + raw_len + blocks * 5 + 4;
    uint8_t *z = malloc(z_len), *o = z;
    *o++ = 0x78; *o++ = 0x01;
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < raw_len; i++) {
        a = (a + raw[i]) % 65521;
        b = (b + a) % 65521;
    }
    for (size_t off = 0; off < raw_len; off += 65535) {
        uint16_t n = (uint16_t)(raw_len - off < 65535 ? raw_len - off : 65535);
        *o++ = off + n == raw_len; /* BFINAL on the last block, BTYPE 00 */
        *o++ = n & 0xff; *o++ = n >> 8; *o++ = ~n & 0xff; *o++ = (uint16_t)~n >> 8;
        memcpy(o, raw + off, n);
        o += n;
    }
    be32(o, (b << 16) | a);
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    fwrite(sig, 1, 8, f);
    uint8_t ihdr[13];
    be32(ihdr, w);
    be32(ihdr + 4, h);
    ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0; /* 8-bit RGBA */
    chunk(f, "IHDR", ihdr, 13);
    chunk(f, "IDAT", z, (uint32_t)z_len);
    chunk(f, "IEND", NULL, 0);
    fclose(f);
    free(raw);
    free(z);
    return 1;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "triangle.png";
    WGPUInstanceFeatureName features[] = {WGPUInstanceFeatureName_TimedWaitAny};
    WGPUInstanceDescriptor idesc = WGPU_INSTANCE_DESCRIPTOR_INIT;
    idesc.requiredFeatureCount = 1;
    idesc.requiredFeatures = features;
    WGPUInstance instance = wgpuCreateInstance(&idesc);
    WGPUAdapter adapter = NULL;
    WGPURequestAdapterCallbackInfo acb = WGPU_REQUEST_ADAPTER_CALLBACK_INFO_INIT;
    acb.mode = WGPUCallbackMode_WaitAnyOnly;
    acb.callback = on_adapter;
    acb.userdata1 = &adapter;
    wait(instance, wgpuInstanceRequestAdapter(instance, NULL, acb));
    if (!adapter) return 1;
    WGPUDevice device = NULL;
    WGPUDeviceDescriptor ddesc = WGPU_DEVICE_DESCRIPTOR_INIT;
    ddesc.uncapturedErrorCallbackInfo.callback = on_error;
    WGPURequestDeviceCallbackInfo dcb = WGPU_REQUEST_DEVICE_CALLBACK_INFO_INIT;
    dcb.mode = WGPUCallbackMode_WaitAnyOnly;
    dcb.callback = on_device;
    dcb.userdata1 = &device;
    wait(instance, wgpuAdapterRequestDevice(adapter, &ddesc, dcb));
    if (!device) return 1;
    WGPUQueue queue = wgpuDeviceGetQueue(device);

    WGPUTextureDescriptor tdesc = WGPU_TEXTURE_DESCRIPTOR_INIT;
    tdesc.size = (WGPUExtent3D){SIZE, SIZE, 1};
    tdesc.format = WGPUTextureFormat_RGBA8Unorm;
    tdesc.usage = WGPUTextureUsage_RenderAttachment | WGPUTextureUsage_CopySrc;
    WGPUTexture target = wgpuDeviceCreateTexture(device, &tdesc);
    WGPUTextureView view = wgpuTextureCreateView(target, NULL);

    WGPUShaderSourceWGSL wgsl = WGPU_SHADER_SOURCE_WGSL_INIT;
    wgsl.code = sv(SHADER);
    WGPUShaderModuleDescriptor mdesc = WGPU_SHADER_MODULE_DESCRIPTOR_INIT;
    mdesc.nextInChain = &wgsl.chain;
    WGPUShaderModule module = wgpuDeviceCreateShaderModule(device, &mdesc);

    WGPUColorTargetState color = WGPU_COLOR_TARGET_STATE_INIT;
    color.format = WGPUTextureFormat_RGBA8Unorm;
    WGPUFragmentState fragment = WGPU_FRAGMENT_STATE_INIT;
    fragment.module = module;
    fragment.entryPoint = sv("fs");
    fragment.targetCount = 1;
    fragment.targets = &color;
    WGPURenderPipelineDescriptor rdesc = WGPU_RENDER_PIPELINE_DESCRIPTOR_INIT;
    rdesc.vertex.module = module;
    rdesc.vertex.entryPoint = sv("vs");
    rdesc.fragment = &fragment;
    WGPURenderPipeline pipeline = wgpuDeviceCreateRenderPipeline(device, &rdesc);

    WGPUBufferDescriptor bdesc = WGPU_BUFFER_DESCRIPTOR_INIT;
    bdesc.size = SIZE * SIZE * 4;
    bdesc.usage = WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst;
    WGPUBuffer readback = wgpuDeviceCreateBuffer(device, &bdesc);

    WGPUCommandEncoder encoder = wgpuDeviceCreateCommandEncoder(device, NULL);
    WGPURenderPassColorAttachment attachment = WGPU_RENDER_PASS_COLOR_ATTACHMENT_INIT;
    attachment.view = view;
    attachment.loadOp = WGPULoadOp_Clear;
    attachment.storeOp = WGPUStoreOp_Store;
    attachment.clearValue = (WGPUColor){0.0, 0.0, 64.0 / 255.0, 1.0};
    WGPURenderPassDescriptor pdesc = WGPU_RENDER_PASS_DESCRIPTOR_INIT;
    pdesc.colorAttachmentCount = 1;
    pdesc.colorAttachments = &attachment;
    WGPURenderPassEncoder pass = wgpuCommandEncoderBeginRenderPass(encoder, &pdesc);
    wgpuRenderPassEncoderSetPipeline(pass, pipeline);
    wgpuRenderPassEncoderDraw(pass, 3, 1, 0, 0);
    wgpuRenderPassEncoderEnd(pass);
    WGPUTexelCopyTextureInfo src = WGPU_TEXEL_COPY_TEXTURE_INFO_INIT;
    src.texture = target;
    WGPUTexelCopyBufferInfo dst = WGPU_TEXEL_COPY_BUFFER_INFO_INIT;
    dst.buffer = readback;
    dst.layout.bytesPerRow = SIZE * 4;
    dst.layout.rowsPerImage = SIZE;
    wgpuCommandEncoderCopyTextureToBuffer(encoder, &src, &dst, &tdesc.size);
    WGPUCommandBuffer commands = wgpuCommandEncoderFinish(encoder, NULL);
    wgpuQueueSubmit(queue, 1, &commands);

    int mapped = 0;
    WGPUBufferMapCallbackInfo mcb = WGPU_BUFFER_MAP_CALLBACK_INFO_INIT;
    mcb.mode = WGPUCallbackMode_WaitAnyOnly;
    mcb.callback = on_map;
    mcb.userdata1 = &mapped;
    wait(instance, wgpuBufferMapAsync(readback, WGPUMapMode_Read, 0, SIZE * SIZE * 4, mcb));
    int ok = mapped && write_png(path, wgpuBufferGetConstMappedRange(readback, 0, SIZE * SIZE * 4), SIZE, SIZE,
                                 SIZE * 4);
    if (ok) printf("wrote %s (%dx%d)\n", path, SIZE, SIZE);
    wgpuBufferUnmap(readback);

    wgpuCommandBufferRelease(commands);
    wgpuRenderPassEncoderRelease(pass);
    wgpuCommandEncoderRelease(encoder);
    wgpuBufferRelease(readback);
    wgpuRenderPipelineRelease(pipeline);
    wgpuShaderModuleRelease(module);
    wgpuTextureViewRelease(view);
    wgpuTextureRelease(target);
    wgpuQueueRelease(queue);
    wgpuDeviceRelease(device);
    wgpuAdapterRelease(adapter);
    wgpuInstanceRelease(instance);
    return ok ? 0 : 1;
}
