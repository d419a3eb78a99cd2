//! `WGPUSurface`: TEMPORARY placeholder until the render path lands (issue 3).

#![allow(unused_variables)]

use std::sync::Arc;

use crate::device::Device;
use crate::generated::types::*;
use crate::handle::object;

pub struct Surface {
    pub device: Arc<Device>,
}

object!(Surface, "WGPUSurface", 22, |o| Some(o.device.clone()));

pub unsafe fn configure(this: WGPUSurface, config: *const WGPUSurfaceConfiguration) {
    crate::placeholder::unsupported(this, "wgpuSurfaceConfigure")
}

pub unsafe fn get_capabilities(
    this: WGPUSurface,
    adapter: WGPUAdapter,
    capabilities: *mut WGPUSurfaceCapabilities,
) -> WGPUStatus {
    crate::placeholder::unsupported(this, "wgpuSurfaceGetCapabilities")
}

pub unsafe fn get_current_texture(this: WGPUSurface, surface_texture: *mut WGPUSurfaceTexture) {
    crate::placeholder::unsupported(this, "wgpuSurfaceGetCurrentTexture")
}

pub unsafe fn present(this: WGPUSurface) -> WGPUStatus {
    crate::placeholder::unsupported(this, "wgpuSurfacePresent")
}

pub unsafe fn unconfigure(this: WGPUSurface) {
    crate::placeholder::unsupported(this, "wgpuSurfaceUnconfigure")
}

pub unsafe fn set_label(this: WGPUSurface, label: WGPUStringView) {
    unsafe { crate::label::set(this, label) }
}

impl Surface {
    pub const NO_ID: Option<wgc::id::SurfaceId> = None;
}

pub unsafe fn create(
    ctx: &Arc<crate::instance::Context>,
    descriptor: *const WGPUSurfaceDescriptor,
) -> crate::conv::Result<Surface> {
    let _ = (ctx, descriptor);
    Err("surfaces are not available in this build of webgpu-shim yet".into())
}
