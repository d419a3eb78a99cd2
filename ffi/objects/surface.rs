//! `WGPUSurface`: a wgpu-core surface made from a native window (Xlib, XCB, Wayland;
//! Metal layer, HWND and Android window on their platforms), its configuration, and
//! the texture currently acquired from it.

use std::sync::Arc;

use parking_lot::Mutex;
use raw_window_handle as rwh;

use crate::context::Context;
use crate::conv;
use crate::device::Device;
use crate::free_members::leak_array;
use crate::generated::types::*;
use crate::guard::entry_point;
use crate::handle::{object, Handle};

pub struct Surface {
    pub ctx: Arc<Context>,
    pub id: wgc::id::SurfaceId,
    /// The device and texture description of the current configuration.
    configured: Mutex<Option<(Arc<Device>, crate::texture::TextureDesc)>>,
}

object!(
    Surface,
    "WGPUSurface",
    22,
    |s| s.configured.lock().as_ref().map(|(d, _)| d.clone()),
    id = Surface
);

impl Drop for Surface {
    fn drop(&mut self) {
        self.ctx.global.surface_drop(self.id);
    }
}

fn present_mode(m: WGPUPresentMode) -> conv::Result<wgt::PresentMode> {
    Ok(match m {
        WGPUPresentMode::Undefined | WGPUPresentMode::Fifo => wgt::PresentMode::Fifo,
        WGPUPresentMode::FifoRelaxed => wgt::PresentMode::FifoRelaxed,
        WGPUPresentMode::Immediate => wgt::PresentMode::Immediate,
        WGPUPresentMode::Mailbox => wgt::PresentMode::Mailbox,
        other => return Err(format!("{:#x} is not a valid WGPUPresentMode", other.0)),
    })
}

fn present_mode_to_c(m: wgt::PresentMode) -> Option<WGPUPresentMode> {
    Some(match m {
        wgt::PresentMode::Fifo => WGPUPresentMode::Fifo,
        wgt::PresentMode::FifoRelaxed => WGPUPresentMode::FifoRelaxed,
        wgt::PresentMode::Immediate => WGPUPresentMode::Immediate,
        wgt::PresentMode::Mailbox => WGPUPresentMode::Mailbox,
        _ => return None,
    })
}

fn alpha_mode(m: WGPUCompositeAlphaMode) -> conv::Result<wgt::CompositeAlphaMode> {
    Ok(match m {
        WGPUCompositeAlphaMode::Auto => wgt::CompositeAlphaMode::Auto,
        WGPUCompositeAlphaMode::Opaque => wgt::CompositeAlphaMode::Opaque,
        WGPUCompositeAlphaMode::Premultiplied => wgt::CompositeAlphaMode::PreMultiplied,
        WGPUCompositeAlphaMode::Unpremultiplied => wgt::CompositeAlphaMode::PostMultiplied,
        WGPUCompositeAlphaMode::Inherit => wgt::CompositeAlphaMode::Inherit,
        other => {
            return Err(format!(
                "{:#x} is not a valid WGPUCompositeAlphaMode",
                other.0
            ))
        }
    })
}

fn alpha_mode_to_c(m: wgt::CompositeAlphaMode) -> WGPUCompositeAlphaMode {
    match m {
        wgt::CompositeAlphaMode::Auto => WGPUCompositeAlphaMode::Auto,
        wgt::CompositeAlphaMode::Opaque => WGPUCompositeAlphaMode::Opaque,
        wgt::CompositeAlphaMode::PreMultiplied => WGPUCompositeAlphaMode::Premultiplied,
        wgt::CompositeAlphaMode::PostMultiplied => WGPUCompositeAlphaMode::Unpremultiplied,
        wgt::CompositeAlphaMode::Inherit => WGPUCompositeAlphaMode::Inherit,
    }
}

