//! The shader work this library does around naga, for WGSL: bounds on the source and
//! on the compiler's stack (`wgsl_limits`, `compiler_stack`), rewrites of what WGSL
//! allows and naga 30 does not parse (`wgsl_source`), the spec's rules naga does not
//! check (`wgsl_precedence`, `stage_rules`, `uniformity`, `workgroup_storage`,
//! `fragment_outputs`), loop bounding (`loop_bounds`) and constant tables
//! (`const_tables`).
//!
//! What it may call: naga, wgpu-types' plain data, and itself. Never wgpu-core or the
//! objects: `objects::shader_module` calls in, and keeps the results.

pub(crate) mod compiler_stack;
pub(crate) mod const_tables;
pub(crate) mod fragment_outputs;
pub(crate) mod loop_bounds;
pub(crate) mod stage_rules;
pub(crate) mod uniformity;
pub(crate) mod wgsl_limits;
pub(crate) mod wgsl_precedence;
pub(crate) mod wgsl_source;
pub(crate) mod workgroup_storage;
