//! `WGPUInstance`: owns the wgpu-core `Global` (shared, through `Context`, with every
//! object made from it) and the future queue. Releasing the last C reference cancels
//! every undelivered callback. Also the free functions of webgpu.h.

use std::sync::Arc;
use std::time::Duration;

use crate::context::Context;
use crate::conv;
use crate::future::{Sendable, Wait, CANCELLED};
use crate::generated::types::*;
use crate::guard::entry_point;
use crate::handle::{object, Handle};

/// The most futures one `WaitAny` with a timeout may wait on.
pub const TIMED_WAIT_ANY_MAX_COUNT: usize = 64;

pub struct Instance {
    pub ctx: Arc<Context>,
}

object!(Instance, "WGPUInstance", 1, |_i| None);

impl Drop for Instance {
    fn drop(&mut self) {
        self.ctx.futures.close();
    }
}

const INSTANCE_FEATURES: [WGPUInstanceFeatureName; 3] = [
    WGPUInstanceFeatureName::TimedWaitAny,
    WGPUInstanceFeatureName::ShaderSourceSPIRV,
    WGPUInstanceFeatureName::MultipleDevicesPerAdapter,
];

pub unsafe fn create_instance(descriptor: *const WGPUInstanceDescriptor) -> WGPUInstance {
    crate::logging::install();
    if let Some(target) = crate::remote::target() {
        // SAFETY: the caller's pointer, passed on.
        return unsafe { crate::remote::client::create_instance(descriptor, &target) };
    }
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    match unsafe { instance_options(descriptor) } {
        Ok(InstanceOptions {
            timed_wait_any,
            backends,
        }) => {
            let backends = backends.unwrap_or_else(backends_from_env);
            log::debug!("{}: backends {backends:?}", entry_point());
            let desc = wgt::InstanceDescriptor {
                backends,
                flags: wgt::InstanceFlags::from_build_config().with_env(),
                ..wgt::InstanceDescriptor::new_without_display_handle()
            };
            let global = wgc::global::Global::new("webgpu-shim", desc, None);
            let ctx = Context::new(global, timed_wait_any, backends);
            Handle::new(Instance { ctx: Arc::new(ctx) })
        }
        Err(e) => {
            log::error!("{}: {e}", entry_point());
            Handle::NULL
        }
    }
}

/// The backends named by `WEBGPU_SHIM_BACKEND` or `WGPU_BACKEND`, else the primary
/// ones. GL is probed only when asked for: probing it where there is no EGL logs
/// errors at every instance creation.
fn backends_from_env() -> wgt::Backends {
    std::env::var("WEBGPU_SHIM_BACKEND")
        .ok()
        .map(|list| wgt::Backends::from_comma_list(&list))
        .or_else(wgt::Backends::from_env)
        .filter(|b| !b.is_empty())
        .unwrap_or(wgt::Backends::PRIMARY)
}

/// What an instance descriptor asks for.
struct InstanceOptions {
    timed_wait_any: bool,
    /// From a chained `WGPUShimInstanceBackends`.
    backends: Option<wgt::Backends>,
}

/// `WGPUShimBackends` bits as wgpu-types backends; unknown bits are an error.
fn shim_backends(bits: u64) -> conv::Result<Option<wgt::Backends>> {
    use crate::extensions::*;
    let known = [
        (WGPUShimBackend_Vulkan, wgt::Backends::VULKAN),
        (WGPUShimBackend_GL, wgt::Backends::GL),
        (WGPUShimBackend_Metal, wgt::Backends::METAL),
        (WGPUShimBackend_DX12, wgt::Backends::DX12),
    ];
    let all = known.iter().fold(0, |a, (bit, _)| a | bit);
    if bits & !all != 0 {
        return Err(format!(
            "WGPUShimInstanceBackends: unknown backend bits {:#x}",
            bits & !all
        ));
    }
    Ok((bits != WGPUShimBackend_Default).then(|| {
        known
            .iter()
            .filter(|(bit, _)| bits & bit != 0)
            .fold(wgt::Backends::empty(), |a, (_, b)| a | *b)
    }))
}

