//! WGSL that the spec allows and naga 30's front end does not take, rewritten before
//! naga parses it. Called by `shader_module.rs`, after `wgsl_limits` (whose bounds
//! hold for the text here: the rewrites nest no deeper than what they replace).
//!
//! - `requires subgroup_uniformity;` and `requires immediate_address_space;`: language
//!   features this library implements (`uniformity`; naga's `var<immediate>`) and naga's
//!   `requires` does not know: the names are dropped from the directive.
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
//! - A subgroup built-in used without `enable subgroups;` is rejected (naga parses
//!   them whenever the device has the feature), and so is a `textureGather` component
//!   written as a negative integer (naga takes it; WGSL allows 0 to 3).
//! - The lane argument of `subgroupShuffle`, `subgroupBroadcast` and `quadBroadcast`
//!   (i32 or u32 in WGSL, u32 only in naga, which also concretizes an abstract int to
//!   i32): an integer literal gets a `u` suffix, anything else becomes
//!   `u32(~(~(e)))`, which only integers pass; the u32-only delta or mask of
//!   `subgroupShuffleUp/Down/Xor` gets the suffix where it is an integer literal.
//! - A derivative built-in of an integer literal (`dpdx(0)`): the literal is written as
//!   the f32 the abstract int converts to.
//! - Hexadecimal float literals with the `h` suffix (`0x1.8p3h`), which naga 30 does
//!   not parse at all ("not representable"): written as the decimal literal of the same
//!   f16 value where the literal is an f16 exactly; any other is left to naga, whose
//!   error is WGSL's (Tint too rejects a hex float its type cannot hold exactly).
//! - A null character anywhere, comments included (naga skips it in comments): rejected,
//!   as WGSL source text excludes U+0000.
//! - `@diagnostic(severity, rule)` attributes, which naga does not parse: checked
//!   (severity, form, and that a function or a block-opening statement follows) and
//!   blanked; the uniformity rules they turn off or down are read from the source by
//!   `diagnostic_scopes`, for `uniformity`, which applies each to its function or
//!   statement.
//!
//! Rewritten text keeps its line breaks, so compilation messages keep their lines;
//! columns after a rewritten `bitcast` or lane argument on the same line shift.

use std::borrow::Cow;

use crate::wgsl_limits::{tokens, SourceError, Token};

/// WGSL language features this library implements itself (`uniformity`; immediate data
/// through naga's `var<immediate>`) and naga's `requires` does not know: taken out of
/// `requires` directives.
const OWN_LANGUAGE_FEATURES: &[&str] = &[
    "subgroup_uniformity",
    "immediate_address_space",
    "texture_formats_tier1",
];

/// Helpers the rewrites call, appended to a module that uses them.
const UNPACK4: &str = "webgpu_shim_unpack4x16float";
const PACK4: &str = "webgpu_shim_pack4x16float";
/// `subgroupElect()`: the first active invocation is the one whose exclusive prefix
/// count is 0.
const ELECT: &str = "(subgroupExclusiveAdd(1u) == 0u)";

