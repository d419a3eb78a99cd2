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
//!
//! "Statically uses": in the entry point's body or any function it calls, as
//! `workgroup_storage` counts it.

use naga::{AddressSpace, Handle, ImageClass, Module, ShaderStage, StorageAccess, TypeInner};

use crate::wgsl_limits::SourceError;

/// The first rule `module` breaks, at the variable that breaks it.
pub fn check(module: &Module) -> Result<(), SourceError> {
    for (handle, global) in module.global_variables.iter() {
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
        for handle in crate::workgroup_storage::used_globals(module, &entry.function) {
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
    fn atomics_are_not_in_read_only_storage() {
        let ro = "struct S { a: atomic<u32> } @group(0) @binding(0) var<storage> s: S;
                  @compute @workgroup_size(1) fn main() {}";
        assert!(broken(ro).unwrap().contains("read-only storage"));
        let rw = "@group(0) @binding(0) var<storage, read_write> a: array<atomic<u32>>;
                  @compute @workgroup_size(1) fn main() { atomicAdd(&a[0], 1u); }";
        assert_eq!(broken(rw), None);
    }
}