fn non_null(
    p: *mut std::ffi::c_void,
    what: &str,
) -> conv::Result<std::ptr::NonNull<std::ffi::c_void>> {
    std::ptr::NonNull::new(p).ok_or_else(|| format!("{what} is NULL"))
}

/// What the descriptor's chained source names.
enum Source {
    Window(Option<rwh::RawDisplayHandle>, rwh::RawWindowHandle),
    /// A `CAMetalLayer`: not a window; wgpu-core takes it on a path of its own.
    #[cfg_attr(not(any(target_os = "macos", target_os = "ios")), allow(dead_code))]
    MetalLayer(std::ptr::NonNull<std::ffi::c_void>),
}

fn window(
    display: impl Into<rwh::RawDisplayHandle>,
    window: impl Into<rwh::RawWindowHandle>,
) -> Source {
    Source::Window(Some(display.into()), window.into())
}

unsafe fn source(desc: &WGPUSurfaceDescriptor) -> conv::Result<Source> {
    let mut found = None;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    for (s_type, link) in unsafe { conv::Chain::new(desc.nextInChain) } {
        if found.is_some() {
            return Err("more than one surface source is chained".into());
        }
        // SAFETY (each arm): the sType says what the link is.
        found = Some(match s_type {
            WGPUSType::SurfaceSourceXlibWindow => {
                // SAFETY: webgpu.h's chaining rule: the link is the struct its sType names.
                let s = unsafe { &*(link as *const WGPUSurfaceSourceXlibWindow) };
                let display = rwh::XlibDisplayHandle::new(Some(non_null(s.display, "display")?), 0);
                window(display, rwh::XlibWindowHandle::new(s.window as _))
            }
            WGPUSType::SurfaceSourceXCBWindow => {
                // SAFETY: webgpu.h's chaining rule: the link is the struct its sType names.
                let s = unsafe { &*(link as *const WGPUSurfaceSourceXCBWindow) };
                let display =
                    rwh::XcbDisplayHandle::new(Some(non_null(s.connection, "connection")?), 0);
                let id = std::num::NonZeroU32::new(s.window).ok_or("window is 0")?;
                window(display, rwh::XcbWindowHandle::new(id))
            }
            WGPUSType::SurfaceSourceWaylandSurface => {
                // SAFETY: webgpu.h's chaining rule: the link is the struct its sType names.
                let s = unsafe { &*(link as *const WGPUSurfaceSourceWaylandSurface) };
                let display = rwh::WaylandDisplayHandle::new(non_null(s.display, "display")?);
                window(
                    display,
                    rwh::WaylandWindowHandle::new(non_null(s.surface, "surface")?),
                )
            }
            WGPUSType::SurfaceSourceAndroidNativeWindow => {
                // SAFETY: webgpu.h's chaining rule: the link is the struct its sType names.
                let s = unsafe { &*(link as *const WGPUSurfaceSourceAndroidNativeWindow) };
                let handle = rwh::AndroidNdkWindowHandle::new(non_null(s.window, "window")?);
                window(rwh::AndroidDisplayHandle::new(), handle)
            }
            WGPUSType::SurfaceSourceWindowsHWND => {
                // SAFETY: webgpu.h's chaining rule: the link is the struct its sType names.
                let s = unsafe { &*(link as *const WGPUSurfaceSourceWindowsHWND) };
                let hwnd = std::num::NonZeroIsize::new(s.hwnd as isize).ok_or("hwnd is NULL")?;
                let mut handle = rwh::Win32WindowHandle::new(hwnd);
                handle.hinstance = std::num::NonZeroIsize::new(s.hinstance as isize);
                window(rwh::WindowsDisplayHandle::new(), handle)
            }
            WGPUSType::SurfaceSourceMetalLayer => {
                // SAFETY: webgpu.h's chaining rule: the link is the struct its sType names.
                let s = unsafe { &*(link as *const WGPUSurfaceSourceMetalLayer) };
                Source::MetalLayer(non_null(s.layer, "layer")?)
            }
            other => return Err(conv::unexpected_s_type(other, "WGPUSurfaceDescriptor")),
        });
    }
    found.ok_or_else(|| "no surface source is chained".into())
}