/// Validates an instance descriptor and its chain.
unsafe fn instance_options(
    descriptor: *const WGPUInstanceDescriptor,
) -> conv::Result<InstanceOptions> {
    let mut options = InstanceOptions {
        timed_wait_any: false,
        backends: None,
    };
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let Some(desc) = (unsafe { descriptor.as_ref() }) else {
        return Ok(options);
    };
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    for (s_type, link) in unsafe { conv::Chain::new(desc.nextInChain) } {
        if s_type == WGPUSType::DawnTogglesDescriptor {
            // SAFETY: the sType says the link is a WGPUDawnTogglesDescriptor.
            unsafe { crate::toggles::read(link, "WGPUInstanceDescriptor", None) }?;
            continue;
        }
        if s_type.0 != crate::extensions::WGPUShimSType_InstanceBackends {
            return Err(conv::unexpected_s_type(s_type, "WGPUInstanceDescriptor"));
        }
        // SAFETY: the sType says the link is a WGPUShimInstanceBackends.
        let chained = unsafe { &*(link as *const crate::extensions::WGPUShimInstanceBackends) };
        options.backends = shim_backends(chained.backends)?;
    }
    let mut timed = false;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    for f in unsafe {
        conv::slice(
            desc.requiredFeatures,
            desc.requiredFeatureCount,
            "requiredFeatures",
        )
    }? {
        if !INSTANCE_FEATURES.contains(f) {
            return Err(format!(
                "{:#x} is not a supported WGPUInstanceFeatureName",
                f.0
            ));
        }
        timed |= *f == WGPUInstanceFeatureName::TimedWaitAny;
    }
    options.timed_wait_any = timed;
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    if let Some(limits) = unsafe { desc.requiredLimits.as_ref() } {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        unsafe { conv::no_chain(limits.nextInChain, "WGPUInstanceLimits") }?;
        if limits.timedWaitAnyMaxCount > TIMED_WAIT_ANY_MAX_COUNT {
            return Err(format!(
                "timedWaitAnyMaxCount {} is above the supported {TIMED_WAIT_ANY_MAX_COUNT}",
                limits.timedWaitAnyMaxCount
            ));
        }
    }
    Ok(options)
}

pub unsafe fn get_instance_features(features: *mut WGPUSupportedInstanceFeatures) {
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let Some(out) = (unsafe { features.as_mut() }) else {
        return log::error!("{}: features is NULL", entry_point());
    };
    let (data, count) = crate::free_members::leak_array(INSTANCE_FEATURES.to_vec());
    out.features = data;
    out.featureCount = count;
}

pub unsafe fn get_instance_limits(limits: *mut WGPUInstanceLimits) -> WGPUStatus {
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let Some(out) = (unsafe { limits.as_mut() }) else {
        return WGPUStatus::Error;
    };
    if !out.nextInChain.is_null() {
        return WGPUStatus::Error;
    }
    out.timedWaitAnyMaxCount = TIMED_WAIT_ANY_MAX_COUNT;
    WGPUStatus::Success
}

pub fn has_instance_feature(feature: WGPUInstanceFeatureName) -> WGPUBool {
    INSTANCE_FEATURES.contains(&feature) as WGPUBool
}

pub unsafe fn create_surface(
    instance: WGPUInstance,
    descriptor: *const WGPUSurfaceDescriptor,
) -> WGPUSurface {
    let Some(instance) = instance.get_or_log(entry_point()) else {
        return Handle::NULL;
    };
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    match unsafe { crate::surface::create(&instance.ctx, descriptor) } {
        Ok(s) => Handle::new(s),
        Err(e) => {
            log::error!("{}: {e}", entry_point());
            Handle::NULL
        }
    }
}

