//! Workgroup storage an entry point uses, for the `maxComputeWorkgroupStorageSize`
//! check that WebGPU makes when a compute pipeline is created and wgpu-core 30 does
//! not make.
//!
//! WebGPU counts every `var<workgroup>` that the entry point statically uses (in its
//! own body or any function it calls), each rounded up to 16 bytes. The sizes come
//! from naga's layouter, measured once when the module is made; a variable whose
//! type holds an override-sized array is measured only once the pipeline's
//! constants are known, which this does not do: such an entry point is not checked.

use std::collections::HashSet;

use naga::{AddressSpace, ArraySize, Block, Expression, Handle, Module, Statement, TypeInner};

/// A compute entry point's name and the bytes of workgroup storage it uses (None
/// where that depends on overrides).
pub type Usage = (String, Option<u64>);

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
    let mut seen = HashSet::new();
    let mut pending = vec![entry];
    while let Some(function) = pending.pop() {
        for (_, expr) in function.expressions.iter() {
            if let Expression::GlobalVariable(g) = *expr {
                globals.insert(g);
            }
        }
        let mut calls = Vec::new();
        called(&function.body, &mut calls);
        for f in calls {
            if seen.insert(f) {
                pending.push(&module.functions[f]);
            }
        }
    }
    globals
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
