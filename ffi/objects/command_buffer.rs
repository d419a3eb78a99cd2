//! `WGPUCommandBuffer`: a finished wgpu-core command buffer, submittable once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::device::Device;
use crate::generated::types::*;
use crate::handle::object;

pub struct CommandBuffer {
    pub device: Arc<Device>,
    id: wgc::id::CommandBufferId,
    submitted: AtomicBool,
    /// Why the buffer is invalid (its encoder had an error WebGPU reports at finish).
    invalid: Option<String>,
    pub tally: crate::accounting::Tally,
}

object!(CommandBuffer, "WGPUCommandBuffer", 12, |c| Some(
    c.device.clone()
));

impl CommandBuffer {
    pub fn new(device: Arc<Device>, id: wgc::id::CommandBufferId, invalid: Option<String>) -> Self {
        Self {
            tally: crate::accounting::Tally::new(&device, crate::accounting::Kind::CommandBuffer),
            device,
            id,
            submitted: AtomicBool::new(false),
            invalid,
        }
    }

    /// The id to submit; an error when it was submitted before or is invalid.
    pub fn take_for_submit(&self) -> Result<wgc::id::CommandBufferId, String> {
        if let Some(why) = &self.invalid {
            return Err(format!("the command buffer is invalid: {why}"));
        }
        if self.submitted.swap(true, Ordering::AcqRel) {
            return Err(
                "a WGPUCommandBuffer was already submitted; each can be submitted once".into(),
            );
        }
        Ok(self.id)
    }
}

impl Drop for CommandBuffer {
    fn drop(&mut self) {
        self.device.ctx.global.command_buffer_drop(self.id);
    }
}

pub unsafe fn set_label(command_buffer: WGPUCommandBuffer, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(command_buffer, label) }
}
