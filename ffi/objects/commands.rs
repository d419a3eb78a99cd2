//! The commands programmable encoders share, written once (as Dawn's encoders share a
//! base): bind groups and debug markers for the compute pass, the render pass and the
//! render bundle encoder; vertex and index buffers and draws for the last two (WebGPU's
//! `GPURenderCommandsMixin`). Each entry point of those objects converts its C
//! arguments here and records through [`Recorder`] or [`RenderRecorder`], which map a
//! command to the wgpu-core call of that encoder. Immediate data is `immediates`'.

use wgc::command::{ComputePass, PassStateError, RenderBundleEncoder, RenderPass};
use wgc::global::Global;
use wgc::id::{BindGroupId, BufferId};

use crate::conv;
use crate::generated::types::*;
use crate::handle::{Handle, Object};

/// What a command's recording gives: a conversion error (the arguments), or wgpu-core's
/// result.
pub type Recorded = conv::Result<Result<(), PassStateError>>;

/// The commands every programmable encoder records.
pub trait Recorder {
    fn set_bind_group(
        &mut self,
        g: &Global,
        index: u32,
        group: Option<BindGroupId>,
        offsets: &[u32],
    ) -> Result<(), PassStateError>;
    fn insert_debug_marker(&mut self, g: &Global, label: &str) -> Result<(), PassStateError>;
    fn push_debug_group(&mut self, g: &Global, label: &str) -> Result<(), PassStateError>;
    fn pop_debug_group(&mut self, g: &Global) -> Result<(), PassStateError>;
}

/// The commands a render pass and a render bundle share.
pub trait RenderRecorder: Recorder {
    fn set_vertex_buffer(
        &mut self,
        g: &Global,
        slot: u32,
        buffer: Option<BufferId>,
        offset: u64,
        size: Option<wgt::BufferSize>,
    ) -> Result<(), PassStateError>;
    fn set_index_buffer(
        &mut self,
        g: &Global,
        buffer: BufferId,
        format: wgt::IndexFormat,
        offset: u64,
        size: Option<wgt::BufferSize>,
    ) -> Result<(), PassStateError>;
    fn draw(&mut self, g: &Global, args: [u32; 4]) -> Result<(), PassStateError>;
    fn draw_indexed(
        &mut self,
        g: &Global,
        args: [u32; 3],
        base_vertex: i32,
        first_instance: u32,
    ) -> Result<(), PassStateError>;
    fn draw_indirect(
        &mut self,
        g: &Global,
        indexed: bool,
        buffer: BufferId,
        offset: u64,
    ) -> Result<(), PassStateError>;
}

/// A C object these commands are recorded on: the compute pass, the render pass, the
/// render bundle encoder.
pub trait Encoder: Object + Sized {
    type Recorder: Recorder;
    /// Runs `record` on the object's wgpu-core encoder and reports its outcome under
    /// the running entry point's name; `draw` counts a draw (against the maxDrawCount
    /// of the passes that run it).
    fn record(
        encoder: Handle<Self>,
        draw: bool,
        record: impl FnOnce(&Global, &mut Self::Recorder) -> Recorded,
    );
}

/// `wgpu*SetBindGroup(groupIndex, group, dynamicOffsetCount, dynamicOffsets)`.
///
/// # Safety
/// `dynamic_offsets` points to `count` offsets (or is NULL with none).
pub unsafe fn set_bind_group<T: Encoder>(
    encoder: Handle<T>,
    group_index: u32,
    group: WGPUBindGroup,
    count: usize,
    dynamic_offsets: *const u32,
) {
    T::record(encoder, false, |g, r| {
        // SAFETY: the caller's promise, checked for NULL with a count by `conv::slice`.
        let offsets = unsafe { conv::slice(dynamic_offsets, count, "dynamicOffsets") }?;
        let group = group.id_optional("group")?;
        Ok(r.set_bind_group(g, group_index, group, offsets))
    })
}

/// `wgpu*InsertDebugMarker(markerLabel)`.
///
/// # Safety
/// `marker_label` is a string view the caller owns for the call.
pub unsafe fn insert_debug_marker<T: Encoder>(encoder: Handle<T>, marker_label: WGPUStringView) {
    // SAFETY: the caller's promise, passed on.
    T::record(encoder, false, |g, r| unsafe {
        debug_label(r, g, false, marker_label)
    })
}

