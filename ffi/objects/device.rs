//! `WGPUDevice`: a wgpu-core device and queue id, the error sink (scopes and the
//! uncaptured-error callback), the lost future, and the `wgpuDeviceCreate*` entry
//! points, which convert in the object's own module and register the result here.

use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;

use crate::adapter::Adapter;
use crate::context::Context;
use crate::conv;
use crate::error::{self, ErrorSink};
use crate::future::{Sendable, CANCELLED};
use crate::generated::types::*;
use crate::guard::entry_point;
use crate::handle::{object, Handle, Object};

pub struct Device {
    pub ctx: Arc<Context>,
    pub id: wgc::id::DeviceId,
    pub queue_id: wgc::id::QueueId,
    /// The features requested, which the device reports (wgpu-core's device may have
    /// more: bits a reported feature needs there, e.g. timestamps inside encoders).
    pub features: wgt::Features,
    /// Whether Dawn's ImplicitDeviceSynchronization was requested: every device of
    /// this library has it, but one reports it only when asked for it, as Dawn does
    /// (a device made with no features reports CoreFeaturesAndLimits alone).
    pub implicit_synchronization: bool,
    pub limits: wgt::Limits,
    pub errors: Mutex<ErrorSink>,
    /// What Dawn's toggles chained at creation turn (`toggles.rs`).
    pub toggles: crate::toggles::Toggles,
    lost_future: WGPUFuture,
    lost: Arc<AtomicBool>,
    /// The lost callback, for a loss this library decides (`lose_with`).
    lost_callback: Sendable<WGPUDeviceLostCallbackInfo>,
    /// This device's C handle, passed to its callbacks (shared with the lost
    /// future's cancellation, registered before the handle exists).
    handle: Arc<AtomicUsize>,
    /// The queue's C handle, so `wgpuDeviceGetQueue` returns the same one each time.
    queue: Mutex<WGPUQueue>,
    /// Labels set with `SetLabel`, for rewriting wgpu-core's messages.
    pub renames: Mutex<crate::label::Renames>,
    /// Buffers with a map pending, by map future: `Destroy` aborts them.
    pending_maps: Mutex<Vec<(WGPUFuture, wgc::id::BufferId)>>,
    /// Live objects and memory, for `wgpuShimDeviceGetUsage`.
    pub usage: Arc<crate::accounting::Usage>,
    /// The highest submission index a `queue_submit` of this device returned, which a
    /// blocking poll waits for (`poll`). Not wgpu-core's own last index: wgpu-core 30
    /// publishes an index before it tracks the submission, and a wait for it that times
    /// out in between finds the queue empty and trips an assert in `Device::maintain`
    /// (seen as a panic in `wgpuInstanceWaitAny` with 8 threads submitting).
    submitted: AtomicU64,
    /// One poll of this device at a time. A waiting poll of wgpu-core 30 reads the
    /// fence, then retires what the queue finished, and asserts that an empty queue
    /// means the fence it read covers the index it waited for: a poll on another
    /// thread that retires the newest submissions in between trips it (seen as a
    /// panic in the GPU process's pump, polling beside the session's ProcessEvents).
    /// Reentrant: a callback fired by a poll may poll again.
    polling: parking_lot::ReentrantMutex<()>,
}

object!(Device, "WGPUDevice", 3, |d| Some(d.clone()), id = Device);

impl Drop for Device {
    fn drop(&mut self) {
        // The last reference is gone: the device is destroyed, and its lost callback
        // fires (once) if it has not yet.
        self.lose();
        self.ctx.global.queue_drop(self.queue_id);
        self.ctx.global.device_drop(self.id);
    }
}

