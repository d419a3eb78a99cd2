//! `WGPUExternalTexture`: TEMPORARY placeholder until the render path lands (issue 3).

#![allow(unused_variables)]

use std::sync::Arc;

use crate::device::Device;
use crate::generated::types::*;
use crate::handle::object;

pub struct ExternalTexture {
    pub device: Arc<Device>,
}

object!(ExternalTexture, "WGPUExternalTexture", 23, |o| Some(
    o.device.clone()
));

pub unsafe fn set_label(this: WGPUExternalTexture, label: WGPUStringView) {
    unsafe { crate::label::set(this, label) }
}
