//! `WGPURenderPipeline`: a wgpu-core render pipeline id, with all of the render state
//! converted here (vertex layouts, primitive, depth/stencil, multisample, targets).

use std::borrow::Cow;
use std::sync::Arc;

use crate::conv;
use crate::device::Device;
use crate::generated::types::*;
use crate::guard::entry_point;
use crate::handle::{object, Handle};

pub struct RenderPipeline {
    pub device: Arc<Device>,
    pub name: crate::label::Name,
    pub id: wgc::id::RenderPipelineId,
    pub tally: crate::accounting::Tally,
    /// What its layout lets wgpu-core take of the immediate data (`immediates`).
    pub immediates: crate::immediates::Pipeline,
}

object!(
    RenderPipeline,
    "WGPURenderPipeline",
    18,
    |p| Some(p.device.clone()),
    named,
    id = RenderPipeline
);

impl Drop for RenderPipeline {
    fn drop(&mut self) {
        self.name.forget(&self.device);
        self.device.ctx.global.render_pipeline_drop(self.id);
    }
}

fn bad<T>(value: u32, ty: &str) -> conv::Result<T> {
    Err(format!("{value:#x} is not a valid {ty}"))
}

fn vertex_format(f: WGPUVertexFormat) -> conv::Result<wgt::VertexFormat> {
    use wgt::VertexFormat as V;
    use WGPUVertexFormat as C;
    Ok(match f {
        C::Uint8 => V::Uint8,
        C::Uint8x2 => V::Uint8x2,
        C::Uint8x4 => V::Uint8x4,
        C::Sint8 => V::Sint8,
        C::Sint8x2 => V::Sint8x2,
        C::Sint8x4 => V::Sint8x4,
        C::Unorm8 => V::Unorm8,
        C::Unorm8x2 => V::Unorm8x2,
        C::Unorm8x4 => V::Unorm8x4,
        C::Snorm8 => V::Snorm8,
        C::Snorm8x2 => V::Snorm8x2,
        C::Snorm8x4 => V::Snorm8x4,
        C::Uint16 => V::Uint16,
        C::Uint16x2 => V::Uint16x2,
        C::Uint16x4 => V::Uint16x4,
        C::Sint16 => V::Sint16,
        C::Sint16x2 => V::Sint16x2,
        C::Sint16x4 => V::Sint16x4,
        C::Unorm16 => V::Unorm16,
        C::Unorm16x2 => V::Unorm16x2,
        C::Unorm16x4 => V::Unorm16x4,
        C::Snorm16 => V::Snorm16,
        C::Snorm16x2 => V::Snorm16x2,
        C::Snorm16x4 => V::Snorm16x4,
        C::Float16 => V::Float16,
        C::Float16x2 => V::Float16x2,
        C::Float16x4 => V::Float16x4,
        C::Float32 => V::Float32,
        C::Float32x2 => V::Float32x2,
        C::Float32x3 => V::Float32x3,
        C::Float32x4 => V::Float32x4,
        C::Uint32 => V::Uint32,
        C::Uint32x2 => V::Uint32x2,
        C::Uint32x3 => V::Uint32x3,
        C::Uint32x4 => V::Uint32x4,
        C::Sint32 => V::Sint32,
        C::Sint32x2 => V::Sint32x2,
        C::Sint32x3 => V::Sint32x3,
        C::Sint32x4 => V::Sint32x4,
        C::Unorm10_10_10_2 => V::Unorm10_10_10_2,
        C::Unorm8x4BGRA => V::Unorm8x4Bgra,
        other => return bad(other.0, "WGPUVertexFormat"),
    })
}

pub fn index_format(f: WGPUIndexFormat) -> conv::Result<Option<wgt::IndexFormat>> {
    Ok(match f {
        WGPUIndexFormat::Undefined => None,
        WGPUIndexFormat::Uint16 => Some(wgt::IndexFormat::Uint16),
        WGPUIndexFormat::Uint32 => Some(wgt::IndexFormat::Uint32),
        other => return bad(other.0, "WGPUIndexFormat"),
    })
}

