//! `WGPURenderBundle`: TEMPORARY placeholder until the render path lands (issue 3).

#![allow(unused_variables)]

use std::sync::Arc;

use crate::device::Device;
use crate::generated::types::*;
use crate::handle::object;

pub struct RenderBundle {
    pub device: Arc<Device>,
}

object!(RenderBundle, "WGPURenderBundle", 21, |o| Some(
    o.device.clone()
));

pub unsafe fn set_label(this: WGPURenderBundle, label: WGPUStringView) {
    unsafe { crate::label::set(this, label) }
}
