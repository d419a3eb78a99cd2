//! Limits on WGSL source, checked on its tokens before naga sees it. Called by
//! `shader_module.rs`.
//!
//! naga's front end recurses once per level of an expression when it lowers it
//! (`1+1+1+...` with 30,000 terms is 30,000 frames, more than any thread's stack),
//! and resolves types in time quadratic in the number of expressions of a function
//! (or of all global declarations together). A host that compiles tenants' shaders
//! needs both bounded, whatever the text. So before parsing, one linear pass over
//! the tokens checks:
//!
//! - an upper bound on the depth of every expression (see [`Frame`]): at most
//!   [`EXPRESSION_DEPTH`];
//! - the nesting of parentheses, brackets and braces together: at most [`NESTING`]
//!   (the spec's limit for braces in a function is 127; naga stops its own
//!   recursion at 200 levels with an unhelpful message);
//! - tokens in one function: at most [`FUNCTION_TOKENS`]; in all declarations outside
//!   functions together: at most [`GLOBAL_TOKENS`]; in the module: at most
//!   [`MODULE_TOKENS`].
//!
//! With these, the work naga does for a module is bounded (about a second in the
//! worst case), and its stack use fits the stack the library compiles on
//! (`compiler_stack`). The WGSL spec allows an implementation to reject a program
//! beyond its limits; every limit here is far above what real shaders use.

/// The most an expression's depth bound may be.
pub const EXPRESSION_DEPTH: u32 = 2048;
/// The deepest nesting of `(`, `[` and `{`, all counted together.
pub const NESTING: usize = 127;
/// The most tokens in one function declaration.
pub const FUNCTION_TOKENS: u32 = 32768;
/// The most tokens in all declarations that are not functions, together.
pub const GLOBAL_TOKENS: u32 = 32768;
/// The most tokens in a module.
pub const MODULE_TOKENS: u32 = 131072;

/// What the library does not accept in a source, and where (byte offset and length
/// of the token).
#[derive(Debug, PartialEq, Eq)]
pub struct SourceError {
    pub message: String,
    pub offset: usize,
    pub length: usize,
}