/// Makes the wgpu-core surface a source names.
///
/// # Safety
/// The native objects must be live and outlive the surface, as webgpu.h requires.
unsafe fn make(ctx: &Context, source: Source) -> conv::Result<wgc::id::SurfaceId> {
    let made = match source {
        // SAFETY: the caller's native handles, valid while the surface lives (webgpu.h).
        Source::Window(display, window) => unsafe {
            ctx.global.instance_create_surface(display, window, None)
        },
        #[cfg(any(target_os = "macos", target_os = "ios"))]
        Source::MetalLayer(layer) => unsafe {
            ctx.global
                .instance_create_surface_metal(layer.as_ptr(), None)
        },
        #[cfg(not(any(target_os = "macos", target_os = "ios")))]
        Source::MetalLayer(_) => return Err("a Metal layer surface needs an Apple platform".into()),
    };
    made.map_err(|e| crate::error::format(&e))
}

pub unsafe fn create(
    ctx: &Arc<Context>,
    descriptor: *const WGPUSurfaceDescriptor,
) -> conv::Result<Surface> {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let desc = unsafe { conv::required(descriptor, "descriptor") }?;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { conv::label(desc.label) }?;
    // SAFETY: the handles name live native objects, which the caller keeps alive for
    // the surface's lifetime, as webgpu.h requires.
    let id = unsafe { make(ctx, source(desc)?) }?;
    Ok(Surface {
        ctx: ctx.clone(),
        id,
        configured: Mutex::new(None),
    })
}

pub unsafe fn configure(surface: WGPUSurface, config: *const WGPUSurfaceConfiguration) {
    let Some(surface) = surface.get_or_log(entry_point()) else {
        return;
    };
    let result = (|| -> conv::Result<_> {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let c = unsafe { conv::required(config, "config") }?;
        let device = c.device.get_or_message("config.device")?;
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let view_formats = unsafe { conv::slice(c.viewFormats, c.viewFormatCount, "viewFormats") }?
            .iter()
            .map(|f| {
                conv::texture_format(*f)?.ok_or_else(|| "a view format is Undefined".to_string())
            })
            .collect::<conv::Result<Vec<_>>>()?;
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        for (s_type, _) in unsafe { conv::Chain::new(c.nextInChain) } {
            if s_type != WGPUSType::SurfaceColorManagement {
                return Err(conv::unexpected_s_type(s_type, "WGPUSurfaceConfiguration"));
            }
        }
        let config = wgt::SurfaceConfiguration {
            usage: conv::texture_usage(c.usage)?,
            format: conv::texture_format(c.format)?.ok_or("config.format is Undefined")?,
            color_space: Default::default(),
            width: c.width,
            height: c.height,
            present_mode: present_mode(c.presentMode)?,
            desired_maximum_frame_latency: 2,
            alpha_mode: alpha_mode(c.alphaMode)?,
            view_formats,
        };
        Ok((device, config))
    })();
    match result {
        Ok((device, config)) => {
            if let Some(e) = surface
                .ctx
                .global
                .surface_configure(surface.id, device.id, &config)
            {
                device.report_error(&e);
                return;
            }
            let texture = wgt::TextureDescriptor {
                label: (),
                size: wgt::Extent3d {
                    width: config.width,
                    height: config.height,
                    depth_or_array_layers: 1,
                },
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgt::TextureDimension::D2,
                format: config.format,
                usage: config.usage,
                view_formats: config.view_formats.clone(),
            };
            *surface.configured.lock() = Some((device, texture));
        }
        // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
        Err(e) => match unsafe { config.as_ref() }.and_then(|c| c.device.get().ok()) {
            Some(d) => d.validation(format!("{}: {e}", entry_point())),
            None => log::error!("{}: {e}", entry_point()),
        },
    }
}

