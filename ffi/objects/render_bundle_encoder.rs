//! `WGPURenderBundleEncoder`: a wgpu-core `RenderBundleEncoder`, owned here; `Finish`
//! turns it into a `WGPURenderBundle`.

use std::borrow::Cow;
use std::ffi::c_void;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use crate::commands::Recorder;
use crate::conv;
use crate::device::Device;
use crate::generated::types::*;
use crate::guard::entry_point;
use crate::handle::{object, Handle};

pub struct RenderBundleEncoder {
    pub device: Arc<Device>,
    /// The wgpu-core encoder, kept after `Finish` (wgpu-core refuses to finish it
    /// twice, which makes the invalid bundle a second `Finish` returns), and whether it
    /// is finished (wgpu-core records commands after that without complaint).
    encoder: Mutex<(Box<wgc::command::RenderBundleEncoder>, bool)>,
    pub tally: crate::accounting::Tally,
    /// The draws recorded, which count against the maxDrawCount of the passes that
    /// execute the bundle.
    draws: AtomicU64,
    immediates: Mutex<crate::immediates::Immediates>,
    /// Why the bundle is invalid, where this library decided it (immediate data past
    /// maxImmediateSize, an indirect draw out of its buffer, unbalanced debug groups):
    /// reported at `Finish`, which makes an invalid bundle.
    invalid: Mutex<Option<String>>,
    /// Debug groups pushed and not yet popped (wgpu-core 30 does not check a bundle's).
    debug_groups: AtomicU64,
    /// depthReadOnly and stencilReadOnly as given, for the bundles it makes.
    read_only: (bool, bool),
}

object!(
    RenderBundleEncoder,
    "WGPURenderBundleEncoder",
    20,
    |r| Some(r.device.clone())
);

pub unsafe fn create(
    device: &Arc<Device>,
    descriptor: *const WGPURenderBundleEncoderDescriptor,
) -> conv::Result<RenderBundleEncoder> {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let desc = unsafe { conv::required(descriptor, "descriptor") }?;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { conv::no_chain(desc.nextInChain, "WGPURenderBundleEncoderDescriptor") }?;
    let color_formats =
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        unsafe { conv::slice(desc.colorFormats, desc.colorFormatCount, "colorFormats") }?
            .iter()
            .map(|f| conv::texture_format(*f))
            .collect::<conv::Result<Vec<_>>>()?;
    let depth_stencil = match conv::texture_format(desc.depthStencilFormat)? {
        None => None,
        Some(format) => Some(wgt::RenderBundleDepthStencil {
            format,
            depth_read_only: conv::bool(desc.depthReadOnly, "depthReadOnly")?,
            stencil_read_only: conv::bool(desc.stencilReadOnly, "stencilReadOnly")?,
        }),
    };
    // A format that wgpu-core takes from the adapter and WebGPU does not render to:
    // reported now, and the bundle it finishes is invalid.
    let read_only = depth_stencil
        .as_ref()
        .map_or((false, false), |d| (d.depth_read_only, d.stencil_read_only));
    let format_error = color_formats.iter().flatten().find_map(|&f| {
        crate::texture_format::color_target_error(f, false, desc.sampleCount, device.features)
    });
    if let Some(e) = &format_error {
        device.validation(format!("{}: {e}", entry_point()));
    }
    let wgc_desc = wgc::command::RenderBundleEncoderDescriptor {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        label: unsafe { conv::label(desc.label) }?,
        color_formats: Cow::Owned(color_formats),
        depth_stencil,
        sample_count: desc.sampleCount,
        multiview: None,
    };
    let (encoder, error) = device
        .ctx
        .global
        .device_create_render_bundle_encoder(device.id, &wgc_desc);
    device.check(error);
    Ok(RenderBundleEncoder {
        device: device.clone(),
        tally: crate::accounting::Tally::new(device, crate::accounting::Kind::RenderBundleEncoder),
        encoder: Mutex::new((encoder, false)),
        draws: AtomicU64::new(0),
        immediates: Mutex::new(crate::immediates::Immediates::new(
            device.limits.max_immediate_size,
        )),
        invalid: Mutex::new(format_error.map(|e| format!("the encoder is invalid: {e}"))),
        debug_groups: AtomicU64::new(0),
        read_only,
    })
}

