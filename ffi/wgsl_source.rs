//! WGSL that the spec allows and naga 30's front end does not take, rewritten before
//! naga parses it. Called by `shader_module.rs`, after `wgsl_limits` (whose bounds
//! hold for the text here: the rewrites nest no deeper than what they replace).
//!
//! - `enable subgroups;`: naga parses subgroup built-ins whenever the device has the
//!   Subgroups feature but rejects the directive itself as unimplemented. On a device
//!   with the feature the directive is blanked out (same length, so positions hold);
//!   on one without it the module is rejected, as the spec requires.
//! - `subgroupElect()`, which naga does not have: `(subgroupExclusiveAdd(1u) == 0u)`,
//!   true in the active invocation of lowest id alone, as the spec says.
//! - `bitcast` between 32-bit values and vectors of f16: naga lowers every `bitcast`
//!   as a change of scalar kind that keeps the width, so `bitcast<vec2<f16>>(u)` has
//!   the type of `u` and `bitcast<u32>(h)` is a `vec2<u16>`. These are rewritten with
//!   the packing built-ins, which are exact for every f16 value but NaN payloads:
//!   `bitcast<vec2<f16>>(e)` and `bitcast<vec4<f16>>(e)` whatever `e` is, and
//!   `bitcast<T>(vec2<f16>(...))`, `bitcast<vec2<T>>(vec4<f16>(...))` where the
//!   argument is written as a constructor. A 32-bit bitcast of an f16 vector held in
//!   a variable is left to naga, which rejects it (its type is not known here).
//!
//! Rewritten text keeps its line breaks, so compilation messages keep their lines;
//! columns after a rewritten `bitcast` on the same line shift.

use std::borrow::Cow;

use crate::wgsl_limits::{next_token, SourceError, Token};

/// Helpers the rewrites call, appended to a module that uses them.
const UNPACK4: &str = "webgpu_shim_unpack4x16float";
const PACK4: &str = "webgpu_shim_pack4x16float";
/// `subgroupElect()`: the first active invocation is the one whose exclusive prefix
/// count is 0.
const ELECT: &str = "(subgroupExclusiveAdd(1u) == 0u)";

/// `source` with the rewrites above, or why it is rejected. `subgroups`: whether the
/// device has the Subgroups feature.
pub fn adjust(source: &str, subgroups: bool) -> Result<Cow<'_, str>, SourceError> {
    if !source.contains("subgroup") && !source.contains("bitcast") {
        return Ok(Cow::Borrowed(source));
    }
    let bytes = source.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(t) = next_token(bytes, i) {
        i = t.2;
        tokens.push(t);
    }
    let mut out = String::with_capacity(source.len());
    let mut helpers = Helpers::default();
    let mut copied = 0;
    let mut k = 0;
    while k < tokens.len() {
        let (_, start, _) = tokens[k];
        if word(source, &tokens[k]) == Some("enable") && depth_zero(&tokens[..k]) {
            let end = directive_end(&tokens, k);
            let (text, changed) = enable_directive(source, &tokens[k..end], subgroups)?;
            if changed {
                out.push_str(&source[copied..start]);
                out.push_str(&text);
                copied = tokens[end - 1].2;
            }
            k = end;
            continue;
        }
        if let Some(end) = bitcast_end(source, &tokens, k) {
            out.push_str(&source[copied..start]);
            out.push_str(&bitcast(source, &tokens[k..end], &mut helpers));
            copied = tokens[end - 1].2;
            k = end;
            continue;
        }
        if word(source, &tokens[k]) == Some("subgroupElect")
            && is(tokens.get(k + 1), b'(')
            && is(tokens.get(k + 2), b')')
        {
            out.push_str(&source[copied..start]);
            out.push_str(ELECT);
            copied = tokens[k + 2].2;
            k += 3;
            continue;
        }
        k += 1;
    }
    if copied == 0 {
        return Ok(Cow::Borrowed(source));
    }
    out.push_str(&source[copied..]);
    helpers.append(&mut out);
    Ok(Cow::Owned(out))
}

