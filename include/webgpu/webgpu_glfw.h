/**
 * webgpu_glfw.h: a surface for a GLFW window, with the names of Dawn's header of the
 * same path (`wgpu::glfw::CreateSurfaceForWindow`), so renderers written against Dawn
 * build unchanged.
 *
 * Header-only: the program already links GLFW (3.3 or 3.4), and this header calls GLFW
 * through weak references, so it needs neither GLFW's native header nor X11's or
 * Wayland's headers, and works with a GLFW built for X11, for Wayland or for both.
 * Which window system a window belongs to: GLFW 3.4's `glfwGetPlatform()` says; with
 * GLFW 3.3 (one window system per build) the one whose functions the GLFW in the
 * process has.
 *
 * Supported: X11 (an Xlib surface) and Wayland, on ELF platforms (Linux, the BSDs).
 * Elsewhere (Windows, macOS), and for a window with a GL context (create it with
 * `glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API)`, as Dawn also requires), the
 * functions return null: a null descriptor, a null surface.
 */

#ifndef WEBGPU_GLFW_H_
#define WEBGPU_GLFW_H_

#include <memory>

#include "webgpu_cpp.h"

struct GLFWwindow;

#if defined(__ELF__)
// GLFW's own declarations (glfw3.h, glfw3native.h) have the same types, so a program
// may include those headers before or after this one. Weak: a GLFW built without a
// window system, or without glfwGetPlatform (3.3), leaves the function null.
struct _XDisplay;
struct wl_display;
struct wl_surface;
extern "C" {
int glfwGetWindowAttrib(GLFWwindow* window, int attrib);
int glfwGetPlatform(void) __attribute__((weak));
struct _XDisplay* glfwGetX11Display(void) __attribute__((weak));
unsigned long glfwGetX11Window(GLFWwindow* window) __attribute__((weak));
struct wl_display* glfwGetWaylandDisplay(void) __attribute__((weak));
struct wl_surface* glfwGetWaylandWindow(GLFWwindow* window) __attribute__((weak));
}
#endif

namespace wgpu::glfw {

namespace detail {
// GLFW's values (glfw3.h), under names of our own: glfw3.h defines them as macros.
constexpr int kClientApi = 0x00022001;  // GLFW_CLIENT_API
constexpr int kNoApi = 0;               // GLFW_NO_API
constexpr int kPlatformWayland = 0x00060003;
constexpr int kPlatformX11 = 0x00060004;

template <typename Source>
void DeleteSource(wgpu::ChainedStruct* source) {
    delete static_cast<Source*>(source);
}
}  // namespace detail

/// The chained struct that `SurfaceDescriptor::nextInChain` needs for `window` (an
/// Xlib or Wayland surface source), owned by the returned pointer; null when the
/// window's system is not supported or the window has a GL context.
inline std::unique_ptr<wgpu::ChainedStruct, void (*)(wgpu::ChainedStruct*)> SetupWindowAndGetSurfaceDescriptor(
    GLFWwindow* window) {
    std::unique_ptr<wgpu::ChainedStruct, void (*)(wgpu::ChainedStruct*)> none{nullptr,
                                                                               [](wgpu::ChainedStruct*) {}};
#if defined(__ELF__)
    if (window == nullptr || glfwGetWindowAttrib(window, detail::kClientApi) != detail::kNoApi) return none;
    int platform = glfwGetPlatform ? glfwGetPlatform() : 0;
    bool wayland = platform ? platform == detail::kPlatformWayland
                            : glfwGetWaylandWindow != nullptr && glfwGetX11Window == nullptr;
    bool x11 = platform ? platform == detail::kPlatformX11 : glfwGetX11Window != nullptr;
    if (wayland && glfwGetWaylandDisplay && glfwGetWaylandWindow) {
        auto* source = new wgpu::SurfaceSourceWaylandSurface();
        source->display = glfwGetWaylandDisplay();
        source->surface = glfwGetWaylandWindow(window);
        return {source, detail::DeleteSource<wgpu::SurfaceSourceWaylandSurface>};
    }
    if (x11 && glfwGetX11Display && glfwGetX11Window) {
        auto* source = new wgpu::SurfaceSourceXlibWindow();
        source->display = glfwGetX11Display();
        source->window = glfwGetX11Window(window);
        return {source, detail::DeleteSource<wgpu::SurfaceSourceXlibWindow>};
    }
#else
    (void)window;
#endif
    return none;
}

/// `instance.CreateSurface` for `window`; a null surface when
/// `SetupWindowAndGetSurfaceDescriptor` gives no descriptor.
inline wgpu::Surface CreateSurfaceForWindow(const wgpu::Instance& instance, GLFWwindow* window) {
    auto source = SetupWindowAndGetSurfaceDescriptor(window);
    if (!source) return wgpu::Surface();
    wgpu::SurfaceDescriptor descriptor;
    descriptor.nextInChain = source.get();
    return instance.CreateSurface(&descriptor);
}

}  // namespace wgpu::glfw

#endif  // WEBGPU_GLFW_H_
