//! `WGPUTexture`: a wgpu-core texture id and the descriptor its getters answer from;
//! also the texel-copy conversions that name textures and buffers.

use std::borrow::Cow;
use std::sync::Arc;

use crate::buffer::Buffer;
use crate::conv;
use crate::device::Device;
use crate::generated::types::*;
use crate::guard::entry_point;
use crate::handle::{object, Handle};

/// What a texture's getters answer from.
pub type TextureDesc = wgt::TextureDescriptor<(), Vec<wgt::TextureFormat>>;

pub struct Texture {
    pub device: Arc<Device>,
    pub name: crate::label::Name,
    pub id: wgc::id::TextureId,
    pub desc: TextureDesc,
    binding_view_dimension: WGPUTextureViewDimension,
    pub tally: crate::accounting::Tally,
}

object!(
    Texture,
    "WGPUTexture",
    14,
    |t| Some(t.device.clone()),
    named,
    id = Texture
);

impl Drop for Texture {
    fn drop(&mut self) {
        self.name.forget(&self.device);
        self.device.ctx.global.texture_drop(self.id);
    }
}

pub fn extent(e: &WGPUExtent3D) -> wgt::Extent3d {
    wgt::Extent3d {
        width: e.width,
        height: e.height,
        depth_or_array_layers: e.depthOrArrayLayers,
    }
}

pub fn aspect(a: WGPUTextureAspect) -> conv::Result<wgt::TextureAspect> {
    Ok(match a {
        WGPUTextureAspect::Undefined | WGPUTextureAspect::All => wgt::TextureAspect::All,
        WGPUTextureAspect::StencilOnly => wgt::TextureAspect::StencilOnly,
        WGPUTextureAspect::DepthOnly => wgt::TextureAspect::DepthOnly,
        other => return Err(format!("{:#x} is not a valid WGPUTextureAspect", other.0)),
    })
}

pub fn buffer_layout(l: &WGPUTexelCopyBufferLayout) -> wgt::TexelCopyBufferLayout {
    wgt::TexelCopyBufferLayout {
        offset: l.offset,
        bytes_per_row: (l.bytesPerRow != WGPU_COPY_STRIDE_UNDEFINED).then_some(l.bytesPerRow),
        rows_per_image: (l.rowsPerImage != WGPU_COPY_STRIDE_UNDEFINED).then_some(l.rowsPerImage),
    }
}

/// A texture copy location, with the texture held for the call.
pub unsafe fn copy_info(
    info: *const WGPUTexelCopyTextureInfo,
    what: &str,
) -> conv::Result<(wgc::command::TexelCopyTextureInfo, Arc<Texture>)> {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let info = unsafe { conv::required(info, what) }?;
    let texture = info.texture.get_or_message(&format!("{what}.texture"))?;
    Ok((
        wgt::TexelCopyTextureInfo {
            texture: texture.id,
            mip_level: info.mipLevel,
            origin: wgt::Origin3d {
                x: info.origin.x,
                y: info.origin.y,
                z: info.origin.z,
            },
            aspect: aspect(info.aspect)?,
        },
        texture,
    ))
}

/// A buffer copy location, with the buffer held for the call.
pub unsafe fn buffer_info(
    info: *const WGPUTexelCopyBufferInfo,
    what: &str,
) -> conv::Result<(wgc::command::TexelCopyBufferInfo, Arc<Buffer>)> {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let info = unsafe { conv::required(info, what) }?;
    let buffer = info.buffer.get_or_message(&format!("{what}.buffer"))?;
    Ok((
        wgt::TexelCopyBufferInfo {
            buffer: buffer.id,
            layout: buffer_layout(&info.layout),
        },
        buffer,
    ))
}

