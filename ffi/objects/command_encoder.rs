//! `WGPUCommandEncoder`: a wgpu-core command encoder id. Passes begun on it hold it;
//! most encoding errors surface at `Finish`, as wgpu-core defers them.

use std::sync::Arc;

use crate::conv;
use crate::device::Device;
use crate::generated::types::*;
use crate::guard::entry_point;
use crate::handle::{object, Handle};

pub struct CommandEncoder {
    pub device: Arc<Device>,
    pub name: crate::label::Name,
    pub id: wgc::id::CommandEncoderId,
    pub tally: crate::accounting::Tally,
    /// An error that makes the encoder invalid, reported when it is finished (WebGPU
    /// reports some errors of its passes there, e.g. a pass over its maxDrawCount).
    invalid: parking_lot::Mutex<Option<String>>,
}

impl CommandEncoder {
    /// Makes the encoder invalid: `finish` reports `why` and gives an invalid buffer.
    pub fn invalidate(&self, why: String) {
        self.invalid.lock().get_or_insert(why);
    }
}

object!(
    CommandEncoder,
    "WGPUCommandEncoder",
    11,
    |c| Some(c.device.clone()),
    named,
    id = CommandEncoder
);

impl Drop for CommandEncoder {
    fn drop(&mut self) {
        self.name.forget(&self.device);
        self.device.ctx.global.command_encoder_drop(self.id);
    }
}

pub unsafe fn create(
    device: &Arc<Device>,
    descriptor: *const WGPUCommandEncoderDescriptor,
) -> conv::Result<CommandEncoder> {
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let label = match unsafe { descriptor.as_ref() } {
        Some(desc) => {
            // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
            unsafe { conv::no_chain(desc.nextInChain, "WGPUCommandEncoderDescriptor") }?;
            // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
            unsafe { conv::label(desc.label) }?
        }
        None => None,
    };
    let (name, tag) = crate::label::Name::new(label);
    let label = tag.label();
    let (id, error) = device.ctx.global.device_create_command_encoder(
        device.id,
        &wgt::CommandEncoderDescriptor { label },
        None,
    );
    device.check(error);
    Ok(CommandEncoder {
        name,
        device: device.clone(),
        tally: crate::accounting::Tally::new(device, crate::accounting::Kind::CommandEncoder),
        id,
        invalid: Default::default(),
    })
}

/// Runs `body` on the encoder, reporting a conversion error or a wgpu-core one.
fn with<E: wgt::error::WebGpuError>(
    encoder: WGPUCommandEncoder,
    function: &str,
    body: impl FnOnce(&CommandEncoder) -> conv::Result<Result<(), E>>,
) {
    let Some(encoder) = encoder.get_or_log(function) else {
        return;
    };
    encoder.device.outcome(function, body(&encoder));
}

pub unsafe fn finish(
    command_encoder: WGPUCommandEncoder,
    descriptor: *const WGPUCommandBufferDescriptor,
) -> WGPUCommandBuffer {
    let Some(encoder) = command_encoder.get_or_log(entry_point()) else {
        return Handle::NULL;
    };
    let device = &encoder.device;
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let label = match unsafe { descriptor.as_ref() } {
        None => Ok(None),
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        Some(d) => unsafe { conv::no_chain(d.nextInChain, "WGPUCommandBufferDescriptor") }
            // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
            .and_then(|()| unsafe { conv::label(d.label) }),
    };
    let label = match label {
        Ok(l) => l,
        Err(e) => {
            device.validation(format!("{}: {e}", entry_point()));
            None
        }
    };
    let (id, error) = device.ctx.global.command_encoder_finish(
        encoder.id,
        &wgt::CommandBufferDescriptor { label },
        None,
    );
    if let Some((_, e)) = error {
        device.report_error(&e);
    }
    let invalid = encoder.invalid.lock().take();
    if let Some(why) = &invalid {
        device.validation(format!("{}: {why}", entry_point()));
    }
    Handle::new(crate::command_buffer::CommandBuffer::new(
        device.clone(),
        id,
        invalid,
    ))
}

pub unsafe fn begin_compute_pass(
    command_encoder: WGPUCommandEncoder,
    descriptor: *const WGPUComputePassDescriptor,
) -> WGPUComputePassEncoder {
    let Some(encoder) = command_encoder.get_or_log(entry_point()) else {
        return Handle::NULL;
    };
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    match unsafe { crate::compute_pass_encoder::begin(&encoder, descriptor) } {
        Ok(pass) => Handle::new(pass),
        Err(e) => {
            encoder.device.validation(format!("{}: {e}", entry_point()));
            Handle::NULL
        }
    }
}

pub unsafe fn begin_render_pass(
    command_encoder: WGPUCommandEncoder,
    descriptor: *const WGPURenderPassDescriptor,
) -> WGPURenderPassEncoder {
    let Some(encoder) = command_encoder.get_or_log(entry_point()) else {
        return Handle::NULL;
    };
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    match unsafe { crate::render_pass_encoder::begin(&encoder, descriptor) } {
        Ok(pass) => Handle::new(pass),
        Err(e) => {
            encoder.device.validation(format!("{}: {e}", entry_point()));
            Handle::NULL
        }
    }
}

