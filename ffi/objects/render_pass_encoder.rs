//! `WGPURenderPassEncoder`: a wgpu-core `RenderPass`, owned here (no id) and recorded
//! under a lock the hot path never contends; it holds its encoder.

use std::borrow::Cow;
use std::ffi::c_void;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use crate::command_encoder::CommandEncoder;
use crate::commands::Recorder;
use crate::conv;
use crate::device::Device;
use crate::generated::types::*;
use crate::guard::entry_point;
use crate::handle::object;

pub struct RenderPassEncoder {
    pub device: Arc<Device>,
    pass: Mutex<wgc::command::RenderPass>,
    encoder: Arc<CommandEncoder>,
    pub tally: crate::accounting::Tally,
    /// The draws recorded (bundles' included) and the most the pass allows
    /// (`WGPURenderPassMaxDrawCount`), which wgpu-core does not count.
    draws: AtomicU64,
    max_draw_count: u64,
    immediates: Mutex<crate::immediates::Immediates>,
    /// Ended: a later call goes to wgpu-core as it is, for its error.
    ended: std::sync::atomic::AtomicBool,
    /// The depth/stencil attachment's depthReadOnly and stencilReadOnly as given:
    /// a bundle it executes must be read-only where the pass is, whatever the format's
    /// aspects (wgpu-core compares only the aspects the format has).
    read_only: (bool, bool),
}

/// WebGPU's default `maxDrawCount`.
const DEFAULT_MAX_DRAW_COUNT: u64 = 50_000_000;
// What the pass records wgpu-core holds by its own references, so releasing those
// handles mid-pass is safe.

object!(RenderPassEncoder, "WGPURenderPassEncoder", 19, |r| Some(
    r.device.clone()
));

fn load_op<V>(
    op: WGPULoadOp,
    clear: V,
    what: &str,
) -> conv::Result<Option<wgc::command::LoadOp<V>>> {
    Ok(match op {
        WGPULoadOp::Undefined => None,
        WGPULoadOp::Load => Some(wgc::command::LoadOp::Load),
        WGPULoadOp::Clear => Some(wgc::command::LoadOp::Clear(clear)),
        other => return Err(format!("{what}: {:#x} is not a valid WGPULoadOp", other.0)),
    })
}

fn store_op(op: WGPUStoreOp, what: &str) -> conv::Result<Option<wgc::command::StoreOp>> {
    Ok(match op {
        WGPUStoreOp::Undefined => None,
        WGPUStoreOp::Store => Some(wgc::command::StoreOp::Store),
        WGPUStoreOp::Discard => Some(wgc::command::StoreOp::Discard),
        other => return Err(format!("{what}: {:#x} is not a valid WGPUStoreOp", other.0)),
    })
}

