//! Constant tables indexed at run time: module-scope `const` arrays that a function
//! indexes with a value known only at run time become `var<private>`.
//!
//! Why: naga's SPIR-V back end cannot index a constant composite with a run-time
//! index, so at every such access it stores the whole table into a new function
//! variable and indexes that. For the lookup tables of quantized ML kernels (ggml's
//! `iq2s_grid` is 2,048 words, read four times per call of a helper inlined into
//! loops) that is megabytes of stores per invocation: lavapipe's LLVM then takes
//! minutes to compile the pipeline (10 minutes and counting with bounds checks, which
//! is the default), and NVIDIA's compiler (driver 580) fails it with
//! `VK_ERROR_UNKNOWN`. A private variable with the table as its initializer is
//! indexed in place: the same pipeline compiles in a second.
//!
//! The rewrite is on the source, and only taken when the result parses: a `const`
//! that is also used where only a constant may be (an array size, another `const`,
//! an attribute) makes the rewritten module fail to parse, and the original is used
//! unchanged. Reading a private variable gives the same values as reading the
//! constant; a module that is valid with `const` never writes to the name.

use std::collections::HashSet;

use naga::{Expression, Module, TypeInner};

use crate::wgsl_limits::{next_token, Token};

/// `source` with every module-scope `const` array that `module` (parsed from it)
/// indexes at run time declared `var<private>` instead; None where there is none.
pub fn hoist(source: &str, module: &Module) -> Option<String> {
    let names = indexed_at_run_time(module);
    if names.is_empty() {
        return None;
    }
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len() + 8 * names.len());
    let mut copied = 0;
    let mut depth = 0usize;
    let mut i = 0;
    while let Some((token, start, end)) = next_token(bytes, i) {
        i = end;
        match token {
            Token::Punct(b'{') => depth += 1,
            Token::Punct(b'}') => depth = depth.saturating_sub(1),
            Token::Word if depth == 0 && &source[start..end] == "const" => {
                let Some((Token::Word, name_start, name_end)) = next_token(bytes, end) else {
                    continue;
                };
                if names.contains(&source[name_start..name_end]) {
                    out.push_str(&source[copied..start]);
                    out.push_str("var<private>");
                    copied = end;
                }
            }
            _ => {}
        }
    }
    out.push_str(&source[copied..]);
    Some(out)
}

/// The names of the module's array constants that some function indexes with a
/// run-time value (`Access`; a constant index is `AccessIndex`).
fn indexed_at_run_time(module: &Module) -> HashSet<&str> {
    let functions = module
        .functions
        .iter()
        .map(|(_, f)| f)
        .chain(module.entry_points.iter().map(|e| &e.function));
    let mut names = HashSet::new();
    for function in functions {
        for (_, expr) in function.expressions.iter() {
            let Expression::Access { base, .. } = *expr else {
                continue;
            };
            let Expression::Constant(c) = function.expressions[base] else {
                continue;
            };
            let constant = &module.constants[c];
            if let (TypeInner::Array { .. }, Some(name)) =
                (&module.types[constant.ty].inner, &constant.name)
            {
                names.insert(name.as_str());
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hoisted(source: &str) -> Option<String> {
        hoist(source, &naga::front::wgsl::parse_str(source).unwrap())
    }

    #[test]
    fn a_table_indexed_at_run_time_becomes_a_private_variable() {
        let source = "const table = array<u32, 4>(1u, 2u, 3u, 4u);
            const other = array<u32, 2>(5u, 6u);
            @group(0) @binding(0) var<storage, read_write> out: array<u32>;
            @compute @workgroup_size(1) fn main(@builtin(global_invocation_id) g: vec3u) {
                out[g.x] = table[g.x % 4u] + other[1];
            }";
        let result = hoisted(source).unwrap();
        assert!(
            result.starts_with("var<private> table = array<u32, 4>"),
            "{result}"
        );
        // Indexed only with a constant: left alone.
        assert!(result.contains("const other"), "{result}");
        naga::front::wgsl::parse_str(&result).unwrap();
    }

    #[test]
    fn a_module_without_such_a_table_is_left_alone() {
        let source = "const table = array<u32, 2>(1u, 2u);
            @compute @workgroup_size(1) fn main() { let x = table[1]; }";
        assert_eq!(hoisted(source), None);
    }

    #[test]
    fn a_table_also_used_as_a_constant_makes_a_source_that_does_not_parse() {
        // The caller then keeps the original module.
        let source = "const table = array<u32, 2>(1u, 2u);
            const first = table[0];
            var<private> i: u32;
            @compute @workgroup_size(1) fn main() { let x = table[i] + first; }";
        let result = hoisted(source).unwrap();
        assert!(naga::front::wgsl::parse_str(&result).is_err());
    }

    #[test]
    fn a_const_inside_a_function_or_in_a_comment_is_not_touched() {
        let source = "// const table is a table
            const table = array<u32, 2>(1u, 2u);
            var<private> i: u32;
            @compute @workgroup_size(1) fn main() { const table = 3u; let y = table; }
            fn f() -> u32 { return table[i]; }";
        let result = hoisted(source).unwrap();
        assert!(result.contains("// const table is a table"), "{result}");
        assert!(result.contains("var<private> table = array"), "{result}");
        assert!(result.contains("{ const table = 3u;"), "{result}");
    }
}
