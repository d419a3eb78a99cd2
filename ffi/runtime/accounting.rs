//! Per-device accounting, for `wgpuShimDeviceGetUsage`: how many objects of each kind
//! are alive and how many bytes of GPU memory their buffers and textures hold.
//!
//! Every device object carries a `Tally`, made with it and dropped with it, so the
//! counts follow our objects: alive while C holds a reference or another of our
//! objects does (a view holds its texture). `Destroy` gives a buffer's or texture's
//! bytes back at once.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The kinds of object a device makes, in `WGPUShimDeviceUsage`'s order.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Buffer,
    Texture,
    TextureView,
    Sampler,
    BindGroup,
    BindGroupLayout,
    PipelineLayout,
    ShaderModule,
    ComputePipeline,
    RenderPipeline,
    CommandEncoder,
    CommandBuffer,
    ComputePassEncoder,
    RenderPassEncoder,
    RenderBundleEncoder,
    RenderBundle,
    QuerySet,
}

pub const KINDS: usize = Kind::QuerySet as usize + 1;

/// One device's counters.
#[derive(Default)]
pub struct Usage {
    objects: [AtomicU64; KINDS],
    buffer_bytes: AtomicU64,
    texture_bytes: AtomicU64,
}

impl Usage {
    pub fn objects(&self, kind: Kind) -> u64 {
        self.objects[kind as usize].load(Ordering::Relaxed)
    }

    pub fn buffer_bytes(&self) -> u64 {
        self.buffer_bytes.load(Ordering::Relaxed)
    }

    pub fn texture_bytes(&self) -> u64 {
        self.texture_bytes.load(Ordering::Relaxed)
    }

    fn bytes(&self, kind: Kind) -> Option<&AtomicU64> {
        match kind {
            Kind::Buffer => Some(&self.buffer_bytes),
            Kind::Texture => Some(&self.texture_bytes),
            _ => None,
        }
    }
}

/// One object's entry in its device's counters, undone when the object drops.
pub struct Tally {
    usage: Arc<Usage>,
    kind: Kind,
    bytes: AtomicU64,
}

impl Tally {
    pub fn new(device: &crate::device::Device, kind: Kind) -> Self {
        Self::with_bytes(device, kind, 0)
    }

    /// A buffer or texture holding `bytes` of GPU memory.
    pub fn with_bytes(device: &crate::device::Device, kind: Kind, bytes: u64) -> Self {
        let usage = device.usage.clone();
        usage.objects[kind as usize].fetch_add(1, Ordering::Relaxed);
        if let Some(total) = usage.bytes(kind) {
            total.fetch_add(bytes, Ordering::Relaxed);
        }
        Tally {
            usage,
            kind,
            bytes: AtomicU64::new(bytes),
        }
    }

    /// The memory is gone (`Destroy`) though the object lives on.
    pub fn free_bytes(&self) {
        let bytes = self.bytes.swap(0, Ordering::Relaxed);
        if let Some(total) = self.usage.bytes(self.kind) {
            total.fetch_sub(bytes, Ordering::Relaxed);
        }
    }
}

impl Drop for Tally {
    fn drop(&mut self) {
        self.free_bytes();
        self.usage.objects[self.kind as usize].fetch_sub(1, Ordering::Relaxed);
    }
}