/// `wgpuAdapterRequestDevice`'s work: a new device, or why not.
pub unsafe fn create(
    adapter: &Adapter,
    descriptor: *const WGPUDeviceDescriptor,
) -> Result<WGPUDevice, String> {
    let default = WGPUDeviceDescriptor {
        nextInChain: std::ptr::null_mut(),
        label: conv::NULL_STRING_VIEW,
        requiredFeatureCount: 0,
        requiredFeatures: std::ptr::null(),
        requiredLimits: std::ptr::null(),
        defaultQueue: WGPUQueueDescriptor {
            nextInChain: std::ptr::null_mut(),
            label: conv::NULL_STRING_VIEW,
        },
        deviceLostCallbackInfo: WGPUDeviceLostCallbackInfo {
            nextInChain: std::ptr::null_mut(),
            mode: WGPUCallbackMode::AllowSpontaneous,
            callback: None,
            userdata1: std::ptr::null_mut(),
            userdata2: std::ptr::null_mut(),
        },
        uncapturedErrorCallbackInfo: WGPUUncapturedErrorCallbackInfo {
            nextInChain: std::ptr::null_mut(),
            callback: None,
            userdata1: std::ptr::null_mut(),
            userdata2: std::ptr::null_mut(),
        },
    };
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let desc = unsafe { descriptor.as_ref() }.unwrap_or(&default);
    let mut toggles = crate::toggles::Toggles::default();
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    for (s_type, link) in unsafe { conv::Chain::new(desc.nextInChain) } {
        if s_type != WGPUSType::DawnTogglesDescriptor {
            return Err(conv::unexpected_s_type(s_type, "WGPUDeviceDescriptor"));
        }
        // SAFETY: the sType says the link is a WGPUDawnTogglesDescriptor.
        unsafe { crate::toggles::read(link, "WGPUDeviceDescriptor", Some(&mut toggles)) }?;
    }
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let label = unsafe { conv::label(desc.label) }?;
    let mut features = wgt::Features::empty();
    let mut implicit_synchronization = false;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    for f in unsafe {
        conv::slice(
            desc.requiredFeatures,
            desc.requiredFeatureCount,
            "requiredFeatures",
        )
    }? {
        features |= conv::feature(*f)?;
        implicit_synchronization |= *f == WGPUFeatureName::ImplicitDeviceSynchronization;
    }
    let requested = features;
    let adapter_limits = crate::adapter::usable_limits(adapter);
    let mut limits = wgt::Limits::default();
    if !limits.check_limits(&adapter_limits) {
        limits = wgt::Limits::downlevel_defaults();
    }
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    if let Some(l) = unsafe { desc.requiredLimits.as_ref() } {
        conv::limits_from_c(l, &mut limits)?;
        // SAFETY: the caller's chain, each link's sType naming its type.
        unsafe { conv::stage_limits_from_c(l.nextInChain, &adapter_limits, &mut limits) }?;
    }
    // Not a WebGPU limit: wgpu-core's count of all buffers a stage binds. WebGPU bounds
    // each kind on its own, so the device takes the adapter's.
    limits.max_buffers_and_acceleration_structures_per_shader_stage =
        adapter_limits.max_buffers_and_acceleration_structures_per_shader_stage;
    // webgpu.h has immediates in core, sized by maxImmediateSize; wgpu-core wants its
    // feature for them, and naga for a module that declares a `var<immediate>` (valid
    // whatever the limit: a pipeline layout is what the limit bounds).
    let adapter_features = crate::adapter::usable_features(adapter);
    if let Some(missing) = conv::features_to_c(features - adapter_features).get(2) {
        // (The first two entries are the ones every device has.)
        return Err(format!(
            "{} is not supported by the adapter",
            missing.name().unwrap_or("a requested feature")
        ));
    }
    if adapter_features.contains(wgt::Features::IMMEDIATES) {
        features |= wgt::Features::IMMEDIATES;
    }
    // WGSL declares storage textures of the 16-bit normalized formats on any device
    // (naga wants this feature for them); `texture_format` refuses their use without
    // texture-formats-tier1.
    features |= adapter_features & wgt::Features::TEXTURE_FORMAT_16BIT_NORM;
    // webgpu.h's wgpuCommandEncoderWriteTimestamp comes with TimestampQuery.
    let inside = wgt::Features::TIMESTAMP_QUERY_INSIDE_ENCODERS
        | wgt::Features::TIMESTAMP_QUERY_INSIDE_PASSES;
    if features.contains(wgt::Features::TIMESTAMP_QUERY) {
        features |= adapter_features & inside;
    }
    let lost_mode = match desc.deviceLostCallbackInfo.mode {
        WGPUCallbackMode(0) => WGPUCallbackMode::AllowSpontaneous,
        m => conv::callback_mode(m).map_err(|e| format!("deviceLostCallbackInfo: {e}"))?,
    };
    let wgc_desc = wgt::DeviceDescriptor {
        label: label.clone(),
        required_features: features,
        required_limits: limits.clone(),
        experimental_features: wgt::ExperimentalFeatures::disabled(),
        memory_hints: wgt::MemoryHints::Performance,
        trace: wgt::Trace::Off,
    };
    let (id, queue_id) = adapter
        .ctx
        .global
        .adapter_request_device(adapter.id, &wgc_desc, None, None)
        .map_err(|e| error::format(&e))?;

    let ctx = adapter.ctx.clone();
    let lost_cb = Sendable(desc.deviceLostCallbackInfo);
    let lost = Arc::new(AtomicBool::new(false));
    let handle_cell = Arc::new(AtomicUsize::new(0));
    let cancel_handle = handle_cell.clone();
    let lost_future = ctx.futures.register(
        lost_mode,
        None,
        Box::new(move || {
            let lost_cb = lost_cb;
            call_lost(
                &lost_cb,
                cancel_handle.load(Ordering::Acquire),
                WGPUDeviceLostReason::CallbackCancelled,
                "the instance was released",
            )
        }),
    );
    let device = Arc::new(Device {
        ctx: ctx.clone(),
        id,
        queue_id,
        features: requested,
        implicit_synchronization,
        limits: ctx.global.device_limits(id),
        errors: Mutex::new(ErrorSink::new(desc.uncapturedErrorCallbackInfo)),
        toggles,
        lost_future,
        lost: lost.clone(),
        lost_callback: Sendable(desc.deviceLostCallbackInfo),
        handle: handle_cell.clone(),
        queue: Mutex::new(Handle::NULL),
        pending_maps: Mutex::new(Vec::new()),
        usage: Arc::default(),
        renames: Mutex::new(Default::default()),
        submitted: AtomicU64::new(0),
        polling: parking_lot::ReentrantMutex::new(()),
    });
    let handle = Handle::from_arc(device.clone());
    handle_cell.store(handle.raw(), Ordering::Release);
    // wgpu-core tells us when the device is lost (or destroyed and idle).
    let (lost_ctx, lost_flag) = (ctx.clone(), lost);
    let lost_cb2 = Sendable(desc.deviceLostCallbackInfo);
    let raw = handle.raw();
    ctx.global.device_set_device_lost_closure(
        id,
        Box::new(move |reason, message| {
            lost_flag.store(true, Ordering::Release);
            let (reason, what) = match reason {
                wgt::DeviceLostReason::Destroyed => {
                    (WGPUDeviceLostReason::Destroyed, "the device was destroyed")
                }
                wgt::DeviceLostReason::Unknown => {
                    (WGPUDeviceLostReason::Unknown, "the device was lost")
                }
            };
            // wgpu-core says nothing on Destroy; a callback always gets a message.
            let message = if message.is_empty() {
                what.to_string()
            } else {
                message
            };
            lost_ctx.futures.complete(
                lost_future,
                Box::new(move || {
                    let lost_cb2 = lost_cb2;
                    call_lost(&lost_cb2, raw, reason, &message)
                }),
            );
        }),
    );
    ctx.add_device(&device);
    Ok(handle)
}

