//! What WebGPU checks of a compute entry point when a pipeline is created and wgpu-core
//! 30 does not: the workgroup storage it uses (`maxComputeWorkgroupStorageSize`), and,
//! where overrides give its workgroup size, that size (`maxComputeWorkgroupSizeX/Y/Z`,
//! `maxComputeInvocationsPerWorkgroup`; wgpu-core checks only sizes written as
//! constants, and a driver given a size over its limits may do anything).
//!
//! WebGPU counts every `var<workgroup>` that the entry point statically uses (in its
//! own body or any function it calls), each rounded up to 16 bytes. The sizes come
//! from naga's layouter, measured once when the module is made. Where an override
//! sizes a workgroup array or the workgroup, the module is kept and measured again
//! with the pipeline's constants (naga's own override processing, after validating
//! the module once: a cost only such modules pay).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use naga::{AddressSpace, ArraySize, Block, Expression, Handle, Module, Statement, TypeInner};

/// A compute entry point's name and the bytes of workgroup storage it uses (None
/// where that depends on overrides).
pub type Usage = (String, Option<u64>);

/// The checks of a module's compute entry points.
#[derive(Default)]
pub struct ComputeChecks {
    usage: Vec<Usage>,
    /// The module, where an override sizes a compute entry point's workgroup or its
    /// workgroup storage.
    overridden: Option<Arc<Module>>,
    /// Its validation, made by the first pipeline that needs it (None: invalid).
    info: OnceLock<Option<naga::valid::ModuleInfo>>,
}

impl ComputeChecks {
    pub fn of(module: &Module) -> Self {
        let usage = of_compute_entry_points(module);
        let overrides =
            module.entry_points.iter().any(|e| {
                e.stage == naga::ShaderStage::Compute && e.workgroup_size_overrides.is_some()
            }) || usage.iter().any(|(_, bytes)| bytes.is_none());
        ComputeChecks {
            usage,
            overridden: overrides.then(|| Arc::new(module.clone())),
            info: OnceLock::new(),
        }
    }

    /// Why a pipeline of `entry_point` (the module's only compute entry point where
    /// None) with `constants` breaks the device's `limits`, if it does.
    pub fn error(
        &self,
        entry_point: Option<&str>,
        constants: &HashMap<String, f64>,
        limits: &wgt::Limits,
    ) -> Option<String> {
        let name = match entry_point {
            Some(name) => name,
            None if self.usage.len() == 1 => self.usage[0].0.as_str(),
            None => return None,
        };
        let storage = limits.max_compute_workgroup_storage_size;
        if let Some(message) = over_limit(name, &self.usage, storage) {
            return Some(message);
        }
        let module = self.overridden.as_ref()?;
        // Invalid modules and constants are wgpu-core's to report. The module is
        // validated once, not again for every pipeline made from it.
        let info = self
            .info
            .get_or_init(|| {
                naga::valid::Validator::new(
                    naga::valid::ValidationFlags::all(),
                    naga::valid::Capabilities::all(),
                )
                .validate(module)
                .ok()
            })
            .as_ref()?;
        let constants: naga::back::PipelineConstants =
            constants.iter().map(|(k, v)| (k.clone(), *v)).collect();
        let (resolved, _) = naga::back::pipeline_constants::process_overrides(
            module,
            info,
            Some((naga::ShaderStage::Compute, name)),
            &constants,
        )
        .ok()?;
        if let Some(bytes) = override_sized_storage(module, name, &constants) {
            if bytes > storage as u64 {
                return Some(format!(
                    "entry point '{name}' uses {bytes} bytes of workgroup storage, more than \
                     maxComputeWorkgroupStorageSize ({storage})"
                ));
            }
        }
        let entry = resolved.entry_points.iter().find(|e| e.name == name)?;
        let [x, y, z] = entry.workgroup_size;
        let most = [
            limits.max_compute_workgroup_size_x,
            limits.max_compute_workgroup_size_y,
            limits.max_compute_workgroup_size_z,
        ];
        let invocations = x as u64 * y as u64 * z as u64;
        if x > most[0] || y > most[1] || z > most[2] {
            return Some(format!(
                "entry point '{name}' has workgroup size ({x}, {y}, {z}), over the device's \
                 maxComputeWorkgroupSize ({}, {}, {})",
                most[0], most[1], most[2]
            ));
        }
        if invocations > limits.max_compute_invocations_per_workgroup as u64 {
            return Some(format!(
                "entry point '{name}' has {invocations} invocations per workgroup, more than \
                 maxComputeInvocationsPerWorkgroup ({})",
                limits.max_compute_invocations_per_workgroup
            ));
        }
        None
    }
}