pub unsafe fn get_capabilities(
    surface: WGPUSurface,
    adapter: WGPUAdapter,
    capabilities: *mut WGPUSurfaceCapabilities,
) -> WGPUStatus {
    let Some(surface) = surface.get_or_log(entry_point()) else {
        return WGPUStatus::Error;
    };
    let Some(adapter) = adapter.get_or_log(entry_point()) else {
        return WGPUStatus::Error;
    };
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let Some(out) = (unsafe { capabilities.as_mut() }) else {
        return WGPUStatus::Error;
    };
    match surface
        .ctx
        .global
        .surface_get_capabilities(surface.id, adapter.id)
    {
        Ok(caps) => {
            out.usages = conv::texture_usage_to_c(caps.usages);
            let formats = caps.formats.iter().map(|f| conv::texture_format_to_c(*f));
            (out.formats, out.formatCount) = leak_array(formats.filter(|f| f.0 != 0).collect());
            let modes = caps
                .present_modes
                .iter()
                .filter_map(|m| present_mode_to_c(*m));
            (out.presentModes, out.presentModeCount) = leak_array(modes.collect());
            let alpha = caps.alpha_modes.iter().map(|m| alpha_mode_to_c(*m));
            (out.alphaModes, out.alphaModeCount) = leak_array(alpha.collect());
            WGPUStatus::Success
        }
        Err(e) => {
            log::error!("{}: {}", entry_point(), crate::error::format(&e));
            WGPUStatus::Error
        }
    }
}

pub unsafe fn get_current_texture(surface: WGPUSurface, surface_texture: *mut WGPUSurfaceTexture) {
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let Some(out) = (unsafe { surface_texture.as_mut() }) else {
        return log::error!("{}: surfaceTexture is NULL", entry_point());
    };
    out.texture = Handle::NULL;
    out.status = WGPUSurfaceGetCurrentTextureStatus::Error;
    let Some(surface) = surface.get_or_log(entry_point()) else {
        return;
    };
    let Some((device, desc)) = surface.configured.lock().clone() else {
        return log::error!("{}: the surface is not configured", entry_point());
    };
    match surface
        .ctx
        .global
        .surface_get_current_texture(surface.id, None)
    {
        Ok(output) => {
            use wgt::SurfaceStatus as S;
            out.status = match output.status {
                S::Good => WGPUSurfaceGetCurrentTextureStatus::SuccessOptimal,
                S::Suboptimal => WGPUSurfaceGetCurrentTextureStatus::SuccessSuboptimal,
                S::Timeout | S::Occluded => WGPUSurfaceGetCurrentTextureStatus::Timeout,
                S::Outdated => WGPUSurfaceGetCurrentTextureStatus::Outdated,
                S::Lost => WGPUSurfaceGetCurrentTextureStatus::Lost,
                _ => WGPUSurfaceGetCurrentTextureStatus::Error,
            };
            if let Some(id) = output.texture {
                out.texture = Handle::new(crate::texture::Texture::from_surface(device, id, desc));
            }
        }
        Err(e) => device.report_error(&e),
    }
}

pub fn present(surface: WGPUSurface) -> WGPUStatus {
    let Some(surface) = surface.get_or_log(entry_point()) else {
        return WGPUStatus::Error;
    };
    match surface.ctx.global.surface_present(surface.id) {
        Ok(_) => WGPUStatus::Success,
        Err(e) => {
            log::error!("{}: {}", entry_point(), crate::error::format(&e));
            WGPUStatus::Error
        }
    }
}

pub fn unconfigure(surface: WGPUSurface) {
    let Some(surface) = surface.get_or_log(entry_point()) else {
        return;
    };
    // wgpu-core has no unconfigure: drop an acquired texture, forget the configuration.
    let _ = surface.ctx.global.surface_texture_discard(surface.id);
    *surface.configured.lock() = None;
}

pub unsafe fn set_label(surface: WGPUSurface, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(surface, label) }
}
