//! `WGPUAdapter`: a wgpu-core adapter id and the instance it came from. Also the
//! conversion of `WGPUAdapterInfo`, shared with `wgpuDeviceGetAdapterInfo`.

use std::sync::Arc;

use crate::context::Context;
use crate::conv;
use crate::free_members::{leak_array, leak_string};
use crate::future::{Sendable, CANCELLED};
use crate::generated::types::*;
use crate::guard::entry_point;
use crate::handle::{object, Handle, Unclaimed};

pub struct Adapter {
    pub ctx: Arc<Context>,
    pub id: wgc::id::AdapterId,
}

object!(Adapter, "WGPUAdapter", 2, |_a| None, id = Adapter);

impl Drop for Adapter {
    fn drop(&mut self) {
        self.ctx.global.adapter_drop(self.id);
    }
}

/// Picks an adapter for `wgpuInstanceRequestAdapter`.
pub unsafe fn request(
    ctx: &Arc<Context>,
    options: *const WGPURequestAdapterOptions,
) -> Result<Adapter, (WGPURequestAdapterStatus, String)> {
    let error = |m: String| (WGPURequestAdapterStatus::Error, m);
    let mut desc = wgc::instance::RequestAdapterOptions::default();
    let mut backends = wgt::Backends::all();
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    if let Some(o) = unsafe { options.as_ref() } {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        for (s_type, link) in unsafe { conv::Chain::new(o.nextInChain) } {
            if s_type == WGPUSType::DawnTogglesDescriptor {
                // SAFETY: the sType says the link is a WGPUDawnTogglesDescriptor.
                unsafe { crate::toggles::read(link, "WGPURequestAdapterOptions", None) }
                    .map_err(error)?;
                continue;
            }
            if s_type != WGPUSType::RequestAdapterWebXROptions {
                return Err(error(conv::unexpected_s_type(
                    s_type,
                    "WGPURequestAdapterOptions",
                )));
            }
        }
        match o.featureLevel {
            WGPUFeatureLevel::Undefined
            | WGPUFeatureLevel::Core
            | WGPUFeatureLevel::Compatibility => {}
            other => {
                return Err(error(format!(
                    "{:#x} is not a valid WGPUFeatureLevel",
                    other.0
                )))
            }
        }
        desc.power_preference = conv::power_preference(o.powerPreference).map_err(error)?;
        desc.force_fallback_adapter =
            conv::bool(o.forceFallbackAdapter, "forceFallbackAdapter").map_err(error)?;
        backends = conv::backends(o.backendType).map_err(error)?;
        if !o.compatibleSurface.is_null() {
            let surface = o
                .compatibleSurface
                .get_or_message("compatibleSurface")
                .map_err(error)?;
            desc.compatible_surface = Some(surface.id);
        }
    }
    match ctx.global.request_adapter(&desc, backends, None) {
        Ok(id) => Ok(Adapter {
            ctx: ctx.clone(),
            id,
        }),
        Err(e) => Err((WGPURequestAdapterStatus::Unavailable, e.to_string())),
    }
}

pub unsafe fn get_limits(adapter: WGPUAdapter, limits: *mut WGPULimits) -> WGPUStatus {
    let Some(adapter) = adapter.get_or_log(entry_point()) else {
        return WGPUStatus::Error;
    };
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let Some(out) = (unsafe { limits.as_mut() }) else {
        return WGPUStatus::Error;
    };
    let limits = usable_limits(&adapter);
    conv::limits_to_c(&limits, out);
    // SAFETY: the caller's chain, each link's sType naming its type.
    match unsafe { conv::stage_limits_to_c(&limits, out.nextInChain) } {
        Ok(()) => WGPUStatus::Success,
        Err(_) => WGPUStatus::Error,
    }
}

/// The limits the adapter reports: wgpu-core's, with each per-stage binding limit held
/// to an even share of a bind group, so that WebGPU's rule for adapters holds:
/// maxBindingsPerBindGroup ≥ (the five per-stage binding limits summed) × 2 stages.
/// Vulkan drivers with descriptor indexing report a million sampled textures (and
/// more) per stage: a layout that uses them all breaks the rule, and validating it
/// takes minutes (the CTS's `max_resources_per_stage` cases did, on an NVIDIA GPU).
pub fn usable_limits(adapter: &Adapter) -> wgt::Limits {
    let mut limits = adapter.ctx.global.adapter_limits(adapter.id);
    let share = limits.max_bindings_per_bind_group / (2 * 5);
    for limit in [
        &mut limits.max_sampled_textures_per_shader_stage,
        &mut limits.max_samplers_per_shader_stage,
        &mut limits.max_storage_buffers_per_shader_stage,
        &mut limits.max_storage_textures_per_shader_stage,
        &mut limits.max_uniform_buffers_per_shader_stage,
    ] {
        *limit = (*limit).min(share);
    }
    limits
}