fn call_lost(
    cb: &Sendable<WGPUDeviceLostCallbackInfo>,
    raw: usize,
    reason: WGPUDeviceLostReason,
    message: &str,
) {
    if let Some(f) = cb.0.callback {
        // SAFETY: `raw` is a WGPUDevice handle's bits (stored as usize to be Send).
        let handle: WGPUDevice = unsafe { std::mem::transmute::<usize, WGPUDevice>(raw) };
        // SAFETY: the C callback with the caller's own userdata; `handle` outlives the call.
        unsafe {
            f(
                &handle,
                reason,
                conv::to_string_view(message),
                cb.0.userdata1,
                cb.0.userdata2,
            )
        }
    }
}

impl Device {
    pub fn handle(&self) -> WGPUDevice {
        // SAFETY: Handle<Device> is a transparent usize.
        unsafe { std::mem::transmute::<usize, WGPUDevice>(self.handle.load(Ordering::Acquire)) }
    }

    pub fn is_lost(&self) -> bool {
        self.lost.load(Ordering::Acquire)
    }

    /// Loses the device for a reason wgpu-core does not know (an unexpected driver
    /// result): the lost callback gets reason Unknown and `message`, once; wgpu-core
    /// then destroys the device (its own report of that finds the future complete).
    pub fn lose_with(&self, message: String) {
        if self.lost.swap(true, Ordering::AcqRel) {
            return;
        }
        let callback = Sendable(self.lost_callback.0);
        let raw = self.handle.load(Ordering::Acquire);
        self.ctx.futures.complete(
            self.lost_future,
            Box::new(move || {
                let callback = callback;
                call_lost(&callback, raw, WGPUDeviceLostReason::Unknown, &message)
            }),
        );
        self.ctx.global.device_destroy(self.id);
    }

    /// Loses the device, so the lost future completes (with reason Destroyed) if it is
    /// still pending: the closure registered with wgpu-core holds the callback, and
    /// destroying then polling is how wgpu-core reports loss.
    fn lose(&self) {
        self.lost.store(true, Ordering::Release);
        self.ctx.global.device_destroy(self.id);
        let _ = self.ctx.global.device_poll(
            self.id,
            wgt::PollType::Wait {
                submission_index: Some(self.submitted.load(Ordering::Acquire)),
                timeout: Some(Duration::from_secs(5)),
            },
        );
    }