/// `source` with the rewrites above, or why it is rejected. `subgroups`: whether the
/// device has the Subgroups feature.
pub fn adjust(source: &str, subgroups: bool) -> Result<Cow<'_, str>, SourceError> {
    if let Some(at) = source.find('\0') {
        return Err(SourceError {
            message: "WGSL source text may not contain a null character (U+0000)".into(),
            offset: at,
            length: 1,
        });
    }
    if ![
        "0x",
        "0X",
        "subgroup",
        "requires",
        "bitcast",
        "quad",
        "diagnostic",
        "dpd",
        "fwidth",
        "textureGather",
    ]
    .iter()
    .any(|w| source.contains(w))
    {
        return Ok(Cow::Borrowed(source));
    }
    let tokens = tokens(source);
    let mut out = String::with_capacity(source.len());
    let mut helpers = Helpers::default();
    let mut copied = 0;
    // Text to insert before the source position it names, in position order.
    let mut inserts: Vec<(usize, &str)> = Vec::new();
    // The first subgroup built-in the module uses, and whether it enables subgroups.
    let mut subgroup_use: Option<Tok> = None;
    let mut subgroups_enabled = false;
    let mut k = 0;
    while k < tokens.len() {
        let (_, start, _) = tokens[k];
        while let Some(&(at, text)) = inserts.first().filter(|(at, _)| *at <= start) {
            out.push_str(&source[copied..at]);
            out.push_str(text);
            copied = at;
            inserts.remove(0);
        }
        if is(tokens.get(k), b'@')
            && tokens.get(k + 1).and_then(|t| word(source, t)) == Some("diagnostic")
        {
            let end = diagnostic_attribute(source, &tokens, k)?.end;
            out.push_str(&source[copied..start]);
            out.push_str(&blank(&source[start..tokens[end - 1].2]));
            copied = tokens[end - 1].2;
            k = end;
            continue;
        }
        if let Some((second, end, signed)) = index_argument(source, &tokens, k) {
            // naga takes a u32 lane argument only, and concretizes an abstract int to
            // i32 first. An integer literal becomes a u32 one; any other argument of a
            // call that WGSL lets take an i32 too is converted, through `~~`, which
            // only integers have, so that a float or bool stays the error it is.
            let literal = end == second + 1
                && word(source, &tokens[second])
                    .is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()));
            let added: &[(usize, &str)] = if literal {
                &[(tokens[second].2, "u")]
            } else if signed {
                &[(tokens[second].1, "u32(~(~("), (tokens[end].1, ")))")]
            } else {
                &[]
            };
            for &insert in added {
                let at = inserts.partition_point(|(p, _)| *p <= insert.0);
                inserts.insert(at, insert);
            }
        }
        if let Some(e) = negative_gather_component(source, &tokens, k) {
            return Err(e);
        }
        if subgroup_use.is_none() && is_subgroup_builtin(source, &tokens, k) {
            subgroup_use = Some(tokens[k]);
        }
        if let Some(literal) = derivative_of_int_literal(source, &tokens, k) {
            // An abstract integer converts to f32 here; naga does not convert it.
            out.push_str(&source[copied..tokens[literal].2]);
            out.push_str(".0");
            copied = tokens[literal].2;
            k = literal + 1;
            continue;
        }
        if word(source, &tokens[k]) == Some("enable") && depth_zero(&tokens[..k]) {
            let end = directive_end(&tokens, k);
            subgroups_enabled |= tokens[k..end]
                .iter()
                .any(|t| word(source, t) == Some("subgroups"));
            let (text, changed) = enable_directive(source, &tokens[k..end], subgroups)?;
            if changed {
                out.push_str(&source[copied..start]);
                out.push_str(&text);
                copied = tokens[end - 1].2;
            }
            k = end;
            continue;
        }
        if word(source, &tokens[k]) == Some("requires") && depth_zero(&tokens[..k]) {
            // Language features this library implements and naga does not know.
            let end = directive_end(&tokens, k);
            if tokens[k..end]
                .iter()
                .any(|t| word(source, t).is_some_and(|w| OWN_LANGUAGE_FEATURES.contains(&w)))
            {
                out.push_str(&source[copied..start]);
                out.push_str(&without(source, &tokens[k..end], OWN_LANGUAGE_FEATURES));
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
        if let Some((end, decimal)) = hex_f16_literal(source, &tokens, k) {
            out.push_str(&source[copied..start]);
            out.push_str(&decimal);
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
    if let (Some(used), false) = (subgroup_use, subgroups_enabled) {
        return Err(SourceError {
            message: format!(
                "'{}' is a subgroup built-in, which needs `enable subgroups;`",
                &source[used.1..used.2]
            ),
            offset: used.1,
            length: used.2 - used.1,
        });
    }
    for (at, text) in inserts {
        out.push_str(&source[copied..at]);
        out.push_str(text);
        copied = at;
    }
    if copied == 0 {
        return Ok(Cow::Borrowed(source));
    }
    out.push_str(&source[copied..]);
    helpers.append(&mut out);
    Ok(Cow::Owned(out))
}

/// What a `@diagnostic` attribute sets: `rule` at `severity` ("off" among them) over the
/// bytes `start..end` of the source: from the attribute to the end of the function or
/// statement it is on (an `if` with its `else` branches), its condition included.
#[derive(Debug, PartialEq)]
pub struct ScopedFilter<'s> {
    pub rule: &'s str,
    pub severity: &'s str,
    pub start: usize,
    pub end: usize,
}

/// Every `@diagnostic` attribute's filter, for `uniformity` (naga parses none of them).
pub fn diagnostic_scopes(source: &str) -> Vec<ScopedFilter<'_>> {
    if !source.contains("diagnostic") {
        return Vec::new();
    }
    let tokens = tokens(source);
    let mut scopes = Vec::new();
    for k in 0..tokens.len() {
        if !(is(tokens.get(k), b'@')
            && tokens.get(k + 1).and_then(|t| word(source, t)) == Some("diagnostic"))
        {
            continue;
        }
        let Ok(attribute) = diagnostic_attribute(source, &tokens, k) else {
            continue;
        };
        let (Some(rule), Some(end)) =
            (attribute.rule, scope_end(source, &tokens, attribute.target))
        else {
            continue;
        };
        scopes.push(ScopedFilter {
            rule,
            severity: attribute.severity,
            start: tokens[k].1,
            end,
        });
    }
    scopes
}