pub fn copy_buffer_to_buffer(
    command_encoder: WGPUCommandEncoder,
    source: WGPUBuffer,
    source_offset: u64,
    destination: WGPUBuffer,
    destination_offset: u64,
    size: u64,
) {
    with(command_encoder, entry_point(), |e| {
        let src = source.id_or_message("source")?;
        let dst = destination.id_or_message("destination")?;
        let size = conv::size(size);
        Ok(e.device.ctx.global.command_encoder_copy_buffer_to_buffer(
            e.id,
            src,
            source_offset,
            dst,
            destination_offset,
            size,
        ))
    })
}

pub unsafe fn copy_buffer_to_texture(
    command_encoder: WGPUCommandEncoder,
    source: *const WGPUTexelCopyBufferInfo,
    destination: *const WGPUTexelCopyTextureInfo,
    copy_size: *const WGPUExtent3D,
) {
    with(command_encoder, entry_point(), |e| {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let (src, _b) = unsafe { crate::texture::buffer_info(source, "source") }?;
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let (dst, _t) = unsafe { crate::texture::copy_info(destination, "destination") }?;
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let size = crate::texture::extent(unsafe { conv::required(copy_size, "copySize") }?);
        Ok(e.device
            .ctx
            .global
            .command_encoder_copy_buffer_to_texture(e.id, &src, &dst, &size))
    })
}

pub unsafe fn copy_texture_to_buffer(
    command_encoder: WGPUCommandEncoder,
    source: *const WGPUTexelCopyTextureInfo,
    destination: *const WGPUTexelCopyBufferInfo,
    copy_size: *const WGPUExtent3D,
) {
    with(command_encoder, entry_point(), |e| {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let (src, _t) = unsafe { crate::texture::copy_info(source, "source") }?;
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let (dst, _b) = unsafe { crate::texture::buffer_info(destination, "destination") }?;
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let size = crate::texture::extent(unsafe { conv::required(copy_size, "copySize") }?);
        Ok(e.device
            .ctx
            .global
            .command_encoder_copy_texture_to_buffer(e.id, &src, &dst, &size))
    })
}

pub unsafe fn copy_texture_to_texture(
    command_encoder: WGPUCommandEncoder,
    source: *const WGPUTexelCopyTextureInfo,
    destination: *const WGPUTexelCopyTextureInfo,
    copy_size: *const WGPUExtent3D,
) {
    with(command_encoder, entry_point(), |e| {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let (src, _s) = unsafe { crate::texture::copy_info(source, "source") }?;
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let (dst, _d) = unsafe { crate::texture::copy_info(destination, "destination") }?;
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let size = crate::texture::extent(unsafe { conv::required(copy_size, "copySize") }?);
        Ok(e.device
            .ctx
            .global
            .command_encoder_copy_texture_to_texture(e.id, &src, &dst, &size))
    })
}

pub fn clear_buffer(
    command_encoder: WGPUCommandEncoder,
    buffer: WGPUBuffer,
    offset: u64,
    size: u64,
) {
    with(command_encoder, entry_point(), |e| {
        let b = buffer.id_or_message("buffer")?;
        let size = conv::size(size);
        Ok(e.device
            .ctx
            .global
            .command_encoder_clear_buffer(e.id, b, offset, size))
    })
}

pub unsafe fn insert_debug_marker(
    command_encoder: WGPUCommandEncoder,
    marker_label: WGPUStringView,
) {
    with(command_encoder, entry_point(), |e| {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let label = unsafe { conv::string_view(marker_label) }?.unwrap_or("");
        Ok(e.device
            .ctx
            .global
            .command_encoder_insert_debug_marker(e.id, label))
    })
}

pub fn pop_debug_group(command_encoder: WGPUCommandEncoder) {
    with(command_encoder, entry_point(), |e| {
        Ok(e.device.ctx.global.command_encoder_pop_debug_group(e.id))
    })
}

pub unsafe fn push_debug_group(command_encoder: WGPUCommandEncoder, group_label: WGPUStringView) {
    with(command_encoder, entry_point(), |e| {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let label = unsafe { conv::string_view(group_label) }?.unwrap_or("");
        Ok(e.device
            .ctx
            .global
            .command_encoder_push_debug_group(e.id, label))
    })
}

pub fn resolve_query_set(
    command_encoder: WGPUCommandEncoder,
    query_set: WGPUQuerySet,
    first_query: u32,
    query_count: u32,
    destination: WGPUBuffer,
    destination_offset: u64,
) {
    with(command_encoder, entry_point(), |e| {
        let q = query_set.id_or_message("querySet")?;
        let d = destination.id_or_message("destination")?;
        Ok(e.device.ctx.global.command_encoder_resolve_query_set(
            e.id,
            q,
            first_query,
            query_count,
            d,
            destination_offset,
        ))
    })
}

pub fn write_timestamp(
    command_encoder: WGPUCommandEncoder,
    query_set: WGPUQuerySet,
    query_index: u32,
) {
    with(command_encoder, entry_point(), |e| {
        let q = query_set.id_or_message("querySet")?;
        Ok(e.device
            .ctx
            .global
            .command_encoder_write_timestamp(e.id, q, query_index))
    })
}

pub unsafe fn set_label(command_encoder: WGPUCommandEncoder, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(command_encoder, label) }
}