    /// Submits `commands` to this device's queue; the index it gets is the one a
    /// blocking poll waits for.
    pub fn submit(
        &self,
        commands: &[wgc::id::CommandBufferId],
    ) -> Result<(), Box<wgc::device::queue::QueueSubmitError>> {
        let index = self
            .ctx
            .global
            .queue_submit(self.queue_id, commands)
            .map_err(|(_, e)| Box::new(e))?;
        self.submitted.fetch_max(index, Ordering::AcqRel);
        Ok(())
    }

    pub fn map_started(&self, future: WGPUFuture, buffer: wgc::id::BufferId) {
        self.pending_maps.lock().push((future, buffer));
    }

    pub fn map_finished(&self, future: WGPUFuture) {
        self.pending_maps.lock().retain(|(f, _)| f.id != future.id);
    }

    /// Drives wgpu-core: fires finished maps and work-done callbacks. `Some(ZERO)`
    /// never blocks; `None` waits for all submitted work. Returns whether the queue is
    /// empty.
    ///
    /// A non-blocking poll that finds another under way leaves the work to it (and
    /// answers "not empty"); a waiting one queues behind it.
    pub fn poll(&self, timeout: Option<Duration>) -> bool {
        let (_one, poll) = match timeout {
            Some(Duration::ZERO) => match self.polling.try_lock() {
                Some(one) => (one, wgt::PollType::Poll),
                None => return false,
            },
            t => (
                self.polling.lock(),
                wgt::PollType::Wait {
                    submission_index: Some(self.submitted.load(Ordering::Acquire)),
                    timeout: t,
                },
            ),
        };
        match self.ctx.global.device_poll(self.id, poll) {
            Ok(status) => status.is_queue_empty(),
            Err(wgc::device::WaitIdleError::Timeout) => false,
            Err(e) => {
                log::debug!("device poll: {e}");
                true
            }
        }
    }
}

/// Runs `record` on a pass under a pin (`Handle::with_or_log`), not a reference: the
/// hot recording calls. Its outcome is reported after the pin goes, since reporting
/// can call the host, which may release the pass.
pub fn record_pinned<T: Object, E: wgt::error::WebGpuError>(
    pass: Handle<T>,
    function: &str,
    device: impl FnOnce(&T) -> &Arc<Device>,
    record: impl FnOnce(&T) -> conv::Result<Result<(), E>>,
) {
    let failed = pass.with_or_log(function, |p| match record(p) {
        Ok(Ok(())) => None,
        result => Some((device(p).clone(), result)),
    });
    if let Some(Some((device, result))) = failed {
        device.outcome(function, result);
    }
}

/// Registers a new object, or reports why none was made and returns NULL.
fn make<T: Object>(
    device: WGPUDevice,
    function: &str,
    build: impl FnOnce(&Arc<Device>) -> conv::Result<T>,
) -> Handle<T> {
    let Some(device) = device.get_or_log(function) else {
        return Handle::NULL;
    };
    match build(&device) {
        Ok(object) => Handle::new(object),
        Err(e) => {
            device.validation(format!("{function}: {e}"));
            Handle::NULL
        }
    }
}

pub unsafe fn create_bind_group(
    device: WGPUDevice,
    descriptor: *const WGPUBindGroupDescriptor,
) -> WGPUBindGroup {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    make(device, entry_point(), |d| unsafe {
        crate::bind_group::create(d, descriptor)
    })
}

pub unsafe fn create_bind_group_layout(
    device: WGPUDevice,
    descriptor: *const WGPUBindGroupLayoutDescriptor,
) -> WGPUBindGroupLayout {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    make(device, entry_point(), |d| unsafe {
        crate::bind_group_layout::create(d, descriptor)
    })
}

pub unsafe fn create_buffer(
    device: WGPUDevice,
    descriptor: *const WGPUBufferDescriptor,
) -> WGPUBuffer {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    make(device, entry_point(), |d| unsafe {
        crate::buffer::create(d, descriptor)
    })
}

pub unsafe fn create_command_encoder(
    device: WGPUDevice,
    descriptor: *const WGPUCommandEncoderDescriptor,
) -> WGPUCommandEncoder {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    make(device, entry_point(), |d| unsafe {
        crate::command_encoder::create(d, descriptor)
    })
}

pub unsafe fn create_compute_pipeline(
    device: WGPUDevice,
    descriptor: *const WGPUComputePipelineDescriptor,
) -> WGPUComputePipeline {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    make(device, entry_point(), |d| unsafe {
        crate::compute_pipeline::prepare(d, descriptor).map(|p| p.build().0)
    })
}