/// Where the function or statement starting at token `k` ends: its first block's `}`,
/// and for an `if`, that of its last `else` branch.
fn scope_end(source: &str, tokens: &[Tok], k: usize) -> Option<usize> {
    let block_end = |from: usize| -> Option<usize> {
        let open = (from..tokens.len()).find(|&i| is(tokens.get(i), b'{'))?;
        let mut depth = 0usize;
        for (j, t) in tokens.iter().enumerate().skip(open) {
            match t.0 {
                Token::Punct(b'{') => depth += 1,
                Token::Punct(b'}') => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(j);
                    }
                }
                _ => {}
            }
        }
        None
    };
    let mut close = block_end(k)?;
    while tokens.get(close + 1).and_then(|t| word(source, t)) == Some("else") {
        close = block_end(close + 1)?;
    }
    Some(tokens[close].2)
}

/// Diagnostic rules WGSL does not know, named as one word in a `diagnostic` directive or
/// attribute: a warning each, as the spec says (a rule `a.b` is anyone's).
pub fn unknown_diagnostic_rules(source: &str) -> Vec<SourceError> {
    if !source.contains("diagnostic") {
        return Vec::new();
    }
    let tokens = tokens(source);
    let mut unknown = Vec::new();
    for k in 0..tokens.len() {
        if word(source, &tokens[k]) != Some("diagnostic") || !is(tokens.get(k + 1), b'(') {
            continue;
        }
        // severity , rule [,] ) — a rule of one word only.
        let rule = tokens.get(k + 4).filter(|_| {
            is(tokens.get(k + 3), b',')
                && (is(tokens.get(k + 5), b')')
                    || (is(tokens.get(k + 5), b',') && is(tokens.get(k + 6), b')')))
        });
        let Some(rule) = rule else { continue };
        let name = word(source, rule).unwrap_or_default();
        if !matches!(name, "derivative_uniformity" | "subgroup_uniformity") {
            unknown.push(SourceError {
                message: format!("unknown diagnostic rule '{name}'"),
                offset: rule.1,
                length: rule.2 - rule.1,
            });
        }
    }
    unknown
}

/// Spaces for `text`, keeping its line breaks.
fn blank(text: &str) -> String {
    text.chars()
        .map(|c| if c == '\n' { '\n' } else { ' ' })
        .collect()
}

