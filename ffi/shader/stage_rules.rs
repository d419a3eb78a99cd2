//! Shader-creation rules of WGSL that naga 30 does not check when a module is made;
//! `shader_module.rs` applies them to every module naga accepts, so a module that
//! breaks one is invalid (an error on the device, one compilation message at the
//! variable), as the spec says, not only the pipelines made from it.
//!
//! - A vertex entry point statically uses no `var<storage, read_write>` and no storage
//!   texture it may write (`write` or `read_write` access).
//! - Only a compute entry point statically uses a `var<workgroup>`.
//! - An atomic type is stored only in `var<storage, read_write>` or `var<workgroup>`:
//!   not in read-only storage.
//! - A `var<immediate>` (and a `ptr<immediate, T>`) holds numbers, vectors, matrices and
//!   structs of them: no array (naga takes fixed-size ones), bool or atomic; an entry
//!   point statically uses at most one.
//!
//! - Each component of a texture sampling or gathering `offset` is in [-8, 7].
//! - Constant bounds of `clamp` have low <= high, and of `smoothstep` low != high (naga
//!   folds calls whose arguments are all constant without these checks: not seen here).
//!
//! "Statically uses": in the entry point's body or any function it calls, as
//! `workgroup_storage` counts it.

use naga::{
    AddressSpace, Expression, Handle, ImageClass, Literal, Module, ShaderStage, StorageAccess,
    TypeInner,
};

use crate::wgsl_limits::SourceError;

