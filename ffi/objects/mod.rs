//! The WebGPU objects: one module per object of `webgpu.h` (`device`, `buffer`,
//! `render_pass_encoder`, ...), holding its state and the hand-written function behind
//! each of its entry points, plus the concepts several objects share: the commands
//! every programmable encoder records (`commands`), immediate data (`immediates`) and
//! WebGPU's texture format table (`texture_format`).
//!
//! What they may call: wgpu-core, the runtime (`crate::runtime`: handles, futures,
//! errors, conversions) and the shader work (`crate::shader`, from `shader_module` and
//! the pipelines). Objects call each other by their handles' types (a pass holds its
//! encoder, a texture view its texture); a callback into C is made only after every
//! lock here is released.

pub(crate) mod adapter;
pub(crate) mod bind_group;
pub(crate) mod bind_group_layout;
pub(crate) mod buffer;
pub(crate) mod command_buffer;
pub(crate) mod command_encoder;
pub(crate) mod commands;
pub(crate) mod compute_pass_encoder;
pub(crate) mod compute_pipeline;
pub(crate) mod device;
pub(crate) mod external_texture;
pub(crate) mod immediates;
pub(crate) mod instance;
pub(crate) mod pipeline_layout;
pub(crate) mod query_set;
pub(crate) mod queue;
pub(crate) mod render_bundle;
pub(crate) mod render_bundle_encoder;
pub(crate) mod render_pass_encoder;
pub(crate) mod render_pipeline;
pub(crate) mod sampler;
pub(crate) mod shader_module;
pub(crate) mod surface;
pub(crate) mod texture;
pub(crate) mod texture_format;
pub(crate) mod texture_view;