/// The workgroup storage of `entry_point` where overrides size its arrays, given the
/// pipeline's constants: each array sized by an override counts its value times its
/// stride. None where a size is not known that way (an override array in a struct, an
/// override without a value).
fn override_sized_storage(
    module: &Module,
    entry_point: &str,
    constants: &naga::back::PipelineConstants,
) -> Option<u64> {
    let entry = module.entry_points.iter().find(|e| e.name == entry_point)?;
    let mut layouter = naga::proc::Layouter::default();
    layouter.update(module.to_ctx()).ok()?;
    let mut bytes = 0u64;
    for var in used_globals(module, &entry.function) {
        let global = &module.global_variables[var];
        if global.space != AddressSpace::WorkGroup {
            continue;
        }
        let size = match module.types[global.ty].inner {
            TypeInner::Array {
                size: ArraySize::Pending(o),
                stride,
                ..
            } => override_value(module, o, constants)? * stride as u64,
            _ if override_sized(module, global.ty) => return None,
            _ => layouter[global.ty].size as u64,
        };
        bytes += size.next_multiple_of(16);
    }
    Some(bytes)
}

/// An override's value: the pipeline's constant for it (by name, or by `@id`), else
/// its initializer where that is a literal.
fn override_value(
    module: &Module,
    o: Handle<naga::Override>,
    constants: &naga::back::PipelineConstants,
) -> Option<u64> {
    let o = &module.overrides[o];
    let given =
        o.id.and_then(|id| constants.get(&id.to_string()))
            .or_else(|| o.name.as_ref().and_then(|n| constants.get(n)));
    if let Some(&v) = given {
        return (v >= 0.0).then_some(v as u64);
    }
    match module.global_expressions[o.init?] {
        naga::Expression::Literal(naga::Literal::U32(v)) => Some(v as u64),
        naga::Expression::Literal(naga::Literal::I32(v)) => u64::try_from(v).ok(),
        naga::Expression::Literal(naga::Literal::AbstractInt(v)) => u64::try_from(v).ok(),
        _ => None,
    }
}

/// The usage of each compute entry point of `module`.
pub fn of_compute_entry_points(module: &Module) -> Vec<Usage> {
    let mut layouter = naga::proc::Layouter::default();
    let laid_out = layouter.update(module.to_ctx()).is_ok();
    module
        .entry_points
        .iter()
        .filter(|e| e.stage == naga::ShaderStage::Compute)
        .map(|e| {
            let mut bytes = Some(0u64);
            for var in used_globals(module, &e.function) {
                let global = &module.global_variables[var];
                if global.space != AddressSpace::WorkGroup {
                    continue;
                }
                bytes = match bytes {
                    Some(sum) if laid_out && !override_sized(module, global.ty) => {
                        Some(sum + (layouter[global.ty].size as u64).next_multiple_of(16))
                    }
                    _ => None,
                };
            }
            (e.name.clone(), bytes)
        })
        .collect()
}

/// The message of a pipeline whose entry point uses more than the device allows.
pub fn over_limit(entry_point: &str, usage: &[Usage], limit: u32) -> Option<String> {
    let named = |(name, _): &&Usage| name == entry_point;
    let (name, bytes) = usage.iter().find(named)?;
    let bytes = (*bytes)?;
    (bytes > limit as u64).then(|| {
        format!(
            "entry point '{name}' uses {bytes} bytes of workgroup storage, more than \
             maxComputeWorkgroupStorageSize ({limit})"
        )
    })
}

/// The global variables a function uses, with those of every function it calls.
pub fn used_globals(
    module: &Module,
    entry: &naga::Function,
) -> HashSet<Handle<naga::GlobalVariable>> {
    let mut globals = HashSet::new();
    for function in reachable(module, entry) {
        for (_, expr) in function.expressions.iter() {
            if let Expression::GlobalVariable(g) = *expr {
                globals.insert(g);
            }
        }
    }
    globals
}

