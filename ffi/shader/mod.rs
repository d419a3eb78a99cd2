//! The shader work this library does around naga, for WGSL: bounds on the source and
//! on the compiler's stack (`wgsl_limits`, `compiler_stack`), rewrites of what WGSL
//! allows and naga 30 does not parse (`wgsl_source`), the spec's rules naga does not
//! check (`wgsl_precedence`, `stage_rules`, `uniformity`, `workgroup_storage`,
//! `fragment_outputs`, `sampling`), loop bounding (`loop_bounds`) and constant tables
//! (`const_tables`).
//!
//! What it may call: naga, wgpu-types' plain data, and itself. Never wgpu-core or the
//! objects: `objects::shader_module` calls in, and keeps the results.

pub(crate) mod compiler_stack;
pub(crate) mod const_tables;
pub(crate) mod fragment_outputs;
pub(crate) mod loop_bounds;
pub(crate) mod sampling;
pub(crate) mod stage_rules;
pub(crate) mod uniformity;
pub(crate) mod wgsl_limits;
pub(crate) mod wgsl_precedence;
pub(crate) mod wgsl_source;
pub(crate) mod workgroup_storage;

/// The entry of `list` for the entry point a pipeline names: `name`, or where that
/// is `None`, the module's only entry point of `stage` (none if it has several).
pub fn entry_point<'a, T>(
    list: &'a [T],
    stage: naga::ShaderStage,
    name: Option<&str>,
    key: impl Fn(&T) -> (&String, naga::ShaderStage),
) -> Option<&'a T> {
    let mut of_stage = list.iter().filter(|e| key(e).1 == stage);
    match name {
        Some(n) => of_stage.find(|e| key(e).0 == n),
        None => {
            let only = of_stage.next()?;
            of_stage.next().is_none().then_some(only)
        }
    }
}