/// A `@diagnostic(severity, rule)` attribute at `k`, which naga 30 does not parse
/// (its directive form it does): its end, and the uniformity rule it relaxes, if it is
/// one naga checks. An unknown severity is an error, as the spec says.
fn diagnostic_attribute<'s>(
    source: &'s str,
    tokens: &[Tok],
    k: usize,
) -> Result<Attribute<'s>, SourceError> {
    let bad = |at: &Tok, what: &str| SourceError {
        message: format!("malformed @diagnostic attribute: {what}"),
        offset: at.1,
        length: at.2 - at.1,
    };
    if !is(tokens.get(k + 2), b'(') {
        return Err(bad(&tokens[k + 1], "expected `(`"));
    }
    let close =
        matching(tokens, k + 2, b'(', b')').ok_or_else(|| bad(&tokens[k + 1], "no closing `)`"))?;
    let inner = &tokens[k + 3..close];
    let severity = inner
        .first()
        .and_then(|t| word(source, t))
        .ok_or_else(|| bad(&tokens[k + 2], "expected a severity"))?;
    if !matches!(severity, "error" | "warning" | "info" | "off") {
        return Err(SourceError {
            message: format!("unknown diagnostic severity '{severity}'"),
            offset: inner[0].1,
            length: inner[0].2 - inner[0].1,
        });
    }
    // severity , name [. name] [,]
    let rule_ok = match inner.len() {
        3 | 4 => {
            is(inner.get(1), b',')
                && word(source, &inner[2]).is_some()
                && (inner.len() == 3 || is(inner.get(3), b','))
        }
        5 | 6 => {
            is(inner.get(1), b',')
                && word(source, &inner[2]).is_some()
                && is(inner.get(3), b'.')
                && word(source, &inner[4]).is_some()
                && (inner.len() == 5 || is(inner.get(5), b','))
        }
        _ => false,
    };
    if !rule_ok {
        return Err(bad(&tokens[k + 2], "expected `(severity, rule)`"));
    }
    // It applies to a function, a compound statement, or an if, switch, loop, while or
    // for statement (or the body of one), so the next thing after any other
    // attributes is `fn`, `{` or one of those keywords.
    let rule_text = |first: usize, close: usize| -> String {
        // The tokens after the severity and its comma, but a trailing comma.
        let mut end = close;
        if is(tokens.get(end - 1), b',') {
            end -= 1;
        }
        joined(source, &tokens[(first + 2).min(end)..end])
    };
    let this_rule = rule_text(k + 3, close);
    let mut next = close + 1;
    while is(tokens.get(next), b'@') {
        let name = tokens.get(next + 1).and_then(|t| word(source, t));
        next += 2;
        if is(tokens.get(next), b'(') {
            let end = matching(tokens, next, b'(', b')').unwrap_or(tokens.len() - 1);
            if name == Some("diagnostic") && rule_text(next + 1, end) == this_rule {
                return Err(bad(&tokens[k + 1], "the same rule twice on one place"));
            }
            next = end + 1;
        }
    }
    let placed = is(tokens.get(next), b'{')
        || tokens
            .get(next)
            .and_then(|t| word(source, t))
            .is_some_and(|w| matches!(w, "fn" | "if" | "switch" | "loop" | "while" | "for"));
    if !placed {
        return Err(bad(
            &tokens[k + 1],
            "it applies to a function or a statement that opens a block only",
        ));
    }
    Ok(Attribute {
        end: close + 1,
        severity,
        rule: word(source, &inner[2]).filter(|_| inner.len() <= 4),
        target: next,
    })
}

/// A `@diagnostic(severity, rule)` attribute, as `diagnostic_attribute` reads it.
struct Attribute<'s> {
    /// The token after it.
    end: usize,
    severity: &'s str,
    /// The rule, where it is one name (not `a.b`).
    rule: Option<&'s str>,
    /// The token that starts what it applies to (`fn`, a keyword, or `{`).
    target: usize,
}

