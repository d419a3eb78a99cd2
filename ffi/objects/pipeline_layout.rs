//! `WGPUPipelineLayout`: a wgpu-core pipeline layout id (wgpu-core holds its bind
//! group layouts).

use std::borrow::Cow;
use std::sync::Arc;

use crate::conv;
use crate::device::Device;
use crate::generated::types::*;
use crate::handle::object;

pub struct PipelineLayout {
    pub device: Arc<Device>,
    pub name: crate::label::Name,
    pub id: wgc::id::PipelineLayoutId,
    pub tally: crate::accounting::Tally,
    /// Its `immediateSize`, for the encoders' immediate data (`immediates`).
    pub immediate_size: u32,
    /// Each group's layout entries (none for an empty group), for the checks wgpu-core
    /// lacks (`sampling`).
    pub groups: Vec<Vec<wgt::BindGroupLayoutEntry>>,
}

object!(
    PipelineLayout,
    "WGPUPipelineLayout",
    8,
    |p| Some(p.device.clone()),
    named,
    id = PipelineLayout
);

impl Drop for PipelineLayout {
    fn drop(&mut self) {
        self.name.forget(&self.device);
        self.device.ctx.global.pipeline_layout_drop(self.id);
    }
}

pub unsafe fn create(
    device: &Arc<Device>,
    descriptor: *const WGPUPipelineLayoutDescriptor,
) -> conv::Result<PipelineLayout> {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let desc = unsafe { conv::required(descriptor, "descriptor") }?;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { conv::no_chain(desc.nextInChain, "WGPUPipelineLayoutDescriptor") }?;
    // A NULL entry leaves that group index empty.
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let layouts = unsafe {
        conv::slice(
            desc.bindGroupLayouts,
            desc.bindGroupLayoutCount,
            "bindGroupLayouts",
        )
    }?
    .iter()
    .map(|l| l.get_optional("bindGroupLayouts"))
    .collect::<conv::Result<Vec<_>>>()?;
    let groups = layouts
        .iter()
        .map(|l| l.as_ref().map_or_else(Vec::new, |l| l.entries.clone()))
        .collect();
    let layouts = layouts.iter().map(|l| l.as_ref().map(|l| l.id)).collect();
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let (name, tag) = crate::label::Name::new(unsafe { conv::label(desc.label) }?);
    let label = tag.label();
    let wgc_desc = wgc::binding_model::PipelineLayoutDescriptor {
        label,
        bind_group_layouts: Cow::Owned(layouts),
        immediate_size: desc.immediateSize,
    };
    let (id, error) = device
        .ctx
        .global
        .device_create_pipeline_layout(device.id, &wgc_desc, None);
    device.check(error);
    Ok(PipelineLayout {
        name,
        device: device.clone(),
        tally: crate::accounting::Tally::new(device, crate::accounting::Kind::PipelineLayout),
        id,
        immediate_size: desc.immediateSize,
        groups,
    })
}

pub unsafe fn set_label(pipeline_layout: WGPUPipelineLayout, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(pipeline_layout, label) }
}
