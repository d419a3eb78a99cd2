//! Loop bounding for WGSL shaders, loop by loop. Called by `shader_module.rs`.
//!
//! Backend compilers may treat a loop that never ends as unreachable and draw wrong
//! conclusions from it, so for untrusted shaders wgpu bounds every loop with a
//! counter (`force_loop_bounding`). That counter keeps NVIDIA's compiler from
//! unrolling even `for (var k = 0u; k < 16u; k++)`: a tiled matmul runs at 0.4× of
//! Dawn's speed with it and at Dawn's speed without it (BENCHMARKS.md). So we parse
//! the WGSL ourselves, leave alone the loops that provably end (a `for` whose
//! variable only steps up towards a bound it cannot wrap past), give every other
//! loop the same 2⁶⁴-iteration counter wgpu would, and hand wgpu-core the module
//! with its blanket bounding off. Every other runtime check stays on.
//!
//! The analysis is one walk over each function's blocks plus, per loop, one walk
//! over that loop's statements: linear in the module for loops nested to a fixed
//! depth (naga allows 127 levels of braces), whatever the expressions are.

use std::collections::HashSet;

use naga::{
    Arena, BinaryOperator, Block, Expression, Function, Handle, Literal, LocalVariable, Scalar,
    ScalarKind, Span, Statement, Type, TypeInner,
};

/// Bounds the loops of every function of `module` that may not end; returns how
/// many it bounded.
pub fn bound_loops(module: &mut naga::Module) -> usize {
    let u32_ty = module.types.insert(
        Type {
            name: None,
            inner: TypeInner::Scalar(Scalar::U32),
        },
        Span::UNDEFINED,
    );
    let mut bounded = 0;
    let functions = module
        .functions
        .iter_mut()
        .map(|(_, f)| f)
        .chain(module.entry_points.iter_mut().map(|e| &mut e.function));
    for function in functions {
        let mut body = std::mem::take(&mut function.body);
        let mut ctx = Ctx {
            function,
            types: &module.types,
            constants: &module.constants,
            global_expressions: &module.global_expressions,
            u32_ty,
            bounded: 0,
        };
        body = ctx.block(body);
        bounded += ctx.bounded;
        function.body = body;
    }
    bounded
}

struct Ctx<'a> {
    function: &'a mut Function,
    types: &'a naga::UniqueArena<Type>,
    constants: &'a Arena<naga::Constant>,
    global_expressions: &'a Arena<Expression>,
    u32_ty: Handle<Type>,
    bounded: usize,
}

