//! `WGPURenderPipeline`: TEMPORARY placeholder until the render path lands (issue 3).

#![allow(unused_variables)]

use std::sync::Arc;

use crate::device::Device;
use crate::generated::types::*;
use crate::handle::object;

pub struct RenderPipeline {
    pub device: Arc<Device>,
}

object!(RenderPipeline, "WGPURenderPipeline", 18, |o| Some(
    o.device.clone()
));

pub unsafe fn get_bind_group_layout(
    this: WGPURenderPipeline,
    group_index: u32,
) -> WGPUBindGroupLayout {
    crate::placeholder::unsupported(this, "wgpuRenderPipelineGetBindGroupLayout")
}

pub unsafe fn set_label(this: WGPURenderPipeline, label: WGPUStringView) {
    unsafe { crate::label::set(this, label) }
}

pub unsafe fn create(
    device: &Arc<Device>,
    descriptor: *const WGPURenderPipelineDescriptor,
) -> crate::conv::Result<(RenderPipeline, Option<String>)> {
    let _ = (device, descriptor);
    Err("render pipelines are not available in this build of webgpu-shim yet".into())
}

pub unsafe fn create_async(
    device: &Arc<Device>,
    descriptor: *const WGPURenderPipelineDescriptor,
    callback_info: WGPUCreateRenderPipelineAsyncCallbackInfo,
) -> WGPUFuture {
    let _ = (descriptor, callback_info);
    device.validation("render pipelines are not available in this build of webgpu-shim yet".into());
    WGPUFuture { id: 0 }
}