pub unsafe fn create_compute_pipeline_async(
    device: WGPUDevice,
    descriptor: *const WGPUComputePipelineDescriptor,
    callback_info: WGPUCreateComputePipelineAsyncCallbackInfo,
) -> WGPUFuture {
    let Some(device) = device.get_or_log(entry_point()) else {
        return WGPUFuture { id: 0 };
    };
    let c = callback_info;
    create_pipeline_async(
        &device,
        entry_point(),
        c.mode,
        Sendable((c.callback, c.userdata1, c.userdata2)),
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        || unsafe { crate::compute_pipeline::prepare(&device, descriptor) },
    )
}

pub unsafe fn create_pipeline_layout(
    device: WGPUDevice,
    descriptor: *const WGPUPipelineLayoutDescriptor,
) -> WGPUPipelineLayout {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    make(device, entry_point(), |d| unsafe {
        crate::pipeline_layout::create(d, descriptor)
    })
}

pub unsafe fn create_query_set(
    device: WGPUDevice,
    descriptor: *const WGPUQuerySetDescriptor,
) -> WGPUQuerySet {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    make(device, entry_point(), |d| unsafe {
        crate::query_set::create(d, descriptor)
    })
}

pub unsafe fn create_render_pipeline_async(
    device: WGPUDevice,
    descriptor: *const WGPURenderPipelineDescriptor,
    callback_info: WGPUCreateRenderPipelineAsyncCallbackInfo,
) -> WGPUFuture {
    let Some(device) = device.get_or_log(entry_point()) else {
        return WGPUFuture { id: 0 };
    };
    let c = callback_info;
    create_pipeline_async(
        &device,
        entry_point(),
        c.mode,
        Sendable((c.callback, c.userdata1, c.userdata2)),
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        || unsafe { crate::render_pipeline::prepare(&device, descriptor) },
    )
}

pub unsafe fn create_render_bundle_encoder(
    device: WGPUDevice,
    descriptor: *const WGPURenderBundleEncoderDescriptor,
) -> WGPURenderBundleEncoder {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    make(device, entry_point(), |d| unsafe {
        crate::render_bundle_encoder::create(d, descriptor)
    })
}

pub unsafe fn create_render_pipeline(
    device: WGPUDevice,
    descriptor: *const WGPURenderPipelineDescriptor,
) -> WGPURenderPipeline {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    make(device, entry_point(), |d| unsafe {
        crate::render_pipeline::prepare(d, descriptor).map(|p| p.build().0)
    })
}

pub unsafe fn create_sampler(
    device: WGPUDevice,
    descriptor: *const WGPUSamplerDescriptor,
) -> WGPUSampler {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    make(device, entry_point(), |d| unsafe {
        crate::sampler::create(d, descriptor)
    })
}

pub unsafe fn create_shader_module(
    device: WGPUDevice,
    descriptor: *const WGPUShaderModuleDescriptor,
) -> WGPUShaderModule {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    make(device, entry_point(), |d| unsafe {
        crate::shader_module::create(d, descriptor)
    })
}

pub unsafe fn create_texture(
    device: WGPUDevice,
    descriptor: *const WGPUTextureDescriptor,
) -> WGPUTexture {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    make(device, entry_point(), |d| unsafe {
        crate::texture::create(d, descriptor)
    })
}

pub fn destroy(device: WGPUDevice) {
    if let Some(device) = device.get_or_log(entry_point()) {
        // Maps still pending fail (aborted), as the spec says, rather than completing.
        let pending = std::mem::take(&mut *device.pending_maps.lock());
        for (_, buffer) in pending {
            let _ = device.ctx.global.buffer_unmap(buffer);
        }
        device.ctx.global.device_destroy(device.id);
        // wgpu-core loses the device once its queue is idle; get there now so the
        // lost callback and failed maps are delivered.
        device.poll(None);
    }
}

pub fn get_lost_future(device: WGPUDevice) -> WGPUFuture {
    device
        .get_or_log(entry_point())
        .map_or(WGPUFuture { id: 0 }, |d| d.lost_future)
}

pub unsafe fn get_limits(device: WGPUDevice, limits: *mut WGPULimits) -> WGPUStatus {
    let Some(device) = device.get_or_log(entry_point()) else {
        return WGPUStatus::Error;
    };
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let Some(out) = (unsafe { limits.as_mut() }) else {
        return WGPUStatus::Error;
    };
    conv::limits_to_c(&device.limits, out);
    // SAFETY: the caller's chain, each link's sType naming its type.
    match unsafe { conv::stage_limits_to_c(&device.limits, out.nextInChain) } {
        Ok(()) => WGPUStatus::Success,
        Err(_) => WGPUStatus::Error,
    }
}

