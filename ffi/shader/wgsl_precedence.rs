//! WGSL's rules for mixing binary operators without parentheses, which naga 30 does
//! not enforce (it parses `a + b & c` or `a < b < c` with precedences of its own).
//! Called by `shader_module.rs` on every WGSL source, after `wgsl_limits`.
//!
//! WGSL's grammar allows, at one level of parentheses:
//! - one bitwise operator kind (`&`, `|` or `^`) between unary operands, and nothing else;
//! - else one logical operator kind (`&&` or `||`) between relational expressions;
//! - a relational expression: at most one comparison between shift expressions;
//! - a shift expression: one `<<` or `>>` between unary operands, or any number of
//!   additive and multiplicative operators.
//!
//! Tokens are read as `wgsl_limits` reads them; `<` and `>` that delimit a template
//! list (`vec2<f32>`, `array<u32, 4>`) are told from comparisons by the spec's template
//! list discovery, and a template list is a level of its own, as parentheses are.

use crate::wgsl_limits::{tokens, SourceError, Token};

type Tok = (Token, usize, usize);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Mul,
    Add,
    Shift,
    Compare,
    BitAnd,
    BitOr,
    BitXor,
    And,
    Or,
}

/// The first place where `source` mixes binary operators as WGSL does not allow.
pub fn check(source: &str) -> Result<(), SourceError> {
    let tokens = tokens(source);
    let templates = template_delimiters(source, &tokens);
    let adjacent = |k: usize, c: u8| matches!(tokens.get(k + 1), Some((Token::Punct(p), s, _)) if *p == c && *s == tokens[k].2);
    // One frame per open level (parentheses, brackets, template lists): the binary
    // operators met at it, each with its token's index.
    let mut levels: Vec<Vec<(Op, usize)>> = vec![Vec::new()];
    let mut operand_before = false;
    let mut k = 0;
    while k < tokens.len() {
        let (kind, start, end) = tokens[k];
        let Token::Punct(c) = kind else {
            // Keywords that start a statement or a declaration end an expression.
            let keyword = matches!(
                &source[start..end],
                "return"
                    | "let"
                    | "var"
                    | "const"
                    | "if"
                    | "else"
                    | "switch"
                    | "case"
                    | "default"
                    | "loop"
                    | "while"
                    | "for"
                    | "break"
                    | "continue"
                    | "continuing"
                    | "discard"
                    | "fn"
                    | "struct"
                    | "alias"
                    | "override"
                    | "const_assert"
                    | "enable"
                    | "requires"
                    | "diagnostic"
            );
            if keyword {
                finish(&tokens, levels.last_mut().expect("a level"))?;
            }
            operand_before = !keyword;
            k += 1;
            continue;
        };
        if let Some(&open) = templates.get(&start) {
            if open {
                levels.push(Vec::new());
                operand_before = false;
            } else {
                close_level(&tokens, &mut levels)?;
                operand_before = true;
            }
            k += 1;
            continue;
        }
        // Operators of two characters (three for `<<=` and `>>=`).
        let (op, width, ends) = match c {
            b'<' | b'>' if adjacent(k, c) => {
                if adjacent(k + 1, b'=') {
                    (None, 3, true)
                } else {
                    (Some(Op::Shift), 2, false)
                }
            }
            b'<' | b'>' | b'=' | b'!' if adjacent(k, b'=') => (Some(Op::Compare), 2, false),
            b'&' if adjacent(k, b'&') => (Some(Op::And), 2, false),
            b'|' if adjacent(k, b'|') => (Some(Op::Or), 2, false),
            // Compound assignments, `++`, `--` and `->` end an expression.
            b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^' if adjacent(k, b'=') => {
                (None, 2, true)
            }
            b'+' | b'-' if adjacent(k, c) => (None, 2, true),
            b'-' if adjacent(k, b'>') => (None, 2, true),
            b'*' | b'/' | b'%' => (Some(Op::Mul), 1, false),
            b'+' | b'-' => (Some(Op::Add), 1, false),
            b'<' | b'>' => (Some(Op::Compare), 1, false),
            b'&' => (Some(Op::BitAnd), 1, false),
            b'|' => (Some(Op::BitOr), 1, false),
            b'^' => (Some(Op::BitXor), 1, false),
            _ => (None, 1, false),
        };
        k += width;
        if ends {
            finish(&tokens, levels.last_mut().expect("a level"))?;
            // After `x++` the statement goes on with `;` or `)`; nothing binary follows.
            operand_before = false;
            continue;
        }
        if let Some(op) = op {
            if operand_before {
                levels.last_mut().expect("a level").push((op, k - width));
            }
            // Else a unary `-`, `*` or `&`.
            operand_before = false;
            continue;
        }
        match c {
            b'(' | b'[' => {
                levels.push(Vec::new());
                operand_before = false;
            }
            b')' | b']' => {
                close_level(&tokens, &mut levels)?;
                operand_before = true;
            }
            b',' | b';' | b'{' | b'}' | b':' | b'=' | b'@' => {
                finish(&tokens, levels.last_mut().expect("a level"))?;
                operand_before = false;
            }
            // `!`, `~`, `.` and anything else: no operand just before what follows.
            _ => operand_before = false,
        }
    }
    for level in &mut levels {
        finish(&tokens, level)?;
    }
    Ok(())
}

