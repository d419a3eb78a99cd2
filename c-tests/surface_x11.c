/* Surfaces on X11 (run under Xvfb): a window, a surface from its Xlib handles, the
 * capabilities, a configuration, then frames that are cleared to a new color each,
 * presented, and checked twice: in the surface texture (copied to a buffer) and on the
 * X server (the window's pixels, read back with XGetImage). Then unconfigure, and the
 * same window through an XCB surface. */
#include <X11/Xlib-xcb.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include "common.h"

#define W 64
#define H 48

static uint32_t read_texture_pixel(Ctx *ctx, WGPUTexture tex, int x, int y) {
    WGPUBuffer buf = make_buffer(ctx, 256 * H, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx->device, NULL);
    WGPUTexelCopyTextureInfo src = WGPU_TEXEL_COPY_TEXTURE_INFO_INIT;
    src.texture = tex;
    WGPUTexelCopyBufferInfo dst = WGPU_TEXEL_COPY_BUFFER_INFO_INIT;
    dst.buffer = buf;
    dst.layout.bytesPerRow = 256;
    WGPUExtent3D size = {W, H, 1};
    wgpuCommandEncoderCopyTextureToBuffer(enc, &src, &dst, &size);
    WGPUCommandBuffer cmd = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(ctx->queue, 1, &cmd);
    MapResult m = {0};
    wait_for(ctx, map_buffer(buf, WGPUMapMode_Read, 0, WGPU_WHOLE_MAP_SIZE, &m));
    const uint8_t *p = wgpuBufferGetConstMappedRange(buf, 0, 256 * H);
    uint32_t v = 0;
    if (p) memcpy(&v, p + y * 256 + x * 4, 4);
    wgpuBufferUnmap(buf);
    wgpuCommandBufferRelease(cmd);
    wgpuCommandEncoderRelease(enc);
    wgpuBufferRelease(buf);
    return v;
}

