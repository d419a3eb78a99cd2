//! `WGPUBindGroupLayout`: a wgpu-core bind group layout id, made by the device or
//! taken from a pipeline's automatic layout.

use std::borrow::Cow;
use std::sync::Arc;

use crate::conv;
use crate::device::Device;
use crate::generated::types::*;
use crate::guard::entry_point;
use crate::handle::{object, Handle};

pub struct BindGroupLayout {
    pub device: Arc<Device>,
    pub name: crate::label::Name,
    pub id: wgc::id::BindGroupLayoutId,
    pub tally: crate::accounting::Tally,
    /// Its entries as made (none where unknown: an invalid layout, a pipeline's), for
    /// the checks of explicit pipeline layouts that wgpu-core lacks (`sampling`).
    pub entries: Vec<wgt::BindGroupLayoutEntry>,
}

object!(
    BindGroupLayout,
    "WGPUBindGroupLayout",
    7,
    |b| Some(b.device.clone()),
    named,
    id = BindGroupLayout
);

impl Drop for BindGroupLayout {
    fn drop(&mut self) {
        self.name.forget(&self.device);
        self.device.ctx.global.bind_group_layout_drop(self.id);
    }
}

pub unsafe fn create(
    device: &Arc<Device>,
    descriptor: *const WGPUBindGroupLayoutDescriptor,
) -> conv::Result<BindGroupLayout> {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let desc = unsafe { conv::required(descriptor, "descriptor") }?;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let (name, tag) = crate::label::Name::new(unsafe { conv::label(desc.label) }?);
    let label = tag.label();
    // Entries this library cannot take (a chained external texture layout, which
    // wgpu-core 30 has not on Vulkan; a bad enum) make an invalid layout, as WebGPU's
    // createBindGroupLayout always returns one; so does a storage texture format or
    // access that WebGPU's table refuses and wgpu-core may allow (texture_format).
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let entries = unsafe { conv::no_chain(desc.nextInChain, "WGPUBindGroupLayoutDescriptor") }
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        .and_then(|()| unsafe { conv::slice(desc.entries, desc.entryCount, "entries") })
        .and_then(|entries| {
            entries
                .iter()
                .map(|e| {
                    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
                    unsafe { conv::no_chain(e.nextInChain, "WGPUBindGroupLayoutEntry") }?;
                    conv::bind_group_layout_entry(e)
                })
                .collect::<conv::Result<Vec<_>>>()
        });
    let (entries, refused) = match entries {
        Ok(entries) => {
            let refused = entries.iter().find_map(|e| match e.ty {
                wgt::BindingType::StorageTexture { access, format, .. } => {
                    crate::texture_format::storage_error(format, access, device.features)
                        .map(|m| format!("binding {}: {m}", e.binding))
                }
                _ => None,
            });
            (entries, refused)
        }
        Err(m) => (Vec::new(), Some(m)),
    };
    let wgc_desc = wgc::binding_model::BindGroupLayoutDescriptor {
        label,
        entries: Cow::Owned(entries),
    };
    let id = match refused {
        Some(m) => {
            device.validation(format!("{}: {m}", entry_point()));
            invalid_layout(device)
        }
        None => {
            let (id, error) = device
                .ctx
                .global
                .device_create_bind_group_layout(device.id, &wgc_desc, None);
            device.check(error);
            id
        }
    };
    Ok(BindGroupLayout {
        name,
        device: device.clone(),
        tally: crate::accounting::Tally::new(device, crate::accounting::Kind::BindGroupLayout),
        id,
        entries: wgc_desc.entries.into_owned(),
    })
}

/// An invalid layout, made by wgpu-core from entries it refuses (one binding twice)
/// (its `create_bind_group_layout_error` gives no id back).
fn invalid_layout(device: &Device) -> wgc::id::BindGroupLayoutId {
    let entry = wgt::BindGroupLayoutEntry {
        binding: 0,
        visibility: wgt::ShaderStages::COMPUTE,
        ty: wgt::BindingType::Sampler(wgt::SamplerBindingType::Filtering),
        count: None,
    };
    let desc = wgc::binding_model::BindGroupLayoutDescriptor {
        label: None,
        entries: Cow::Owned(vec![entry, entry]),
    };
    let (id, _duplicate_binding) = device
        .ctx
        .global
        .device_create_bind_group_layout(device.id, &desc, None);
    id
}

/// A pipeline's bind group layout, as wgpu-core gave it: NULL, with the error
/// reported, when the pipeline has none at that index.
pub fn of_pipeline(
    device: &Arc<Device>,
    (id, error): (
        wgc::id::BindGroupLayoutId,
        Option<wgc::binding_model::GetBindGroupLayoutError>,
    ),
) -> WGPUBindGroupLayout {
    let layout = BindGroupLayout {
        device: device.clone(),
        tally: crate::accounting::Tally::new(device, crate::accounting::Kind::BindGroupLayout),
        name: crate::label::Name::new(None).0,
        id,
        entries: Vec::new(),
    };
    match error {
        None => Handle::new(layout),
        Some(e) => {
            device.report_error(&e);
            // Dropping the layout gives wgpu-core its id back.
            drop(layout);
            Handle::NULL
        }
    }
}

pub unsafe fn set_label(bind_group_layout: WGPUBindGroupLayout, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(bind_group_layout, label) }
}