/// Ends the innermost level (an unbalanced closer is naga's to report).
fn close_level(tokens: &[Tok], levels: &mut Vec<Vec<(Op, usize)>>) -> Result<(), SourceError> {
    let mut level = levels.pop().unwrap_or_default();
    if levels.is_empty() {
        levels.push(Vec::new());
    }
    finish(tokens, &mut level)
}

/// Checks and clears the operators of an expression that ends.
fn finish(tokens: &[Tok], level: &mut Vec<(Op, usize)>) -> Result<(), SourceError> {
    let ops = std::mem::take(level);
    match violation(&ops) {
        None => Ok(()),
        Some((at, message)) => {
            let (_, start, end) = tokens[at];
            Err(SourceError {
                message,
                offset: start,
                length: end - start,
            })
        }
    }
}

/// The first operator (token index) of a sequence that WGSL's grammar does not allow
/// without parentheses, and why.
fn violation(ops: &[(Op, usize)]) -> Option<(usize, String)> {
    let bitwise = |o: Op| matches!(o, Op::BitAnd | Op::BitOr | Op::BitXor);
    let logical = |o: Op| matches!(o, Op::And | Op::Or);
    if let Some(&(first, first_at)) = ops.iter().find(|(o, _)| bitwise(*o)) {
        return ops.iter().any(|(o, _)| *o != first).then(|| {
            (
                first_at,
                "a bitwise operator (`&`, `|`, `^`) may be combined only with itself \
                 without parentheses"
                    .to_string(),
            )
        });
    }
    if let Some(&(first, _)) = ops.iter().find(|(o, _)| logical(*o)) {
        if let Some(&(_, at)) = ops.iter().find(|(o, _)| logical(*o) && *o != first) {
            return Some((
                at,
                "`&&` and `||` may not be mixed without parentheses".into(),
            ));
        }
    }
    for segment in ops.split(|(o, _)| logical(*o)) {
        let compares: Vec<&(Op, usize)> =
            segment.iter().filter(|(o, _)| *o == Op::Compare).collect();
        if compares.len() > 1 {
            return Some((
                compares[1].1,
                "comparisons may not be chained without parentheses".into(),
            ));
        }
        for side in segment.split(|(o, _)| *o == Op::Compare) {
            let shifts = side.iter().filter(|(o, _)| *o == Op::Shift).count();
            if shifts > 0 && side.len() > 1 {
                let at = side
                    .iter()
                    .find(|(o, _)| *o == Op::Shift)
                    .map_or(side[0].1, |s| s.1);
                return Some((
                    at,
                    "a shift may not be combined with other arithmetic or shifts without \
                     parentheses"
                        .into(),
                ));
            }
        }
    }
    None
}

