//! `WGPUSampler`: a wgpu-core sampler id.

use std::sync::Arc;

use crate::conv;
use crate::device::Device;
use crate::generated::types::*;
use crate::handle::object;

pub struct Sampler {
    pub device: Arc<Device>,
    pub name: crate::label::Name,
    pub id: wgc::id::SamplerId,
    pub tally: crate::accounting::Tally,
}

object!(
    Sampler,
    "WGPUSampler",
    16,
    |s| Some(s.device.clone()),
    named,
    id = Sampler
);

impl Drop for Sampler {
    fn drop(&mut self) {
        self.name.forget(&self.device);
        self.device.ctx.global.sampler_drop(self.id);
    }
}

fn address_mode(m: WGPUAddressMode) -> conv::Result<wgt::AddressMode> {
    Ok(match m {
        WGPUAddressMode::Undefined | WGPUAddressMode::ClampToEdge => wgt::AddressMode::ClampToEdge,
        WGPUAddressMode::Repeat => wgt::AddressMode::Repeat,
        WGPUAddressMode::MirrorRepeat => wgt::AddressMode::MirrorRepeat,
        other => return Err(format!("{:#x} is not a valid WGPUAddressMode", other.0)),
    })
}

fn filter_mode(m: WGPUFilterMode) -> conv::Result<wgt::FilterMode> {
    Ok(match m {
        WGPUFilterMode::Undefined | WGPUFilterMode::Nearest => wgt::FilterMode::Nearest,
        WGPUFilterMode::Linear => wgt::FilterMode::Linear,
        other => return Err(format!("{:#x} is not a valid WGPUFilterMode", other.0)),
    })
}

fn mipmap_filter_mode(m: WGPUMipmapFilterMode) -> conv::Result<wgt::MipmapFilterMode> {
    Ok(match m {
        WGPUMipmapFilterMode::Undefined | WGPUMipmapFilterMode::Nearest => {
            wgt::MipmapFilterMode::Nearest
        }
        WGPUMipmapFilterMode::Linear => wgt::MipmapFilterMode::Linear,
        other => {
            return Err(format!(
                "{:#x} is not a valid WGPUMipmapFilterMode",
                other.0
            ))
        }
    })
}

pub unsafe fn create(
    device: &Arc<Device>,
    descriptor: *const WGPUSamplerDescriptor,
) -> conv::Result<Sampler> {
    let mut wgc_desc = wgc::resource::SamplerDescriptor {
        label: None,
        address_modes: [wgt::AddressMode::ClampToEdge; 3],
        mag_filter: wgt::FilterMode::Nearest,
        min_filter: wgt::FilterMode::Nearest,
        mipmap_filter: wgt::MipmapFilterMode::Nearest,
        lod_min_clamp: 0.0,
        lod_max_clamp: 32.0,
        compare: None,
        anisotropy_clamp: 1,
        border_color: None,
    };
    let mut label = None;
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    if let Some(desc) = unsafe { descriptor.as_ref() } {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        unsafe { conv::no_chain(desc.nextInChain, "WGPUSamplerDescriptor") }?;
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        label = unsafe { conv::label(desc.label) }?;
        wgc_desc.address_modes = [
            address_mode(desc.addressModeU)?,
            address_mode(desc.addressModeV)?,
            address_mode(desc.addressModeW)?,
        ];
        wgc_desc.mag_filter = filter_mode(desc.magFilter)?;
        wgc_desc.min_filter = filter_mode(desc.minFilter)?;
        wgc_desc.mipmap_filter = mipmap_filter_mode(desc.mipmapFilter)?;
        wgc_desc.lod_min_clamp = desc.lodMinClamp;
        wgc_desc.lod_max_clamp = desc.lodMaxClamp;
        wgc_desc.compare = conv::compare_function(desc.compare)?;
        wgc_desc.anisotropy_clamp = desc.maxAnisotropy;
    }
    let (name, tag) = crate::label::Name::new(label);
    let wgc_desc = wgc::resource::SamplerDescriptor {
        label: tag.label(),
        ..wgc_desc
    };
    let (id, error) = device
        .ctx
        .global
        .device_create_sampler(device.id, &wgc_desc, None);
    device.check(error);
    Ok(Sampler {
        name,
        device: device.clone(),
        tally: crate::accounting::Tally::new(device, crate::accounting::Kind::Sampler),
        id,
    })
}

pub unsafe fn set_label(sampler: WGPUSampler, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(sampler, label) }
}