#[derive(Default)]
struct Helpers {
    unpack4: bool,
    pack4: bool,
}

impl Helpers {
    fn append(&self, out: &mut String) {
        if self.unpack4 {
            out.push_str(&format!(
                "\nfn {UNPACK4}(v: vec2<u32>) -> vec4<f16> {{ \
                 return vec4<f16>(vec4<f32>(unpack2x16float(v.x), unpack2x16float(v.y))); }}\n"
            ));
        }
        if self.pack4 {
            out.push_str(&format!(
                "\nfn {PACK4}(v: vec4<f16>) -> vec2<u32> {{ \
                 return vec2<u32>(pack2x16float(vec2<f32>(v.xy)), pack2x16float(vec2<f32>(v.zw))); }}\n"
            ));
        }
    }
}

type Tok = (Token, usize, usize);

fn word<'s>(source: &'s str, t: &Tok) -> Option<&'s str> {
    matches!(t.0, Token::Word).then(|| &source[t.1..t.2])
}

fn is(t: Option<&Tok>, c: u8) -> bool {
    matches!(t, Some((Token::Punct(p), _, _)) if *p == c)
}

/// Whether no bracket of any kind is open after `tokens`.
fn depth_zero(tokens: &[Tok]) -> bool {
    let mut depth = 0i64;
    for t in tokens {
        match t.0 {
            Token::Punct(b'(' | b'[' | b'{') => depth += 1,
            Token::Punct(b')' | b']' | b'}') => depth -= 1,
            _ => {}
        }
    }
    depth <= 0
}

/// The end (exclusive) of the directive starting at `k`: after its `;`.
fn directive_end(tokens: &[Tok], k: usize) -> usize {
    (k..tokens.len())
        .find(|&j| is(tokens.get(j), b';'))
        .map_or(tokens.len(), |j| j + 1)
}

/// The directive without `subgroups`, padded to its length (blank if nothing is left),
/// and whether it changed.
fn enable_directive(
    source: &str,
    directive: &[Tok],
    subgroups: bool,
) -> Result<(String, bool), SourceError> {
    let names: Vec<&Tok> = directive[1..]
        .iter()
        .filter(|t| matches!(t.0, Token::Word))
        .collect();
    let Some(at) = names.iter().find(|t| word(source, t) == Some("subgroups")) else {
        return Ok((String::new(), false));
    };
    if !subgroups {
        return Err(SourceError {
            message: "the `subgroups` extension needs the device's Subgroups feature, which \
                      it was not created with"
                .into(),
            offset: at.1,
            length: at.2 - at.1,
        });
    }
    let (start, end) = (directive[0].1, directive[directive.len() - 1].2);
    let kept: Vec<&str> = names
        .iter()
        .filter_map(|t| word(source, t))
        .filter(|&w| w != "subgroups")
        .collect();
    let mut text = if kept.is_empty() {
        String::new()
    } else {
        format!("enable {};", kept.join(", "))
    };
    // Same length, line breaks where they were.
    for (i, c) in source[start..end].char_indices() {
        if i >= text.len() {
            text.push(if c == '\n' { '\n' } else { ' ' });
        }
    }
    Ok((text, true))
}

/// The matching closer of the bracket at `k` (an index into `tokens`).
fn matching(tokens: &[Tok], k: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0i64;
    for (j, t) in tokens.iter().enumerate().skip(k) {
        match t.0 {
            Token::Punct(c) if c == open => depth += 1,
            Token::Punct(c) if c == close => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            Token::Punct(b';' | b'{' | b'}') => return None,
            _ => {}
        }
    }
    None
}