/// The template list delimiters of `tokens`, by source position: true for a `<` that
/// opens one, false for the `>` that closes it (WGSL's template list discovery).
fn template_delimiters(source: &str, tokens: &[Tok]) -> std::collections::HashMap<usize, bool> {
    let mut found = std::collections::HashMap::new();
    // Pending candidates: (index of the `<` token, nesting depth).
    let mut pending: Vec<(usize, u32)> = Vec::new();
    let mut depth = 0u32;
    let adjacent = |k: usize, c: u8| matches!(tokens.get(k + 1), Some((Token::Punct(p), s, _)) if *p == c && *s == tokens[k].2);
    let mut k = 0;
    while k < tokens.len() {
        let (kind, start, end) = tokens[k];
        match kind {
            Token::Word => {
                let identifier = !source.as_bytes()[start].is_ascii_digit();
                if identifier && matches!(tokens.get(k + 1), Some((Token::Punct(b'<'), _, _))) {
                    let lt = k + 1;
                    // `<<` and `<=` are operators, not a template start.
                    if !adjacent(lt, b'<') && !adjacent(lt, b'=') {
                        pending.push((lt, depth));
                    }
                    k += 2;
                    continue;
                }
                let _ = end;
            }
            Token::Punct(b'>') => {
                if let Some(&(lt, d)) = pending.last() {
                    if d == depth {
                        pending.pop();
                        found.insert(tokens[lt].1, true);
                        found.insert(start, false);
                        k += 1;
                        continue;
                    }
                }
                if adjacent(k, b'=') {
                    k += 1;
                }
            }
            Token::Punct(b'(' | b'[') => depth += 1,
            Token::Punct(b')' | b']') => {
                while pending.last().is_some_and(|&(_, d)| d >= depth) {
                    pending.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Token::Punct(b'!') if adjacent(k, b'=') => k += 1,
            Token::Punct(b'=') => {
                if adjacent(k, b'=') {
                    k += 1;
                } else {
                    pending.clear();
                    depth = 0;
                }
            }
            Token::Punct(b';' | b'{' | b':') => {
                pending.clear();
                depth = 0;
            }
            Token::Punct(b'&') if adjacent(k, b'&') => {
                while pending.last().is_some_and(|&(_, d)| d >= depth) {
                    pending.pop();
                }
                k += 1;
            }
            Token::Punct(b'|') if adjacent(k, b'|') => {
                while pending.last().is_some_and(|&(_, d)| d >= depth) {
                    pending.pop();
                }
                k += 1;
            }
            _ => {}
        }
        k += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_fn(expr: &str) -> String {
        format!("var<private> a: u32; var<private> b: u32; var<private> c: u32;\nfn f() {{ let x = {expr}; }}")
    }

    fn ok(expr: &str) -> bool {
        check(&in_fn(expr)).is_ok()
    }

    #[test]
    fn arithmetic_and_one_comparison_mix_freely() {
        assert!(ok("a * b + c"));
        assert!(ok("a + b * c < c - a / b"));
        assert!(ok("a < b && b < c && c < a"));
        assert!(ok("(a < b) || (b == c) || a > c"));
        assert!(ok("-a + -(b) * *&c"));
        assert!(ok("a << b < c"));
        assert!(ok("a & b & c"));
        assert!(ok("(a & b) | c"));
        assert!(ok(
            "vec2<u32>(a, b).x + array<u32, 2>(a, b)[1] * bitcast<u32>(c)"
        ));
        assert!(ok("select(a, b, a < b) + c"));
    }

    #[test]
    fn mixes_the_grammar_forbids_are_errors() {
        for bad in [
            "a + b & c",
            "a & b | c",
            "a << b << c",
            "a << b + c",
            "a * b << c",
            "a < b < c",
            "a < b && b < c || c < a",
            "a & b && c < a",
        ] {
            assert!(!ok(bad), "{bad}");
        }
        let source = in_fn("a + b & c");
        let e = check(&source).unwrap_err();
        assert_eq!(&source[e.offset..e.offset + e.length], "&");
    }

    #[test]
    fn statements_end_expressions() {
        let source =
            "fn f() { var i = 0u; for (var j = 0u; j < 4u; j++) { i += j & 1u; i = i | 2u; }
                      if i < 3u { i--; } let p = &i; *p = *p * 2u << 1u; }";
        assert!(check(source).is_err()); // `*p * 2u << 1u`: a shift beside a product
        let source = "fn f() -> u32 { var i = 0u; for (var j = 0u; j < 4u; j++) { i += j & 1u; }
                      if i < 3u { i--; } let p = &i; *p = (*p * 2u) << 1u; return i >> 1u; }";
        assert!(check(source).is_ok());
    }
}