/// WGSL language extensions naga 30 implements (its `ImplementedLanguageExtension`):
/// `requires` accepts them and shaders using them compile. Not the others: naga knows
/// `unrestricted_pointer_parameters` but rejects it, and pointers to storage or
/// workgroup memory as arguments with it; `uniform_buffer_standard_layout` it does not
/// know. A program (or the CTS) that sees a feature here relies on it. And two of this
/// library's own: `subgroup_uniformity` (the uniformity analysis is `uniformity`'s,
/// which analyzes subgroup built-ins at subgroup scope) and `immediate_address_space`
/// (naga parses `var<immediate>`; `immediates` gives it WebGPU's rules),
/// `texture_formats_tier1` (naga parses the tier 1 formats in a storage texture
/// declaration, the 16-bit normalized ones with the feature every device is given for
/// them; `texture_format` refuses a pipeline or layout that uses one the device does
/// not allow); `wgsl_source` takes their names out of `requires` for naga.
const WGSL_FEATURES: [WGPUWGSLLanguageFeatureName; 6] = [
    WGPUWGSLLanguageFeatureName::ReadonlyAndReadwriteStorageTextures,
    WGPUWGSLLanguageFeatureName::Packed4x8IntegerDotProduct,
    WGPUWGSLLanguageFeatureName::PointerCompositeAccess,
    WGPUWGSLLanguageFeatureName::SubgroupUniformity,
    WGPUWGSLLanguageFeatureName::ImmediateAddressSpace,
    WGPUWGSLLanguageFeatureName::TextureFormatsTier1,
];

pub unsafe fn get_WGSL_language_features(
    instance: WGPUInstance,
    features: *mut WGPUSupportedWGSLLanguageFeatures,
) {
    if instance.get_or_log(entry_point()).is_none() {
        return;
    }
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let Some(out) = (unsafe { features.as_mut() }) else {
        return log::error!("{}: features is NULL", entry_point());
    };
    let (data, count) = crate::free_members::leak_array(WGSL_FEATURES.to_vec());
    out.features = data;
    out.featureCount = count;
}

pub fn has_WGSL_language_feature(
    instance: WGPUInstance,
    feature: WGPUWGSLLanguageFeatureName,
) -> WGPUBool {
    (instance.get_or_log(entry_point()).is_some() && WGSL_FEATURES.contains(&feature)) as WGPUBool
}

pub fn process_events(instance: WGPUInstance) {
    if let Some(instance) = instance.get_or_log(entry_point()) {
        instance.ctx.process_events();
    }
}

pub unsafe fn request_adapter(
    instance: WGPUInstance,
    options: *const WGPURequestAdapterOptions,
    callback_info: WGPURequestAdapterCallbackInfo,
) -> WGPUFuture {
    let Some(instance) = instance.get_or_log(entry_point()) else {
        return WGPUFuture { id: 0 };
    };
    let cb = Sendable(callback_info);
    let Some(pending) = instance.ctx.futures.register_checked(
        entry_point(),
        callback_info.mode,
        None,
        None,
        move |result: Result<crate::adapter::Adapter, (WGPURequestAdapterStatus, String)>| {
            let cb = &cb;
            let (status, adapter, message) = match result {
                Ok(a) => (
                    WGPURequestAdapterStatus::Success,
                    Handle::new(a),
                    String::new(),
                ),
                Err((status, message)) => (status, Handle::NULL, message),
            };
            match cb.0.callback {
                // SAFETY: the C callback with the caller's own userdata, as webgpu.h defines.
                Some(f) => unsafe {
                    f(
                        status,
                        adapter,
                        conv::to_string_view(&message),
                        cb.0.userdata1,
                        cb.0.userdata2,
                    )
                },
                None if !adapter.is_null() => crate::handle::release(adapter),
                None => {}
            }
        },
        || {
            Err((
                WGPURequestAdapterStatus::CallbackCancelled,
                CANCELLED.into(),
            ))
        },
    ) else {
        return WGPUFuture { id: 0 };
    };
    let future = pending.future();
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    pending.complete(&instance.ctx.futures, unsafe {
        crate::adapter::request(&instance.ctx, options)
    });
    future
}