pub unsafe fn create(
    device: &Arc<Device>,
    descriptor: *const WGPUTextureDescriptor,
) -> conv::Result<Texture> {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let desc = unsafe { conv::required(descriptor, "descriptor") }?;
    let mut binding_view_dimension = WGPUTextureViewDimension::Undefined;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    for (s_type, link) in unsafe { conv::Chain::new(desc.nextInChain) } {
        match s_type {
            WGPUSType::TextureBindingViewDimension => {
                // SAFETY: the sType says what this link is.
                let ext = unsafe { &*(link as *const WGPUTextureBindingViewDimension) };
                conv::texture_view_dimension(ext.textureBindingViewDimension)?;
                binding_view_dimension = ext.textureBindingViewDimension;
            }
            other => return Err(conv::unexpected_s_type(other, "WGPUTextureDescriptor")),
        }
    }
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let (name, tag) = crate::label::Name::new(unsafe { conv::label(desc.label) }?);
    let label = tag.label();
    let view_formats =
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        unsafe { conv::slice(desc.viewFormats, desc.viewFormatCount, "viewFormats") }?
            .iter()
            .map(|f| {
                conv::texture_format(*f)?.ok_or_else(|| "a view format is Undefined".to_string())
            })
            .collect::<conv::Result<Vec<_>>>();
    let dimension = conv::texture_dimension(desc.dimension);
    let format = conv::texture_format(desc.format)
        .and_then(|f| f.ok_or_else(|| "the format is Undefined".to_string()));
    let usage = conv::texture_usage(desc.usage);
    // A value webgpu.h does not define (a usage bit, a format, a dimension) is a
    // validation error that still makes a texture, an invalid one, as wgpu-core's own
    // errors do; its descriptor keeps the values that were valid.
    let invalid = [
        view_formats.as_ref().err(),
        dimension.as_ref().err(),
        format.as_ref().err(),
        usage.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    .next()
    .cloned()
    .or_else(|| {
        // What WebGPU's format table refuses and wgpu-core may allow (texture_format).
        let (format, usage) = (format.as_ref().ok()?, usage.as_ref().ok()?);
        crate::texture_format::texture_error(*format, *usage, desc.sampleCount, device.features)
    });
    let wgc_desc = wgt::TextureDescriptor {
        label,
        size: extent(&desc.size),
        mip_level_count: desc.mipLevelCount,
        sample_count: desc.sampleCount,
        dimension: dimension.unwrap_or(wgt::TextureDimension::D2),
        format: format.unwrap_or(wgt::TextureFormat::Rgba8Unorm),
        usage: usage.unwrap_or(wgt::TextureUsages::empty()),
        view_formats: view_formats.unwrap_or_default(),
    };
    let (id, error) = match &invalid {
        Some(e) => {
            device.validation(format!("{}: {e}", entry_point()));
            let id = device
                .ctx
                .global
                .create_texture_error(device.id, None, &wgc_desc);
            (id, None)
        }
        None => device
            .ctx
            .global
            .device_create_texture(device.id, &wgc_desc, None),
    };
    // An invalid texture holds no memory.
    let valid = error.is_none() && invalid.is_none();
    let bytes = if valid { estimated_bytes(&wgc_desc) } else { 0 };
    device.check(error);
    if valid {
        zero_depth_slices(device, id, &wgc_desc);
    }
    Ok(Texture {
        name,
        device: device.clone(),
        tally: crate::accounting::Tally::with_bytes(
            device,
            crate::accounting::Kind::Texture,
            bytes,
        ),
        id,
        desc: wgc_desc.map_label(|_| ()),
        binding_view_dimension,
    })
}

impl Texture {
    /// A texture wgpu-core made for a surface.
    pub fn from_surface(
        device: Arc<Device>,
        id: wgc::id::TextureId,
        desc: wgt::TextureDescriptor<(), Vec<wgt::TextureFormat>>,
    ) -> Self {
        Texture {
            name: crate::label::Name::new(None).0,
            // The swapchain's memory, not the device's: counted, but with no bytes.
            tally: crate::accounting::Tally::new(&device, crate::accounting::Kind::Texture),
            device,
            id,
            desc,
            binding_view_dimension: WGPUTextureViewDimension::Undefined,
        }
    }
}

/// Clears every depth slice of every mip level of a new 3D texture that can be a
/// render attachment, with render passes of its own, before the program can use it.
///
/// wgpu-core 30 tracks the initialization of a 3D texture per mip level, not per depth
/// slice, and takes a render pass that clears or stores one slice as initializing the
/// whole level: the other slices were then read as whatever the memory held before,
/// another texture's texels included (`c-tests/objects.c` reproduces it), which
/// between tenants is a leak. Zeroing them here makes them read as WebGPU says, 0.
fn zero_depth_slices(
    device: &Device,
    id: wgc::id::TextureId,
    desc: &wgt::TextureDescriptor<wgc::Label<'_>, Vec<wgt::TextureFormat>>,
) {
    if desc.dimension != wgt::TextureDimension::D3
        || !desc.usage.contains(wgt::TextureUsages::RENDER_ATTACHMENT)
    {
        return;
    }
    let global = &device.ctx.global;
    let (encoder, error) = global.device_create_command_encoder(
        device.id,
        &wgt::CommandEncoderDescriptor { label: None },
        None,
    );
    let mut views = Vec::new();
    let mut failed = error.is_some();
    for mip in 0..desc.mip_level_count {
        let view_desc = wgc::resource::TextureViewDescriptor {
            range: wgt::ImageSubresourceRange {
                base_mip_level: mip,
                mip_level_count: Some(1),
                ..Default::default()
            },
            ..Default::default()
        };
        let (view, error) = global.texture_create_view(id, &view_desc, None);
        failed |= error.is_some();
        views.push(view);
        let depth = (desc.size.depth_or_array_layers >> mip).max(1);
        for slice in 0..depth {
            if failed {
                break;
            }
            let attachment = wgc::command::RenderPassColorAttachment {
                view,
                depth_slice: Some(slice),
                resolve_target: None,
                load_op: wgc::command::LoadOp::Clear(wgt::Color::TRANSPARENT),
                store_op: wgc::command::StoreOp::Store,
            };
            let pass_desc = wgc::command::RenderPassDescriptor {
                label: None,
                color_attachments: Cow::Owned(vec![Some(attachment)]),
                depth_stencil_attachment: None,
                timestamp_writes: None,
                occlusion_query_set: None,
                multiview_mask: None,
            };
            let (mut pass, error) = global.command_encoder_begin_render_pass(encoder, &pass_desc);
            failed |= error.is_some() || global.render_pass_end(&mut pass).is_err();
        }
    }
    let (commands, error) =
        global.command_encoder_finish(encoder, &wgt::CommandBufferDescriptor { label: None }, None);
    failed |= error.is_some();
    if failed {
        log::warn!("a 3D render target's depth slices could not be zeroed");
        global.command_buffer_drop(commands);
    } else if let Err(e) = device.submit(&[commands]) {
        log::warn!("a 3D render target's depth slices could not be zeroed: {e}");
    }
    for view in views {
        global.texture_view_drop(view);
    }
}

pub unsafe fn create_view(
    texture: WGPUTexture,
    descriptor: *const WGPUTextureViewDescriptor,
) -> WGPUTextureView {
    let Some(texture) = texture.get_or_log(entry_point()) else {
        return Handle::NULL;
    };
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    match unsafe { crate::texture_view::create(&texture, descriptor) } {
        Ok(v) => Handle::new(v),
        Err(e) => {
            texture.device.validation(format!("{}: {e}", entry_point()));
            Handle::NULL
        }
    }
}

pub unsafe fn set_label(texture: WGPUTexture, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(texture, label) }
}

