//! Our extensions to webgpu.h, declared in `include/webgpu/webgpu_shim.h` (which
//! cbindgen writes from this file). Like every entry point they run in the guard.

use std::ffi::c_char;

use crate::generated::types::{
    WGPUAdapter, WGPUChainedStruct, WGPUDevice, WGPUInstance, WGPUStatus, WGPUStringView,
};
use crate::guard::{guard, NoTarget};

/// The library's version, as `major << 16 | minor << 8 | patch`.
#[no_mangle]
pub extern "C" fn wgpuShimGetVersion() -> u32 {
    guard("wgpuShimGetVersion", NoTarget, || {
        let part = |s: &str| s.parse::<u32>().unwrap_or(0);
        (part(env!("CARGO_PKG_VERSION_MAJOR")) << 16)
            | (part(env!("CARGO_PKG_VERSION_MINOR")) << 8)
            | part(env!("CARGO_PKG_VERSION_PATCH"))
    })
}

/// The library's version as text, e.g. "0.1.0". Static: the caller frees nothing.
#[no_mangle]
pub extern "C" fn wgpuShimGetVersionString() -> WGPUStringView {
    guard("wgpuShimGetVersionString", NoTarget, || {
        const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
        WGPUStringView {
            data: VERSION.as_ptr() as *const c_char,
            length: VERSION.len() - 1,
        }
    })
}

/// Severity of a log record. An integer, not a Rust enum: C may pass any value.
pub type WGPUShimLogLevel = u32;
pub const WGPUShimLogLevel_Off: WGPUShimLogLevel = 0;
pub const WGPUShimLogLevel_Error: WGPUShimLogLevel = 1;
pub const WGPUShimLogLevel_Warn: WGPUShimLogLevel = 2;
pub const WGPUShimLogLevel_Info: WGPUShimLogLevel = 3;
pub const WGPUShimLogLevel_Debug: WGPUShimLogLevel = 4;
pub const WGPUShimLogLevel_Trace: WGPUShimLogLevel = 5;

/// Receives the library's log records (its own and wgpu-core's). `message` lives for
/// the call only.
pub type WGPUShimLogCallback = Option<
    unsafe extern "C" fn(
        level: WGPUShimLogLevel,
        message: WGPUStringView,
        userdata: *mut std::ffi::c_void,
    ),
>;

/// Routes log records at or above `level` to `callback` (NULL stops it). Errors the
/// library cannot report on a device (a NULL or stale handle passed where no device
/// is reachable) arrive here at level Error. Without a callback, records go to stderr
/// when the environment variable `WEBGPU_SHIM_LOG` names a level (error, warn, info,
/// debug, trace). The callback runs inside library calls, on any thread: like a
/// Vulkan debug callback, it must not call into the library.
#[no_mangle]
pub extern "C" fn wgpuShimSetLogCallback(
    callback: WGPUShimLogCallback,
    level: WGPUShimLogLevel,
    userdata: *mut std::ffi::c_void,
) {
    guard("wgpuShimSetLogCallback", NoTarget, || {
        crate::logging::set_callback(callback, level, userdata)
    })
}

/// The sType of `WGPUShimInstanceBackends`, 0x53480001 (a block of values clear of
/// the standard's and of other implementations'): set `chain.sType` to
/// `(WGPUSType)WGPUShimSType_InstanceBackends`.
pub const WGPUShimSType_InstanceBackends: u32 = 0x5348_0001;

/// A set of backends: bits of `WGPUShimBackend_*`.
pub type WGPUShimBackends = u64;
/// Let the library choose: Vulkan, Metal or DX12, whichever the platform has (or what
/// the environment variable `WEBGPU_SHIM_BACKEND` says).
pub const WGPUShimBackend_Default: WGPUShimBackends = 0;
pub const WGPUShimBackend_Vulkan: WGPUShimBackends = 1 << 0;
/// OpenGL / OpenGL ES (EGL on Linux), a downlevel backend.
pub const WGPUShimBackend_GL: WGPUShimBackends = 1 << 1;
pub const WGPUShimBackend_Metal: WGPUShimBackends = 1 << 2;
pub const WGPUShimBackend_DX12: WGPUShimBackends = 1 << 3;

/// Chained on `WGPUInstanceDescriptor`: the backends the instance uses. Without it the
/// environment variable `WEBGPU_SHIM_BACKEND` (or wgpu's `WGPU_BACKEND`) decides, a
/// comma-separated list of `vulkan`, `gl`, `metal`, `dx12`; without that, Vulkan,
/// Metal and DX12 (GL is probed only when asked for).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct WGPUShimInstanceBackends {
    /// `chain.sType` is `WGPUShimSType_InstanceBackends`.
    pub chain: WGPUChainedStruct,
    pub backends: WGPUShimBackends,
}

