//! `WGPUTextureView`: a wgpu-core texture view id; holds its texture.

use std::sync::Arc;

use crate::conv;
use crate::device::Device;
use crate::generated::types::*;
use crate::handle::object;
use crate::texture::Texture;

pub struct TextureView {
    pub device: Arc<Device>,
    pub name: crate::label::Name,
    pub id: wgc::id::TextureViewId,
    pub texture: Arc<Texture>,
    pub tally: crate::accounting::Tally,
}

object!(
    TextureView,
    "WGPUTextureView",
    15,
    |v| Some(v.device.clone()),
    named,
    id = TextureView
);

impl Drop for TextureView {
    fn drop(&mut self) {
        self.name.forget(&self.device);
        self.device.ctx.global.texture_view_drop(self.id);
    }
}

pub unsafe fn create(
    texture: &Arc<Texture>,
    descriptor: *const WGPUTextureViewDescriptor,
) -> conv::Result<TextureView> {
    let device = &texture.device;
    let mut wgc_desc = wgc::resource::TextureViewDescriptor::default();
    let mut label = None;
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    if let Some(desc) = unsafe { descriptor.as_ref() } {
        // Swizzles need a feature wgpu-core does not offer.
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        unsafe { conv::no_chain(desc.nextInChain, "WGPUTextureViewDescriptor") }?;
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        label = unsafe { conv::label(desc.label) }?;
        wgc_desc.format = conv::texture_format(desc.format)?;
        wgc_desc.dimension = conv::texture_view_dimension(desc.dimension)?;
        wgc_desc.usage = match desc.usage {
            0 => None,
            u => Some(conv::texture_usage(u)?),
        };
        wgc_desc.range = wgt::ImageSubresourceRange {
            aspect: crate::texture::aspect(desc.aspect)?,
            base_mip_level: desc.baseMipLevel,
            mip_level_count: (desc.mipLevelCount != WGPU_MIP_LEVEL_COUNT_UNDEFINED)
                .then_some(desc.mipLevelCount),
            base_array_layer: desc.baseArrayLayer,
            array_layer_count: (desc.arrayLayerCount != WGPU_ARRAY_LAYER_COUNT_UNDEFINED)
                .then_some(desc.arrayLayerCount),
        };
    }
    let (name, tag) = crate::label::Name::new(label);
    let wgc_desc = wgc::resource::TextureViewDescriptor {
        label: tag.label(),
        ..wgc_desc
    };
    let (id, error) = device
        .ctx
        .global
        .texture_create_view(texture.id, &wgc_desc, None);
    device.check(error);
    Ok(TextureView {
        name,
        device: device.clone(),
        tally: crate::accounting::Tally::new(device, crate::accounting::Kind::TextureView),
        id,
        texture: texture.clone(),
    })
}

pub unsafe fn set_label(texture_view: WGPUTextureView, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(texture_view, label) }
}