impl SourceError {
    /// 1-based line and column (in bytes, as webgpu.h counts) of the offset.
    pub fn line_and_column(&self, source: &str) -> (usize, usize) {
        let before = &source.as_bytes()[..self.offset.min(source.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        (line, self.offset - line_start + 1)
    }
}

/// One level of nesting: the module, a brace block, or a parenthesised or bracketed
/// group. The text between separators (`,` or `;` at this level, or a brace) is a
/// segment. In a segment with `ops` operator tokens whose groups have depth bounds
/// of at most `max_child`, no expression is deeper than `ops + max_child + 1`: a
/// path from the root of its tree passes each operator at most once and enters at
/// most one group. A `,` inside a template list (`ptr<function, ptr<...>>`) does not
/// separate, since the nesting of templates is not a group: while a `<` is open in
/// the segment, a `,` does not end it. This overcounts (a `<` that is a comparison,
/// `<=` as two operators) but never undercounts.
#[derive(Default)]
struct Frame {
    brace: bool,
    ops: u32,
    max_child: u32,
    /// `<` minus `>` in the segment.
    open_angles: i32,
    /// The largest bound of the frame's finished segments.
    best: u32,
}

impl Frame {
    fn bound(&self) -> u32 {
        self.ops + self.max_child + 1
    }

    fn end_segment(&mut self) {
        self.best = self.best.max(self.bound());
        self.ops = 0;
        self.max_child = 0;
        self.open_angles = 0;
    }
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Token {
    Word,
    Punct(u8),
}

/// Checks `source` against the limits above.
pub fn check(source: &str) -> Result<(), SourceError> {
    let bytes = source.as_bytes();
    let mut frames = vec![Frame {
        brace: true,
        ..Frame::default()
    }];
    let (mut module_tokens, mut declaration_tokens, mut global_tokens) = (0u32, 0u32, 0u32);
    // Whether the top-level declaration being read is a function (`fn` seen at depth 0).
    let mut in_function = false;
    let mut i = 0;
    while let Some((token, start, end)) = next_token(bytes, i) {
        i = end;
        let at = |message: String| SourceError {
            message,
            offset: start,
            length: end - start,
        };
        module_tokens += 1;
        declaration_tokens += 1;
        if !in_function {
            global_tokens += 1;
        }
        if module_tokens > MODULE_TOKENS {
            return Err(at(format!(
                "the shader is longer than this implementation's limit of {MODULE_TOKENS} tokens"
            )));
        }
        if in_function && declaration_tokens > FUNCTION_TOKENS {
            return Err(at(format!(
                "the function is longer than this implementation's limit of {FUNCTION_TOKENS} tokens"
            )));
        }
        if global_tokens > GLOBAL_TOKENS {
            return Err(at(format!(
                "the declarations outside functions are longer than this implementation's \
                 limit of {GLOBAL_TOKENS} tokens together"
            )));
        }
        let depth = frames.len() - 1;
        let top = frames
            .last_mut()
            .expect("the module's frame is never popped");
        match token {
            Token::Word => {
                if depth == 0 && &bytes[start..end] == b"fn" {
                    // The tokens before `fn` (attributes) were counted as global; they
                    // are few.
                    in_function = true;
                }
            }
            Token::Punct(open @ (b'(' | b'[' | b'{')) => {
                if depth + 1 > NESTING {
                    return Err(at(format!(
                        "parentheses, brackets and braces are nested deeper than this \
                         implementation's limit of {NESTING}"
                    )));
                }
                if open == b'{' {
                    top.end_segment();
                } else {
                    // The group's opener is an operator of its segment: `a[0][0]`
                    // nests as deep as it has brackets.
                    top.ops += 1;
                }
                frames.push(Frame {
                    brace: open == b'{',
                    ..Frame::default()
                });
            }
            Token::Punct(b')' | b']' | b'}') => {
                if depth == 0 {
                    // Unbalanced: naga reports it.
                    continue;
                }
                let mut closed = frames.pop().expect("depth > 0");
                closed.end_segment();
                let parent = frames.last_mut().expect("depth > 0");
                if closed.brace {
                    parent.end_segment();
                    if depth == 1 {
                        // A top-level declaration ends with its braces.
                        declaration_tokens = 0;
                        in_function = false;
                    }
                } else {
                    parent.max_child = parent.max_child.max(closed.best);
                    if parent.bound() > EXPRESSION_DEPTH {
                        return Err(too_deep(at));
                    }
                }
            }
            Token::Punct(b';') => {
                top.end_segment();
                if depth == 0 {
                    declaration_tokens = 0;
                    in_function = false;
                }
            }
            Token::Punct(b',') => {
                if top.open_angles <= 0 {
                    top.end_segment();
                } else {
                    top.ops += 1;
                }
            }
            Token::Punct(c) => {
                match c {
                    b'<' => top.open_angles += 1,
                    b'>' => top.open_angles -= 1,
                    _ => {}
                }
                top.ops += 1;
                if top.bound() > EXPRESSION_DEPTH {
                    return Err(too_deep(at));
                }
            }
        }
    }
    Ok(())
}

fn too_deep(at: impl FnOnce(String) -> SourceError) -> SourceError {
    at(format!(
        "the expression is nested deeper than this implementation's limit of \
         {EXPRESSION_DEPTH} (each operator, call and index counts)"
    ))
}

/// Every token of `source`, as `next_token` reads them.
pub(crate) fn tokens(source: &str) -> Vec<(Token, usize, usize)> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(t) = next_token(bytes, i) {
        i = t.2;
        out.push(t);
    }
    out
}

/// The token that starts at or after `i`, skipping blanks and comments: its kind,
/// start and end. Words are identifiers, keywords and numbers (a number ends before
/// the sign of its exponent, which then counts as an operator: an overcount, never an
/// undercount); every other character is a punctuation token of its own.
pub(crate) fn next_token(bytes: &[u8], mut i: usize) -> Option<(Token, usize, usize)> {
    loop {
        let &b = bytes.get(i)?;
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => i += 1,
            // WGSL's other blanks: U+0085, U+200E, U+200F, U+2028, U+2029.
            0xc2 if bytes.get(i + 1) == Some(&0x85) => i += 2,
            0xe2 if matches!(
                bytes.get(i + 1..i + 3),
                Some([0x80, 0x8e | 0x8f | 0xa8 | 0xa9])
            ) =>
            {
                i += 3
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                // Block comments nest in WGSL.
                let mut level = 0usize;
                while i < bytes.len() {
                    if bytes[i..].starts_with(b"/*") {
                        level += 1;
                        i += 2;
                    } else if bytes[i..].starts_with(b"*/") {
                        level -= 1;
                        i += 2;
                        if level == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            _ if is_word(b) || (b == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) => {
                let start = i;
                let number = b.is_ascii_digit() || b == b'.';
                i += 1;
                while i < bytes.len() && (is_word(bytes[i]) || (number && bytes[i] == b'.')) {
                    i += 1;
                }
                return Some((Token::Word, start, i));
            }
            _ => return Some((Token::Punct(b), i, i + 1)),
        }
    }
}

/// Identifier characters; any byte of a non-ASCII character counts (WGSL identifiers
/// may be Unicode, and other non-ASCII characters are errors naga reports).
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn function(body: &str) -> String {
        format!("@compute @workgroup_size(1) fn main() {{ {body} }}")
    }

    /// The limit a source exceeds, by the start of its message, and the text at the
    /// place it names.
    fn exceeded(source: &str) -> Option<(String, String)> {
        check(source).err().map(|e| {
            let words: Vec<&str> = e.message.split(' ').take(3).collect();
            (
                words.join(" "),
                source[e.offset..e.offset + e.length].to_string(),
            )
        })
    }

    #[test]
    fn real_shaders_are_within_every_limit() {
        let matmul = "
            override TILE: u32 = 16u;
            struct Dims { m: u32, n: u32, k: u32 }
            @group(0) @binding(0) var<storage, read> a: array<f32>;
            @group(0) @binding(1) var<storage, read> b: array<f32>;
            @group(0) @binding(2) var<storage, read_write> c: array<f32>;
            @group(0) @binding(3) var<uniform> dims: Dims;
            var<workgroup> ta: array<array<f32, 16>, 16>;
            /* a /* nested */ comment */
            @compute @workgroup_size(16, 16)
            fn main(@builtin(global_invocation_id) g: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
                var acc = 0.0;
                for (var t = 0u; t < dims.k; t += TILE) {
                    ta[l.y][l.x] = a[g.y * dims.k + t + l.x];
                    workgroupBarrier();
                    for (var k = 0u; k < TILE; k++) { acc = fma(ta[l.y][k], b[(t + k) * dims.n + g.x], acc); }
                    workgroupBarrier();
                }
                let p: ptr<function, f32> = &acc;
                c[g.y * dims.n + g.x] = *p * 1.5e-3 + bitcast<f32>(0x3f800000u);
            }";
        assert_eq!(check(matmul), Ok(()));
    }

    #[test]
    fn a_long_operator_chain_is_rejected_at_the_operator_past_the_limit() {
        let at_limit = function(&format!("var x = 1u{};", "+1u".repeat(2040)));
        assert_eq!(check(&at_limit), Ok(()));
        let beyond = function(&format!("var x = 1u{};", "+1u".repeat(30_000)));
        let (what, at) = exceeded(&beyond).unwrap();
        assert_eq!((what.as_str(), at.as_str()), ("the expression is", "+"));
        let e = check(&beyond).unwrap_err();
        // `var x = 1u` then 2046 `+1u` (the `=` counts too): the 2047th `+` is past.
        assert_eq!(e.offset, beyond.find("var x").unwrap() + 10 + 3 * 2046);
    }

    #[test]
    fn long_lists_are_not_deep() {
        let list = format!("const a = array<u32, 12000>({});", "1u, ".repeat(12_000));
        assert_eq!(check(&list), Ok(()));
        let calls = function(&"_ = min(1u, 2u);".repeat(3000));
        assert_eq!(check(&calls), Ok(()));
    }

    #[test]
    fn postfix_chains_and_templates_count_as_deep() {
        let swizzles = function(&format!("var v = vec4u(); var x = v{};", ".x".repeat(3000)));
        assert_eq!(exceeded(&swizzles).unwrap().1, ".");
        let indexes = function(&format!("var x = v{};", "[0]".repeat(3000)));
        assert!(exceeded(&indexes).is_some());
        // Template arguments separated by commas still nest.
        let pointers = format!(
            "alias T = {}u32{};",
            "ptr<function, ".repeat(3000),
            ">".repeat(3000)
        );
        assert_eq!(exceeded(&pointers).unwrap().0, "the expression is");
    }

    #[test]
    fn nesting_counts_parentheses_brackets_and_braces() {
        let parens = function(&format!("var x = {}1{};", "(".repeat(126), ")".repeat(126)));
        assert_eq!(check(&parens), Ok(()));
        let parens = function(&format!("var x = {}1{};", "(".repeat(127), ")".repeat(127)));
        assert_eq!(
            exceeded(&parens).unwrap(),
            ("parentheses, brackets and".into(), "(".into())
        );
        let blocks = function(&format!("{}{}", "{".repeat(127), "}".repeat(127)));
        assert_eq!(exceeded(&blocks).unwrap().1, "{");
    }

    #[test]
    fn long_functions_and_modules_are_rejected() {
        let long = function(&"_ = 1;".repeat(FUNCTION_TOKENS as usize / 4));
        assert_eq!(exceeded(&long).unwrap().0, "the function is");
        let many = function(&"_ = 1;".repeat(FUNCTION_TOKENS as usize / 5)).repeat(5);
        assert_eq!(exceeded(&many).unwrap().0, "the shader is");
        let consts: String = (0..GLOBAL_TOKENS / 4)
            .map(|i| format!("const c{i} = 1;"))
            .collect();
        assert_eq!(exceeded(&consts).unwrap().0, "the declarations outside");
    }

    #[test]
    fn comments_and_numbers_are_not_operators() {
        let body = format!(
            "var x = 1.5e-3{}; // {}\n /* {} */",
            "+1.5e+3".repeat(1000),
            "+".repeat(5000),
            "(".repeat(5000)
        );
        assert_eq!(check(&function(&body)), Ok(()));
    }

    #[test]
    fn positions_are_lines_and_columns_in_bytes() {
        let source = "fn f() {\n  var é = 1u;\n  var x = (((((\n";
        let e = SourceError {
            message: String::new(),
            offset: source.find("(((").unwrap(),
            length: 1,
        };
        assert_eq!(e.line_and_column(source), (3, 11));
    }
}