/// The features the adapter reports: wgpu-core's, less those that do not work end to
/// end on this backend (`c-tests/features.c` finds them): BC in sliced 3D textures on
/// GL, where every slice but the first reads as zero.
pub fn usable_features(adapter: &Adapter) -> wgt::Features {
    let global = &adapter.ctx.global;
    let mut features = global.adapter_features(adapter.id);
    if global.adapter_get_info(adapter.id).backend == wgt::Backend::Gl {
        features.remove(wgt::Features::TEXTURE_COMPRESSION_BC_SLICED_3D);
    }
    // The adapter's format capabilities are reported as texture-formats-tier1 only
    // where they hold all of it.
    let tier1 = crate::texture_format::adapter_has_tier1(features, |f| {
        global.adapter_get_texture_format_features(adapter.id, f)
    });
    if !tier1 {
        features.remove(wgt::Features::TEXTURE_ADAPTER_SPECIFIC_FORMAT_FEATURES);
    }
    features
}

pub fn has_feature(adapter: WGPUAdapter, feature: WGPUFeatureName) -> WGPUBool {
    let Some(adapter) = adapter.get_or_log(entry_point()) else {
        return WGPU_FALSE;
    };
    conv::features_to_c(usable_features(&adapter)).contains(&feature) as WGPUBool
}

pub unsafe fn get_features(adapter: WGPUAdapter, features: *mut WGPUSupportedFeatures) {
    let Some(adapter) = adapter.get_or_log(entry_point()) else {
        return;
    };
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let Some(out) = (unsafe { features.as_mut() }) else {
        return log::error!("{}: features is NULL", entry_point());
    };
    let list = conv::features_to_c(usable_features(&adapter));
    (out.features, out.featureCount) = leak_array(list);
}

pub unsafe fn get_info(adapter: WGPUAdapter, info: *mut WGPUAdapterInfo) -> WGPUStatus {
    let Some(adapter) = adapter.get_or_log(entry_point()) else {
        return WGPUStatus::Error;
    };
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let Some(out) = (unsafe { info.as_mut() }) else {
        return WGPUStatus::Error;
    };
    fill_info(&adapter.ctx.global.adapter_get_info(adapter.id), out)
}

pub fn fill_info(info: &wgt::AdapterInfo, out: &mut WGPUAdapterInfo) -> WGPUStatus {
    // Chained output structs: Dawn's subgroup matrix configurations (none: wgpu-core
    // has no subgroup matrices); any other is an error.
    // SAFETY: the caller's chain, each link's sType naming its type.
    for (s_type, link) in unsafe { conv::Chain::new(out.nextInChain) } {
        if s_type != WGPUSType::AdapterPropertiesSubgroupMatrixConfigs {
            return WGPUStatus::Error;
        }
        // SAFETY: the sType says the link is a WGPUAdapterPropertiesSubgroupMatrixConfigs,
        // which the caller lets us write.
        let configs = unsafe { &mut *(link as *mut WGPUAdapterPropertiesSubgroupMatrixConfigs) };
        configs.configCount = 0;
        configs.configs = std::ptr::null();
    }
    out.vendor = leak_string(&info.driver);
    out.architecture = leak_string("");
    out.device = leak_string(&info.name);
    out.description = leak_string(&info.driver_info);
    out.backendType = conv::backend_to_c(info.backend);
    out.adapterType = conv::adapter_type_to_c(info.device_type);
    out.vendorID = info.vendor;
    out.deviceID = info.device;
    out.subgroupMinSize = info.subgroup_min_size;
    out.subgroupMaxSize = info.subgroup_max_size;
    WGPUStatus::Success
}

pub unsafe fn request_device(
    adapter: WGPUAdapter,
    descriptor: *const WGPUDeviceDescriptor,
    callback_info: WGPURequestDeviceCallbackInfo,
) -> WGPUFuture {
    let Some(adapter) = adapter.get_or_log(entry_point()) else {
        return WGPUFuture { id: 0 };
    };
    let cb = Sendable(callback_info);
    let ctx = adapter.ctx.clone();
    let Some(pending) = ctx.futures.register_checked(
        entry_point(),
        callback_info.mode,
        None,
        None,
        move |result: Result<
            Unclaimed<crate::device::Device>,
            (WGPURequestDeviceStatus, String),
        >| {
            let cb = &cb;
            let Some(f) = cb.0.callback else {
                // Nobody takes the device: the Unclaimed drops and releases it.
                return;
            };
            let (status, device, message) = match result {
                Ok(d) => (WGPURequestDeviceStatus::Success, d.claim(), String::new()),
                Err((status, message)) => (status, Handle::NULL, message),
            };
            // SAFETY: the C callback with the caller's own userdata, as webgpu.h defines.
            unsafe {
                f(
                    status,
                    device,
                    conv::to_string_view(&message),
                    cb.0.userdata1,
                    cb.0.userdata2,
                )
            }
        },
        || Err((WGPURequestDeviceStatus::CallbackCancelled, CANCELLED.into())),
    ) else {
        return WGPUFuture { id: 0 };
    };
    let future = pending.future();
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let result = unsafe { crate::device::create(&adapter, descriptor) };
    pending.complete(
        &ctx.futures,
        result
            .map(Unclaimed::new)
            .map_err(|m| (WGPURequestDeviceStatus::Error, m)),
    );
    future
}