/// Subgroup built-in functions and values: a module that uses one must enable
/// `subgroups`.
const SUBGROUP_BUILTINS: &[&str] = &[
    "subgroupAdd",
    "subgroupExclusiveAdd",
    "subgroupInclusiveAdd",
    "subgroupMul",
    "subgroupExclusiveMul",
    "subgroupInclusiveMul",
    "subgroupMax",
    "subgroupMin",
    "subgroupAnd",
    "subgroupOr",
    "subgroupXor",
    "subgroupAll",
    "subgroupAny",
    "subgroupBallot",
    "subgroupElect",
    "subgroupBroadcast",
    "subgroupBroadcastFirst",
    "subgroupShuffle",
    "subgroupShuffleXor",
    "subgroupShuffleUp",
    "subgroupShuffleDown",
    "quadBroadcast",
    "quadSwapX",
    "quadSwapY",
    "quadSwapDiagonal",
    "subgroup_invocation_id",
    "subgroup_size",
    "subgroup_id",
    "num_subgroups",
];

/// Whether the token at `k` calls a subgroup built-in function or names a subgroup
/// built-in value (`@builtin(subgroup_size)`).
fn is_subgroup_builtin(source: &str, tokens: &[Tok], k: usize) -> bool {
    let Some(name) = word(source, &tokens[k]) else {
        return false;
    };
    if !SUBGROUP_BUILTINS.contains(&name) || (k > 0 && is(tokens.get(k - 1), b'.')) {
        return false;
    }
    let value = k >= 3
        && is(tokens.get(k - 1), b'(')
        && word(source, &tokens[k - 2]) == Some("builtin")
        && is(tokens.get(k - 3), b'@');
    value
        || (name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && is(tokens.get(k + 1), b'(')
            && !name.contains('_'))
}

/// For a subgroup or quad built-in whose second argument is a lane index, delta or
/// mask (`subgroupShuffle(e, id)`, `subgroupShuffleDown(e, delta)`, ...) at `k`: that
/// argument's first token, the token after it (the closer or a trailing comma), and
/// whether WGSL lets it be an i32 as well as a u32.
fn index_argument(source: &str, tokens: &[Tok], k: usize) -> Option<(usize, usize, bool)> {
    let name = word(source, &tokens[k])?;
    let signed = match name {
        "subgroupShuffle" | "subgroupBroadcast" | "quadBroadcast" => true,
        "subgroupShuffleXor" | "subgroupShuffleUp" | "subgroupShuffleDown" => false,
        _ => return None,
    };
    if !is(tokens.get(k + 1), b'(') || (k > 0 && is(tokens.get(k - 1), b'.')) {
        return None;
    }
    let close = matching(tokens, k + 1, b'(', b')')?;
    let mut depth = 0i64;
    for j in k + 2..close {
        match tokens[j].0 {
            Token::Punct(b'(' | b'[') => depth += 1,
            Token::Punct(b')' | b']') => depth -= 1,
            Token::Punct(b',') if depth == 0 => {
                let second = j + 1;
                // The second argument runs to the closer or a trailing comma.
                let end = (second..close)
                    .find(|&i| is(tokens.get(i), b',') && depth_zero(&tokens[second..i]))
                    .unwrap_or(close);
                return (second < end).then_some((second, end, signed));
            }
            _ => {}
        }
    }
    None
}

/// A `textureGather` whose component argument is written as a negative integer
/// (`-1`, `-1i`, `i32(-1)`): naga takes it, WGSL allows 0 to 3 only.
fn negative_gather_component(source: &str, tokens: &[Tok], k: usize) -> Option<SourceError> {
    if word(source, &tokens[k]) != Some("textureGather") || !is(tokens.get(k + 1), b'(') {
        return None;
    }
    let close = matching(tokens, k + 1, b'(', b')')?;
    let end = (k + 2..close).find(|&j| is(tokens.get(j), b',') && depth_zero(&tokens[k + 2..j]))?;
    let first = joined(source, &tokens[k + 2..end]);
    let digits = first
        .strip_prefix("i32(-")
        .and_then(|r| r.strip_suffix(')'))
        .or_else(|| first.strip_prefix('-').map(|r| r.trim_end_matches('i')))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (start, stop) = (tokens[k + 2].1, tokens[end - 1].2);
    Some(SourceError {
        message: format!("textureGather's component is {first}; it must be 0, 1, 2 or 3"),
        offset: start,
        length: stop - start,
    })
}

