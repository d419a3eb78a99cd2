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
