//! `WGPUBindGroup`: a wgpu-core bind group id; keeps the resources it binds alive.

use std::borrow::Cow;
use std::sync::Arc;

use crate::conv;
use crate::device::Device;
use crate::generated::types::*;
use crate::handle::object;

pub struct BindGroup {
    pub device: Arc<Device>,
    pub name: crate::label::Name,
    pub id: wgc::id::BindGroupId,
    pub tally: crate::accounting::Tally,
}
// What the group binds, wgpu-core holds by its own references: the handles may be
// released while the group lives.

object!(
    BindGroup,
    "WGPUBindGroup",
    9,
    |b| Some(b.device.clone()),
    named,
    id = BindGroup
);

impl Drop for BindGroup {
    fn drop(&mut self) {
        self.name.forget(&self.device);
        self.device.ctx.global.bind_group_drop(self.id);
    }
}

pub unsafe fn create(
    device: &Arc<Device>,
    descriptor: *const WGPUBindGroupDescriptor,
) -> conv::Result<BindGroup> {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let desc = unsafe { conv::required(descriptor, "descriptor") }?;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { conv::no_chain(desc.nextInChain, "WGPUBindGroupDescriptor") }?;
    let layout = desc.layout.id_or_message("layout")?;
    // On the stack for the usual few entries: this runs at every creation.
    let mut entries = smallvec::SmallVec::<[wgc::binding_model::BindGroupEntry; 8]>::new();
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    for e in unsafe { conv::slice(desc.entries, desc.entryCount, "entries") }? {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        unsafe { conv::no_chain(e.nextInChain, "WGPUBindGroupEntry") }?;
        let what = || format!("entry for binding {}", e.binding);
        let set = [
            !e.buffer.is_null(),
            !e.sampler.is_null(),
            !e.textureView.is_null(),
        ];
        if set.iter().filter(|s| **s).count() != 1 {
            return Err(format!(
                "{}: exactly one of buffer, sampler and textureView must be set",
                what()
            ));
        }
        // Ids only: the caller's references keep these alive for the call, and the
        // group's wgpu-core object holds its own from then on.
        use wgc::binding_model::{BindingResource, BufferBinding};
        let resource = if !e.buffer.is_null() {
            BindingResource::Buffer(BufferBinding {
                buffer: e
                    .buffer
                    .id()
                    .map_err(|err| format!("{}: {}", what(), e.buffer.describe(err)))?,
                offset: e.offset,
                size: conv::size(e.size),
            })
        } else if !e.sampler.is_null() {
            BindingResource::Sampler(
                e.sampler
                    .id()
                    .map_err(|err| format!("{}: {}", what(), e.sampler.describe(err)))?,
            )
        } else {
            BindingResource::TextureView(
                e.textureView
                    .id()
                    .map_err(|err| format!("{}: {}", what(), e.textureView.describe(err)))?,
            )
        };
        entries.push(wgc::binding_model::BindGroupEntry {
            binding: e.binding,
            resource,
        });
    }
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let (name, tag) = crate::label::Name::new(unsafe { conv::label(desc.label) }?);
    let label = tag.label();
    let wgc_desc = wgc::binding_model::BindGroupDescriptor {
        label,
        layout,
        entries: Cow::Borrowed(&entries[..]),
    };
    let (id, error) = device
        .ctx
        .global
        .device_create_bind_group(device.id, &wgc_desc, None);
    device.check(error);
    Ok(BindGroup {
        name,
        device: device.clone(),
        tally: crate::accounting::Tally::new(device, crate::accounting::Kind::BindGroup),
        id,
    })
}

pub unsafe fn set_label(bind_group: WGPUBindGroup, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(bind_group, label) }
}
