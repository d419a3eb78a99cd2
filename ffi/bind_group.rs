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
    /// What the group binds, held so it lives as long as the group.
    _resources: Vec<Arc<dyn std::any::Any + Send + Sync>>,
}

object!(
    BindGroup,
    "WGPUBindGroup",
    9,
    |b| Some(b.device.clone()),
    named
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
    let desc = unsafe { conv::required(descriptor, "descriptor") }?;
    unsafe { conv::no_chain(desc.nextInChain, "WGPUBindGroupDescriptor") }?;
    let layout = desc.layout.get_or_message("layout")?;
    let mut resources: Vec<Arc<dyn std::any::Any + Send + Sync>> = vec![layout.clone()];
    let mut entries = Vec::new();
    for e in unsafe { conv::slice(desc.entries, desc.entryCount, "entries") }? {
        unsafe { conv::no_chain(e.nextInChain, "WGPUBindGroupEntry") }?;
        let what = format!("entry for binding {}", e.binding);
        let set = [
            !e.buffer.is_null(),
            !e.sampler.is_null(),
            !e.textureView.is_null(),
        ];
        if set.iter().filter(|s| **s).count() != 1 {
            return Err(format!(
                "{what}: exactly one of buffer, sampler and textureView must be set"
            ));
        }
        let resource = if !e.buffer.is_null() {
            let buffer = e.buffer.get_or_message(&what)?;
            let r =
                wgc::binding_model::BindingResource::Buffer(wgc::binding_model::BufferBinding {
                    buffer: buffer.id,
                    offset: e.offset,
                    size: (e.size != WGPU_WHOLE_SIZE).then_some(e.size),
                });
            resources.push(buffer);
            r
        } else if !e.sampler.is_null() {
            let sampler = e.sampler.get_or_message(&what)?;
            let r = wgc::binding_model::BindingResource::Sampler(sampler.id);
            resources.push(sampler);
            r
        } else {
            let view = e.textureView.get_or_message(&what)?;
            let r = wgc::binding_model::BindingResource::TextureView(view.id);
            resources.push(view);
            r
        };
        entries.push(wgc::binding_model::BindGroupEntry {
            binding: e.binding,
            resource,
        });
    }
    let (name, label) = crate::label::Name::new(unsafe { conv::label(desc.label) }?);
    let wgc_desc = wgc::binding_model::BindGroupDescriptor {
        label,
        layout: layout.id,
        entries: Cow::Owned(entries),
    };
    let (id, error) = device
        .ctx
        .global
        .device_create_bind_group(device.id, &wgc_desc, None);
    device.check(error);
    Ok(BindGroup {
        name,
        device: device.clone(),
        id,
        _resources: resources,
    })
}

pub unsafe fn set_label(bind_group: WGPUBindGroup, label: WGPUStringView) {
    unsafe { crate::label::set(bind_group, label) }
}