fn blend_factor(f: WGPUBlendFactor) -> conv::Result<wgt::BlendFactor> {
    use wgt::BlendFactor as B;
    use WGPUBlendFactor as C;
    Ok(match f {
        C::Zero => B::Zero,
        C::One => B::One,
        C::Src => B::Src,
        C::OneMinusSrc => B::OneMinusSrc,
        C::SrcAlpha => B::SrcAlpha,
        C::OneMinusSrcAlpha => B::OneMinusSrcAlpha,
        C::Dst => B::Dst,
        C::OneMinusDst => B::OneMinusDst,
        C::DstAlpha => B::DstAlpha,
        C::OneMinusDstAlpha => B::OneMinusDstAlpha,
        C::SrcAlphaSaturated => B::SrcAlphaSaturated,
        C::Constant => B::Constant,
        C::OneMinusConstant => B::OneMinusConstant,
        C::Src1 => B::Src1,
        C::OneMinusSrc1 => B::OneMinusSrc1,
        C::Src1Alpha => B::Src1Alpha,
        C::OneMinusSrc1Alpha => B::OneMinusSrc1Alpha,
        other => return bad(other.0, "WGPUBlendFactor"),
    })
}

/// A blend component; Undefined fields take the spec's defaults (add, one, zero).
fn blend_component(c: &WGPUBlendComponent) -> conv::Result<wgt::BlendComponent> {
    Ok(wgt::BlendComponent {
        operation: match c.operation {
            WGPUBlendOperation::Undefined | WGPUBlendOperation::Add => wgt::BlendOperation::Add,
            WGPUBlendOperation::Subtract => wgt::BlendOperation::Subtract,
            WGPUBlendOperation::ReverseSubtract => wgt::BlendOperation::ReverseSubtract,
            WGPUBlendOperation::Min => wgt::BlendOperation::Min,
            WGPUBlendOperation::Max => wgt::BlendOperation::Max,
            other => return bad(other.0, "WGPUBlendOperation"),
        },
        src_factor: match c.srcFactor {
            WGPUBlendFactor::Undefined => wgt::BlendFactor::One,
            f => blend_factor(f)?,
        },
        dst_factor: match c.dstFactor {
            WGPUBlendFactor::Undefined => wgt::BlendFactor::Zero,
            f => blend_factor(f)?,
        },
    })
}

fn stencil_operation(o: WGPUStencilOperation) -> conv::Result<wgt::StencilOperation> {
    use wgt::StencilOperation as S;
    use WGPUStencilOperation as C;
    Ok(match o {
        C::Undefined | C::Keep => S::Keep,
        C::Zero => S::Zero,
        C::Replace => S::Replace,
        C::Invert => S::Invert,
        C::IncrementClamp => S::IncrementClamp,
        C::DecrementClamp => S::DecrementClamp,
        C::IncrementWrap => S::IncrementWrap,
        C::DecrementWrap => S::DecrementWrap,
        other => return bad(other.0, "WGPUStencilOperation"),
    })
}

fn stencil_face(s: &WGPUStencilFaceState) -> conv::Result<wgt::StencilFaceState> {
    Ok(wgt::StencilFaceState {
        compare: conv::compare_function(s.compare)?.unwrap_or(wgt::CompareFunction::Always),
        fail_op: stencil_operation(s.failOp)?,
        depth_fail_op: stencil_operation(s.depthFailOp)?,
        pass_op: stencil_operation(s.passOp)?,
    })
}

fn depth_stencil(d: &WGPUDepthStencilState) -> conv::Result<wgt::DepthStencilState> {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { conv::no_chain(d.nextInChain, "WGPUDepthStencilState") }?;
    Ok(wgt::DepthStencilState {
        format: conv::texture_format(d.format)?.ok_or("depthStencil.format is Undefined")?,
        depth_write_enabled: match d.depthWriteEnabled {
            WGPUOptionalBool::False => Some(false),
            WGPUOptionalBool::True => Some(true),
            WGPUOptionalBool::Undefined => None,
            other => return bad(other.0, "WGPUOptionalBool"),
        },
        depth_compare: conv::compare_function(d.depthCompare)?,
        stencil: wgt::StencilState {
            front: stencil_face(&d.stencilFront)?,
            back: stencil_face(&d.stencilBack)?,
            read_mask: d.stencilReadMask,
            write_mask: d.stencilWriteMask,
        },
        bias: wgt::DepthBiasState {
            constant: d.depthBias,
            slope_scale: d.depthBiasSlopeScale,
            clamp: d.depthBiasClamp,
        },
    })
}