pub unsafe fn begin(
    encoder: &Arc<CommandEncoder>,
    descriptor: *const WGPURenderPassDescriptor,
) -> conv::Result<RenderPassEncoder> {
    let device = &encoder.device;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let desc = unsafe { conv::required(descriptor, "descriptor") }?;
    let mut max_draw_count = DEFAULT_MAX_DRAW_COUNT;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    for (s_type, link) in unsafe { conv::Chain::new(desc.nextInChain) } {
        if s_type != WGPUSType::RenderPassMaxDrawCount {
            return Err(conv::unexpected_s_type(s_type, "WGPURenderPassDescriptor"));
        }
        // SAFETY: the sType says the link is a WGPURenderPassMaxDrawCount.
        max_draw_count = unsafe { (*(link as *const WGPURenderPassMaxDrawCount)).maxDrawCount };
    }
    let mut color_attachments = Vec::new();
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    for (i, c) in unsafe {
        conv::slice(
            desc.colorAttachments,
            desc.colorAttachmentCount,
            "colorAttachments",
        )
    }?
    .iter()
    .enumerate()
    {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        unsafe { conv::no_chain(c.nextInChain, "WGPURenderPassColorAttachment") }?;
        let what = format!("colorAttachments[{i}]");
        if c.view.is_null() {
            color_attachments.push(None);
            continue;
        }
        let view = c.view.get_or_message(&what)?;
        let resolve = c
            .resolveTarget
            .get_optional(&format!("{what}.resolveTarget"))?;
        // A resolve wgpu-core takes from the adapter and WebGPU does not allow.
        if let Some(e) = resolve.as_ref().and_then(|r| {
            crate::texture_format::resolve_error(r.texture.desc.format, device.features)
        }) {
            encoder.invalidate(format!("{}: {what}.resolveTarget: {e}", entry_point()));
        }
        let clear = wgt::Color {
            r: c.clearValue.r,
            g: c.clearValue.g,
            b: c.clearValue.b,
            a: c.clearValue.a,
        };
        color_attachments.push(Some(wgc::command::RenderPassColorAttachment {
            view: view.id,
            depth_slice: (c.depthSlice != WGPU_DEPTH_SLICE_UNDEFINED).then_some(c.depthSlice),
            resolve_target: resolve.map(|r| r.id),
            load_op: load_op(c.loadOp, clear, &what)?
                .ok_or_else(|| format!("{what}: loadOp is Undefined"))?,
            store_op: store_op(c.storeOp, &what)?
                .ok_or_else(|| format!("{what}: storeOp is Undefined"))?,
        }));
    }
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let depth_stencil_attachment = match unsafe { desc.depthStencilAttachment.as_ref() } {
        None => None,
        Some(d) => {
            // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
            unsafe { conv::no_chain(d.nextInChain, "WGPURenderPassDepthStencilAttachment") }?;
            let view = d.view.get_or_message("depthStencilAttachment.view")?;
            let depth_clear = (!d.depthClearValue.is_nan()).then_some(d.depthClearValue);
            Some(wgc::command::RenderPassDepthStencilAttachment {
                view: view.id,
                depth: wgc::command::PassChannel {
                    load_op: load_op(d.depthLoadOp, depth_clear, "depthLoadOp")?,
                    store_op: store_op(d.depthStoreOp, "depthStoreOp")?,
                    read_only: conv::bool(d.depthReadOnly, "depthReadOnly")?,
                },
                stencil: wgc::command::PassChannel {
                    load_op: load_op(d.stencilLoadOp, Some(d.stencilClearValue), "stencilLoadOp")?,
                    store_op: store_op(d.stencilStoreOp, "stencilStoreOp")?,
                    read_only: conv::bool(d.stencilReadOnly, "stencilReadOnly")?,
                },
            })
        }
    };
    let read_only = depth_stencil_attachment
        .as_ref()
        .map_or((false, false), |d| (d.depth.read_only, d.stencil.read_only));
    let occlusion = desc.occlusionQuerySet.get_optional("occlusionQuerySet")?;
    let wgc_desc = wgc::command::RenderPassDescriptor {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        label: unsafe { conv::label(desc.label) }?,
        color_attachments: Cow::Owned(color_attachments),
        depth_stencil_attachment,
        timestamp_writes: crate::query_set::timestamp_writes(desc.timestampWrites)?,
        occlusion_query_set: occlusion.map(|q| q.id),
        multiview_mask: None,
    };
    let (mut pass, error) = device
        .ctx
        .global
        .command_encoder_begin_render_pass(encoder.id, &wgc_desc);
    let began = error.is_none();
    device.check(error);
    // WebGPU starts every pass with the blend constant (0, 0, 0, 0); wgpu-core has none
    // until one is set and refuses a draw whose pipeline blends with it.
    if began {
        let _ = device
            .ctx
            .global
            .render_pass_set_blend_constant(&mut pass, wgt::Color::TRANSPARENT);
    }
    Ok(RenderPassEncoder {
        device: device.clone(),
        tally: crate::accounting::Tally::new(device, crate::accounting::Kind::RenderPassEncoder),
        pass: Mutex::new(pass),
        encoder: encoder.clone(),
        draws: AtomicU64::new(0),
        max_draw_count,
        immediates: Mutex::new(crate::immediates::Immediates::new(
            device.limits.max_immediate_size,
        )),
        ended: Default::default(),
        read_only,
    })
}

/// Counts draws against the pass's maxDrawCount.
fn count_draws(pass: WGPURenderPassEncoder, n: u64) {
    if let Ok(p) = pass.get() {
        p.draws.fetch_add(n, Ordering::Relaxed);
    }
}