/// Runs `record` on the encoder (and this library's state of it), reporting a
/// conversion error or a wgpu-core one.
fn with_object<E: wgt::error::WebGpuError>(
    encoder: WGPURenderBundleEncoder,
    function: &str,
    record: impl FnOnce(
        &RenderBundleEncoder,
        &wgc::global::Global,
        &mut wgc::command::RenderBundleEncoder,
    ) -> conv::Result<Result<(), E>>,
) {
    let Some(r) = encoder.get_or_log(function) else {
        return;
    };
    let mut guard = r.encoder.lock();
    let result = match &mut *guard {
        (enc, false) => record(&r, &r.device.ctx.global, enc),
        (_, true) => Err("the render bundle encoder is already finished".into()),
    };
    drop(guard);
    r.device.outcome(function, result);
}

/// Its share of the commands every programmable encoder records (`commands`).
impl crate::commands::Encoder for RenderBundleEncoder {
    type Recorder = wgc::command::RenderBundleEncoder;
    fn record(
        encoder: crate::handle::Handle<Self>,
        draw: bool,
        record: impl FnOnce(
            &wgc::global::Global,
            &mut wgc::command::RenderBundleEncoder,
        ) -> crate::commands::Recorded,
    ) {
        with_object(encoder, entry_point(), |r, g, e| {
            if draw {
                // Counted against the maxDrawCount of the passes that execute the bundle.
                r.draws.fetch_add(1, Ordering::Relaxed);
            }
            record(g, e)
        })
    }
}

pub fn set_pipeline(encoder: WGPURenderBundleEncoder, pipeline: WGPURenderPipeline) {
    with_object(encoder, entry_point(), |r, g, e| {
        let pipeline = pipeline.get_or_message("pipeline")?;
        Ok(r.immediates.lock().record_pipeline(
            e,
            pipeline.immediates,
            |e| g.render_bundle_encoder_set_pipeline(e, pipeline.id),
            |e, o, b| g.render_bundle_encoder_set_immediates(e, o, b),
        ))
    })
}

pub unsafe fn set_immediates(
    encoder: WGPURenderBundleEncoder,
    offset: u32,
    data: *const c_void,
    size: usize,
) {
    with_object(encoder, entry_point(), |r, g, e| {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let bytes = unsafe { conv::slice(data as *const u8, size, "data") }?;
        let recorded = r.immediates.lock().record(e, offset, bytes, |e, o, b| {
            g.render_bundle_encoder_set_immediates(e, o, b)
        });
        match recorded {
            Ok(result) => Ok(result),
            Err(why) => {
                r.invalid.lock().get_or_insert(why);
                Ok(Ok(()))
            }
        }
    })
}

pub fn draw_indirect(
    encoder: WGPURenderBundleEncoder,
    indirect_buffer: WGPUBuffer,
    indirect_offset: u64,
) {
    let function = entry_point();
    indirect_draw(encoder, function, false, indirect_buffer, indirect_offset)
}

pub fn draw_indexed_indirect(
    encoder: WGPURenderBundleEncoder,
    indirect_buffer: WGPUBuffer,
    indirect_offset: u64,
) {
    let function = entry_point();
    indirect_draw(encoder, function, true, indirect_buffer, indirect_offset)
}