fn primitive(p: &WGPUPrimitiveState) -> conv::Result<wgt::PrimitiveState> {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { conv::no_chain(p.nextInChain, "WGPUPrimitiveState") }?;
    Ok(wgt::PrimitiveState {
        topology: match p.topology {
            WGPUPrimitiveTopology::Undefined | WGPUPrimitiveTopology::TriangleList => {
                wgt::PrimitiveTopology::TriangleList
            }
            WGPUPrimitiveTopology::PointList => wgt::PrimitiveTopology::PointList,
            WGPUPrimitiveTopology::LineList => wgt::PrimitiveTopology::LineList,
            WGPUPrimitiveTopology::LineStrip => wgt::PrimitiveTopology::LineStrip,
            WGPUPrimitiveTopology::TriangleStrip => wgt::PrimitiveTopology::TriangleStrip,
            other => return bad(other.0, "WGPUPrimitiveTopology"),
        },
        strip_index_format: index_format(p.stripIndexFormat)?,
        front_face: match p.frontFace {
            WGPUFrontFace::Undefined | WGPUFrontFace::CCW => wgt::FrontFace::Ccw,
            WGPUFrontFace::CW => wgt::FrontFace::Cw,
            other => return bad(other.0, "WGPUFrontFace"),
        },
        cull_mode: match p.cullMode {
            WGPUCullMode::Undefined | WGPUCullMode::None => None,
            WGPUCullMode::Front => Some(wgt::Face::Front),
            WGPUCullMode::Back => Some(wgt::Face::Back),
            other => return bad(other.0, "WGPUCullMode"),
        },
        unclipped_depth: conv::bool(p.unclippedDepth, "unclippedDepth")?,
        polygon_mode: wgt::PolygonMode::Fill,
        conservative: false,
    })
}

fn color_target(t: &WGPUColorTargetState) -> conv::Result<Option<wgt::ColorTargetState>> {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { conv::no_chain(t.nextInChain, "WGPUColorTargetState") }?;
    let Some(format) = conv::texture_format(t.format)? else {
        // An Undefined format leaves the attachment slot empty.
        return Ok(None);
    };
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let blend = match unsafe { t.blend.as_ref() } {
        None => None,
        Some(b) => Some(wgt::BlendState {
            color: blend_component(&b.color)?,
            alpha: blend_component(&b.alpha)?,
        }),
    };
    Ok(Some(wgt::ColorTargetState {
        format,
        blend,
        write_mask: wgt::ColorWrites::from_bits_truncate(t.writeMask as u32),
    }))
}

/// A render pipeline descriptor converted from C, owning all it names, so that it can
/// be built on another thread.
pub struct Prepared {
    device: Arc<Device>,
    name: crate::label::Name,
    desc: wgc::pipeline::RenderPipelineDescriptor<'static>,
    /// What the descriptor names by id, held until the pipeline is built.
    _held: Vec<Arc<dyn std::any::Any + Send + Sync>>,
    /// A validation error found here, before wgpu-core is asked.
    refused: Option<String>,
    immediates: crate::immediates::Pipeline,
}

