//! Our extensions to webgpu.h, declared in `include/webgpu/webgpu_shim.h` (which
//! cbindgen writes from this file). Like every entry point they run in the guard.

use std::ffi::c_char;

use crate::generated::types::WGPUStringView;
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
/// debug, trace).
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