/// Where a `bitcast<T>(e)` starting at `k` ends (exclusive), if it is one to rewrite.
fn bitcast_end(source: &str, tokens: &[Tok], k: usize) -> Option<usize> {
    if word(source, &tokens[k]) != Some("bitcast") || !is(tokens.get(k + 1), b'<') {
        return None;
    }
    let close = matching(tokens, k + 1, b'<', b'>')?;
    if !is(tokens.get(close + 1), b'(') {
        return None;
    }
    let end = matching(tokens, close + 1, b'(', b')')? + 1;
    let target = joined(source, &tokens[k + 2..close]);
    let argument = &tokens[close + 2..end - 1];
    let rewrite = f16_vector(&target).is_some()
        || (is_32bit(&target) && constructor(source, argument) == Some(2))
        || (is_32bit_vec2(&target) && constructor(source, argument) == Some(4));
    rewrite.then_some(end)
}

/// The tokens' text without what lies between them.
fn joined(source: &str, tokens: &[Tok]) -> String {
    tokens.iter().map(|t| &source[t.1..t.2]).collect()
}

/// 2 or 4 for `vec2<f16>`/`vec2h` and `vec4<f16>`/`vec4h`.
fn f16_vector(ty: &str) -> Option<u8> {
    match ty {
        "vec2<f16>" | "vec2h" => Some(2),
        "vec4<f16>" | "vec4h" => Some(4),
        _ => None,
    }
}

fn is_32bit(ty: &str) -> bool {
    matches!(ty, "u32" | "i32" | "f32")
}

fn is_32bit_vec2(ty: &str) -> bool {
    matches!(
        ty,
        "vec2<u32>" | "vec2<i32>" | "vec2<f32>" | "vec2u" | "vec2i" | "vec2f"
    )
}

/// 2 or 4 if `argument` is written as one f16 vector constructor: `vec2<f16>(...)`,
/// `vec4h(...)`.
fn constructor(source: &str, argument: &[Tok]) -> Option<u8> {
    let open = argument
        .iter()
        .position(|t| matches!(t.0, Token::Punct(b'(')))?;
    let size = f16_vector(&joined(source, &argument[..open]))?;
    (matching(argument, open, b'(', b')')? == argument.len() - 1).then_some(size)
}

/// The rewrite of one `bitcast<T>(e)` (`bitcast_end` said it is one), `e` rewritten
/// too.
fn bitcast(source: &str, call: &[Tok], helpers: &mut Helpers) -> String {
    let close = matching(call, 1, b'<', b'>').expect("checked by bitcast_end");
    let target = joined(source, &call[2..close]);
    let argument_tokens = &call[close + 2..call.len() - 1];
    // The argument's own text (comments, line breaks and all), rewritten.
    let (a, b) = (call[close + 1].2, call[call.len() - 1].1);
    let inner = adjust_range(source, argument_tokens, helpers);
    let argument = if argument_tokens.is_empty() {
        source[a..b].to_string()
    } else {
        inner
    };
    let target_text = &source[call[2].1..call[close - 1].2];
    match f16_vector(&target) {
        Some(2) => format!("vec2<f16>(unpack2x16float(bitcast<u32>({argument})))"),
        Some(_) => {
            helpers.unpack4 = true;
            format!("{UNPACK4}(bitcast<vec2<u32>>({argument}))")
        }
        None if constructor(source, argument_tokens) == Some(2) => {
            format!("bitcast<{target_text}>(pack2x16float(vec2<f32>({argument})))")
        }
        None => {
            helpers.pack4 = true;
            format!("bitcast<{target_text}>({PACK4}({argument}))")
        }
    }
}