/// An indirect draw, whose offset WebGPU checks here, in the bundle encoder: a
/// multiple of 4 that leaves the draw's 16 (20 indexed) bytes inside the buffer.
/// wgpu-core 30 checks neither until a pass executing the bundle is finished, where an
/// out-of-bounds draw trips an assert of its indirect validation (the encoder's
/// `Finish` panics): such a draw is not recorded and makes the bundle invalid.
fn indirect_draw(
    encoder: WGPURenderBundleEncoder,
    function: &str,
    indexed: bool,
    buffer: WGPUBuffer,
    offset: u64,
) {
    with_object(encoder, function, |r, g, e| {
        r.draws.fetch_add(1, Ordering::Relaxed);
        let size = buffer.get_or_message("indirectBuffer")?.size();
        let needed = if indexed { 20 } else { 16 };
        let why = if !offset.is_multiple_of(4) {
            Some(format!(
                "the indirect offset {offset} is not a multiple of 4"
            ))
        } else if offset.checked_add(needed).is_none_or(|end| end > size) {
            Some(format!(
                "an indirect draw reads {needed} bytes at offset {offset} of a buffer of {size}"
            ))
        } else {
            None
        };
        match why {
            Some(why) => {
                r.invalid.lock().get_or_insert(why);
                Ok(Ok(()))
            }
            None => crate::commands::draw_indirect(e, g, indexed, buffer, offset),
        }
    })
}

pub fn pop_debug_group(encoder: WGPURenderBundleEncoder) {
    with_object(encoder, entry_point(), |r, g, e| {
        let open = r.debug_groups.load(Ordering::Relaxed);
        if open == 0 {
            let why = "PopDebugGroup without a debug group pushed";
            r.invalid.lock().get_or_insert(why.into());
            return Ok(Ok(()));
        }
        r.debug_groups.store(open - 1, Ordering::Relaxed);
        Ok(Recorder::pop_debug_group(e, g))
    })
}

pub unsafe fn push_debug_group(encoder: WGPURenderBundleEncoder, group_label: WGPUStringView) {
    with_object(encoder, entry_point(), |r, g, e| {
        // SAFETY: the caller's promise for `group_label`, passed on.
        let recorded = unsafe { crate::commands::debug_label(e, g, true, group_label) };
        r.debug_groups.fetch_add(1, Ordering::Relaxed);
        recorded
    })
}

/// Always makes a bundle, an invalid one where `Finish` fails (a second `Finish`, a bad
/// label, what this library or wgpu-core refuses), as WebGPU's `finish()` does.
pub unsafe fn finish(
    encoder: WGPURenderBundleEncoder,
    descriptor: *const WGPURenderBundleDescriptor,
) -> WGPURenderBundle {
    let function = entry_point();
    let Some(e) = encoder.get_or_log(function) else {
        return Handle::NULL;
    };
    let device = &e.device;
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let label = match unsafe { descriptor.as_ref() } {
        None => Ok(None),
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        Some(d) => unsafe { conv::no_chain(d.nextInChain, "WGPURenderBundleDescriptor") }
            // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
            .and_then(|()| unsafe { conv::label(d.label) }),
    };
    let mut guard = e.encoder.lock();
    let (enc, finished) = &mut *guard;
    let (label, invalid) = match label {
        Ok(label) => (label, None),
        Err(m) => (None, Some(m)),
    };
    let invalid = match (std::mem::replace(finished, true), invalid) {
        // A second Finish (wgpu-core refuses it too: the encoder has ended).
        (true, _) => Some("the encoder is already finished".to_string()),
        (false, Some(m)) => Some(m),
        (false, None) => {
            let open = e.debug_groups.load(Ordering::Relaxed);
            e.invalid.lock().take().or_else(|| {
                (open > 0).then(|| format!("{open} debug group(s) pushed and not popped"))
            })
        }
    };
    if invalid.is_some() {
        // A command wgpu-core refuses at Finish, so that the bundle it makes is invalid.
        let _ = device
            .ctx
            .global
            .render_bundle_encoder_set_immediates(enc, 1 << 30, &[0; 4]);
    }
    let (id, error) = device.ctx.global.render_bundle_encoder_finish(
        enc,
        &wgt::RenderBundleDescriptor { label },
        None,
    );
    drop(guard);
    match invalid {
        Some(why) => device.validation(format!("{function}: {why}")),
        None => device.check(error),
    }
    Handle::new(crate::render_bundle::RenderBundle {
        device: device.clone(),
        tally: crate::accounting::Tally::new(device, crate::accounting::Kind::RenderBundle),
        id,
        draws: e.draws.load(Ordering::Relaxed),
        read_only: e.read_only,
    })
}

pub unsafe fn set_label(encoder: WGPURenderBundleEncoder, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(encoder, label) }
}