/// `wgpu*SetVertexBuffer(slot, buffer, offset, size)`: a NULL buffer unbinds the slot.
pub fn set_vertex_buffer<T: Encoder>(
    encoder: Handle<T>,
    slot: u32,
    buffer: WGPUBuffer,
    offset: u64,
    size: u64,
) where
    T::Recorder: RenderRecorder,
{
    T::record(encoder, false, |g, r| {
        let b = buffer.id_optional("buffer")?;
        let (offset, size) =
            crate::buffer::vertex_or_index_range(buffer, offset, size, wgt::VERTEX_ALIGNMENT)?;
        Ok(r.set_vertex_buffer(g, slot, b, offset, size))
    })
}

/// `wgpu*SetIndexBuffer(buffer, format, offset, size)`: the offset aligned to the format.
pub fn set_index_buffer<T: Encoder>(
    encoder: Handle<T>,
    buffer: WGPUBuffer,
    format: WGPUIndexFormat,
    offset: u64,
    size: u64,
) where
    T::Recorder: RenderRecorder,
{
    T::record(encoder, false, |g, r| {
        let b = buffer.id_or_message("buffer")?;
        let format =
            crate::render_pipeline::index_format(format)?.ok_or("the index format is Undefined")?;
        let align = format.byte_size() as u64;
        let (offset, size) = crate::buffer::vertex_or_index_range(buffer, offset, size, align)?;
        Ok(r.set_index_buffer(g, b, format, offset, size))
    })
}

/// `wgpu*Draw(vertexCount, instanceCount, firstVertex, firstInstance)`.
pub fn draw<T: Encoder>(
    encoder: Handle<T>,
    vertex_count: u32,
    instance_count: u32,
    first_vertex: u32,
    first_instance: u32,
) where
    T::Recorder: RenderRecorder,
{
    let args = [vertex_count, instance_count, first_vertex, first_instance];
    T::record(encoder, true, |g, r| Ok(r.draw(g, args)))
}

/// `wgpu*DrawIndexed(indexCount, instanceCount, firstIndex, baseVertex, firstInstance)`.
pub fn draw_indexed<T: Encoder>(
    encoder: Handle<T>,
    index_count: u32,
    instance_count: u32,
    first_index: u32,
    base_vertex: i32,
    first_instance: u32,
) where
    T::Recorder: RenderRecorder,
{
    let counts = [index_count, instance_count, first_index];
    T::record(encoder, true, |g, r| {
        Ok(r.draw_indexed(g, counts, base_vertex, first_instance))
    })
}

/// `InsertDebugMarker`, `PushDebugGroup` (`push`) and their label.
///
/// # Safety
/// `label` is a string view the caller owns for the call.
pub unsafe fn debug_label(
    r: &mut impl Recorder,
    g: &Global,
    push: bool,
    label: WGPUStringView,
) -> Recorded {
    // SAFETY: the caller's promise; `conv::string_view` checks length against NULL.
    let label = unsafe { conv::string_view(label) }?.unwrap_or("");
    Ok(if push {
        r.push_debug_group(g, label)
    } else {
        r.insert_debug_marker(g, label)
    })
}

/// `DrawIndirect` and `DrawIndexedIndirect` (`indexed`).
pub fn draw_indirect(
    r: &mut impl RenderRecorder,
    g: &Global,
    indexed: bool,
    buffer: WGPUBuffer,
    offset: u64,
) -> Recorded {
    let b = buffer.id_or_message("indirectBuffer")?;
    Ok(r.draw_indirect(g, indexed, b, offset))
}

impl Recorder for ComputePass {
    fn set_bind_group(
        &mut self,
        g: &Global,
        index: u32,
        group: Option<BindGroupId>,
        offsets: &[u32],
    ) -> Result<(), PassStateError> {
        g.compute_pass_set_bind_group(self, index, group, offsets)
    }
    fn insert_debug_marker(&mut self, g: &Global, label: &str) -> Result<(), PassStateError> {
        g.compute_pass_insert_debug_marker(self, label, 0)
    }
    fn push_debug_group(&mut self, g: &Global, label: &str) -> Result<(), PassStateError> {
        g.compute_pass_push_debug_group(self, label, 0)
    }
    fn pop_debug_group(&mut self, g: &Global) -> Result<(), PassStateError> {
        g.compute_pass_pop_debug_group(self)
    }
}