int main(void) {
    Display *display = XOpenDisplay(NULL);
    if (!display) {
        fprintf(stderr, "no X display (run under Xvfb)\n");
        return 1;
    }
    int screen = DefaultScreen(display);
    Window window = XCreateSimpleWindow(display, RootWindow(display, screen), 0, 0, W, H, 0, 0, 0);
    XMapWindow(display, window);
    XSync(display, False);

    Ctx ctx;
    if (!setup(&ctx)) return 1;
    WGPUSurfaceSourceXlibWindow source = WGPU_SURFACE_SOURCE_XLIB_WINDOW_INIT;
    source.display = display;
    source.window = window;
    WGPUSurfaceDescriptor sd = WGPU_SURFACE_DESCRIPTOR_INIT;
    sd.nextInChain = &source.chain;
    sd.label = sv("window");
    WGPUSurface surface = wgpuInstanceCreateSurface(ctx.instance, &sd);
    CHECK(surface != NULL);
    wgpuSurfaceSetLabel(surface, sv("the window"));
    wgpuSurfaceAddRef(surface);
    wgpuSurfaceRelease(surface);

    WGPUSurfaceCapabilities caps = WGPU_SURFACE_CAPABILITIES_INIT;
    CHECK(wgpuSurfaceGetCapabilities(surface, ctx.adapter, &caps) == WGPUStatus_Success);
    CHECK(caps.formatCount > 0 && caps.presentModeCount > 0 && caps.alphaModeCount > 0);
    CHECK(caps.usages & WGPUTextureUsage_RenderAttachment);
    /* A format whose bytes we can read: BGRA8Unorm or RGBA8Unorm. */
    WGPUTextureFormat format = WGPUTextureFormat_Undefined;
    for (size_t i = 0; i < caps.formatCount; i++)
        if (caps.formats[i] == WGPUTextureFormat_BGRA8Unorm || caps.formats[i] == WGPUTextureFormat_RGBA8Unorm)
            format = caps.formats[i];
    CHECK(format != WGPUTextureFormat_Undefined);
    int can_copy = (caps.usages & WGPUTextureUsage_CopySrc) != 0;
    printf("surface: %zu formats, %zu present modes, %zu alpha modes, copy %s\n", caps.formatCount,
           caps.presentModeCount, caps.alphaModeCount, can_copy ? "yes" : "no");

    WGPUSurfaceConfiguration config = WGPU_SURFACE_CONFIGURATION_INIT;
    config.device = ctx.device;
    config.format = format;
    config.usage = WGPUTextureUsage_RenderAttachment | (can_copy ? WGPUTextureUsage_CopySrc : 0);
    config.width = W;
    config.height = H;
    config.presentMode = WGPUPresentMode_Fifo;
    config.alphaMode = caps.alphaModes[0];
    wgpuSurfaceConfigure(surface, &config);
    wgpuSurfaceCapabilitiesFreeMembers(caps);

    const uint8_t colors[3][3] = {{255, 0, 0}, {0, 255, 0}, {40, 80, 200}};
    for (int frame = 0; frame < 3; frame++) {
        WGPUSurfaceTexture st = WGPU_SURFACE_TEXTURE_INIT;
        wgpuSurfaceGetCurrentTexture(surface, &st);
        CHECK(st.status == WGPUSurfaceGetCurrentTextureStatus_SuccessOptimal ||
              st.status == WGPUSurfaceGetCurrentTextureStatus_SuccessSuboptimal);
        CHECK(st.texture != NULL);
        if (!st.texture) break;
        CHECK(wgpuTextureGetWidth(st.texture) == W && wgpuTextureGetHeight(st.texture) == H);
        CHECK(wgpuTextureGetFormat(st.texture) == format);
        WGPUTextureView view = wgpuTextureCreateView(st.texture, NULL);
        WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
        WGPURenderPassColorAttachment ca = WGPU_RENDER_PASS_COLOR_ATTACHMENT_INIT;
        ca.view = view;
        ca.loadOp = WGPULoadOp_Clear;
        ca.storeOp = WGPUStoreOp_Store;
        ca.clearValue = (WGPUColor){colors[frame][0] / 255.0, colors[frame][1] / 255.0, colors[frame][2] / 255.0, 1};
        WGPURenderPassDescriptor pd = WGPU_RENDER_PASS_DESCRIPTOR_INIT;
        pd.colorAttachmentCount = 1;
        pd.colorAttachments = &ca;
        WGPURenderPassEncoder pass = wgpuCommandEncoderBeginRenderPass(enc, &pd);
        wgpuRenderPassEncoderEnd(pass);
        WGPUCommandBuffer cmd = wgpuCommandEncoderFinish(enc, NULL);
        wgpuQueueSubmit(ctx.queue, 1, &cmd);
        if (can_copy) {
            uint32_t px = read_texture_pixel(&ctx, st.texture, W / 2, H / 2);
            uint8_t r = format == WGPUTextureFormat_BGRA8Unorm ? (px >> 16) & 255 : px & 255;
            uint8_t b = format == WGPUTextureFormat_BGRA8Unorm ? px & 255 : (px >> 16) & 255;
            CHECK(r == colors[frame][0] && ((px >> 8) & 255) == colors[frame][1] && b == colors[frame][2]);
        }
        CHECK(wgpuSurfacePresent(surface) == WGPUStatus_Success);
        /* What the X server shows in the window now. */
        XSync(display, False);
        int shown = 0;
        for (int attempt = 0; attempt < 50 && !shown; attempt++) {
            XImage *img = XGetImage(display, window, W / 2, H / 2, 1, 1, AllPlanes, ZPixmap);
            if (img) {
                unsigned long p = XGetPixel(img, 0, 0);
                shown = ((p >> 16) & 255) == colors[frame][0] && ((p >> 8) & 255) == colors[frame][1] &&
                        (p & 255) == colors[frame][2];
                XDestroyImage(img);
            }
            if (!shown) wgpuInstanceProcessEvents(ctx.instance);
        }
        CHECK(shown);
        printf("frame %d: presented and shown\n", frame);
        wgpuCommandBufferRelease(cmd);
        wgpuRenderPassEncoderRelease(pass);
        wgpuCommandEncoderRelease(enc);
        wgpuTextureViewRelease(view);
        wgpuTextureRelease(st.texture);
    }
    wgpuSurfaceUnconfigure(surface);
    WGPUSurfaceTexture after = WGPU_SURFACE_TEXTURE_INIT;
    wgpuSurfaceGetCurrentTexture(surface, &after);
    CHECK(after.texture == NULL && after.status == WGPUSurfaceGetCurrentTextureStatus_Error);
    CHECK(ctx.uncaptured_count == 0);
    if (ctx.uncaptured_count) fprintf(stderr, "uncaptured: %s\n", ctx.uncaptured_message);

    wgpuSurfaceRelease(surface);

    /* The same window through XCB. */
    WGPUSurfaceSourceXCBWindow xcb = WGPU_SURFACE_SOURCE_XCB_WINDOW_INIT;
    xcb.connection = XGetXCBConnection(display);
    xcb.window = (uint32_t)window;
    WGPUSurfaceDescriptor xd = WGPU_SURFACE_DESCRIPTOR_INIT;
    xd.nextInChain = &xcb.chain;
    WGPUSurface xs = wgpuInstanceCreateSurface(ctx.instance, &xd);
    CHECK(xs != NULL);
    config.usage = WGPUTextureUsage_RenderAttachment;
    wgpuSurfaceConfigure(xs, &config);
    WGPUSurfaceTexture xt = WGPU_SURFACE_TEXTURE_INIT;
    wgpuSurfaceGetCurrentTexture(xs, &xt);
    CHECK(xt.texture != NULL);
    if (xt.texture) {
        WGPUTextureView view = wgpuTextureCreateView(xt.texture, NULL);
        WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
        WGPURenderPassColorAttachment ca = WGPU_RENDER_PASS_COLOR_ATTACHMENT_INIT;
        ca.view = view;
        ca.loadOp = WGPULoadOp_Clear;
        ca.storeOp = WGPUStoreOp_Store;
        ca.clearValue = (WGPUColor){1, 1, 0, 1};
        WGPURenderPassDescriptor pd = WGPU_RENDER_PASS_DESCRIPTOR_INIT;
        pd.colorAttachmentCount = 1;
        pd.colorAttachments = &ca;
        WGPURenderPassEncoder pass = wgpuCommandEncoderBeginRenderPass(enc, &pd);
        wgpuRenderPassEncoderEnd(pass);
        WGPUCommandBuffer cmd = wgpuCommandEncoderFinish(enc, NULL);
        wgpuQueueSubmit(ctx.queue, 1, &cmd);
        CHECK(wgpuSurfacePresent(xs) == WGPUStatus_Success);
        XSync(display, False);
        int shown = 0;
        for (int attempt = 0; attempt < 50 && !shown; attempt++) {
            XImage *img = XGetImage(display, window, W / 2, H / 2, 1, 1, AllPlanes, ZPixmap);
            if (img) {
                shown = (XGetPixel(img, 0, 0) & 0xffffff) == 0xffff00;
                XDestroyImage(img);
            }
            if (!shown) wgpuInstanceProcessEvents(ctx.instance);
        }
        CHECK(shown);
        printf("XCB surface: presented and shown\n");
        wgpuCommandBufferRelease(cmd);
        wgpuRenderPassEncoderRelease(pass);
        wgpuCommandEncoderRelease(enc);
        wgpuTextureViewRelease(view);
        wgpuTextureRelease(xt.texture);
    }
    wgpuSurfaceUnconfigure(xs);
    wgpuSurfaceRelease(xs);
    teardown(&ctx);
    XDestroyWindow(display, window);
    XCloseDisplay(display);
    return finish("surface_x11");
}