/// Dawn's `wgpuDeviceTick`: what `wgpuInstanceProcessEvents` does for the device's
/// instance, so a program that drives its callbacks with `device.Tick()` sees them
/// fire, whatever their mode allows.
pub fn tick(device: WGPUDevice) {
    if let Some(device) = device.get_or_log(entry_point()) {
        device.ctx.process_events();
    }
}

pub fn has_feature(device: WGPUDevice, feature: WGPUFeatureName) -> WGPUBool {
    device
        .get_or_log(entry_point())
        .is_some_and(|d| reported_features(&d).contains(&feature)) as WGPUBool
}

/// The features a device reports: those it was created with.
fn reported_features(device: &Device) -> Vec<WGPUFeatureName> {
    let mut list = conv::features_to_c(device.features);
    if !device.implicit_synchronization {
        list.retain(|f| *f != WGPUFeatureName::ImplicitDeviceSynchronization);
    }
    list
}

pub unsafe fn get_features(device: WGPUDevice, features: *mut WGPUSupportedFeatures) {
    let Some(device) = device.get_or_log(entry_point()) else {
        return;
    };
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let Some(out) = (unsafe { features.as_mut() }) else {
        return log::error!("{}: features is NULL", entry_point());
    };
    (out.features, out.featureCount) = crate::free_members::leak_array(reported_features(&device));
}

pub unsafe fn get_adapter_info(device: WGPUDevice, info: *mut WGPUAdapterInfo) -> WGPUStatus {
    let Some(device) = device.get_or_log(entry_point()) else {
        return WGPUStatus::Error;
    };
    // SAFETY: the caller's pointer, NULL or valid (the entry point's # Safety).
    let Some(out) = (unsafe { info.as_mut() }) else {
        return WGPUStatus::Error;
    };
    crate::adapter::fill_info(&device.ctx.global.device_adapter_info(device.id), out)
}

pub fn get_queue(device: WGPUDevice) -> WGPUQueue {
    let Some(device) = device.get_or_log(entry_point()) else {
        return Handle::NULL;
    };
    let mut queue = device.queue.lock();
    if queue.get().is_ok() {
        crate::handle::add_ref(*queue);
    } else {
        *queue = Handle::new(crate::queue::Queue {
            device: device.clone(),
        });
    }
    *queue
}

pub fn push_error_scope(device: WGPUDevice, filter: WGPUErrorFilter) {
    let Some(device) = device.get_or_log(entry_point()) else {
        return;
    };
    match filter {
        WGPUErrorFilter::Validation | WGPUErrorFilter::OutOfMemory | WGPUErrorFilter::Internal => {
            device.errors.lock().push(filter)
        }
        other => device.validation(format!(
            "{}: {:#x} is not a valid WGPUErrorFilter",
            entry_point(),
            other.0
        )),
    }
}

pub fn pop_error_scope(
    device: WGPUDevice,
    callback_info: WGPUPopErrorScopeCallbackInfo,
) -> WGPUFuture {
    let Some(device) = device.get_or_log(entry_point()) else {
        return WGPUFuture { id: 0 };
    };
    let cb = Sendable(callback_info);
    let Some(pending) = device.ctx.futures.register_checked(
        entry_point(),
        callback_info.mode,
        None,
        None,
        move |(status, ty, message): (WGPUPopErrorScopeStatus, WGPUErrorType, String)| {
            let cb = &cb;
            if let Some(f) = cb.0.callback {
                // SAFETY: the C callback with the caller's own userdata.
                unsafe {
                    f(
                        status,
                        ty,
                        conv::to_string_view(&message),
                        cb.0.userdata1,
                        cb.0.userdata2,
                    )
                }
            }
        },
        || {
            (
                WGPUPopErrorScopeStatus::CallbackCancelled,
                WGPUErrorType::NoError,
                CANCELLED.into(),
            )
        },
    ) else {
        return WGPUFuture { id: 0 };
    };
    let future = pending.future();
    let result = match device.errors.lock().pop() {
        None => (
            WGPUPopErrorScopeStatus::Error,
            WGPUErrorType::NoError,
            "no error scope to pop".into(),
        ),
        Some(None) => (
            WGPUPopErrorScopeStatus::Success,
            WGPUErrorType::NoError,
            String::new(),
        ),
        Some(Some((ty, message))) => (WGPUPopErrorScopeStatus::Success, ty, message),
    };
    pending.complete(&device.ctx.futures, result);
    future
}

