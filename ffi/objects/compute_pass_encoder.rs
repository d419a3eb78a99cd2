//! `WGPUComputePassEncoder`: a wgpu-core `ComputePass`, owned here (no id), recorded
//! under a lock the hot path never contends; it holds its encoder.

use std::ffi::c_void;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::command_encoder::CommandEncoder;
use crate::commands::Recorder;
use crate::conv;
use crate::device::Device;
use crate::generated::types::*;
use crate::guard::entry_point;
use crate::handle::object;

pub struct ComputePassEncoder {
    pub device: Arc<Device>,
    pass: Mutex<wgc::command::ComputePass>,
    encoder: Arc<CommandEncoder>,
    immediates: Mutex<crate::immediates::Immediates>,
    /// Ended: a later call goes to wgpu-core as it is, for its error.
    ended: std::sync::atomic::AtomicBool,
    pub tally: crate::accounting::Tally,
}
// What the pass records (pipelines, bind groups, buffers) wgpu-core holds by its own
// references, so releasing their handles mid-pass is safe.

object!(ComputePassEncoder, "WGPUComputePassEncoder", 13, |c| Some(
    c.device.clone()
));

pub unsafe fn begin(
    encoder: &Arc<CommandEncoder>,
    descriptor: *const WGPUComputePassDescriptor,
) -> conv::Result<ComputePassEncoder> {
    let device = &encoder.device;
    let mut label = None;
    let mut timestamp_writes = None;
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    if let Some(desc) = unsafe { descriptor.as_ref() } {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        unsafe { conv::no_chain(desc.nextInChain, "WGPUComputePassDescriptor") }?;
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        label = unsafe { conv::label(desc.label) }?;
        timestamp_writes = crate::query_set::timestamp_writes(desc.timestampWrites)?;
    }
    let (pass, error) = device.ctx.global.command_encoder_begin_compute_pass(
        encoder.id,
        &wgc::command::ComputePassDescriptor {
            label,
            timestamp_writes,
        },
    );
    device.check(error);
    Ok(ComputePassEncoder {
        device: device.clone(),
        tally: crate::accounting::Tally::new(device, crate::accounting::Kind::ComputePassEncoder),
        pass: Mutex::new(pass),
        encoder: encoder.clone(),
        immediates: Mutex::new(crate::immediates::Immediates::new(
            device.limits.max_immediate_size,
        )),
        ended: Default::default(),
    })
}

/// Runs `record` on the pass, reporting a conversion error or a wgpu-core one.
fn with<E: wgt::error::WebGpuError>(
    pass: WGPUComputePassEncoder,
    function: &str,
    record: impl FnOnce(
        &ComputePassEncoder,
        &wgc::global::Global,
        &mut wgc::command::ComputePass,
    ) -> conv::Result<Result<(), E>>,
) {
    crate::device::record_pinned(
        pass,
        function,
        |p| &p.device,
        |p| record(p, &p.device.ctx.global, &mut p.pass.lock()),
    )
}

/// Dawn's, with ChromiumExperimentalTimestampQueryInsidePasses.
pub fn write_timestamp(pass: WGPUComputePassEncoder, query_set: WGPUQuerySet, query_index: u32) {
    with(pass, entry_point(), |_, g, p| {
        let q = query_set.id_or_message("querySet")?;
        Ok(g.compute_pass_write_timestamp(p, q, query_index))
    })
}

pub fn pop_debug_group(pass: WGPUComputePassEncoder) {
    with(pass, entry_point(), |_, g, p| {
        Ok(Recorder::pop_debug_group(p, g))
    })
}

pub unsafe fn push_debug_group(pass: WGPUComputePassEncoder, group_label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    with(pass, entry_point(), |_, g, p| unsafe {
        crate::commands::debug_label(p, g, true, group_label)
    })
}

/// Its share of the commands every programmable encoder records (`commands`).
impl crate::commands::Encoder for ComputePassEncoder {
    type Recorder = wgc::command::ComputePass;
    fn record(
        encoder: crate::handle::Handle<Self>,
        _draw: bool,
        record: impl FnOnce(
            &wgc::global::Global,
            &mut wgc::command::ComputePass,
        ) -> crate::commands::Recorded,
    ) {
        with(encoder, entry_point(), |_, g, p| record(g, p))
    }
}

pub fn set_pipeline(pass: WGPUComputePassEncoder, pipeline: WGPUComputePipeline) {
    with(pass, entry_point(), |c, g, p| {
        let pipeline = pipeline.get_or_message("pipeline")?;
        Ok(c.immediates.lock().record_pipeline(
            p,
            pipeline.immediates,
            |p| g.compute_pass_set_pipeline(p, pipeline.id),
            |p, o, b| g.compute_pass_set_immediates(p, o, b),
        ))
    })
}

pub unsafe fn set_immediates(
    pass: WGPUComputePassEncoder,
    offset: u32,
    data: *const c_void,
    size: usize,
) {
    with(pass, entry_point(), |c, g, p| {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let bytes = unsafe { conv::slice(data as *const u8, size, "data") }?;
        if c.ended.load(std::sync::atomic::Ordering::Relaxed) {
            return Ok(g.compute_pass_set_immediates(p, offset, bytes));
        }
        let recorded = c.immediates.lock().record(p, offset, bytes, |p, o, b| {
            g.compute_pass_set_immediates(p, o, b)
        });
        match recorded {
            Ok(result) => Ok(result),
            Err(why) => {
                c.encoder.invalidate(why);
                Ok(Ok(()))
            }
        }
    })
}

pub fn dispatch_workgroups(pass: WGPUComputePassEncoder, x: u32, y: u32, z: u32) {
    with(pass, entry_point(), |_, g, p| {
        Ok(g.compute_pass_dispatch_workgroups(p, x, y, z))
    })
}

pub fn dispatch_workgroups_indirect(
    pass: WGPUComputePassEncoder,
    indirect_buffer: WGPUBuffer,
    indirect_offset: u64,
) {
    with(pass, entry_point(), |_, g, p| {
        let buffer = indirect_buffer.id_or_message("indirectBuffer")?;
        Ok(g.compute_pass_dispatch_workgroups_indirect(p, buffer, indirect_offset))
    })
}

pub fn end(pass: WGPUComputePassEncoder) {
    // By reference, not pinned: encoding can lose the device, whose callback may
    // release this pass.
    let Some(p) = pass.get_or_log(entry_point()) else {
        return;
    };
    p.ended.store(true, std::sync::atomic::Ordering::Relaxed);
    let result = p.device.ctx.global.compute_pass_end(&mut p.pass.lock());
    p.device.outcome(entry_point(), Ok(result));
}

pub unsafe fn set_label(pass: WGPUComputePassEncoder, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(pass, label) }
}
