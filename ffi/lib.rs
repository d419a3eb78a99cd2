//! webgpu-shim: the standard WebGPU C API (`webgpu.h`) over wgpu-core.
//!
//! `generated/` holds what `cargo xtask generate` writes from the API data: the C types and every
//! exported function, each of which runs in [`guard`] and calls one function of the
//! module named after its WebGPU object. Handles are table entries ([`handle`]);
//! asynchronous results go through the instance's future queue ([`future`]); errors
//! through the device's error sink ([`error`]).

#![allow(non_snake_case, non_upper_case_globals)]
// Every unsafe block says why it is sound; every unsafe operation is in one.
#![deny(clippy::undocumented_unsafe_blocks, unsafe_op_in_unsafe_fn)]

#[rustfmt::skip]
pub mod generated {
    pub mod exports;
    pub mod types;
    pub mod wire;
}

pub mod extensions;
mod objects;
#[doc(hidden)]
pub mod remote;
mod runtime;
mod shader;

// Each module is reached as `crate::<name>` (`crate::device`, `crate::handle`,
// `crate::uniformity`): the folders show the layers, the paths stay short.
use objects::*;
use runtime::*;
use shader::*;

pub use generated::exports::*;
pub use generated::types::*;

/// How many panics the guard has caught so far (each was reported as an Internal
/// error). For the fuzzer and tests; not part of the C API.
#[doc(hidden)]
pub fn caught_panics() -> usize {
    guard::CAUGHT_PANICS.load(std::sync::atomic::Ordering::Relaxed)
}