pub unsafe fn prepare(
    device: &Arc<Device>,
    descriptor: *const WGPURenderPipelineDescriptor,
) -> conv::Result<Prepared> {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let desc = unsafe { conv::required(descriptor, "descriptor") }?;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { conv::no_chain(desc.nextInChain, "WGPURenderPipelineDescriptor") }?;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { conv::no_chain(desc.vertex.nextInChain, "WGPUVertexState") }?;
    let layout = desc.layout.get_optional("layout")?;
    let vertex_module = desc.vertex.module.get_or_message("vertex.module")?;

    // Attribute lists are borrowed by the layouts below; collect them first.
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let buffers = unsafe {
        conv::slice(
            desc.vertex.buffers,
            desc.vertex.bufferCount,
            "vertex.buffers",
        )
    }?;
    let mut attributes = Vec::with_capacity(buffers.len());
    for b in buffers {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        unsafe { conv::no_chain(b.nextInChain, "WGPUVertexBufferLayout") }?;
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let list = unsafe { conv::slice(b.attributes, b.attributeCount, "attributes") }?
            .iter()
            .map(|a| {
                Ok(wgt::VertexAttribute {
                    format: vertex_format(a.format)?,
                    offset: a.offset,
                    shader_location: a.shaderLocation,
                })
            })
            .collect::<conv::Result<Vec<_>>>()?;
        attributes.push(list);
    }
    let vertex_buffers = buffers
        .iter()
        .zip(attributes)
        .map(|(b, attrs)| {
            let step_mode = match b.stepMode {
                // An unused slot: no step mode and no attributes.
                WGPUVertexStepMode::Undefined if attrs.is_empty() => return Ok(None),
                WGPUVertexStepMode::Undefined | WGPUVertexStepMode::Vertex => {
                    wgt::VertexStepMode::Vertex
                }
                WGPUVertexStepMode::Instance => wgt::VertexStepMode::Instance,
                other => return bad(other.0, "WGPUVertexStepMode"),
            };
            Ok(Some(wgc::pipeline::VertexBufferLayout {
                array_stride: b.arrayStride,
                step_mode,
                attributes: Cow::Owned(attrs),
            }))
        })
        .collect::<conv::Result<Vec<_>>>()?;

    // What WebGPU checks of a stage's entry point that wgpu-core does not: the
    // immediate data it uses and the texture-sampler pairs it samples against an
    // explicit layout; the storage textures an automatic layout derives from it against
    // this device's format capabilities.
    let stage_error =
        |module: &crate::shader_module::ShaderModule, stage, entry_point| match &layout {
            Some(layout) => module
                .entry_immediates
                .error(stage, entry_point, layout.immediate_size)
                .or_else(|| module.sampling.error(stage, entry_point, &layout.groups)),
            None => module
                .storage_textures
                .error(stage, entry_point, device.features),
        };
    let mut fragment_module = None;
    let mut outputs_error = None;
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let fragment = match unsafe { desc.fragment.as_ref() } {
        None => None,
        Some(f) => {
            // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
            unsafe { conv::no_chain(f.nextInChain, "WGPUFragmentState") }?;
            let module = f.module.get_or_message("fragment.module")?;
            // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
            let c_targets = unsafe { conv::slice(f.targets, f.targetCount, "fragment.targets") }?;
            let targets = c_targets
                .iter()
                .map(color_target)
                .collect::<conv::Result<Vec<_>>>()?;
            // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
            let entry_point = unsafe { conv::string_view(f.entryPoint) }?;
            let sample_count = desc.multisample.count;
            // A write mask of unknown bits is WebGPU's validation error (an invalid
            // pipeline), not a conversion one.
            let write_mask_error = c_targets.iter().enumerate().find_map(|(i, t)| {
                (t.writeMask & !WGPUColorWriteMask_KNOWN != 0).then(|| {
                    format!(
                        "{:#x} (color target {i}) is not a valid write mask",
                        t.writeMask
                    )
                })
            });
            let alpha_to_coverage = desc.multisample.alphaToCoverageEnabled != 0;
            outputs_error = write_mask_error
                .or_else(|| {
                    (alpha_to_coverage && module.fragment_outputs.writes_sample_mask(entry_point))
                        .then(|| {
                            "alpha-to-coverage is enabled and the fragment shader writes \
                             @builtin(sample_mask)"
                                .to_string()
                        })
                })
                .or_else(|| {
                    targets.iter().flatten().find_map(|t| {
                        crate::texture_format::color_target_error(
                            t.format,
                            t.blend.is_some(),
                            sample_count,
                            device.features,
                        )
                    })
                })
                .or_else(|| module.fragment_outputs.error(entry_point, &targets))
                .or_else(|| stage_error(&module, naga::ShaderStage::Fragment, entry_point));
            let state = wgc::pipeline::FragmentState {
                stage: wgc::pipeline::ProgrammableStageDescriptor {
                    module: module.id,
                    entry_point: entry_point.map(|e| Cow::Owned(e.to_string())),
                    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
                    constants: unsafe { conv::constants(f.constants, f.constantCount) }?
                        .into_iter()
                        .collect(),
                    zero_initialize_workgroup_memory: device
                        .toggles
                        .zero_initialize_workgroup_memory,
                },
                targets: Cow::Owned(targets),
            };
            fragment_module = Some(module);
            Some(state)
        }
    };
    let ms = &desc.multisample;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { conv::no_chain(ms.nextInChain, "WGPUMultisampleState") }?;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let (name, tag) = crate::label::Name::new(unsafe { conv::label(desc.label) }?);
    let label = tag.owned_label();
    let wgc_desc = wgc::pipeline::RenderPipelineDescriptor {
        label,
        layout: layout.as_ref().map(|l| l.id),
        vertex: wgc::pipeline::VertexState {
            stage: wgc::pipeline::ProgrammableStageDescriptor {
                module: vertex_module.id,
                // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
                entry_point: unsafe { conv::string_view(desc.vertex.entryPoint) }?
                    .map(|e| Cow::Owned(e.to_string())),
                // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
                constants: unsafe {
                    conv::constants(desc.vertex.constants, desc.vertex.constantCount)
                }?
                .into_iter()
                .collect(),
                zero_initialize_workgroup_memory: device.toggles.zero_initialize_workgroup_memory,
            },
            buffers: Cow::Owned(vertex_buffers),
        },
        primitive: primitive(&desc.primitive)?,
        // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
        depth_stencil: match unsafe { desc.depthStencil.as_ref() } {
            None => None,
            Some(d) => Some(depth_stencil(d)?),
        },
        multisample: wgt::MultisampleState {
            count: ms.count,
            mask: ms.mask as u64,
            alpha_to_coverage_enabled: conv::bool(
                ms.alphaToCoverageEnabled,
                "alphaToCoverageEnabled",
            )?,
        },
        fragment,
        multiview_mask: None,
        cache: None,
    };
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let vertex_entry = unsafe { conv::string_view(desc.vertex.entryPoint) }?;
    let alpha_to_coverage_error = (ms.alphaToCoverageEnabled != 0 && ms.count <= 1).then(|| {
        format!(
            "alpha-to-coverage needs a multisample count above 1, not {}",
            ms.count
        )
    });
    let outputs_error = alpha_to_coverage_error
        .or(outputs_error)
        .or_else(|| stage_error(&vertex_module, naga::ShaderStage::Vertex, vertex_entry));
    // A module's error that WebGPU makes at pipeline creation (shader_module).
    let refused = std::iter::once(&vertex_module)
        .chain(&fragment_module)
        .find_map(|m| m.pipeline_error.clone())
        .or_else(|| outputs_error.map(|m| format!("Error creating render pipeline: {m}")));
    let immediates = crate::immediates::Pipeline::of(
        layout.as_deref(),
        [Some(&*vertex_module), fragment_module.as_deref()],
    );
    let mut held: Vec<Arc<dyn std::any::Any + Send + Sync>> = vec![vertex_module];
    held.extend(fragment_module.map(|m| m as Arc<dyn std::any::Any + Send + Sync>));
    held.extend(layout.map(|l| l as Arc<dyn std::any::Any + Send + Sync>));
    Ok(Prepared {
        device: device.clone(),
        name,
        desc: wgc_desc,
        _held: held,
        refused,
        immediates,
    })
}