pub unsafe fn wait_any(
    instance: WGPUInstance,
    future_count: usize,
    futures: *mut WGPUFutureWaitInfo,
    timeout_ns: u64,
) -> WGPUWaitStatus {
    let Some(instance) = instance.get_or_log(entry_point()) else {
        return WGPUWaitStatus::Error;
    };
    // SAFETY: the caller's promise, passed on.
    let futures = match unsafe {
        wait_any_arguments(
            instance.ctx.timed_wait_any,
            future_count,
            futures,
            timeout_ns,
        )
    } {
        Ok(Some(futures)) => futures,
        Ok(None) => return WGPUWaitStatus::Success,
        Err(status) => return status,
    };
    let timeout = (timeout_ns != u64::MAX).then(|| Duration::from_nanos(timeout_ns));
    wait_status(instance.ctx.futures.wait_any(futures, timeout))
}

/// WaitAny's checks, in-process and remote: the futures to wait on (None: there are
/// none), or the status to return (the error logged).
///
/// # Safety
/// `futures` NULL or valid for `future_count` elements.
pub unsafe fn wait_any_arguments<'a>(
    timed_wait_any: bool,
    future_count: usize,
    futures: *mut WGPUFutureWaitInfo,
    timeout_ns: u64,
) -> Result<Option<&'a mut [WGPUFutureWaitInfo]>, WGPUWaitStatus> {
    if future_count == 0 {
        return Ok(None);
    }
    if futures.is_null() {
        log::error!("{}: futures is NULL", entry_point());
        return Err(WGPUWaitStatus::Error);
    }
    if timeout_ns > 0 {
        if !timed_wait_any {
            log::error!(
                "{}: a timeout needs the TimedWaitAny instance feature",
                entry_point()
            );
            return Err(WGPUWaitStatus::Error);
        }
        if future_count > TIMED_WAIT_ANY_MAX_COUNT {
            log::error!(
                "{}: {future_count} futures is above timedWaitAnyMaxCount",
                entry_point()
            );
            return Err(WGPUWaitStatus::Error);
        }
    }
    // SAFETY: non-NULL, and the caller promises `future_count` elements.
    Ok(Some(unsafe {
        std::slice::from_raw_parts_mut(futures, future_count)
    }))
}

/// A wait's result as WaitAny returns it (an error logged).
pub fn wait_status(wait: Wait) -> WGPUWaitStatus {
    match wait {
        Wait::Success => WGPUWaitStatus::Success,
        Wait::TimedOut => WGPUWaitStatus::TimedOut,
        Wait::Error(e) => {
            log::error!("{}: {e}", entry_point());
            WGPUWaitStatus::Error
        }
    }
}

/// `wgpuShimInstanceEnumerateAdapters`.
pub unsafe fn enumerate_adapters(
    instance: WGPUInstance,
    list: *mut crate::extensions::WGPUShimAdapterList,
) -> WGPUStatus {
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let Some(out) = (unsafe { list.as_mut() }) else {
        log::error!("{}: list is NULL", entry_point());
        return WGPUStatus::Error;
    };
    *out = crate::extensions::WGPUShimAdapterList {
        adapterCount: 0,
        adapters: std::ptr::null(),
    };
    let Some(instance) = instance.get_or_log(entry_point()) else {
        return WGPUStatus::Error;
    };
    let ctx = &instance.ctx;
    let adapters: Vec<WGPUAdapter> = ctx
        .global
        .enumerate_adapters(ctx.backends, false)
        .into_iter()
        .map(|id| {
            Handle::new(crate::adapter::Adapter {
                ctx: ctx.clone(),
                id,
            })
        })
        .collect();
    let (data, count) = crate::free_members::leak_array(adapters);
    out.adapters = data;
    out.adapterCount = count;
    WGPUStatus::Success
}
