//! `WGPUComputePipeline`: a wgpu-core compute pipeline id, made with an explicit or an
//! automatic layout, synchronously or through the async entry point.

use std::borrow::Cow;
use std::sync::Arc;

use crate::conv;
use crate::device::Device;
use crate::generated::types::*;
use crate::guard::entry_point;
use crate::handle::{object, Handle};

pub struct ComputePipeline {
    pub device: Arc<Device>,
    pub name: crate::label::Name,
    pub id: wgc::id::ComputePipelineId,
    pub tally: crate::accounting::Tally,
    /// What its layout lets wgpu-core take of the immediate data (`immediates`).
    pub immediates: crate::immediates::Pipeline,
}

object!(
    ComputePipeline,
    "WGPUComputePipeline",
    10,
    |p| Some(p.device.clone()),
    named,
    id = ComputePipeline
);

impl Drop for ComputePipeline {
    fn drop(&mut self) {
        self.name.forget(&self.device);
        self.device.ctx.global.compute_pipeline_drop(self.id);
    }
}

/// A compute pipeline descriptor converted from C, owning all it names, so that it
/// can be built on another thread.
pub struct Prepared {
    device: Arc<Device>,
    name: crate::label::Name,
    desc: wgc::pipeline::ComputePipelineDescriptor<'static>,
    /// What the descriptor names by id, held until the pipeline is built (on
    /// another thread, for the async entry point); wgpu-core holds them after.
    _layout: Option<Arc<crate::pipeline_layout::PipelineLayout>>,
    _module: Arc<crate::shader_module::ShaderModule>,
    /// A validation error found here, before wgpu-core is asked.
    refused: Option<String>,
    immediates: crate::immediates::Pipeline,
}

pub unsafe fn prepare(
    device: &Arc<Device>,
    descriptor: *const WGPUComputePipelineDescriptor,
) -> conv::Result<Prepared> {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let desc = unsafe { conv::required(descriptor, "descriptor") }?;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { conv::no_chain(desc.nextInChain, "WGPUComputePipelineDescriptor") }?;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { conv::no_chain(desc.compute.nextInChain, "WGPUComputeState") }?;
    let layout = desc.layout.get_optional("layout")?;
    let module = desc.compute.module.get_or_message("compute.module")?;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let label = unsafe { conv::label(desc.label) }?;
    crate::guard::maybe_test_panic(label.as_deref());
    let (name, tag) = crate::label::Name::new(label);
    let label = tag.owned_label();
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let entry_point = unsafe { conv::string_view(desc.compute.entryPoint) }?;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let constants = unsafe { conv::constants(desc.compute.constants, desc.compute.constantCount) }?;
    let refused = module.pipeline_error.clone().or_else(|| {
        module
            .compute_checks
            .error(entry_point, &constants, &device.limits)
            .or_else(|| match &layout {
                Some(layout) => module
                    .entry_immediates
                    .error(
                        naga::ShaderStage::Compute,
                        entry_point,
                        layout.immediate_size,
                    )
                    .or_else(|| {
                        let stage = naga::ShaderStage::Compute;
                        module.sampling.error(stage, entry_point, &layout.groups)
                    }),
                None => module.storage_textures.error(
                    naga::ShaderStage::Compute,
                    entry_point,
                    device.features,
                ),
            })
            .map(|m| format!("Error creating compute pipeline: {m}"))
    });
    let immediates = crate::immediates::Pipeline::of(layout.as_deref(), [Some(&*module)]);
    Ok(Prepared {
        immediates,
        device: device.clone(),
        name,
        desc: wgc::pipeline::ComputePipelineDescriptor {
            label,
            layout: layout.as_ref().map(|l| l.id),
            stage: wgc::pipeline::ProgrammableStageDescriptor {
                module: module.id,
                entry_point: entry_point.map(|e| Cow::Owned(e.to_string())),
                constants: constants.into_iter().collect(),
                zero_initialize_workgroup_memory: device.toggles.zero_initialize_workgroup_memory,
            },
            cache: None,
        },
        _layout: layout,
        _module: module,
        refused,
    })
}

impl crate::device::PreparedPipeline for Prepared {
    type Pipeline = ComputePipeline;

    fn build(self) -> (ComputePipeline, Option<(WGPUErrorType, String)>) {
        let device = self.device;
        let global = &device.ctx.global;
        let invalid = || {
            // An invalid pipeline, from an invalid module.
            let mut desc = self.desc.clone();
            desc.stage.module = crate::shader_module::invalid_module(&device, None);
            let (id, _) = global.device_create_compute_pipeline(device.id, &desc, None);
            global.shader_module_drop(desc.stage.module);
            id
        };
        let (id, error) = crate::device::made_pipeline(
            &device,
            "compute",
            self.refused,
            || global.device_create_compute_pipeline(device.id, &self.desc, None),
            invalid,
        );
        let pipeline = ComputePipeline {
            name: self.name,
            tally: crate::accounting::Tally::new(&device, crate::accounting::Kind::ComputePipeline),
            device,
            id,
            immediates: self.immediates,
        };
        (pipeline, error)
    }
}

pub fn get_bind_group_layout(
    compute_pipeline: WGPUComputePipeline,
    group_index: u32,
) -> WGPUBindGroupLayout {
    let Some(pipeline) = compute_pipeline.get_or_log(entry_point()) else {
        return Handle::NULL;
    };
    let got = pipeline
        .device
        .ctx
        .global
        .compute_pipeline_get_bind_group_layout(pipeline.id, group_index, None);
    crate::bind_group_layout::of_pipeline(&pipeline.device, got)
}

pub unsafe fn set_label(compute_pipeline: WGPUComputePipeline, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(compute_pipeline, label) }
}