/// For a derivative built-in called on one integer literal without a suffix
/// (`dpdx(0)`) at `k`: the literal's token.
fn derivative_of_int_literal(source: &str, tokens: &[Tok], k: usize) -> Option<usize> {
    let name = word(source, &tokens[k])?;
    let derivative = matches!(
        name,
        "dpdx"
            | "dpdxCoarse"
            | "dpdxFine"
            | "dpdy"
            | "dpdyCoarse"
            | "dpdyFine"
            | "fwidth"
            | "fwidthCoarse"
            | "fwidthFine"
    );
    if !derivative || !is(tokens.get(k + 1), b'(') {
        return None;
    }
    let mut j = k + 2;
    if is(tokens.get(j), b'-') {
        j += 1;
    }
    let literal = word(source, tokens.get(j)?)?;
    (literal.bytes().all(|b| b.is_ascii_digit()) && is(tokens.get(j + 1), b')')).then_some(j)
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

/// The hexadecimal f16 literal that starts at token `k` (`0xep2h`; with a signed exponent
/// it is three tokens, `0x3p` `+` `2h`): the token after it, and the decimal literal of
/// its value. `None` where it is no such literal or its value is not an f16 exactly (at
/// most 11 significant bits, between 2^-24 and 65504 in magnitude), which naga rejects.
fn hex_f16_literal(source: &str, tokens: &[Tok], k: usize) -> Option<(usize, String)> {
    let first = word(source, &tokens[k])?;
    let body = first
        .strip_prefix("0x")
        .or_else(|| first.strip_prefix("0X"))?;
    let (text, end) = if body.ends_with(['p', 'P']) {
        let (sign, exponent) = (tokens.get(k + 1)?, tokens.get(k + 2)?);
        let adjacent = sign.1 == tokens[k].2 && exponent.1 == sign.2;
        if !(adjacent && (is(Some(sign), b'+') || is(Some(sign), b'-'))) {
            return None;
        }
        (&source[tokens[k].1..exponent.2], k + 3)
    } else {
        (first, k + 1)
    };
    let (mantissa, exponent) = text[2..].strip_suffix('h')?.split_once(['p', 'P'])?;
    if !exponent
        .trim_start_matches(['+', '-'])
        .bytes()
        .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let exponent: i32 = exponent.parse().ok()?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let (int, frac) = (int.trim_start_matches('0'), frac.trim_end_matches('0'));
    let mut m: u64 = 0;
    for c in int.chars().chain(frac.chars()) {
        m = m.checked_mul(16)?.checked_add(u64::from(c.to_digit(16)?))?;
    }
    if m == 0 {
        return Some((end, "0.0h".into()));
    }
    let shift = m.trailing_zeros();
    let e = exponent
        .checked_sub(4 * i32::try_from(frac.len()).ok()?)?
        .checked_add(shift as i32)?;
    m >>= shift;
    let bits = 64 - m.leading_zeros() as i32;
    if bits > 11 || e < -24 || e + bits - 1 > 15 {
        return None;
    }
    // Exact: an odd m of at most 11 bits times a power of two in f64's range.
    let value = m as f64 * 2f64.powi(e);
    Some((end, format!("{value:?}h")))
}

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
    Ok((without(source, directive, &["subgroups"]), true))
}