pub unsafe fn set_label(device: WGPUDevice, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(device, label) }
}

/// A pipeline descriptor converted from C that owns what it names, so the pipeline
/// can be built on another thread.
pub trait PreparedPipeline: Send + 'static {
    type Pipeline: Object;
    /// Makes the pipeline, reporting its error, which is also returned (the pipeline
    /// is then invalid).
    fn build(self) -> (Self::Pipeline, Option<(WGPUErrorType, String)>);
}

/// What creating a pipeline with wgpu-core came to, run by `make` on the compilation
/// stack (the backend translates the shader there) and in a guard of its own: a
/// driver failure is this pipeline's Internal error, its result named, and the
/// device lives on (`invalid` makes the pipeline's id then). `refused` is a
/// validation error this library found before asking wgpu-core (one wgpu-core does
/// not check); the pipeline is then invalid too. The error is reported.
pub fn made_pipeline<I, E: wgt::error::WebGpuError>(
    device: &Device,
    kind: &str,
    refused: Option<String>,
    make: impl FnOnce() -> (I, Option<E>),
    invalid: impl FnOnce() -> I,
) -> (I, Option<(WGPUErrorType, String)>) {
    let (id, error) = match refused {
        Some(message) => (invalid(), Some((WGPUErrorType::Validation, message))),
        None => match crate::compiler_stack::run(|| crate::guard::catch(make)) {
            Ok((id, None)) => (id, None),
            // A lost device's error (no type to report) still reaches the async callback.
            Ok((id, Some(e))) => (
                id,
                Some(
                    device
                        .error_of(&e)
                        .unwrap_or_else(|| (WGPUErrorType::Validation, device.describe(&e))),
                ),
            ),
            Err(what) => (
                invalid(),
                Some((
                    WGPUErrorType::Internal,
                    format!("The driver failed to create the {kind} pipeline: {what}"),
                )),
            ),
        },
    };
    // `report` says nothing on a lost device.
    if let Some((ty, message)) = &error {
        device.report(*ty, message.clone());
    }
    (id, error)
}

/// The callback of `wgpuDeviceCreate{Compute,Render}PipelineAsync`.
pub type PipelineCallback<P> = Option<
    unsafe extern "C" fn(
        WGPUCreatePipelineAsyncStatus,
        Handle<P>,
        WGPUStringView,
        *mut c_void,
        *mut c_void,
    ),
>;

/// `CreateComputePipelineAsync` and `CreateRenderPipelineAsync`: the descriptor is
/// converted now (its memory is the caller's only for this call); the pipeline is
/// built on a worker thread, and the callback gets it or the error, which goes to the
/// callback and not to the error scopes.
pub fn create_pipeline_async<P: PreparedPipeline>(
    device: &Arc<Device>,
    function: &str,
    mode: WGPUCallbackMode,
    callback: Sendable<(PipelineCallback<P::Pipeline>, *mut c_void, *mut c_void)>,
    prepare: impl FnOnce() -> conv::Result<P>,
) -> WGPUFuture {
    let Some(pending) = device.ctx.futures.register_checked(
        function,
        mode,
        Some(device),
        None,
        move |outcome: Result<P::Pipeline, (WGPUCreatePipelineAsyncStatus, String)>| {
            let callback = &callback;
            let (f, userdata1, userdata2) = callback.0;
            let Some(f) = f else {
                // Nobody takes the pipeline: it is dropped here.
                return;
            };
            let (status, pipeline, message) = match outcome {
                Ok(p) => (
                    WGPUCreatePipelineAsyncStatus::Success,
                    Handle::new(p),
                    String::new(),
                ),
                Err((status, message)) => (status, Handle::NULL, message),
            };
            // SAFETY: the C callback with the caller's own userdata.
            unsafe {
                f(
                    status,
                    pipeline,
                    conv::to_string_view(&message),
                    userdata1,
                    userdata2,
                )
            }
        },
        || {
            Err((
                WGPUCreatePipelineAsyncStatus::CallbackCancelled,
                CANCELLED.into(),
            ))
        },
    ) else {
        return WGPUFuture { id: 0 };
    };
    let future = pending.future();
    let ctx = device.ctx.clone();
    let deliver = move |outcome: Result<P::Pipeline, (WGPUCreatePipelineAsyncStatus, String)>| {
        pending.complete(&ctx.futures, outcome)
    };
    let prepared = match prepare() {
        Ok(p) => p,
        Err(message) => {
            deliver(Err((
                WGPUCreatePipelineAsyncStatus::ValidationError,
                format!("{function}: {message}"),
            )));
            return future;
        }
    };
    let device = device.clone();
    let build = move || {
        // Errors belong to the callback: scopes of this thread's own keep them from
        // the user's scopes and the uncaptured-error callback.
        const FILTERS: [WGPUErrorFilter; 3] = [
            WGPUErrorFilter::Validation,
            WGPUErrorFilter::Internal,
            WGPUErrorFilter::OutOfMemory,
        ];
        for filter in FILTERS {
            device.errors.lock().push(filter);
        }
        let built = prepared.build();
        for _ in FILTERS {
            device.errors.lock().pop();
        }
        deliver(match built {
            (pipeline, None) => Ok(pipeline),
            // On a lost device creation "succeeds" with an invalid pipeline, as WebGPU
            // resolves the promise: the loss is told by the lost callback alone.
            (pipeline, Some(_)) if device.is_lost() => Ok(pipeline),
            (_, Some((WGPUErrorType::Validation, message))) => {
                Err((WGPUCreatePipelineAsyncStatus::ValidationError, message))
            }
            (_, Some((_, message))) => Err((WGPUCreatePipelineAsyncStatus::InternalError, message)),
        });
    };
    // The job is where both the worker and, should no thread start, this thread can
    // take it: the callback is never lost.
    let job = Arc::new(Mutex::new(Some(build)));
    let for_worker = job.clone();
    let worker = move || {
        if let Some(build) = for_worker.lock().take() {
            // A panic on the worker must not unwind any further either.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(build));
        }
    };
    if let Err(e) = std::thread::Builder::new()
        .name("webgpu-shim pipeline".into())
        .spawn(worker)
    {
        log::warn!("{function}: no worker thread ({e}); building on the calling thread");
        if let Some(build) = job.lock().take() {
            build();
        }
    }
    future
}