fn getter<R: Default>(texture: WGPUTexture, function: &str, f: impl FnOnce(&Texture) -> R) -> R {
    texture
        .get_or_log(function)
        .map_or_else(R::default, |t| f(&t))
}

pub fn get_width(texture: WGPUTexture) -> u32 {
    getter(texture, entry_point(), |t| t.desc.size.width)
}

pub fn get_height(texture: WGPUTexture) -> u32 {
    getter(texture, entry_point(), |t| t.desc.size.height)
}

pub fn get_depth_or_array_layers(texture: WGPUTexture) -> u32 {
    getter(texture, entry_point(), |t| {
        t.desc.size.depth_or_array_layers
    })
}

pub fn get_mip_level_count(texture: WGPUTexture) -> u32 {
    getter(texture, entry_point(), |t| t.desc.mip_level_count)
}

pub fn get_sample_count(texture: WGPUTexture) -> u32 {
    getter(texture, entry_point(), |t| t.desc.sample_count)
}

pub fn get_dimension(texture: WGPUTexture) -> WGPUTextureDimension {
    getter(texture, entry_point(), |t| {
        conv::texture_dimension_to_c(t.desc.dimension)
    })
}

pub fn get_texture_binding_view_dimension(texture: WGPUTexture) -> WGPUTextureViewDimension {
    getter(texture, entry_point(), |t| t.binding_view_dimension)
}

pub fn get_format(texture: WGPUTexture) -> WGPUTextureFormat {
    getter(texture, entry_point(), |t| {
        conv::texture_format_to_c(t.desc.format)
    })
}

pub fn get_usage(texture: WGPUTexture) -> WGPUTextureUsage {
    getter(texture, entry_point(), |t| {
        conv::texture_usage_to_c(t.desc.usage)
    })
}

pub fn destroy(texture: WGPUTexture) {
    if let Some(t) = texture.get_or_log(entry_point()) {
        t.device.ctx.global.texture_destroy(t.id);
        t.tally.free_bytes();
    }
}

/// The GPU memory a texture takes, for accounting: every mip level of every layer,
/// times the sample count. Formats with no copy size (depth24plus, combined
/// depth-stencil) count what their aspects take, 4 bytes for a depth sample.
fn estimated_bytes<L, V>(desc: &wgt::TextureDescriptor<L, V>) -> u64 {
    let format = desc.format;
    let block_bytes = format.block_copy_size(None).map_or_else(
        || {
            let aspect = |a| format.block_copy_size(Some(a));
            u64::from(aspect(wgt::TextureAspect::DepthOnly).unwrap_or(4))
                + u64::from(aspect(wgt::TextureAspect::StencilOnly).unwrap_or(0))
        },
        u64::from,
    );
    let (bw, bh) = format.block_dimensions();
    let layers = u64::from(desc.array_layer_count());
    (0..desc.mip_level_count)
        .filter_map(|level| desc.mip_level_size(level))
        .map(|size| {
            let blocks = u64::from(size.width.div_ceil(bw)) * u64::from(size.height.div_ceil(bh));
            let depth = match desc.dimension {
                wgt::TextureDimension::D3 => u64::from(size.depth_or_array_layers),
                _ => layers,
            };
            blocks.saturating_mul(depth).saturating_mul(block_bytes)
        })
        .fold(0u64, u64::saturating_add)
        .saturating_mul(u64::from(desc.sample_count))
}
