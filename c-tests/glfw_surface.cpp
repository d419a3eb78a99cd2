// A GLFW renderer's start, as Dawn's clients write it (run under Xvfb): a window made
// with GLFW_NO_API, wgpu::glfw::CreateSurfaceForWindow from <webgpu/webgpu_glfw.h>,
// the surface configured from its capabilities, frames cleared to a color each and
// presented; what the X server shows in the window is read back and checked (through
// the X11 handles the header declares: GLFW's native header would need Xrandr's).
#include <webgpu/webgpu_glfw.h>

#include <GLFW/glfw3.h>

#include <cstdio>
#include <string>

#include "check.hpp"

constexpr int kWidth = 64, kHeight = 48;

// The window's center pixel on the X server, as 0xRRGGBB (defined last: Xlib's macros,
// `Status` and `Success` among them, would clash with wgpu's names).
static unsigned long ShownPixel(GLFWwindow* window);

int main() {
    if (!glfwInit()) {
        std::fprintf(stderr, "glfwInit failed (run under Xvfb)\n");
        return 1;
    }
    wgpu::InstanceDescriptor instanceDesc;
    wgpu::InstanceFeatureName timedWaitAny = wgpu::InstanceFeatureName::TimedWaitAny;
    instanceDesc.requiredFeatureCount = 1;
    instanceDesc.requiredFeatures = &timedWaitAny;
    wgpu::Instance instance = wgpu::CreateInstance(&instanceDesc);
    wgpu::Adapter adapter;
    instance.WaitAny(instance.RequestAdapter(nullptr, wgpu::CallbackMode::WaitAnyOnly,
                                             [&](wgpu::RequestAdapterStatus, wgpu::Adapter a, const char*) {
                                                 adapter = std::move(a);
                                             }),
                     UINT64_MAX);
    // Dawn's older callback form: the message as char const *.
    static int uncaptured = 0;
    static std::string lastError;
    wgpu::DeviceDescriptor deviceDesc;
    deviceDesc.SetUncapturedErrorCallback([](const wgpu::Device&, wgpu::ErrorType, const char* message) {
        lastError = message;
        uncaptured++;
    });
    deviceDesc.SetDeviceLostCallback(wgpu::CallbackMode::AllowSpontaneous,
                                     [](const wgpu::Device&, wgpu::DeviceLostReason reason, const char* message) {
                                         if (reason != wgpu::DeviceLostReason::Destroyed)
                                             std::fprintf(stderr, "device lost: %s\n", message);
                                     });
    wgpu::Device device;
    instance.WaitAny(adapter.RequestDevice(&deviceDesc, wgpu::CallbackMode::WaitAnyOnly,
                                           [&](wgpu::RequestDeviceStatus, wgpu::Device d, wgpu::StringView) {
                                               device = std::move(d);
                                           }),
                     UINT64_MAX);
    CHECK(adapter && device);
    if (!device) return 1;
    // A buffer both mappable for reading and a storage buffer is a validation error; the
    // char const * callback gets its message, NUL-terminated.
    wgpu::BufferDescriptor bad;
    bad.size = 4;
    bad.usage = wgpu::BufferUsage::MapRead | wgpu::BufferUsage::Storage;
    device.CreateBuffer(&bad);
    instance.ProcessEvents();
    CHECK(uncaptured == 1 && lastError.find("usage") != std::string::npos);
    std::printf("the invalid buffer: \"%s\"\n", lastError.substr(0, 80).c_str());
    uncaptured = 0;

    glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
    GLFWwindow* window = glfwCreateWindow(kWidth, kHeight, "webgpu_glfw", nullptr, nullptr);
    CHECK(window != nullptr);
    if (!window) return 1;

    // The descriptor names the window's X11 display and window.
    auto source = wgpu::glfw::SetupWindowAndGetSurfaceDescriptor(window);
    CHECK(source && source->sType == wgpu::SType::SurfaceSourceXlibWindow);
    if (source && source->sType == wgpu::SType::SurfaceSourceXlibWindow) {
        auto* xlib = static_cast<wgpu::SurfaceSourceXlibWindow*>(source.get());
        CHECK(xlib->display == glfwGetX11Display() && xlib->window == glfwGetX11Window(window));
    }

    wgpu::Surface surface = wgpu::glfw::CreateSurfaceForWindow(instance, window);
    CHECK(surface != nullptr);
    if (!surface) return 1;
    wgpu::SurfaceCapabilities caps;
    CHECK(surface.GetCapabilities(adapter, &caps) == wgpu::Status::Success);
    wgpu::TextureFormat format = wgpu::TextureFormat::Undefined;
    for (size_t i = 0; i < caps.formatCount; i++)
        if (caps.formats[i] == wgpu::TextureFormat::BGRA8Unorm) format = caps.formats[i];
    CHECK(format == wgpu::TextureFormat::BGRA8Unorm);
    wgpu::SurfaceConfiguration config;
    config.device = device;
    config.format = format;
    config.width = kWidth;
    config.height = kHeight;
    config.presentMode = wgpu::PresentMode::Fifo;
    surface.Configure(&config);

    const unsigned long colors[] = {0xff0000, 0x00ff00, 0x2850c8};
    for (unsigned long color : colors) {
        wgpu::SurfaceTexture frame;
        surface.GetCurrentTexture(&frame);
        CHECK(frame.status == wgpu::SurfaceGetCurrentTextureStatus::SuccessOptimal ||
              frame.status == wgpu::SurfaceGetCurrentTextureStatus::SuccessSuboptimal);
        if (!frame.texture) break;
        wgpu::RenderPassColorAttachment attachment;
        attachment.view = frame.texture.CreateView();
        attachment.loadOp = wgpu::LoadOp::Clear;
        attachment.storeOp = wgpu::StoreOp::Store;
        attachment.clearValue = {((color >> 16) & 255) / 255.0, ((color >> 8) & 255) / 255.0, (color & 255) / 255.0,
                                 1};
        wgpu::RenderPassDescriptor pass;
        pass.colorAttachmentCount = 1;
        pass.colorAttachments = &attachment;
        wgpu::CommandEncoder encoder = device.CreateCommandEncoder();
        encoder.BeginRenderPass(&pass).End();
        wgpu::CommandBuffer commands = encoder.Finish();
        device.GetQueue().Submit(1, &commands);
        CHECK(surface.Present() == wgpu::Status::Success);
        unsigned long shown = ~0ul;
        for (int attempt = 0; attempt < 50 && shown != color; attempt++) {
            shown = ShownPixel(window);
            if (shown != color) instance.ProcessEvents();
        }
        CHECK(shown == color);
        std::printf("frame 0x%06lx: presented, the window shows 0x%06lx\n", color, shown);
    }
    surface.Unconfigure();
    surface = nullptr;
    glfwDestroyWindow(window);

    // A window with a GL context gets no surface, as in Dawn. Xvfb's GLX may not make
    // one; then there is nothing to check.
    glfwDefaultWindowHints();
    glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
    GLFWwindow* gl_window = glfwCreateWindow(kWidth, kHeight, "gl", nullptr, nullptr);
    if (gl_window) {
        CHECK(!wgpu::glfw::SetupWindowAndGetSurfaceDescriptor(gl_window));
        CHECK(wgpu::glfw::CreateSurfaceForWindow(instance, gl_window) == nullptr);
        glfwDestroyWindow(gl_window);
        std::printf("a window with a GL context: no surface\n");
    }
    CHECK(!wgpu::glfw::SetupWindowAndGetSurfaceDescriptor(nullptr));
    CHECK(uncaptured == 0);
    glfwTerminate();
    if (failures) std::fprintf(stderr, "%d failures\n", failures);
    else std::printf("ok\n");
    return failures ? 1 : 0;
}

#include <X11/Xlib.h>
#include <X11/Xutil.h>

static unsigned long ShownPixel(GLFWwindow* window) {
    Display* display = glfwGetX11Display();
    XSync(display, False);
    XImage* img = XGetImage(display, glfwGetX11Window(window), kWidth / 2, kHeight / 2, 1, 1, AllPlanes, ZPixmap);
    if (!img) return ~0ul;
    unsigned long p = XGetPixel(img, 0, 0) & 0xffffff;
    XDestroyImage(img);
    return p;
}