/// Runs `record` on the pass, reporting a conversion error or a wgpu-core one.
fn with<E: wgt::error::WebGpuError>(
    pass: WGPURenderPassEncoder,
    function: &str,
    record: impl FnOnce(
        &wgc::global::Global,
        &mut wgc::command::RenderPass,
    ) -> conv::Result<Result<(), E>>,
) {
    crate::device::record_pinned(
        pass,
        function,
        |p| &p.device,
        |p| record(&p.device.ctx.global, &mut p.pass.lock()),
    )
}

/// `with`, for a draw: also counted against the pass's maxDrawCount.
fn draw_with<E: wgt::error::WebGpuError>(
    pass: WGPURenderPassEncoder,
    function: &str,
    record: impl FnOnce(
        &wgc::global::Global,
        &mut wgc::command::RenderPass,
    ) -> conv::Result<Result<(), E>>,
) {
    crate::device::record_pinned(
        pass,
        function,
        |p| &p.device,
        |p| {
            p.draws.fetch_add(1, Ordering::Relaxed);
            record(&p.device.ctx.global, &mut p.pass.lock())
        },
    )
}

/// Its share of the commands every programmable encoder records (`commands`).
impl crate::commands::Encoder for RenderPassEncoder {
    type Recorder = wgc::command::RenderPass;
    fn record(
        encoder: crate::handle::Handle<Self>,
        draw: bool,
        record: impl FnOnce(
            &wgc::global::Global,
            &mut wgc::command::RenderPass,
        ) -> crate::commands::Recorded,
    ) {
        if draw {
            draw_with(encoder, entry_point(), record)
        } else {
            with(encoder, entry_point(), record)
        }
    }
}

pub fn set_pipeline(pass: WGPURenderPassEncoder, pipeline: WGPURenderPipeline) {
    crate::device::record_pinned(
        pass,
        entry_point(),
        |r| &r.device,
        |r| {
            let pipeline = pipeline.get_or_message("pipeline")?;
            let g = &r.device.ctx.global;
            let p = &mut r.pass.lock();
            Ok(r.immediates.lock().record_pipeline(
                &mut **p,
                pipeline.immediates,
                |p| g.render_pass_set_pipeline(p, pipeline.id),
                |p, o, b| g.render_pass_set_immediates(p, o, b),
            ))
        },
    )
}

pub unsafe fn set_immediates(
    pass: WGPURenderPassEncoder,
    offset: u32,
    data: *const c_void,
    size: usize,
) {
    crate::device::record_pinned(
        pass,
        entry_point(),
        |r| &r.device,
        |r| {
            // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
            let bytes = unsafe { conv::slice(data as *const u8, size, "data") }?;
            if r.ended.load(Ordering::Relaxed) {
                let g = &r.device.ctx.global;
                return Ok(g.render_pass_set_immediates(&mut r.pass.lock(), offset, bytes));
            }
            let g = &r.device.ctx.global;
            let recorded =
                r.immediates
                    .lock()
                    .record(&mut *r.pass.lock(), offset, bytes, |p, o, b| {
                        g.render_pass_set_immediates(p, o, b)
                    });
            match recorded {
                Ok(result) => Ok(result),
                Err(why) => {
                    r.encoder.invalidate(why);
                    Ok(Ok::<(), wgc::command::PassStateError>(()))
                }
            }
        },
    )
}

pub fn draw_indirect(
    pass: WGPURenderPassEncoder,
    indirect_buffer: WGPUBuffer,
    indirect_offset: u64,
) {
    draw_with(pass, entry_point(), |g, p| {
        crate::commands::draw_indirect(p, g, false, indirect_buffer, indirect_offset)
    })
}

pub fn draw_indexed_indirect(
    pass: WGPURenderPassEncoder,
    indirect_buffer: WGPUBuffer,
    indirect_offset: u64,
) {
    draw_with(pass, entry_point(), |g, p| {
        crate::commands::draw_indirect(p, g, true, indirect_buffer, indirect_offset)
    })
}

