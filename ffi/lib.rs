//! webgpu-shim: the standard WebGPU C API (`webgpu.h`) over wgpu-core.
//!
//! `generated/` holds what `cargo xtask generate` writes from the API data: the C types and every
//! exported function, each of which runs in [`guard`] and calls one function of the
//! module named after its WebGPU object. Handles are table entries ([`handle`]);
//! asynchronous results go through the instance's future queue ([`future`]); errors
//! through the device's error sink ([`error`]).

#![allow(non_snake_case, non_upper_case_globals)]
#![allow(clippy::missing_safety_doc)]

#[rustfmt::skip]
pub mod generated {
    pub mod exports;
    pub mod types;
}

mod accounting;
mod adapter;
mod bind_group;
mod bind_group_layout;
mod buffer;
mod command_buffer;
mod command_encoder;
mod commands;
mod compiler_stack;
mod compute_pass_encoder;
mod compute_pipeline;
mod const_tables;
mod conv;
mod device;
mod error;
pub mod extensions;
mod external_texture;
mod fragment_outputs;
mod free_members;
mod future;
mod guard;
mod handle;
mod immediates;
mod instance;
mod label;
mod logging;
mod loop_bounds;
mod pipeline_layout;
mod query_set;
mod queue;
mod render_bundle;
mod render_bundle_encoder;
mod render_pass_encoder;
mod render_pipeline;
mod sampler;
mod shader_module;
mod stage_rules;
mod surface;
mod texture;
mod texture_format;
mod texture_view;
mod toggles;
mod uniformity;
mod wgsl_limits;
mod wgsl_precedence;
mod wgsl_source;
mod workgroup_storage;

pub use generated::exports::*;
pub use generated::types::*;

/// How many panics the guard has caught so far (each was reported as an Internal
/// error). For the fuzzer and tests; not part of the C API.
#[doc(hidden)]
pub fn caught_panics() -> usize {
    guard::CAUGHT_PANICS.load(std::sync::atomic::Ordering::Relaxed)
}