impl Ctx<'_> {
    /// `block` with its loops (and theirs) bounded where needed.
    fn block(&mut self, block: Block) -> Block {
        let mut out = Block::with_capacity(block.len());
        for (statement, span) in block.span_into_iter() {
            let statement = match statement {
                Statement::Block(b) => Statement::Block(self.block(b)),
                Statement::If {
                    condition,
                    accept,
                    reject,
                } => Statement::If {
                    condition,
                    accept: self.block(accept),
                    reject: self.block(reject),
                },
                Statement::Switch { selector, cases } => Statement::Switch {
                    selector,
                    cases: cases
                        .into_iter()
                        .map(|c| naga::SwitchCase {
                            body: self.block(c.body),
                            ..c
                        })
                        .collect(),
                },
                Statement::Loop {
                    body,
                    continuing,
                    break_if,
                } => {
                    let ends = self.provably_ends(&body, &continuing, break_if);
                    let mut body = self.block(body);
                    let continuing = self.block(continuing);
                    if !ends {
                        body = self.add_counter(body, &mut out);
                        self.bounded += 1;
                    }
                    Statement::Loop {
                        body,
                        continuing,
                        break_if,
                    }
                }
                other => other,
            };
            out.push(statement, span);
        }
        out
    }

    /// Whether the loop is a `for (...; v < bound; v = v + step)` that ends: `v` is an
    /// i32 or u32 local that nothing else in the loop writes, `step` a positive
    /// constant, and `v + step` cannot wrap while `v < bound`. With a step of 1 that
    /// holds for any bound, even one that changes in the loop: `v` rises by one each
    /// time round and never wraps (`v < bound ≤ MAX`), so after at most 2³² rounds
    /// `v < bound` is false. A larger step needs a constant bound of at most
    /// `MAX - step + 1`.
    fn provably_ends(
        &self,
        body: &Block,
        continuing: &Block,
        break_if: Option<Handle<Expression>>,
    ) -> bool {
        let exprs = &self.function.expressions;
        if break_if.is_some() {
            return false;
        }
        // The test comes first: `if v < bound {} else { break; }`.
        let Some(Statement::If {
            condition,
            accept,
            reject,
        }) = body.iter().find(|s| !matches!(s, Statement::Emit(_)))
        else {
            return false;
        };
        if !accept.is_empty() || !matches!(&reject[..], [Statement::Break]) {
            return false;
        }
        let Expression::Binary {
            op: BinaryOperator::Less,
            left,
            right: bound,
        } = exprs[*condition]
        else {
            return false;
        };
        let Some(var) = self.loaded_local(left) else {
            return false;
        };
        let signed = match self.types[self.function.local_variables[var].ty].inner {
            TypeInner::Scalar(Scalar {
                kind: ScalarKind::Uint,
                width: 4,
            }) => false,
            TypeInner::Scalar(Scalar {
                kind: ScalarKind::Sint,
                width: 4,
            }) => true,
            _ => return false,
        };
        // The update is all the continuing block does: `v = v + step`.
        let mut stores = continuing
            .iter()
            .filter(|s| !matches!(s, Statement::Emit(_)));
        let (Some(Statement::Store { pointer, value }), None) = (stores.next(), stores.next())
        else {
            return false;
        };
        if self.local_of(*pointer) != Some(var) {
            return false;
        }
        let Expression::Binary {
            op: BinaryOperator::Add,
            left: step_base,
            right: step,
        } = exprs[*value]
        else {
            return false;
        };
        // The test and the update must read `v` afresh each iteration: their loads and
        // results evaluated in the loop (`let x = v;` before it would freeze them).
        let head = top_emits(body.iter().take_while(|s| matches!(s, Statement::Emit(_))));
        let tail = top_emits(continuing.iter());
        if !(head.contains(condition)
            && head.contains(&left)
            && tail.contains(value)
            && tail.contains(&step_base))
        {
            return false;
        }
        let step = match (self.loaded_local(step_base) == Some(var), &exprs[step]) {
            (true, Expression::Literal(Literal::U32(s))) if !signed => *s as i64,
            (true, Expression::Literal(Literal::I32(s))) if signed => *s as i64,
            _ => return false,
        };
        if step < 1 {
            return false;
        }
        let max = if signed {
            i32::MAX as i64
        } else {
            u32::MAX as i64
        };
        let fits = step == 1
            // v < bound ≤ max - step + 1, so v + step ≤ max.
            || self.constant_value(bound).is_some_and(|b| b <= max - step + 1);
        fits && !writes(body, var, exprs)
    }

    /// The local variable `expr` loads, if it is such a load.
    fn loaded_local(&self, expr: Handle<Expression>) -> Option<Handle<LocalVariable>> {
        match self.function.expressions[expr] {
            Expression::Load { pointer } => self.local_of(pointer),
            _ => None,
        }
    }

    fn local_of(&self, pointer: Handle<Expression>) -> Option<Handle<LocalVariable>> {
        match self.function.expressions[pointer] {
            Expression::LocalVariable(v) => Some(v),
            _ => None,
        }
    }

    /// The value of a literal or a module constant.
    fn constant_value(&self, expr: Handle<Expression>) -> Option<i64> {
        let literal = match self.function.expressions[expr] {
            Expression::Literal(l) => l,
            Expression::Constant(c) => match self.global_expressions[self.constants[c].init] {
                Expression::Literal(l) => l,
                _ => return None,
            },
            _ => return None,
        };
        match literal {
            Literal::U32(v) => Some(v as i64),
            Literal::I32(v) => Some(v as i64),
            _ => None,
        }
    }

    /// Prepends to `body` a 64-bit countdown (two u32 locals, set in `before`) that
    /// breaks out after 2⁶⁴ iterations, as wgpu's own loop bounding does.
    fn add_counter(&mut self, body: Block, before: &mut Block) -> Block {
        let f = &mut *self.function;
        let mut local = |name: &str| {
            let var = f.local_variables.append(
                LocalVariable {
                    name: Some(name.into()),
                    ty: self.u32_ty,
                    init: None,
                },
                Span::UNDEFINED,
            );
            f.expressions
                .append(Expression::LocalVariable(var), Span::UNDEFINED)
        };
        let (low, high) = (local("loop_bound_low"), local("loop_bound_high"));
        let mut expr = |e: Expression| f.expressions.append(e, Span::UNDEFINED);
        let max = expr(Expression::Literal(Literal::U32(u32::MAX)));
        let zero = expr(Expression::Literal(Literal::U32(0)));
        let one = expr(Expression::Literal(Literal::U32(1)));
        let load_low = expr(Expression::Load { pointer: low });
        let low_is_zero = expr(Expression::Binary {
            op: BinaryOperator::Equal,
            left: load_low,
            right: zero,
        });
        let load_high = expr(Expression::Load { pointer: high });
        let high_is_zero = expr(Expression::Binary {
            op: BinaryOperator::Equal,
            left: load_high,
            right: zero,
        });
        let high_less = expr(Expression::Binary {
            op: BinaryOperator::Subtract,
            left: load_high,
            right: one,
        });
        let low_less = expr(Expression::Binary {
            op: BinaryOperator::Subtract,
            left: load_low,
            right: one,
        });
        let emit = |h| Statement::Emit(naga::Range::new_from_bounds(h, h));
        let at = Span::UNDEFINED;
        for pointer in [low, high] {
            before.push(
                Statement::Store {
                    pointer,
                    value: max,
                },
                at,
            );
        }
        // if low == 0 { if high == 0 { break; } high -= 1; } low -= 1;
        let mut carry = Block::new();
        carry.push(emit(load_high), at);
        carry.push(emit(high_is_zero), at);
        let stop = Statement::If {
            condition: high_is_zero,
            accept: Block::from_vec(vec![Statement::Break]),
            reject: Block::new(),
        };
        carry.push(stop, at);
        carry.push(emit(high_less), at);
        let store_high = Statement::Store {
            pointer: high,
            value: high_less,
        };
        carry.push(store_high, at);
        let mut count = Block::new();
        count.push(emit(load_low), at);
        count.push(emit(low_is_zero), at);
        let borrow = Statement::If {
            condition: low_is_zero,
            accept: carry,
            reject: Block::new(),
        };
        count.push(borrow, at);
        count.push(emit(low_less), at);
        let store_low = Statement::Store {
            pointer: low,
            value: low_less,
        };
        count.push(store_low, at);
        count.extend_block(body);
        count
    }
}