/// A function and every function it calls, at any depth, each once.
pub fn reachable<'m>(module: &'m Module, entry: &'m naga::Function) -> Vec<&'m naga::Function> {
    let mut out = vec![entry];
    let mut seen = HashSet::new();
    let mut next = 0;
    while let Some(&function) = out.get(next) {
        next += 1;
        let mut calls = Vec::new();
        called(&function.body, &mut calls);
        for f in calls {
            if seen.insert(f) {
                out.push(&module.functions[f]);
            }
        }
    }
    out
}

/// The functions a block calls, at any depth.
fn called(block: &Block, out: &mut Vec<Handle<naga::Function>>) {
    for statement in block.iter() {
        if let Statement::Call { function, .. } = *statement {
            out.push(function);
        }
        for inner in crate::loop_bounds::nested(statement) {
            called(inner, out);
        }
    }
}

/// Whether a type holds an array whose length is an override.
fn override_sized(module: &Module, ty: Handle<naga::Type>) -> bool {
    match module.types[ty].inner {
        TypeInner::Array { base, size, .. } => {
            matches!(size, ArraySize::Pending(_)) || override_sized(module, base)
        }
        TypeInner::Struct { ref members, .. } => {
            members.iter().any(|m| override_sized(module, m.ty))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(source: &str) -> Vec<Usage> {
        of_compute_entry_points(&naga::front::wgsl::parse_str(source).unwrap())
    }

    #[test]
    fn each_variable_counts_rounded_up_to_16_bytes() {
        let u = usage(
            "var<workgroup> a: array<f32, 5>; var<workgroup> b: u32;
             @compute @workgroup_size(1) fn main() { a[0] = 1.0; b = 2u; }",
        );
        assert_eq!(u, vec![("main".to_string(), Some(32 + 16))]);
    }

    #[test]
    fn only_variables_the_entry_point_uses_count_including_through_calls() {
        let u = usage(
            "var<workgroup> a: array<u32, 64>; var<workgroup> b: array<u32, 1024>;
             fn touch_b() { b[0] = 1u; }
             @compute @workgroup_size(1) fn uses_a() { a[0] = 1u; }
             @compute @workgroup_size(1) fn uses_b() { if true { touch_b(); } }",
        );
        assert_eq!(
            u,
            vec![
                ("uses_a".to_string(), Some(256)),
                ("uses_b".to_string(), Some(4096))
            ]
        );
    }

    #[test]
    fn an_override_sized_array_is_not_measured() {
        let u = usage(
            "override n: u32 = 4; var<workgroup> a: array<u32, n>;
             @compute @workgroup_size(1) fn main() { a[0] = 1u; }",
        );
        assert_eq!(u, vec![("main".to_string(), None)]);
    }

    #[test]
    fn over_the_limit_names_the_entry_point_and_both_sizes() {
        let u = vec![("main".to_string(), Some(16400))];
        let message = over_limit("main", &u, 16384).unwrap();
        assert!(message.contains("'main' uses 16400 bytes"), "{message}");
        assert!(message.contains("(16384)"), "{message}");
        assert_eq!(over_limit("main", &u, 16400), None);
    }
}

#[cfg(test)]
mod override_tests {
    use super::*;

    #[test]
    fn overrides_that_size_workgroup_storage_or_the_workgroup_are_checked_with_the_constants() {
        let module = naga::front::wgsl::parse_str(
            "override a: u32; override w: u32 = 64;
             var<workgroup> data: array<vec4<f32>, a>;
             @compute @workgroup_size(w) fn main() { _ = data[0]; }",
        )
        .unwrap();
        let checks = ComputeChecks::of(&module);
        let limits = wgt::Limits::default();
        let with = |a: f64, w: f64| {
            let constants = HashMap::from([("a".to_string(), a), ("w".to_string(), w)]);
            checks.error(None, &constants, &limits)
        };
        assert_eq!(with(1024.0, 64.0), None);
        assert!(with(1025.0, 64.0).unwrap().contains("16400 bytes"));
        assert!(with(1.0, 257.0)
            .unwrap()
            .contains("workgroup size (257, 1, 1)"));
    }
}