/// A directive (`enable` or `requires`, ending at its `;`) without the extensions
/// `names`, as text of the same length with its line breaks: blank where no other name
/// is left.
fn without(source: &str, directive: &[Tok], names: &[&str]) -> String {
    let keyword = word(source, &directive[0]).unwrap_or_default();
    let (start, end) = (directive[0].1, directive[directive.len() - 1].2);
    let kept: Vec<&str> = directive[1..]
        .iter()
        .filter(|t| matches!(t.0, Token::Word))
        .filter_map(|t| word(source, t))
        .filter(|w| !names.contains(w))
        .collect();
    let mut text = if kept.is_empty() {
        String::new()
    } else {
        format!("{keyword} {};", kept.join(", "))
    };
    for (i, c) in source[start..end].char_indices() {
        if i >= text.len() {
            text.push(if c == '\n' { '\n' } else { ' ' });
        }
    }
    text
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
    fn a_hexadecimal_f16_literal_is_the_decimal_literal_of_its_value() {
        let source = "enable f16;\nconst a = 0xep2h;\nconst b = 0xEp-2h;\nconst c = 0x3p+2h;\n\
                      const d = 0x3.2p+2h;\nconst e = 0x1p-24h;\nconst f = 0x0.0p0h;\n\
                      const g = 0x1.ffcp15h;\nconst h = 0x10p-4f;\n";
        let out = adjusted(source);
        assert_eq!(
            out,
            "enable f16;\nconst a = 56.0h;\nconst b = 3.5h;\nconst c = 12.0h;\n\
             const d = 12.5h;\nconst e = 5.960464477539063e-8h;\nconst f = 0.0h;\n\
             const g = 65504.0h;\nconst h = 0x10p-4f;\n"
        );
        validates(&out);
    }

    #[test]
    fn a_hexadecimal_f16_literal_that_is_no_f16_exactly_is_left_for_naga_to_reject() {
        for literal in [
            "0x1.0p+999999h",
            "0x1p16h",
            "0x1.001p0h",
            "0x1p-25h",
            "0x3h",
            "0xf.h",
        ] {
            let source = format!("enable f16;\nconst a = {literal};\n");
            assert_eq!(adjust(&source, true).expect("taken"), source.as_str());
        }
    }

    #[test]
    fn a_null_character_is_an_error_even_in_a_comment() {
        let e = adjust("// a\0b\nfn f() {}\n", false).expect_err("rejected");
        assert_eq!((e.offset, e.length), (4, 1));
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
    fn a_lane_index_may_be_an_i32_or_an_abstract_int() {
        let source =
            "enable subgroups;\n@group(0) @binding(0) var<storage, read_write> d: array<i32>;\n\
            @compute @workgroup_size(64) fn main() {\n  let i = 3i;\n\
            d[0] = subgroupShuffle(d[1], i) + subgroupBroadcast(subgroupShuffle(d[2], 0), 1,);\n\
            d[1] = quadBroadcast(d[3], 2u);\n}\n";
        let out = adjusted(source);
        assert!(out.contains("subgroupShuffle(d[1], u32(~(~(i))))"));
        assert!(out.contains("subgroupBroadcast(subgroupShuffle(d[2], 0u), 1u,)"));
        assert!(out.contains("quadBroadcast(d[3], u32(~(~(2u))))"));
        validates(&out);
    }

    #[test]
    fn a_lane_argument_of_another_type_stays_an_error() {
        for bad in ["1.5", "true", "f32(2)"] {
            let source = format!(
                "enable subgroups;\n@compute @workgroup_size(64) fn main() {{\n\
                 let x = subgroupShuffle(1u, {bad}); let y = subgroupShuffleDown(1u, 1i);\n}}\n"
            );
            let out = adjusted(&source);
            let module = naga::front::wgsl::parse_str(&out);
            let valid = module.is_ok_and(|m| {
                naga::valid::Validator::new(
                    naga::valid::ValidationFlags::all(),
                    naga::valid::Capabilities::all(),
                )
                .validate(&m)
                .is_ok()
            });
            assert!(!valid, "{out}");
        }
    }

    #[test]
    fn subgroup_built_ins_need_the_enable_directive() {
        let e = adjust(
            "@compute @workgroup_size(64) fn main() { let x = subgroupAdd(1u); }",
            true,
        )
        .unwrap_err();
        assert!(e.message.contains("'subgroupAdd'") && e.message.contains("enable subgroups"));
        let e = adjust(
            "@compute @workgroup_size(64) fn main(@builtin(subgroup_size) s: u32) {}",
            true,
        )
        .unwrap_err();
        assert!(e.message.contains("'subgroup_size'"));
        // A member or a variable of that name is not the built-in.
        assert!(adjust("fn f() { let subgroup_size = 1u; }", true).is_ok());
    }

    #[test]
    fn a_gather_component_is_not_negative() {
        let call = |c: &str| {
            format!(
                "@group(0) @binding(0) var s: sampler; @group(0) @binding(1) var t: texture_2d<f32>;
                 @fragment fn fs() -> @location(0) vec4f {{ return textureGather({c}, t, s, vec2f(0)); }}"
            )
        };
        for bad in ["-1", "-1i", "i32(-1)"] {
            let e = adjust(&call(bad), true).unwrap_err();
            assert!(e.message.contains("must be 0, 1, 2 or 3"), "{bad}");
        }
        for good in ["0", "3u", "i32(2)"] {
            assert!(adjust(&call(good), true).is_ok(), "{good}");
        }
    }

    #[test]
    fn a_derivative_of_an_integer_literal_is_of_the_f32_it_converts_to() {
        let source = "@fragment fn main() { let x = dpdx(0); let y = fwidthFine(-3); }";
        let out = adjusted(source);
        assert!(out.contains("dpdx(0.0)") && out.contains("fwidthFine(-3.0)"));
        validates(&out);
    }

    #[test]
    fn diagnostic_attributes_are_blanked_and_each_filters_its_function_or_statement() {
        let source = "@diagnostic(off, derivative_uniformity)\nfn f() {}\n\
            @diagnostic(warning, my.rule,) fn g() {}\n";
        let out = adjusted(source);
        assert!(!out.contains('@') && out.contains("\nfn f() {}\n") && out.contains(" fn g() {}"));
        assert_eq!(out.len(), source.len());
        validates(&out);
        let f_end = source.find("{}").unwrap() + 2;
        assert_eq!(
            diagnostic_scopes(source),
            [ScopedFilter {
                rule: "derivative_uniformity",
                severity: "off",
                start: 0,
                end: f_end
            }]
        );
        // A statement's scope: from the attribute to its block's end, an `if`'s with
        // its `else` branches.
        let statement = "fn g() { @diagnostic(info, subgroup_uniformity) if a { } else if b { } else { } x(); }";
        let scopes = diagnostic_scopes(statement);
        assert_eq!(scopes.len(), 1);
        let start = statement.find('@').unwrap();
        let end = statement.find(" x();").unwrap();
        assert_eq!((scopes[0].start, scopes[0].end), (start, end));
        // Rules WGSL does not know are warnings, in directives and attributes.
        let unknown = unknown_diagnostic_rules(
            "diagnostic(info, blahblahblah);\n@diagnostic(off, derivative_uniform) fn f() {}\n\
             @diagnostic(off, a.b) fn g() {}",
        );
        let names: Vec<&str> = unknown.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            names,
            [
                "unknown diagnostic rule 'blahblahblah'",
                "unknown diagnostic rule 'derivative_uniform'"
            ]
        );
        let e = adjust(
            "@diagnostic(sometimes, derivative_uniformity) fn f() {}",
            true,
        )
        .unwrap_err();
        assert!(e
            .message
            .contains("unknown diagnostic severity 'sometimes'"));
        assert!(adjust("@diagnostic(off) fn f() {}", true).is_err());
        assert!(adjust(
            "@diagnostic(off, derivative_uniformity) @diagnostic(off, derivative_uniformity,) fn f() {}",
            true
        )
        .is_err());
        assert!(adjust(
            "@diagnostic(off, derivative_uniformity) @diagnostic(off, a.b) fn f() {}",
            true
        )
        .is_ok());
        // Only before a function or a statement that opens a block.
        assert!(adjust(
            "fn f() { @diagnostic(off, derivative_uniformity) if true {} }",
            true
        )
        .is_ok());
        assert!(adjust(
            "@diagnostic(off, derivative_uniformity) @must_use fn f() -> u32 { return 1u; }",
            true
        )
        .is_ok());
        assert!(adjust(
            "@diagnostic(off, derivative_uniformity) var<private> x: u32;",
            true
        )
        .is_err());
        assert!(adjust(
            "fn f() { @diagnostic(off, derivative_uniformity) let x = 0; }",
            true
        )
        .is_err());
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