/// `wgpuShimDeviceGetUsage`.
/// `wgpuShimDeviceGetUsage`'s output struct, checked (in-process and remote): None,
/// the error logged, for NULL or a chain (nothing can be chained on it).
///
/// # Safety
/// `usage` NULL or valid.
pub unsafe fn usage_output<'a>(
    usage: *mut crate::extensions::WGPUShimDeviceUsage,
) -> Option<&'a mut crate::extensions::WGPUShimDeviceUsage> {
    // SAFETY: the caller's pointer, NULL or valid.
    let Some(out) = (unsafe { usage.as_mut() }) else {
        log::error!("{}: usage is NULL", entry_point());
        return None;
    };
    if !out.nextInChain.is_null() {
        log::error!(
            "{}: nothing can be chained on WGPUShimDeviceUsage",
            entry_point()
        );
        return None;
    }
    Some(out)
}

pub unsafe fn get_usage(
    device: WGPUDevice,
    usage: *mut crate::extensions::WGPUShimDeviceUsage,
) -> WGPUStatus {
    use crate::accounting::Kind;
    // SAFETY: the caller's pointer, passed on.
    let Some(out) = (unsafe { usage_output(usage) }) else {
        return WGPUStatus::Error;
    };
    let Some(device) = device.get_or_log(entry_point()) else {
        return WGPUStatus::Error;
    };
    let u = &device.usage;
    // A destroyed or lost device's memory is gone with it.
    let holds_memory = !device.is_lost();
    *out = crate::extensions::WGPUShimDeviceUsage {
        nextInChain: std::ptr::null_mut(),
        bufferBytes: if holds_memory { u.buffer_bytes() } else { 0 },
        textureBytes: if holds_memory { u.texture_bytes() } else { 0 },
        buffers: u.objects(Kind::Buffer),
        textures: u.objects(Kind::Texture),
        textureViews: u.objects(Kind::TextureView),
        samplers: u.objects(Kind::Sampler),
        bindGroups: u.objects(Kind::BindGroup),
        bindGroupLayouts: u.objects(Kind::BindGroupLayout),
        pipelineLayouts: u.objects(Kind::PipelineLayout),
        shaderModules: u.objects(Kind::ShaderModule),
        computePipelines: u.objects(Kind::ComputePipeline),
        renderPipelines: u.objects(Kind::RenderPipeline),
        commandEncoders: u.objects(Kind::CommandEncoder),
        commandBuffers: u.objects(Kind::CommandBuffer),
        computePassEncoders: u.objects(Kind::ComputePassEncoder),
        renderPassEncoders: u.objects(Kind::RenderPassEncoder),
        renderBundleEncoders: u.objects(Kind::RenderBundleEncoder),
        renderBundles: u.objects(Kind::RenderBundle),
        querySets: u.objects(Kind::QuerySet),
    };
    WGPUStatus::Success
}
