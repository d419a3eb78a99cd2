//! `WGPURenderBundle`: a finished wgpu-core render bundle id.

use std::sync::Arc;

use crate::device::Device;
use crate::generated::types::*;
use crate::handle::object;

pub struct RenderBundle {
    pub device: Arc<Device>,
    pub id: wgc::id::RenderBundleId,
    pub tally: crate::accounting::Tally,
    /// Its draws, counted against the maxDrawCount of each pass that executes it.
    pub draws: u64,
    /// Its depth and stencil read-only flags, as given (wgpu-core keeps them only for
    /// the aspects its format has), which a read-only pass needs too.
    pub read_only: (bool, bool),
}

object!(
    RenderBundle,
    "WGPURenderBundle",
    21,
    |r| Some(r.device.clone()),
    id = RenderBundle
);

impl Drop for RenderBundle {
    fn drop(&mut self) {
        self.device.ctx.global.render_bundle_drop(self.id);
    }
}

pub unsafe fn set_label(render_bundle: WGPURenderBundle, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(render_bundle, label) }
}