/// The first rule `module` breaks, at the variable (or expression) that breaks it.
pub fn check(module: &Module) -> Result<(), SourceError> {
    let functions = module
        .functions
        .iter()
        .map(|(_, f)| f)
        .chain(module.entry_points.iter().map(|e| &e.function));
    for function in functions {
        let values = |e| const_values(module, function, e).unwrap_or_default();
        for (handle, expr) in function.expressions.iter() {
            let message = match *expr {
                Expression::ImageSample {
                    offset: Some(offset),
                    ..
                } => values(offset)
                    .into_iter()
                    .find(|v| !(-8.0..=7.0).contains(v))
                    .map(|v| format!("a texture offset component is {v}; each must be in [-8, 7]")),
                // Constant bounds of clamp and smoothstep (the argument at run time).
                Expression::Math {
                    fun: naga::MathFunction::Clamp,
                    arg1: Some(low),
                    arg2: Some(high),
                    ..
                } => values(low)
                    .into_iter()
                    .zip(values(high))
                    .find(|(l, h)| l > h)
                    .map(|(l, h)| format!("clamp's low bound ({l}) is above its high bound ({h})")),
                Expression::Math {
                    fun: naga::MathFunction::SmoothStep,
                    arg: low,
                    arg1: Some(high),
                    ..
                } => values(low)
                    .into_iter()
                    .zip(values(high))
                    .find(|(l, h)| l == h)
                    .map(|(l, _)| format!("smoothstep's bounds are both {l}")),
                _ => None,
            };
            if let Some(message) = message {
                let range = function
                    .expressions
                    .get_span(handle)
                    .to_range()
                    .unwrap_or(0..0);
                return Err(SourceError {
                    message,
                    offset: range.start,
                    length: range.len(),
                });
            }
        }
    }
    for (handle, ty) in module.types.iter() {
        if let TypeInner::Pointer {
            base,
            space: AddressSpace::Immediate,
        } = ty.inner
        {
            if !immediate_type(module, base) {
                let range = module.types.get_span(handle).to_range().unwrap_or(0..0);
                return Err(SourceError {
                    message: "a ptr<immediate, T>'s T holds no array, bool or atomic".into(),
                    offset: range.start,
                    length: range.len(),
                });
            }
        }
    }
    for (handle, global) in module.global_variables.iter() {
        if global.space == AddressSpace::Immediate && !immediate_type(module, global.ty) {
            return Err(at(
                module,
                handle,
                "a var<immediate>'s type holds no array, bool or atomic".into(),
            ));
        }
        if let AddressSpace::Storage { access } = global.space {
            if !access.contains(StorageAccess::STORE) && holds_atomic(module, global.ty) {
                return Err(at(
                    module,
                    handle,
                    "an atomic type must be in read_write storage or workgroup memory, \
                     not read-only storage"
                        .into(),
                ));
            }
        }
    }
    for entry in &module.entry_points {
        let mut used: Vec<_> = crate::workgroup_storage::used_globals(module, &entry.function)
            .into_iter()
            .collect();
        used.sort_by_key(|g| g.index());
        let mut immediates = used
            .iter()
            .filter(|&&g| module.global_variables[g].space == AddressSpace::Immediate);
        if let (Some(_), Some(&second)) = (immediates.next(), immediates.next()) {
            return Err(at(
                module,
                second,
                format!(
                    "the entry point '{}' uses more than one var<immediate>; WGSL allows one",
                    entry.name
                ),
            ));
        }
        for handle in used {
            let global = &module.global_variables[handle];
            let name = global.name.as_deref().unwrap_or("a variable");
            let broken = match (entry.stage, global.space) {
                (ShaderStage::Vertex, AddressSpace::Storage { access })
                    if access.contains(StorageAccess::STORE) =>
                {
                    Some("a read_write storage buffer")
                }
                (ShaderStage::Vertex, AddressSpace::Handle)
                    if writable_texture(module, global.ty) =>
                {
                    Some("a writable storage texture")
                }
                (ShaderStage::Vertex | ShaderStage::Fragment, AddressSpace::WorkGroup) => {
                    Some("workgroup memory")
                }
                _ => None,
            };
            if let Some(what) = broken {
                let stage = match entry.stage {
                    ShaderStage::Vertex => "vertex",
                    _ => "fragment",
                };
                return Err(at(
                    module,
                    handle,
                    format!(
                        "the {stage} entry point '{}' uses '{name}', {what}, which a {stage} \
                         shader may not",
                        entry.name
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The values of a constant expression (a scalar or the components of a vector),
/// where it is written with literals, constants, splats and constructors.
fn const_values(
    module: &Module,
    function: &naga::Function,
    expr: Handle<Expression>,
) -> Option<Vec<f64>> {
    fn eval(
        module: &Module,
        arena: &naga::Arena<Expression>,
        expr: Handle<Expression>,
        depth: u32,
    ) -> Option<Vec<f64>> {
        if depth > 16 {
            return None;
        }
        match arena[expr] {
            Expression::Literal(literal) => Some(vec![match literal {
                Literal::I32(v) => v as f64,
                Literal::U32(v) => v as f64,
                Literal::I64(v) => v as f64,
                Literal::U64(v) => v as f64,
                Literal::AbstractInt(v) => v as f64,
                Literal::F32(v) => v as f64,
                Literal::F64(v) => v,
                Literal::F16(v) => f64::from(v),
                Literal::AbstractFloat(v) => v,
                _ => return None,
            }]),
            Expression::Constant(c) => eval(
                module,
                &module.global_expressions,
                module.constants[c].init,
                depth + 1,
            ),
            Expression::Splat { value, size } => {
                let v = eval(module, arena, value, depth + 1)?;
                Some(vec![*v.first()?; size as usize])
            }
            Expression::Compose { ref components, .. } => {
                let mut out = Vec::new();
                for &c in components {
                    out.extend(eval(module, arena, c, depth + 1)?);
                }
                Some(out)
            }
            _ => None,
        }
    }
    eval(module, &function.expressions, expr, 0)
}

fn at(module: &Module, global: Handle<naga::GlobalVariable>, message: String) -> SourceError {
    let range = module
        .global_variables
        .get_span(global)
        .to_range()
        .unwrap_or(0..0);
    SourceError {
        message,
        offset: range.start,
        length: range.len(),
    }
}

/// Whether `ty` may be a `var<immediate>`'s: numbers, vectors, matrices and structs of
/// them (naga also takes arrays).
fn immediate_type(module: &Module, ty: Handle<naga::Type>) -> bool {
    match module.types[ty].inner {
        TypeInner::Scalar(s) | TypeInner::Vector { scalar: s, .. } => {
            s.kind != naga::ScalarKind::Bool
        }
        TypeInner::Matrix { .. } => true,
        TypeInner::Struct { ref members, .. } => {
            members.iter().all(|m| immediate_type(module, m.ty))
        }
        _ => false,
    }
}

fn holds_atomic(module: &Module, ty: Handle<naga::Type>) -> bool {
    match module.types[ty].inner {
        TypeInner::Atomic(_) => true,
        TypeInner::Array { base, .. } | TypeInner::BindingArray { base, .. } => {
            holds_atomic(module, base)
        }
        TypeInner::Struct { ref members, .. } => members.iter().any(|m| holds_atomic(module, m.ty)),
        _ => false,
    }
}

fn writable_texture(module: &Module, ty: Handle<naga::Type>) -> bool {
    match module.types[ty].inner {
        TypeInner::Image {
            class: ImageClass::Storage { access, .. },
            ..
        } => access.contains(StorageAccess::STORE),
        TypeInner::BindingArray { base, .. } => writable_texture(module, base),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broken(source: &str) -> Option<String> {
        check(&naga::front::wgsl::parse_str(source).unwrap())
            .err()
            .map(|e| e.message)
    }

    #[test]
    fn a_vertex_shader_may_not_use_read_write_storage_or_write_a_storage_texture() {
        let rw = "@group(0) @binding(0) var<storage, read_write> v: u32;
                  fn touch() -> u32 { return v; }
                  @vertex fn main() -> @builtin(position) vec4f { _ = touch(); return vec4f(); }";
        assert!(broken(rw).unwrap().contains("read_write storage buffer"));
        let tex = "@group(0) @binding(0) var t: texture_storage_2d<r32uint, write>;
                   @vertex fn main() -> @builtin(position) vec4f { _ = t; return vec4f(); }";
        assert!(broken(tex).unwrap().contains("writable storage texture"));
        let ro = "@group(0) @binding(0) var<storage> v: u32;
                  @vertex fn main() -> @builtin(position) vec4f { _ = v; return vec4f(); }";
        assert_eq!(broken(ro), None);
    }

    #[test]
    fn immediate_data_holds_no_array_bool_or_atomic() {
        let e = broken(
            "var<immediate> k: array<u32, 4>; @compute @workgroup_size(1) fn main() { _ = k[0]; }",
        );
        assert!(e.unwrap().contains("no array, bool or atomic"));
        let e = broken("struct S { a: u32, b: array<u32, 2> } var<immediate> k: S;");
        assert!(e.is_some());
        let two = "var<immediate> a: u32; var<immediate> b: u32;
                   @compute @workgroup_size(1) fn main() { _ = a; _ = b; }";
        assert!(broken(two)
            .unwrap()
            .contains("more than one var<immediate>"));
        let alias = "alias p = ptr<immediate, bool>;";
        assert!(broken(alias).unwrap().contains("ptr<immediate, T>"));
        let ok = "struct S { a: u32, b: vec4f, m: mat2x2f } var<immediate> k: S;";
        assert_eq!(broken(ok), None);
    }

    #[test]
    fn only_compute_shaders_use_workgroup_memory() {
        let frag = "var<workgroup> w: u32; @fragment fn main() { _ = w; }";
        assert!(broken(frag).unwrap().contains("workgroup memory"));
        let comp = "var<workgroup> w: u32; @compute @workgroup_size(1) fn main() { _ = w; }";
        assert_eq!(broken(comp), None);
        // Declared, used by a compute entry point only, beside a fragment one: fine.
        let both = "var<workgroup> w: u32; @compute @workgroup_size(1) fn c() { w = 1u; }
                    @fragment fn f() {}";
        assert_eq!(broken(both), None);
    }

    #[test]
    fn texture_offsets_are_within_minus_8_and_7() {
        let module = |offset: &str| {
            format!(
                "@group(0) @binding(0) var t: texture_2d<f32>; @group(0) @binding(1) var s: sampler;
                 const o = vec2i(3, -8);
                 @fragment fn main() -> @location(0) vec4f {{
                     return textureSample(t, s, vec2f(0.5), {offset});
                 }}"
            )
        };
        assert_eq!(broken(&module("vec2i(7, -8)")), None);
        assert_eq!(broken(&module("o")), None);
        assert!(broken(&module("vec2i(8, 0)")).unwrap().contains("is 8"));
        assert!(broken(&module("vec2(0, -9)")).unwrap().contains("is -9"));
    }

    #[test]
    fn constant_bounds_of_clamp_and_smoothstep_are_checked() {
        let module = |call: &str| format!("fn f() {{ var v: vec2f; var s: f32; let x = {call}; }}");
        assert_eq!(broken(&module("clamp(v, vec2f(0, 1), vec2f(1, 1))")), None);
        assert!(broken(&module("clamp(v, vec2f(0, 2), vec2f(1, 1))"))
            .unwrap()
            .contains("low bound (2)"));
        assert!(broken(&module("clamp(s, 1.5, 0.5)")).is_some());
        assert_eq!(broken(&module("smoothstep(0.0, 1.0, s)")), None);
        assert!(broken(&module("smoothstep(1.0, 1.0, s)"))
            .unwrap()
            .contains("both 1"));
    }

    #[test]
    fn atomics_are_not_in_read_only_storage() {
        let ro = "struct S { a: atomic<u32> } @group(0) @binding(0) var<storage> s: S;
                  @compute @workgroup_size(1) fn main() {}";
        assert!(broken(ro).unwrap().contains("read-only storage"));
        let rw = "@group(0) @binding(0) var<storage, read_write> a: array<atomic<u32>>;
                  @compute @workgroup_size(1) fn main() { atomicAdd(&a[0], 1u); }";
        assert_eq!(broken(rw), None);
    }
}
