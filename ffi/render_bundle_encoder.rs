//! `WGPURenderBundleEncoder`: TEMPORARY placeholder until the render path lands (issue 3).

#![allow(unused_variables)]

use std::ffi::c_void;
use std::sync::Arc;

use crate::device::Device;
use crate::generated::types::*;
use crate::handle::object;

pub struct RenderBundleEncoder {
    pub device: Arc<Device>,
}

object!(
    RenderBundleEncoder,
    "WGPURenderBundleEncoder",
    20,
    |o| Some(o.device.clone())
);

pub unsafe fn set_pipeline(this: WGPURenderBundleEncoder, pipeline: WGPURenderPipeline) {
    crate::placeholder::unsupported(this, "wgpuRenderBundleEncoderSetPipeline")
}

pub unsafe fn set_bind_group(
    this: WGPURenderBundleEncoder,
    group_index: u32,
    group: WGPUBindGroup,
    dynamic_offset_count: usize,
    dynamic_offsets: *const u32,
) {
    crate::placeholder::unsupported(this, "wgpuRenderBundleEncoderSetBindGroup")
}

pub unsafe fn set_immediates(
    this: WGPURenderBundleEncoder,
    offset: u32,
    data: *const c_void,
    size: usize,
) {
    crate::placeholder::unsupported(this, "wgpuRenderBundleEncoderSetImmediates")
}

pub unsafe fn draw(
    this: WGPURenderBundleEncoder,
    vertex_count: u32,
    instance_count: u32,
    first_vertex: u32,
    first_instance: u32,
) {
    crate::placeholder::unsupported(this, "wgpuRenderBundleEncoderDraw")
}

pub unsafe fn draw_indexed(
    this: WGPURenderBundleEncoder,
    index_count: u32,
    instance_count: u32,
    first_index: u32,
    base_vertex: i32,
    first_instance: u32,
) {
    crate::placeholder::unsupported(this, "wgpuRenderBundleEncoderDrawIndexed")
}

pub unsafe fn draw_indirect(
    this: WGPURenderBundleEncoder,
    indirect_buffer: WGPUBuffer,
    indirect_offset: u64,
) {
    crate::placeholder::unsupported(this, "wgpuRenderBundleEncoderDrawIndirect")
}

pub unsafe fn draw_indexed_indirect(
    this: WGPURenderBundleEncoder,
    indirect_buffer: WGPUBuffer,
    indirect_offset: u64,
) {
    crate::placeholder::unsupported(this, "wgpuRenderBundleEncoderDrawIndexedIndirect")
}

pub unsafe fn insert_debug_marker(this: WGPURenderBundleEncoder, marker_label: WGPUStringView) {
    crate::placeholder::unsupported(this, "wgpuRenderBundleEncoderInsertDebugMarker")
}

pub unsafe fn pop_debug_group(this: WGPURenderBundleEncoder) {
    crate::placeholder::unsupported(this, "wgpuRenderBundleEncoderPopDebugGroup")
}

pub unsafe fn push_debug_group(this: WGPURenderBundleEncoder, group_label: WGPUStringView) {
    crate::placeholder::unsupported(this, "wgpuRenderBundleEncoderPushDebugGroup")
}

pub unsafe fn set_vertex_buffer(
    this: WGPURenderBundleEncoder,
    slot: u32,
    buffer: WGPUBuffer,
    offset: u64,
    size: u64,
) {
    crate::placeholder::unsupported(this, "wgpuRenderBundleEncoderSetVertexBuffer")
}

pub unsafe fn set_index_buffer(
    this: WGPURenderBundleEncoder,
    buffer: WGPUBuffer,
    format: WGPUIndexFormat,
    offset: u64,
    size: u64,
) {
    crate::placeholder::unsupported(this, "wgpuRenderBundleEncoderSetIndexBuffer")
}

pub unsafe fn finish(
    this: WGPURenderBundleEncoder,
    descriptor: *const WGPURenderBundleDescriptor,
) -> WGPURenderBundle {
    crate::placeholder::unsupported(this, "wgpuRenderBundleEncoderFinish")
}

pub unsafe fn set_label(this: WGPURenderBundleEncoder, label: WGPUStringView) {
    unsafe { crate::label::set(this, label) }
}

pub unsafe fn create(
    device: &Arc<Device>,
    descriptor: *const WGPURenderBundleEncoderDescriptor,
) -> crate::conv::Result<RenderBundleEncoder> {
    let _ = (device, descriptor);
    Err("render bundles are not available in this build of webgpu-shim yet".into())
}