pub unsafe fn execute_bundles(
    pass: WGPURenderPassEncoder,
    bundle_count: usize,
    bundles: *const WGPURenderBundle,
) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let list = unsafe { conv::slice(bundles, bundle_count, "bundles") }.unwrap_or(&[]);
    let live: Vec<_> = list.iter().filter_map(|b| b.get().ok()).collect();
    // The bundles' draws count against the pass's maxDrawCount.
    count_draws(pass, live.iter().map(|b| b.draws).sum());
    if let Ok(p) = pass.get() {
        // Bundles leave the pass with no pipeline and no immediate data set.
        p.immediates.lock().reset();
        let (depth, stencil) = p.read_only;
        let writes = live.iter().find_map(|b| {
            let (bundle_depth, bundle_stencil) = b.read_only;
            if depth && !bundle_depth {
                Some("depth")
            } else if stencil && !bundle_stencil {
                Some("stencil")
            } else {
                None
            }
        });
        if let Some(aspect) = writes {
            p.encoder.invalidate(format!(
                "{}: the pass's {aspect} is read-only and a bundle's is not",
                entry_point()
            ));
        }
    }
    with(pass, entry_point(), |g, p| {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let ids = unsafe { conv::slice(bundles, bundle_count, "bundles") }?
            .iter()
            .map(|b| b.id_or_message("bundles"))
            .collect::<conv::Result<Vec<_>>>()?;
        Ok(g.render_pass_execute_bundles(p, &ids))
    })
}

/// Dawn's, with ChromiumExperimentalTimestampQueryInsidePasses.
pub fn write_timestamp(pass: WGPURenderPassEncoder, query_set: WGPUQuerySet, query_index: u32) {
    with(pass, entry_point(), |g, p| {
        let q = query_set.id_or_message("querySet")?;
        Ok(g.render_pass_write_timestamp(p, q, query_index))
    })
}

pub fn pop_debug_group(pass: WGPURenderPassEncoder) {
    with(pass, entry_point(), |g, p| {
        Ok(Recorder::pop_debug_group(p, g))
    })
}

pub unsafe fn push_debug_group(pass: WGPURenderPassEncoder, group_label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    with(pass, entry_point(), |g, p| unsafe {
        crate::commands::debug_label(p, g, true, group_label)
    })
}

pub fn set_stencil_reference(pass: WGPURenderPassEncoder, reference: u32) {
    with(pass, entry_point(), |g, p| {
        Ok(g.render_pass_set_stencil_reference(p, reference))
    })
}

pub unsafe fn set_blend_constant(pass: WGPURenderPassEncoder, color: *const WGPUColor) {
    with(pass, entry_point(), |g, p| {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let c = unsafe { conv::required(color, "color") }?;
        Ok(g.render_pass_set_blend_constant(
            p,
            wgt::Color {
                r: c.r,
                g: c.g,
                b: c.b,
                a: c.a,
            },
        ))
    })
}

pub fn set_viewport(
    pass: WGPURenderPassEncoder,
    x: f32,
    y: f32,
    width: f32,
    height: f32,
    min_depth: f32,
    max_depth: f32,
) {
    with(pass, entry_point(), |g, p| {
        Ok(g.render_pass_set_viewport(p, x, y, width, height, min_depth, max_depth))
    })
}

pub fn set_scissor_rect(pass: WGPURenderPassEncoder, x: u32, y: u32, width: u32, height: u32) {
    with(pass, entry_point(), |g, p| {
        Ok(g.render_pass_set_scissor_rect(p, x, y, width, height))
    })
}

pub fn begin_occlusion_query(pass: WGPURenderPassEncoder, query_index: u32) {
    with(pass, entry_point(), |g, p| {
        Ok(g.render_pass_begin_occlusion_query(p, query_index))
    })
}

pub fn end_occlusion_query(pass: WGPURenderPassEncoder) {
    with(pass, entry_point(), |g, p| {
        Ok(g.render_pass_end_occlusion_query(p))
    })
}

pub fn end(pass: WGPURenderPassEncoder) {
    // By reference, not pinned: encoding can lose the device, whose callback may
    // release this pass.
    let Some(p) = pass.get_or_log(entry_point()) else {
        return;
    };
    p.ended.store(true, Ordering::Relaxed);
    let result = p.device.ctx.global.render_pass_end(&mut p.pass.lock());
    p.device.outcome(entry_point(), Ok(result));
    let draws = p.draws.load(Ordering::Relaxed);
    if draws > p.max_draw_count {
        p.encoder.invalidate(format!(
            "a render pass recorded {draws} draws, more than its maxDrawCount ({})",
            p.max_draw_count
        ));
    }
}

pub unsafe fn set_label(pass: WGPURenderPassEncoder, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(pass, label) }
}