impl Recorder for RenderPass {
    fn set_bind_group(
        &mut self,
        g: &Global,
        index: u32,
        group: Option<BindGroupId>,
        offsets: &[u32],
    ) -> Result<(), PassStateError> {
        g.render_pass_set_bind_group(self, index, group, offsets)
    }
    fn insert_debug_marker(&mut self, g: &Global, label: &str) -> Result<(), PassStateError> {
        g.render_pass_insert_debug_marker(self, label, 0)
    }
    fn push_debug_group(&mut self, g: &Global, label: &str) -> Result<(), PassStateError> {
        g.render_pass_push_debug_group(self, label, 0)
    }
    fn pop_debug_group(&mut self, g: &Global) -> Result<(), PassStateError> {
        g.render_pass_pop_debug_group(self)
    }
}

impl RenderRecorder for RenderPass {
    fn set_vertex_buffer(
        &mut self,
        g: &Global,
        slot: u32,
        buffer: Option<BufferId>,
        offset: u64,
        size: Option<wgt::BufferSize>,
    ) -> Result<(), PassStateError> {
        g.render_pass_set_vertex_buffer(self, slot, buffer, offset, size)
    }
    fn set_index_buffer(
        &mut self,
        g: &Global,
        buffer: BufferId,
        format: wgt::IndexFormat,
        offset: u64,
        size: Option<wgt::BufferSize>,
    ) -> Result<(), PassStateError> {
        g.render_pass_set_index_buffer(self, buffer, format, offset, size)
    }
    fn draw(&mut self, g: &Global, [a, b, c, d]: [u32; 4]) -> Result<(), PassStateError> {
        g.render_pass_draw(self, a, b, c, d)
    }
    fn draw_indexed(
        &mut self,
        g: &Global,
        [a, b, c]: [u32; 3],
        base_vertex: i32,
        first_instance: u32,
    ) -> Result<(), PassStateError> {
        g.render_pass_draw_indexed(self, a, b, c, base_vertex, first_instance)
    }
    fn draw_indirect(
        &mut self,
        g: &Global,
        indexed: bool,
        buffer: BufferId,
        offset: u64,
    ) -> Result<(), PassStateError> {
        if indexed {
            g.render_pass_draw_indexed_indirect(self, buffer, offset)
        } else {
            g.render_pass_draw_indirect(self, buffer, offset)
        }
    }
}

impl Recorder for RenderBundleEncoder {
    fn set_bind_group(
        &mut self,
        g: &Global,
        index: u32,
        group: Option<BindGroupId>,
        offsets: &[u32],
    ) -> Result<(), PassStateError> {
        g.render_bundle_encoder_set_bind_group(self, index, group, offsets)
    }
    fn insert_debug_marker(&mut self, g: &Global, label: &str) -> Result<(), PassStateError> {
        g.render_bundle_encoder_insert_debug_marker(self, label)
    }
    fn push_debug_group(&mut self, g: &Global, label: &str) -> Result<(), PassStateError> {
        g.render_bundle_encoder_push_debug_group(self, label)
    }
    fn pop_debug_group(&mut self, g: &Global) -> Result<(), PassStateError> {
        g.render_bundle_encoder_pop_debug_group(self)
    }
}

impl RenderRecorder for RenderBundleEncoder {
    fn set_vertex_buffer(
        &mut self,
        g: &Global,
        slot: u32,
        buffer: Option<BufferId>,
        offset: u64,
        size: Option<wgt::BufferSize>,
    ) -> Result<(), PassStateError> {
        g.render_bundle_encoder_set_vertex_buffer(self, slot, buffer, offset, size)
    }
    fn set_index_buffer(
        &mut self,
        g: &Global,
        buffer: BufferId,
        format: wgt::IndexFormat,
        offset: u64,
        size: Option<wgt::BufferSize>,
    ) -> Result<(), PassStateError> {
        g.render_bundle_encoder_set_index_buffer(self, buffer, format, offset, size)
    }
    fn draw(&mut self, g: &Global, [a, b, c, d]: [u32; 4]) -> Result<(), PassStateError> {
        g.render_bundle_encoder_draw(self, a, b, c, d)
    }
    fn draw_indexed(
        &mut self,
        g: &Global,
        [a, b, c]: [u32; 3],
        base_vertex: i32,
        first_instance: u32,
    ) -> Result<(), PassStateError> {
        g.render_bundle_encoder_draw_indexed(self, a, b, c, base_vertex, first_instance)
    }
    fn draw_indirect(
        &mut self,
        g: &Global,
        indexed: bool,
        buffer: BufferId,
        offset: u64,
    ) -> Result<(), PassStateError> {
        if indexed {
            g.render_bundle_encoder_draw_indexed_indirect(self, buffer, offset)
        } else {
            g.render_bundle_encoder_draw_indirect(self, buffer, offset)
        }
    }
}