impl crate::device::PreparedPipeline for Prepared {
    type Pipeline = RenderPipeline;

    fn build(self) -> (RenderPipeline, Option<(WGPUErrorType, String)>) {
        let device = self.device;
        let global = &device.ctx.global;
        let (id, error) = crate::device::made_pipeline(
            &device,
            "render",
            self.refused,
            || global.device_create_render_pipeline(device.id, &self.desc, None),
            || {
                // An invalid pipeline, from an invalid module.
                let mut desc = self.desc.clone();
                desc.vertex.stage.module = crate::shader_module::invalid_module(&device, None);
                let (id, _) = global.device_create_render_pipeline(device.id, &desc, None);
                global.shader_module_drop(desc.vertex.stage.module);
                id
            },
        );
        let name = self.name;
        let immediates = self.immediates;
        let tally = crate::accounting::Tally::new(&device, crate::accounting::Kind::RenderPipeline);
        (
            RenderPipeline {
                device,
                name,
                id,
                tally,
                immediates,
            },
            error,
        )
    }
}

pub fn get_bind_group_layout(
    render_pipeline: WGPURenderPipeline,
    group_index: u32,
) -> WGPUBindGroupLayout {
    let Some(pipeline) = render_pipeline.get_or_log(entry_point()) else {
        return Handle::NULL;
    };
    let got = pipeline
        .device
        .ctx
        .global
        .render_pipeline_get_bind_group_layout(pipeline.id, group_index, None);
    crate::bind_group_layout::of_pipeline(&pipeline.device, got)
}

pub unsafe fn set_label(render_pipeline: WGPURenderPipeline, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(render_pipeline, label) }
}
