//! `WGPUExternalTexture`: webgpu.h declares the object and its binding structs, but no
//! function that makes one, so no live handle of this type can exist; its methods
//! still validate their handle and report the misuse.

use std::sync::Arc;

use crate::device::Device;
use crate::generated::types::*;
use crate::handle::object;

pub struct ExternalTexture {
    pub device: Arc<Device>,
}

object!(ExternalTexture, "WGPUExternalTexture", 23, |e| Some(
    e.device.clone()
));

pub unsafe fn set_label(external_texture: WGPUExternalTexture, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(external_texture, label) }
}