/// Every adapter of an instance's backends (`wgpuShimInstanceEnumerateAdapters`).
/// Owns one reference to each adapter and the array: free both with
/// `wgpuShimAdapterListFreeMembers` (`wgpuAdapterAddRef` one first to keep it).
#[repr(C)]
pub struct WGPUShimAdapterList {
    pub adapterCount: usize,
    pub adapters: *const WGPUAdapter,
}

/// Fills `list` with every adapter the instance's backends offer, not only the one
/// `wgpuInstanceRequestAdapter` would pick, for hosts with several GPUs. Returns
/// `WGPUStatus_Error` (and an empty list) for a NULL or stale instance or a NULL list.
///
/// # Safety
/// `list` is NULL or points to a writable `WGPUShimAdapterList`.
#[no_mangle]
pub unsafe extern "C" fn wgpuShimInstanceEnumerateAdapters(
    instance: WGPUInstance,
    list: *mut WGPUShimAdapterList,
) -> WGPUStatus {
    if instance.is_remote() {
        // SAFETY: as below.
        return guard("wgpuShimInstanceEnumerateAdapters", NoTarget, || unsafe {
            crate::remote::client::instance_enumerate_adapters(instance, list)
        });
    }
    // SAFETY: the caller's promises, passed on; the implementation checks NULL.
    guard("wgpuShimInstanceEnumerateAdapters", NoTarget, || unsafe {
        crate::instance::enumerate_adapters(instance, list)
    })
}

/// Releases the adapters a `WGPUShimAdapterList` holds and frees its array.
///
/// # Safety
/// `list` was filled by `wgpuShimInstanceEnumerateAdapters` and not freed before (an
/// all-zero list is also fine).
#[no_mangle]
pub unsafe extern "C" fn wgpuShimAdapterListFreeMembers(list: WGPUShimAdapterList) {
    // SAFETY: the caller's promise that the list is this library's, passed on.
    guard("wgpuShimAdapterListFreeMembers", NoTarget, || unsafe {
        crate::free_members::adapter_list(list)
    })
}

/// What a device holds now (`wgpuShimDeviceGetUsage`): bytes of GPU memory in its
/// live buffers and textures, and how many objects of each kind are alive. An object
/// counts from its creation until its last reference is released (the
/// application's, or the library's: a texture counts while a view of it lives).
/// `Destroy` gives a buffer's or texture's memory back at once, and a destroyed or
/// lost device holds none. Not counted: memory wgpu-core keeps a little longer for a
/// released buffer that a live bind group or unfinished GPU work still uses. Texture
/// bytes are an estimate: every mip level and layer at the format's size, times the
/// sample count.
#[repr(C)]
pub struct WGPUShimDeviceUsage {
    /// No chained structs are defined yet: NULL.
    pub nextInChain: *mut WGPUChainedStruct,
    pub bufferBytes: u64,
    pub textureBytes: u64,
    pub buffers: u64,
    pub textures: u64,
    pub textureViews: u64,
    pub samplers: u64,
    pub bindGroups: u64,
    pub bindGroupLayouts: u64,
    pub pipelineLayouts: u64,
    pub shaderModules: u64,
    pub computePipelines: u64,
    pub renderPipelines: u64,
    pub commandEncoders: u64,
    pub commandBuffers: u64,
    pub computePassEncoders: u64,
    pub renderPassEncoders: u64,
    pub renderBundleEncoders: u64,
    pub renderBundles: u64,
    pub querySets: u64,
}

/// Fills `usage` with what `device` holds now; callable at any time, from any
/// thread. `WGPUStatus_Error` for a NULL or stale device, a NULL `usage` or a
/// non-NULL `nextInChain`.
///
/// # Safety
/// `usage` is NULL or points to a writable `WGPUShimDeviceUsage`.
#[no_mangle]
pub unsafe extern "C" fn wgpuShimDeviceGetUsage(
    device: WGPUDevice,
    usage: *mut WGPUShimDeviceUsage,
) -> WGPUStatus {
    if device.is_remote() {
        // SAFETY: as below.
        return guard("wgpuShimDeviceGetUsage", NoTarget, || unsafe {
            crate::remote::client::device_get_usage(device, usage)
        });
    }
    // SAFETY: the caller's promise for `usage`, passed on; the implementation checks NULL.
    guard("wgpuShimDeviceGetUsage", NoTarget, || unsafe {
        crate::device::get_usage(device, usage)
    })
}
