//! `WGPURenderPassEncoder`: TEMPORARY placeholder until the render path lands (issue 3).

#![allow(unused_variables)]

use std::ffi::c_void;
use std::sync::Arc;

use crate::device::Device;
use crate::generated::types::*;
use crate::handle::object;

pub struct RenderPassEncoder {
    pub device: Arc<Device>,
}

object!(RenderPassEncoder, "WGPURenderPassEncoder", 19, |o| Some(
    o.device.clone()
));

pub unsafe fn set_pipeline(this: WGPURenderPassEncoder, pipeline: WGPURenderPipeline) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderSetPipeline")
}

pub unsafe fn set_bind_group(
    this: WGPURenderPassEncoder,
    group_index: u32,
    group: WGPUBindGroup,
    dynamic_offset_count: usize,
    dynamic_offsets: *const u32,
) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderSetBindGroup")
}

pub unsafe fn set_immediates(
    this: WGPURenderPassEncoder,
    offset: u32,
    data: *const c_void,
    size: usize,
) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderSetImmediates")
}

pub unsafe fn draw(
    this: WGPURenderPassEncoder,
    vertex_count: u32,
    instance_count: u32,
    first_vertex: u32,
    first_instance: u32,
) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderDraw")
}

pub unsafe fn draw_indexed(
    this: WGPURenderPassEncoder,
    index_count: u32,
    instance_count: u32,
    first_index: u32,
    base_vertex: i32,
    first_instance: u32,
) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderDrawIndexed")
}

pub unsafe fn draw_indirect(
    this: WGPURenderPassEncoder,
    indirect_buffer: WGPUBuffer,
    indirect_offset: u64,
) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderDrawIndirect")
}

pub unsafe fn draw_indexed_indirect(
    this: WGPURenderPassEncoder,
    indirect_buffer: WGPUBuffer,
    indirect_offset: u64,
) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderDrawIndexedIndirect")
}

pub unsafe fn execute_bundles(
    this: WGPURenderPassEncoder,
    bundle_count: usize,
    bundles: *const WGPURenderBundle,
) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderExecuteBundles")
}

pub unsafe fn insert_debug_marker(this: WGPURenderPassEncoder, marker_label: WGPUStringView) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderInsertDebugMarker")
}

pub unsafe fn pop_debug_group(this: WGPURenderPassEncoder) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderPopDebugGroup")
}

pub unsafe fn push_debug_group(this: WGPURenderPassEncoder, group_label: WGPUStringView) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderPushDebugGroup")
}

pub unsafe fn set_stencil_reference(this: WGPURenderPassEncoder, reference: u32) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderSetStencilReference")
}

pub unsafe fn set_blend_constant(this: WGPURenderPassEncoder, color: *const WGPUColor) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderSetBlendConstant")
}

pub unsafe fn set_viewport(
    this: WGPURenderPassEncoder,
    x: f32,
    y: f32,
    width: f32,
    height: f32,
    min_depth: f32,
    max_depth: f32,
) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderSetViewport")
}

pub unsafe fn set_scissor_rect(
    this: WGPURenderPassEncoder,
    x: u32,
    y: u32,
    width: u32,
    height: u32,
) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderSetScissorRect")
}

pub unsafe fn set_vertex_buffer(
    this: WGPURenderPassEncoder,
    slot: u32,
    buffer: WGPUBuffer,
    offset: u64,
    size: u64,
) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderSetVertexBuffer")
}

pub unsafe fn set_index_buffer(
    this: WGPURenderPassEncoder,
    buffer: WGPUBuffer,
    format: WGPUIndexFormat,
    offset: u64,
    size: u64,
) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderSetIndexBuffer")
}

pub unsafe fn begin_occlusion_query(this: WGPURenderPassEncoder, query_index: u32) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderBeginOcclusionQuery")
}

pub unsafe fn end_occlusion_query(this: WGPURenderPassEncoder) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderEndOcclusionQuery")
}

pub unsafe fn end(this: WGPURenderPassEncoder) {
    crate::placeholder::unsupported(this, "wgpuRenderPassEncoderEnd")
}

pub unsafe fn set_label(this: WGPURenderPassEncoder, label: WGPUStringView) {
    unsafe { crate::label::set(this, label) }
}

pub unsafe fn begin(
    encoder: &Arc<crate::command_encoder::CommandEncoder>,
    descriptor: *const WGPURenderPassDescriptor,
) -> crate::conv::Result<RenderPassEncoder> {
    let _ = (encoder, descriptor);
    Err("render passes are not available in this build of webgpu-shim yet".into())
}