/// The expressions the `Emit`s among `statements` evaluate (not in nested blocks).
fn top_emits<'a>(statements: impl Iterator<Item = &'a Statement>) -> HashSet<Handle<Expression>> {
    statements
        .filter_map(|s| match s {
            Statement::Emit(range) => Some(range.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The blocks a statement holds.
pub(crate) fn nested(statement: &Statement) -> impl Iterator<Item = &Block> {
    let (first, second, cases): (Option<&Block>, Option<&Block>, &[naga::SwitchCase]) =
        match statement {
            Statement::Block(b) => (Some(b), None, &[]),
            Statement::If { accept, reject, .. } => (Some(accept), Some(reject), &[]),
            Statement::Switch { cases, .. } => (None, None, cases),
            Statement::Loop {
                body, continuing, ..
            } => (Some(body), Some(continuing), &[]),
            _ => (None, None, &[]),
        };
    first
        .into_iter()
        .chain(second)
        .chain(cases.iter().map(|c| &c.body))
}

/// Whether anything in `block` may write `var`: a store through it, a call given its
/// address, or any statement this analysis does not know to leave function-local
/// variables alone (so that a statement a newer naga adds counts as a write).
fn writes(block: &Block, var: Handle<LocalVariable>, exprs: &Arena<Expression>) -> bool {
    let is_var =
        |e: &Handle<Expression>| matches!(exprs[*e], Expression::LocalVariable(v) if v == var);
    block.iter().any(|statement| {
        let direct = match statement {
            Statement::Store { pointer, .. } => is_var(pointer),
            Statement::Call { arguments, .. } => arguments.iter().any(is_var),
            // Control flow (nested blocks are walked below), and statements whose
            // pointers are to memory other than function-local scalars (atomics,
            // textures, workgroup memory, ray queries) or that only produce results.
            Statement::Emit(_)
            | Statement::Block(_)
            | Statement::If { .. }
            | Statement::Switch { .. }
            | Statement::Loop { .. }
            | Statement::Break
            | Statement::Continue
            | Statement::Return { .. }
            | Statement::Kill
            | Statement::ControlBarrier(_)
            | Statement::MemoryBarrier(_)
            | Statement::ImageStore { .. }
            | Statement::Atomic { .. }
            | Statement::ImageAtomic { .. }
            | Statement::WorkGroupUniformLoad { .. }
            | Statement::SubgroupBallot { .. }
            | Statement::SubgroupGather { .. }
            | Statement::SubgroupCollectiveOperation { .. } => false,
            _ => true,
        };
        direct || nested(statement).any(|b| writes(b, var, exprs))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many loops of `source` get a counter; the result must validate.
    fn bounded(source: &str) -> usize {
        let mut module = naga::front::wgsl::parse_str(source).expect("parses");
        let n = bound_loops(&mut module);
        naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::default(),
        )
        .validate(&module)
        .expect("the bounded module validates");
        n
    }

    fn shader(body: &str) -> String {
        format!(
            "override N: u32 = 64u;\n@group(0) @binding(0) var<storage, read_write> out: array<u32>;\n\
             fn bump(p: ptr<function, u32>) {{ *p = *p + 1u; }}\n\
             @compute @workgroup_size(1) fn main() {{\n var acc = 0u;\n{body}\n out[0] = acc;\n}}\n"
        )
    }

    #[test]
    fn a_for_loop_up_to_a_constant_is_left_alone() {
        assert_eq!(
            bounded(&shader("for (var k = 0u; k < 16u; k++) { acc += k; }")),
            0
        );
        assert_eq!(
            bounded(&shader("for (var k = -4i; k < 9i; k += 3i) { acc += 1u; }")),
            0
        );
    }

    #[test]
    fn a_for_loop_up_to_an_override_ends_only_in_steps_of_one() {
        assert_eq!(
            bounded(&shader("for (var t = 0u; t < N; t++) { acc += t; }")),
            0
        );
        assert_eq!(
            bounded(&shader("for (var t = 0u; t < N; t += 16u) { acc += t; }")),
            1
        );
    }

    #[test]
    fn a_step_that_could_wrap_past_the_bound_is_bounded() {
        let src = "for (var k = 0u; k < 4294967295u; k += 2u) { acc += 1u; }";
        assert_eq!(bounded(&shader(src)), 1);
        let src = "for (var k = 0u; k < 4294967294u; k += 2u) { acc += 1u; }";
        assert_eq!(bounded(&shader(src)), 0);
    }

    #[test]
    fn a_loop_variable_written_in_the_body_is_bounded() {
        assert_eq!(
            bounded(&shader("for (var k = 0u; k < 8u; k++) { k = 0u; }")),
            1
        );
        assert_eq!(
            bounded(&shader("for (var k = 0u; k < 8u; k++) { bump(&k); }")),
            1
        );
        let nested = "for (var k = 0u; k < 8u; k++) { if acc > 3u { k -= 1u; } acc += 1u; }";
        assert_eq!(bounded(&shader(nested)), 1);
    }

    #[test]
    fn while_loops_and_plain_loops_are_bounded() {
        assert_eq!(bounded(&shader("while acc < 10u { acc += 3u; }")), 1);
        assert_eq!(
            bounded(&shader(
                "loop { acc += 1u; continuing { break if acc > 5u; } }"
            )),
            1
        );
        assert_eq!(
            bounded(&shader("for (;;) { acc += 1u; if acc > 5u { break; } }")),
            1
        );
        assert_eq!(
            bounded(&shader("for (var k = 0u; k > 8u; k++) { acc += 1u; }")),
            1
        );
    }

    #[test]
    fn nested_loops_are_judged_one_by_one() {
        let src =
            "for (var t = 0u; t < N; t += 16u) { for (var k = 0u; k < 16u; k++) { acc += k; } }";
        assert_eq!(bounded(&shader(src)), 1);
        let src = "for (var k = 0u; k < 16u; k++) { while acc < k { acc += 2u; } }";
        assert_eq!(bounded(&shader(src)), 1);
    }

    #[test]
    fn a_step_of_one_ends_whatever_the_bound_does() {
        let src = "var n = 8u; for (var k = 0u; k < n; k++) { n += 1u; }";
        assert_eq!(bounded(&shader(src)), 0);
        let src = "for (var k = 0u; k < acc % 7u; k++) { acc += 1u; }";
        assert_eq!(bounded(&shader(src)), 0);
        let src = "for (var k = -9i; k < i32(acc); k++) { acc += 1u; }";
        assert_eq!(bounded(&shader(src)), 0);
    }

    #[test]
    fn a_test_or_update_evaluated_before_the_loop_is_bounded() {
        let frozen_load = "var t = 0u; let x = t;\n\
            loop { if x < 16u {} else { break; } acc += 1u; continuing { t = t + 1u; } }";
        assert_eq!(bounded(&shader(frozen_load)), 1);
        let frozen_test = "var t = 0u; let c = t < 16u;\n\
            loop { if c {} else { break; } acc += 1u; continuing { t = t + 1u; } }";
        assert_eq!(bounded(&shader(frozen_test)), 1);
        let frozen_update = "var t = 0u; let n = t + 1u;\n\
            loop { if t < 16u {} else { break; } acc += 1u; continuing { t = n; } }";
        assert_eq!(bounded(&shader(frozen_update)), 1);
        let by_hand = "var t = 0u;\n\
            loop { if t < 16u {} else { break; } acc += 1u; continuing { t = t + 1u; } }";
        assert_eq!(bounded(&shader(by_hand)), 0);
    }

    #[test]
    fn a_larger_step_needs_a_constant_bound() {
        let src = "for (var k = 0u; k < arrayLength(&out); k += 2u) { acc += 1u; }";
        assert_eq!(bounded(&shader(src)), 1);
        let src = "const B = 100u; for (var k = 0u; k < B; k += 2u) { acc += 1u; }";
        assert_eq!(bounded(&shader(src)), 0);
    }

    /// A chain of `let`s, each using the one before several times, ahead of the loop's
    /// test: the shape that made an earlier, memo-less version of this analysis take
    /// time exponential in the chain's length.
    #[test]
    fn a_long_let_chain_before_the_test_is_analysed_in_linear_time() {
        let mut body = String::from("var i = 0u;\nloop {\n let a0 = i;\n");
        for k in 1..=64 {
            let p = k - 1;
            body += &format!(" let a{k} = insertBits(a{p}, a{p}, a{p} & 7u, a{p} & 7u);\n");
        }
        body += " if i < a64 {} else { break; }\n acc += 1u;\n continuing { i = i + 1u; }\n}";
        let module = naga::front::wgsl::parse_str(&shader(&body)).expect("parses");
        let started = std::time::Instant::now();
        let mut module = module;
        assert_eq!(bound_loops(&mut module), 0);
        assert!(started.elapsed() < std::time::Duration::from_millis(100));
    }
}