/// The text of `tokens` (from the first's start to the last's end) with the bitcasts
/// in it rewritten.
fn adjust_range(source: &str, tokens: &[Tok], helpers: &mut Helpers) -> String {
    let Some(first) = tokens.first() else {
        return String::new();
    };
    let mut out = String::new();
    let mut copied = first.1;
    let mut k = 0;
    while k < tokens.len() {
        if let Some(end) = bitcast_end(source, tokens, k) {
            out.push_str(&source[copied..tokens[k].1]);
            out.push_str(&bitcast(source, &tokens[k..end], helpers));
            copied = tokens[end - 1].2;
            k = end;
        } else {
            k += 1;
        }
    }
    out.push_str(&source[copied..tokens[tokens.len() - 1].2]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adjusted(source: &str) -> String {
        adjust(source, true).expect("accepted").into_owned()
    }

    /// The module parses and validates with naga as this library configures it.
    fn validates(source: &str) {
        let module = naga::front::wgsl::parse_str(source)
            .unwrap_or_else(|e| panic!("{}\n{source}", e.emit_to_string(source)));
        naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::all(),
        )
        .validate(&module)
        .unwrap_or_else(|e| panic!("{e:?}\n{source}"));
    }

    #[test]
    fn enable_subgroups_is_blanked_where_the_device_has_the_feature() {
        let source = "enable f16, subgroups;\nenable subgroups;\nfn f() {}\n";
        let out = adjusted(source);
        assert_eq!(
            out,
            "enable f16;           \n                 \nfn f() {}\n"
        );
        assert_eq!(out.len(), source.len());
        validates(&out);
    }

    #[test]
    fn enable_subgroups_without_the_feature_is_rejected_at_the_name() {
        let source = "enable subgroups;\n";
        let e = adjust(source, false).unwrap_err();
        assert!(e.message.contains("Subgroups feature"));
        assert_eq!(&source[e.offset..e.offset + e.length], "subgroups");
    }

    #[test]
    fn a_bitcast_to_f16_vectors_gets_their_type_and_members() {
        let source = "enable f16;\n@group(0) @binding(0) var<storage, read_write> o: array<f32>;\n\
            fn f() {\n  let scale = o[0];\n  let d = f32(bitcast<vec2<f16>>(scale).x);\n\
            let e = bitcast<vec4h>(vec2<u32>(1u, bitcast<u32>(2.0)))[3];\n  o[1] = d + f32(e);\n}\n";
        let out = adjusted(source);
        assert!(out.contains("f32(vec2<f16>(unpack2x16float(bitcast<u32>(scale))).x)"));
        assert!(out.contains(
            "webgpu_shim_unpack4x16float(bitcast<vec2<u32>>(vec2<u32>(1u, bitcast<u32>(2.0))))[3]"
        ));
        // Lines are kept.
        assert_eq!(
            out.lines().position(|l| l.contains("let d")),
            source.lines().position(|l| l.contains("let d"))
        );
        validates(&out);
    }

    #[test]
    fn a_bitcast_of_an_f16_vector_constructor_packs_it() {
        let source =
            "enable f16;\nfn f() -> u32 {\n  let a = bitcast<u32>(vec2<f16>(1.0h, -2.0h));\n\
            let b = bitcast<vec2i>(vec4h(1.0h, 2.0h, 3.0h, 4.0h));\n  return a + u32(b.y);\n}\n";
        let out = adjusted(source);
        assert!(out.contains("bitcast<u32>(pack2x16float(vec2<f32>(vec2<f16>(1.0h, -2.0h))))"));
        assert!(out
            .contains("bitcast<vec2i>(webgpu_shim_pack4x16float(vec4h(1.0h, 2.0h, 3.0h, 4.0h)))"));
        validates(&out);
    }

    #[test]
    fn subgroup_elect_becomes_a_prefix_count() {
        let source = "enable subgroups;\n@group(0) @binding(0) var<storage, read_write> d: array<u32>;\n\
            @compute @workgroup_size(64) fn main() {\n  if subgroupElect() { d[0] = subgroupAdd(1u); }\n}\n";
        let out = adjusted(source);
        assert!(out.contains("if (subgroupExclusiveAdd(1u) == 0u) { d[0]"));
        validates(&out);
    }

    #[test]
    fn other_bitcasts_and_sources_are_left_alone() {
        let source = "fn f(x: f32, v: vec2<f32>) -> u32 { return bitcast<u32>(x) + bitcast<vec2<u32>>(v).y; }";
        assert!(matches!(adjust(source, true), Ok(Cow::Borrowed(_))));
        let plain = "fn f() {}";
        assert!(matches!(adjust(plain, false), Ok(Cow::Borrowed(_))));
    }
}
