//! WGSL's uniformity analysis (WGSL, "Uniformity Analysis"), which naga 30 does not
//! do: naga checks barriers with an analysis of its own and derivatives nowhere (it
//! turns that check off for fragment shaders). `shader_module.rs` runs this on every
//! WGSL module naga accepts; a module whose barrier, derivative or subgroup operation
//! the analysis cannot prove to run in uniform control flow is invalid, as in Dawn,
//! unless a diagnostic filter turns the rule down (then it is a warning, or nothing).
//!
//! The analysis follows the spec's graph construction on naga's IR, which keeps WGSL's
//! structure: `for` and `while` are naga loops with a conditional `break` (the spec's
//! own desugaring), `&&` and `||` with a run-time right side are an `if` that stores
//! into a temporary (so the right side runs under the left's control flow, as the spec
//! has it), a `let` is a named expression evaluated where it is declared, and
//! function-scope variables are loaded and stored through pointers whose root the
//! analysis resolves. Expressions are analyzed where naga emits them, in the control
//! flow of that point; an expression naga never emits is a constant expression
//! (uniform: the control flow where it is used) or one of the kinds handled by name.
//!
//! Where this differs from the spec it is more lenient, never stricter: a module too
//! large for the work budget is not analyzed (`WORK_BUDGET`), a rule an attribute
//! relaxes on a statement is relaxed for the whole function (`wgsl_source`), and IR forms
//! WGSL cannot produce are taken as uniform. One choice follows Tint where the spec is
//! silent: the value an atomic built-in returns may be non-uniform.
//!
//! Bounded by design: one pass over each function (no fixed point: a loop's back
//! edges are graph edges), recursion only along statement nesting (bounded by
//! `wgsl_limits`), and reachability searches whose total work is capped.

use naga::{
    AddressSpace, Binding, Block, BuiltIn, Expression, Function, GatherMode, Handle, ImageClass,
    Module, SampleLevel, ShaderStage, Span, Statement, StorageAccess, TypeInner,
};

use crate::wgsl_limits::SourceError;

/// Edge visits and nodes the whole analysis of one module may spend; past it the
/// module is accepted unanalyzed (a debug log line says so).
const WORK_BUDGET: usize = 40_000_000;

/// The spec's severities, most severe first; `None` where a rule is off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// The severity of each filterable uniformity rule for a module.
/// The filterable uniformity rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    Derivative,
    Subgroup,
}

/// The severity of each filterable rule at each place of a module: the innermost
/// `@diagnostic` attribute's around the place, else the module's `diagnostic(...)`
/// directive, else error.
pub struct Filters {
    derivative: Option<Severity>,
    subgroup: Option<Severity>,
    /// (rule, severity, start, end) of each attribute's function or statement, in the
    /// text naga parsed.
    scoped: Vec<(Rule, Option<Severity>, usize, usize)>,
}

fn severity_named(name: &str) -> Option<Severity> {
    match name {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "info" => Some(Severity::Info),
        _ => None,
    }
}

impl Filters {
    /// The module's directives (naga keeps them) and its attributes (`wgsl_source`
    /// reads them; naga does not), placed by `to_parsed` from the source's offsets to
    /// those of the text naga parsed.
    pub fn new(
        module: &Module,
        scopes: &[crate::wgsl_source::ScopedFilter<'_>],
        to_parsed: impl Fn(usize) -> usize,
    ) -> Filters {
        let mut filters = Filters {
            derivative: Some(Severity::Error),
            subgroup: Some(Severity::Error),
            scoped: Vec::new(),
        };
        let (mut seen_derivative, mut seen_subgroup) = (false, false);
        let mut node = module.diagnostic_filter_leaf;
        while let Some(h) = node {
            let n = &module.diagnostic_filters[h];
            let severity = match n.inner.new_severity {
                naga::diagnostic_filter::Severity::Off => None,
                naga::diagnostic_filter::Severity::Info => Some(Severity::Info),
                naga::diagnostic_filter::Severity::Warning => Some(Severity::Warning),
                naga::diagnostic_filter::Severity::Error => Some(Severity::Error),
            };
            use naga::diagnostic_filter::{
                FilterableTriggeringRule as R, StandardFilterableTriggeringRule as S,
            };
            match &n.inner.triggering_rule {
                R::Standard(S::DerivativeUniformity) if !seen_derivative => {
                    seen_derivative = true;
                    filters.derivative = severity;
                }
                R::Unknown(name) if &**name == "subgroup_uniformity" && !seen_subgroup => {
                    seen_subgroup = true;
                    filters.subgroup = severity;
                }
                _ => {}
            }
            node = n.parent;
        }
        for scope in scopes {
            let rule = match scope.rule {
                "derivative_uniformity" => Rule::Derivative,
                "subgroup_uniformity" => Rule::Subgroup,
                _ => continue,
            };
            let severity = severity_named(scope.severity);
            filters
                .scoped
                .push((rule, severity, to_parsed(scope.start), to_parsed(scope.end)));
        }
        filters
    }

    /// The severity of `rule` at byte `at` of the text naga parsed.
    fn at(&self, rule: Rule, at: usize) -> Option<Severity> {
        let innermost = self
            .scoped
            .iter()
            .filter(|(r, _, start, end)| *r == rule && (*start..*end).contains(&at))
            .min_by_key(|(_, _, start, end)| end - start);
        match innermost {
            Some((_, severity, _, _)) => *severity,
            None => match rule {
                Rule::Derivative => self.derivative,
                Rule::Subgroup => self.subgroup,
            },
        }
    }
}

/// A uniformity failure below error severity: a compilation message, not an error.
pub struct Warning {
    pub severity: Severity,
    pub error: SourceError,
}

/// The spec's uniformity scopes: this library supports the `subgroup_uniformity`
/// language feature, so subgroup and quad built-ins are analyzed at subgroup scope
/// (where `subgroup_id` is uniform), the rest at workgroup (or draw) scope.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Workgroup,
    Subgroup,
}

/// Analyzes every function and entry point of `module`, once per scope: the first
/// failure of error severity, or the failures of lower severity.
pub fn check(module: &Module, filters: &Filters) -> Result<Vec<Warning>, SourceError> {
    let mut budget = WORK_BUDGET;
    let mut warnings = Vec::new();
    let analyzed = (|| {
        // Only subgroup and quad built-ins are checked at subgroup scope: a module with
        // none cannot fail there.
        let scopes: &[Scope] = if uses_subgroup_builtins(module) {
            &[Scope::Workgroup, Scope::Subgroup]
        } else {
            &[Scope::Workgroup]
        };
        for &scope in scopes {
            let mut tags: Vec<Tags> = Vec::with_capacity(module.functions.len());
            for (_, function) in module.functions.iter() {
                let a = Analyzer::new(module, function, None, scope, &tags, filters, &mut budget);
                let (t, w) = a.run()?;
                warnings.extend(w);
                tags.push(t);
            }
            for ep in &module.entry_points {
                let stage = Some(ep.stage);
                let a = Analyzer::new(
                    module,
                    &ep.function,
                    stage,
                    scope,
                    &tags,
                    filters,
                    &mut budget,
                );
                let (_, w) = a.run()?;
                warnings.extend(w);
            }
        }
        Ok(())
    })();
    match analyzed {
        Ok(()) => Ok(warnings),
        Err(Stop::Failure(e)) => Err(e),
        Err(Stop::OverBudget) => {
            log::debug!("uniformity analysis skipped: the module is over its work budget");
            Ok(Vec::new())
        }
    }
}

enum Stop {
    Failure(SourceError),
    OverBudget,
}

/// What a requirement is for: the message if it is not met, and where.
#[derive(Clone, Debug)]
struct Cause {
    message: String,
    span: Span,
}

/// A function's tags (the spec's call site, function, parameter, parameter return and
/// pointer parameter tags), all its callers need of it.
#[derive(Clone, Default)]
struct Tags {
    call_site: Option<(Severity, Cause)>,
    returns_non_uniform: bool,
    params: Vec<ParamTags>,
}

#[derive(Clone, Default)]
struct ParamTags {
    /// ParameterRequiredToBeUniform.
    required: Option<(Severity, Cause)>,
    /// ParameterContentsRequiredToBeUniform (a function-space pointer's).
    contents_required: Option<(Severity, Cause)>,
    /// ParameterReturnContentsRequiredToBeUniform.
    return_depends: bool,
    /// PointerParameterMayBeNonUniform.
    pointer_may_be_non_uniform: bool,
    /// For a function-space pointer: the parameters (values, or contents where true)
    /// its contents on return depend on.
    contents_depend_on: Vec<(usize, bool)>,
}

type Node = u32;
const MAY_BE_NON_UNIFORM: Node = 0;
const CF_START: Node = 1;

/// Statement behaviors (the spec's Next, Break, Continue, Return), as bits.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Behavior(u8);
impl Behavior {
    const NEXT: Behavior = Behavior(1);
    const BREAK: Behavior = Behavior(2);
    const CONTINUE: Behavior = Behavior(4);
    const RETURN: Behavior = Behavior(8);
    fn has(self, b: Behavior) -> bool {
        self.0 & b.0 != 0
    }
    fn or(self, b: Behavior) -> Behavior {
        Behavior(self.0 | b.0)
    }
    fn without(self, b: Behavior) -> Behavior {
        Behavior(self.0 & !b.0)
    }
}

/// Where a pointer leads: the variable slot the analysis tracks, or memory it does not.
enum Root {
    /// A function-scope variable, or a function-space pointer parameter (desugared to
    /// one); `full` where the pointer views the whole variable.
    Slot { slot: usize, full: bool },
    /// Memory another invocation may write: loads may be non-uniform.
    Mutable,
    /// Read-only memory, or a form WGSL cannot produce.
    Other,
}

/// An enclosing loop or switch, collecting the variable states at its exits.
struct Target {
    is_loop: bool,
    breaks: Vec<Vec<Node>>,
    continues: Vec<Vec<Node>>,
}

struct Requirement {
    severity: Severity,
    target: Node,
    cause: Cause,
}

struct Analyzer<'a> {
    module: &'a Module,
    function: &'a Function,
    stage: Option<ShaderStage>,
    scope: Scope,
    tags: &'a [Tags],
    filters: &'a Filters,
    budget: &'a mut usize,
    edges: Vec<Vec<Node>>,
    /// The value node of each expression naga emits, and of call and operation results,
    /// with the control flow it was evaluated in.
    values: Vec<Option<(Node, Node)>>,
    /// The current value node of each variable slot (locals, then pointer parameters).
    state: Vec<Node>,
    /// The slot of each function-space pointer parameter.
    param_slot: Vec<Option<usize>>,
    params: Vec<Node>,
    param_contents: Vec<Option<Node>>,
    value_return: Node,
    return_contents: Vec<Option<Node>>,
    requirements: Vec<Requirement>,
    targets: Vec<Target>,
}

impl<'a> Analyzer<'a> {
    fn new(
        module: &'a Module,
        function: &'a Function,
        stage: Option<ShaderStage>,
        scope: Scope,
        tags: &'a [Tags],
        filters: &'a Filters,
        budget: &'a mut usize,
    ) -> Self {
        let mut a = Analyzer {
            module,
            function,
            stage,
            scope,
            tags,
            filters,
            budget,
            edges: vec![Vec::new(), Vec::new()],
            values: vec![None; function.expressions.len()],
            state: Vec::new(),
            param_slot: Vec::new(),
            params: Vec::new(),
            param_contents: Vec::new(),
            value_return: 0,
            return_contents: Vec::new(),
            requirements: Vec::new(),
            targets: Vec::new(),
        };
        a.value_return = a.node();
        // Function-scope variables start as their (constant or zero) initial value, in
        // the control flow the function starts in.
        a.state = vec![CF_START; function.local_variables.len()];
        for arg in &function.arguments {
            let p = a.node();
            a.params.push(p);
            let function_pointer = matches!(
                module.types[arg.ty].inner,
                TypeInner::Pointer {
                    space: AddressSpace::Function,
                    ..
                }
            );
            if function_pointer && stage.is_none() {
                let contents = a.node();
                a.param_slot.push(Some(a.state.len()));
                a.state.push(contents);
                a.param_contents.push(Some(contents));
                let out = a.node();
                a.return_contents.push(Some(out));
            } else {
                a.param_slot.push(None);
                a.param_contents.push(None);
                a.return_contents.push(None);
            }
        }
        a
    }

    fn node(&mut self) -> Node {
        self.edges.push(Vec::new());
        (self.edges.len() - 1) as Node
    }

    fn edge(&mut self, from: Node, to: Node) {
        if from != to {
            self.edges[from as usize].push(to);
        }
    }

    /// A new node with edges to `to`.
    fn node_to(&mut self, to: &[Node]) -> Node {
        let n = self.node();
        for &t in to {
            self.edge(n, t);
        }
        n
    }

    fn require(&mut self, severity: Option<Severity>, target: Node, message: String, span: Span) {
        if let Some(severity) = severity {
            self.requirements.push(Requirement {
                severity,
                target,
                cause: Cause { message, span },
            });
        }
    }

    /// The severity of `rule` at `span`, where this scope checks the rule (derivatives
    /// at workgroup scope, subgroup built-ins at subgroup scope).
    fn rule(&self, rule: Rule, span: Span) -> Option<Severity> {
        let checked = match rule {
            Rule::Derivative => self.scope == Scope::Workgroup,
            Rule::Subgroup => self.scope == Scope::Subgroup,
        };
        let at = span.to_range().map_or(0, |r| r.start);
        self.filters.at(rule, at).filter(|_| checked)
    }

    /// `builtin` must be called in uniform control flow `cf`.
    fn require_control_flow(
        &mut self,
        severity: Option<Severity>,
        cf: Node,
        builtin: &str,
        span: Span,
    ) {
        let message = format!("'{builtin}' must only be called from uniform control flow");
        self.require(severity, cf, message, span);
    }

    fn run(mut self) -> Result<(Tags, Vec<Warning>), Stop> {
        let (_, behavior) = self.block(&self.function.body, CF_START)?;
        if behavior.has(Behavior::NEXT) {
            self.returned();
        }
        self.finish()
    }

    /// The value node of `h` where it is used, in control flow `cf`.
    fn value(&mut self, h: Handle<Expression>, cf: Node) -> Node {
        if let Some((v, at)) = self.values[h.index()] {
            // A `let` (or a result) used in other control flow than its own: the spec's
            // `Result -> {CF, X}` for an identifier.
            return if at == cf { v } else { self.node_to(&[cf, v]) };
        }
        match self.function.expressions[h] {
            Expression::FunctionArgument(i) => self.argument(i as usize, cf),
            // Emitted expressions have their node by now; results are set by their
            // statements; everything else is a constant expression or a variable's
            // address, uniform where the control flow is.
            _ => cf,
        }
    }

    /// An argument's value (or, for a function-space pointer, the pointer itself).
    fn argument(&mut self, i: usize, cf: Node) -> Node {
        let Some(arg) = self.function.arguments.get(i) else {
            return cf;
        };
        if let Some(stage) = self.stage {
            let subgroup_scope = self.scope == Scope::Subgroup;
            let uniform = |binding: &Option<Binding>| match binding {
                Some(Binding::BuiltIn(b)) => {
                    matches!(
                        b,
                        BuiltIn::WorkGroupId | BuiltIn::NumWorkGroups | BuiltIn::NumSubgroups
                    ) || (*b == BuiltIn::SubgroupSize && stage == ShaderStage::Compute)
                        || (*b == BuiltIn::SubgroupId && subgroup_scope)
                }
                _ => false,
            };
            let all_uniform = match (&arg.binding, &self.module.types[arg.ty].inner) {
                (None, TypeInner::Struct { members, .. }) => {
                    members.iter().all(|m| uniform(&m.binding))
                }
                (binding, _) => uniform(binding),
            };
            return if all_uniform { cf } else { MAY_BE_NON_UNIFORM };
        }
        let p = self.params[i];
        match self.module.types[arg.ty].inner {
            TypeInner::Pointer {
                space: AddressSpace::Function,
                ..
            } => p,
            TypeInner::Pointer { .. } => cf,
            _ => self.node_to(&[cf, p]),
        }
    }

    fn root(&self, mut pointer: Handle<Expression>) -> Root {
        let mut full = true;
        loop {
            match self.function.expressions[pointer] {
                Expression::Access { base, .. } | Expression::AccessIndex { base, .. } => {
                    full = false;
                    pointer = base;
                }
                Expression::LocalVariable(v) => {
                    return Root::Slot {
                        slot: v.index(),
                        full,
                    }
                }
                Expression::GlobalVariable(g) => {
                    return if mutable(self.module.global_variables[g].space) {
                        Root::Mutable
                    } else {
                        Root::Other
                    };
                }
                Expression::FunctionArgument(i) => {
                    let i = i as usize;
                    if let Some(Some(slot)) = self.param_slot.get(i) {
                        return Root::Slot { slot: *slot, full };
                    }
                    let ty = self
                        .function
                        .arguments
                        .get(i)
                        .map(|a| &self.module.types[a.ty].inner);
                    return match ty {
                        Some(TypeInner::Pointer { space, .. }) if mutable(*space) => Root::Mutable,
                        _ => Root::Other,
                    };
                }
                _ => return Root::Other,
            }
        }
    }

    /// Whether `image` is a read-write storage texture.
    fn read_write_storage(&self, image: Handle<Expression>) -> bool {
        let ty = match self.function.expressions[image] {
            Expression::GlobalVariable(g) => self.module.global_variables[g].ty,
            Expression::FunctionArgument(i) => match self.function.arguments.get(i as usize) {
                Some(a) => a.ty,
                None => return false,
            },
            _ => return false,
        };
        matches!(
            self.module.types[ty].inner,
            TypeInner::Image { class: ImageClass::Storage { access, .. }, .. }
                if access.contains(StorageAccess::LOAD | StorageAccess::STORE)
        )
    }

    /// The node of an expression naga emits here, in control flow `cf`.
    fn emit(&mut self, h: Handle<Expression>, cf: Node) {
        let span = self.function.expressions.get_span(h);
        let mut to: Vec<Node> = vec![cf];
        let mut operands: Vec<Handle<Expression>> = Vec::new();
        match self.function.expressions[h] {
            Expression::Load { pointer } => {
                operands.push(pointer);
                match self.root(pointer) {
                    Root::Slot { slot, .. } => to.push(self.state[slot]),
                    Root::Mutable => to.push(MAY_BE_NON_UNIFORM),
                    Root::Other => {}
                }
            }
            Expression::Access { base, index } => operands.extend([base, index]),
            Expression::AccessIndex { base, .. } => operands.push(base),
            Expression::Splat { value, .. } => operands.push(value),
            Expression::Swizzle { vector, .. } => operands.push(vector),
            Expression::Compose { ref components, .. } => operands.extend(components),
            Expression::Unary { expr, .. }
            | Expression::As { expr, .. }
            | Expression::ArrayLength(expr) => operands.push(expr),
            Expression::Relational { argument, .. } => operands.push(argument),
            Expression::Binary { left, right, .. } => operands.extend([left, right]),
            Expression::Select {
                condition,
                accept,
                reject,
            } => operands.extend([condition, accept, reject]),
            Expression::Math {
                arg,
                arg1,
                arg2,
                arg3,
                ..
            } => {
                operands.push(arg);
                operands.extend([arg1, arg2, arg3].into_iter().flatten());
            }
            Expression::Derivative { expr, .. } => {
                operands.push(expr);
                to.push(MAY_BE_NON_UNIFORM);
                let name = derivative_name(self.function.expressions[h].clone());
                self.require_control_flow(self.rule(Rule::Derivative, span), cf, name, span);
            }
            Expression::ImageSample {
                image,
                sampler,
                coordinate,
                array_index,
                offset,
                level,
                depth_ref,
                ..
            } => {
                operands.extend([image, sampler, coordinate]);
                operands.extend([array_index, offset, depth_ref].into_iter().flatten());
                match level {
                    SampleLevel::Auto | SampleLevel::Bias(_) => {
                        if let SampleLevel::Bias(b) = level {
                            operands.push(b);
                        }
                        // Implicit derivatives.
                        to.push(MAY_BE_NON_UNIFORM);
                        let what = if depth_ref.is_some() {
                            "textureSampleCompare"
                        } else if matches!(level, SampleLevel::Bias(_)) {
                            "textureSampleBias"
                        } else {
                            "textureSample"
                        };
                        self.require_control_flow(
                            self.rule(Rule::Derivative, span),
                            cf,
                            what,
                            span,
                        );
                    }
                    SampleLevel::Zero => {}
                    SampleLevel::Exact(e) => operands.push(e),
                    SampleLevel::Gradient { x, y } => operands.extend([x, y]),
                }
            }
            Expression::ImageLoad {
                image,
                coordinate,
                array_index,
                sample,
                level,
            } => {
                operands.extend([image, coordinate]);
                operands.extend([array_index, sample, level].into_iter().flatten());
                if self.read_write_storage(image) {
                    to.push(MAY_BE_NON_UNIFORM);
                }
            }
            Expression::ImageQuery { image, query } => {
                operands.push(image);
                if let naga::ImageQuery::Size { level: Some(l) } = query {
                    operands.push(l);
                }
            }
            _ => {}
        }
        for o in operands {
            let v = self.value(o, cf);
            to.push(v);
        }
        let n = self.node_to(&to);
        self.values[h.index()] = Some((n, cf));
    }

    /// Records the variable contents a function-space pointer parameter returns with.
    fn returned(&mut self) {
        for i in 0..self.return_contents.len() {
            if let (Some(out), Some(Some(slot))) = (self.return_contents[i], self.param_slot.get(i))
            {
                let s = self.state[*slot];
                self.edge(out, s);
            }
        }
    }

    fn join(&mut self, states: &[Vec<Node>]) -> Option<Vec<Node>> {
        let first = states.first()?;
        let mut out = first.clone();
        for slot in 0..out.len() {
            if states.iter().any(|s| s[slot] != out[slot]) {
                let mut to: Vec<Node> = states.iter().map(|s| s[slot]).collect();
                to.sort_unstable();
                to.dedup();
                out[slot] = self.node_to(&to);
            }
        }
        Some(out)
    }

    fn spend(&mut self, work: usize) -> Result<(), Stop> {
        *self.budget = self.budget.checked_sub(work).ok_or(Stop::OverBudget)?;
        Ok(())
    }

    /// Analyzes `block` starting in control flow `cf`: the control flow at its end and
    /// its behavior. Statements after one that cannot go on are unreachable and not
    /// analyzed, as the spec says.
    fn block(&mut self, block: &Block, mut cf: Node) -> Result<(Node, Behavior), Stop> {
        let mut behavior = Behavior::NEXT;
        for (statement, span) in block.span_iter() {
            if !behavior.has(Behavior::NEXT) {
                break;
            }
            self.spend(1 + self.state.len())?;
            let (next_cf, b) = self.statement(statement, *span, cf)?;
            cf = next_cf;
            behavior = behavior.without(Behavior::NEXT).or(b);
        }
        Ok((cf, behavior))
    }

    fn statement(
        &mut self,
        statement: &Statement,
        span: Span,
        cf: Node,
    ) -> Result<(Node, Behavior), Stop> {
        let next = Ok((cf, Behavior::NEXT));
        match *statement {
            Statement::Emit(ref range) => {
                for h in range.clone() {
                    self.emit(h, cf);
                }
                next
            }
            Statement::Block(ref b) => self.block(b, cf),
            Statement::If {
                condition,
                ref accept,
                ref reject,
            } => {
                let v = self.value(condition, cf);
                let before = self.state.clone();
                let (cf1, b1) = self.block(accept, v)?;
                let after_accept = std::mem::replace(&mut self.state, before);
                let (cf2, b2) = self.block(reject, v)?;
                let after_reject = std::mem::take(&mut self.state);
                let mut exits = Vec::new();
                if b1.has(Behavior::NEXT) {
                    exits.push(after_accept);
                }
                if b2.has(Behavior::NEXT) {
                    exits.push(after_reject.clone());
                }
                self.state = self.join(&exits).unwrap_or(after_reject);
                let behavior = b1.or(b2);
                if behavior == Behavior::NEXT {
                    Ok((cf, behavior))
                } else {
                    Ok((self.node_to(&[cf1, cf2]), behavior))
                }
            }
            Statement::Switch {
                selector,
                ref cases,
            } => {
                let v = self.value(selector, cf);
                let before = self.state.clone();
                self.targets.push(Target {
                    is_loop: false,
                    breaks: Vec::new(),
                    continues: Vec::new(),
                });
                let mut case_cfs = Vec::new();
                let mut exits = Vec::new();
                let mut behavior = Behavior(0);
                for case in cases {
                    // `case 1, 2:` is naga cases that fall through to the one with the
                    // body; WGSL has no other fallthrough.
                    if case.fall_through && case.body.is_empty() {
                        continue;
                    }
                    self.state = before.clone();
                    let (cf_i, b) = self.block(&case.body, v)?;
                    case_cfs.push(cf_i);
                    if b.has(Behavior::NEXT) {
                        exits.push(std::mem::take(&mut self.state));
                    }
                    behavior = behavior.or(b);
                }
                let target = self.targets.pop().expect("pushed above");
                exits.extend(target.breaks);
                if behavior.has(Behavior::BREAK) {
                    behavior = behavior.without(Behavior::BREAK).or(Behavior::NEXT);
                }
                self.state = self.join(&exits).unwrap_or(before);
                if behavior == Behavior::NEXT {
                    Ok((cf, behavior))
                } else {
                    case_cfs.push(cf);
                    Ok((self.node_to(&case_cfs), behavior))
                }
            }
            Statement::Loop {
                ref body,
                ref continuing,
                break_if,
            } => self.looping(body, continuing, break_if, cf),
            Statement::Break => {
                let state = self.state.clone();
                if let Some(t) = self.targets.last_mut() {
                    t.breaks.push(state);
                }
                Ok((cf, Behavior::BREAK))
            }
            Statement::Continue => {
                let state = self.state.clone();
                if let Some(t) = self.targets.iter_mut().rev().find(|t| t.is_loop) {
                    t.continues.push(state);
                }
                Ok((cf, Behavior::CONTINUE))
            }
            Statement::Return { value } => {
                if let Some(v) = value {
                    let v = self.value(v, cf);
                    self.edge(self.value_return, v);
                }
                self.returned();
                Ok((cf, Behavior::RETURN))
            }
            // `discard` demotes to a helper invocation: execution goes on.
            Statement::Kill => next,
            Statement::ControlBarrier(_) | Statement::MemoryBarrier(_) => {
                let name = match statement {
                    Statement::ControlBarrier(b) | Statement::MemoryBarrier(b)
                        if b.contains(naga::Barrier::STORAGE) =>
                    {
                        "storageBarrier"
                    }
                    Statement::ControlBarrier(b) | Statement::MemoryBarrier(b)
                        if b.contains(naga::Barrier::TEXTURE) =>
                    {
                        "textureBarrier"
                    }
                    _ => "workgroupBarrier",
                };
                self.require_control_flow(self.barrier_severity(), cf, name, span);
                next
            }
            Statement::Store { pointer, value } => {
                let rv = self.value(value, cf);
                let pv = self.value(pointer, cf);
                if let Root::Slot { slot, full } = self.root(pointer) {
                    let mut to = vec![rv, pv, cf];
                    if !full {
                        to.push(self.state[slot]);
                    }
                    self.state[slot] = self.node_to(&to);
                }
                next
            }
            Statement::Atomic { result, .. } => {
                if let Some(r) = result {
                    self.values[r.index()] = Some((self.node_to(&[cf, MAY_BE_NON_UNIFORM]), cf));
                }
                next
            }
            Statement::WorkGroupUniformLoad { pointer, result } => {
                let severity = self.barrier_severity();
                self.require_control_flow(severity, cf, "workgroupUniformLoad", span);
                let p = self.value(pointer, cf);
                let message =
                    "the pointer 'workgroupUniformLoad' loads from must be a uniform value"
                        .to_string();
                self.require(severity, p, message, span);
                self.values[result.index()] = Some((self.node_to(&[cf, p]), cf));
                next
            }
            Statement::SubgroupBallot { result, predicate } => {
                let arg = predicate.map(|p| self.value(p, cf));
                self.subgroup(result, cf, "subgroupBallot".to_string(), span, arg, true);
                next
            }
            Statement::SubgroupCollectiveOperation {
                op,
                collective_op,
                argument,
                result,
            } => {
                let prefix = match collective_op {
                    naga::CollectiveOperation::Reduce => "",
                    naga::CollectiveOperation::InclusiveScan => "Inclusive",
                    naga::CollectiveOperation::ExclusiveScan => "Exclusive",
                };
                let arg = Some(self.value(argument, cf));
                let reduction = collective_op == naga::CollectiveOperation::Reduce;
                self.subgroup(
                    result,
                    cf,
                    format!("subgroup{prefix}{op:?}"),
                    span,
                    arg,
                    reduction,
                );
                next
            }
            Statement::SubgroupGather {
                mode,
                argument,
                result,
            } => {
                let name = match mode {
                    GatherMode::QuadBroadcast(_) => "quadBroadcast".to_string(),
                    GatherMode::QuadSwap(d) => format!("quadSwap{d:?}"),
                    other => {
                        let variant = format!("{other:?}");
                        let variant = variant.split('(').next().unwrap_or_default();
                        format!("subgroup{variant}")
                    }
                };
                let arg = Some(self.value(argument, cf));
                let broadcast =
                    matches!(mode, GatherMode::Broadcast(_) | GatherMode::BroadcastFirst);
                self.subgroup(result, cf, name.clone(), span, arg, broadcast);
                if let GatherMode::ShuffleUp(d)
                | GatherMode::ShuffleDown(d)
                | GatherMode::ShuffleXor(d) = mode
                {
                    let v = self.value(d, cf);
                    let which = if matches!(mode, GatherMode::ShuffleXor(_)) {
                        "mask"
                    } else {
                        "delta"
                    };
                    let message = format!("the {which} of '{name}' must be a uniform value");
                    self.require(self.rule(Rule::Subgroup, span), v, message, span);
                }
                next
            }
            Statement::Call {
                function,
                ref arguments,
                result,
            } => {
                self.call(function, arguments, result, cf, span);
                next
            }
            _ => next,
        }
    }

    /// A subgroup or quad built-in: it must run in uniform control flow (at subgroup
    /// scope); its result may be non-uniform, but for the reductions and broadcasts
    /// the spec lists (`uniform_result`), which at subgroup scope depend on their
    /// argument as any built-in's result does.
    fn subgroup(
        &mut self,
        result: Handle<Expression>,
        cf: Node,
        name: String,
        span: Span,
        arg: Option<Node>,
        uniform_result: bool,
    ) {
        self.require_control_flow(self.rule(Rule::Subgroup, span), cf, &name, span);
        let r = if uniform_result && self.scope == Scope::Subgroup {
            self.node_to(&[cf])
        } else {
            self.node_to(&[cf, MAY_BE_NON_UNIFORM])
        };
        if let Some(a) = arg {
            self.edge(r, a);
        }
        self.values[result.index()] = Some((r, cf));
    }

    /// Barriers and `workgroupUniformLoad` are checked at workgroup scope, always as
    /// errors (no diagnostic rule filters them).
    fn barrier_severity(&self) -> Option<Severity> {
        (self.scope == Scope::Workgroup).then_some(Severity::Error)
    }

    /// `loop { body continuing { continuing; break if e } }`, by the spec's rules for
    /// the control flow and the variables that reach each part.
    fn looping(
        &mut self,
        body: &Block,
        continuing: &Block,
        break_if: Option<Handle<Expression>>,
        cf: Node,
    ) -> Result<(Node, Behavior), Stop> {
        let cf_loop = self.node_to(&[cf]);
        // Each variable at the start of an iteration: its value before the loop, and
        // (edges added below) at the end of the previous iteration.
        let heads: Vec<Node> = (0..self.state.len())
            .map(|slot| {
                let s = self.state[slot];
                self.node_to(&[s])
            })
            .collect();
        self.state = heads.clone();
        self.targets.push(Target {
            is_loop: true,
            breaks: Vec::new(),
            continues: Vec::new(),
        });
        let (cf1, b1) = self.block(body, cf_loop)?;
        let target = self.targets.pop().expect("pushed above");
        let mut exits = target.breaks;
        let mut b2 = Behavior::NEXT;
        let iterates = b1.has(Behavior::NEXT) || b1.has(Behavior::CONTINUE);
        if iterates {
            let mut entries = target.continues;
            if b1.has(Behavior::NEXT) {
                entries.push(std::mem::take(&mut self.state));
            }
            self.state = self.join(&entries).unwrap_or_else(|| heads.clone());
            self.targets.push(Target {
                is_loop: true,
                breaks: Vec::new(),
                continues: Vec::new(),
            });
            let (mut cf2, b) = self.block(continuing, cf1)?;
            self.targets.pop();
            b2 = b;
            if let Some(e) = break_if {
                let v = self.value(e, cf2);
                cf2 = self.node_to(&[v]);
                b2 = b2.or(Behavior::BREAK);
                exits.push(self.state.clone());
            }
            self.edge(cf_loop, cf2);
            for (slot, &head) in heads.iter().enumerate() {
                let s = self.state[slot];
                self.edge(head, s);
            }
        }
        let behavior = if b1 == Behavior::RETURN {
            Behavior::RETURN
        } else if !b1.or(b2).has(Behavior::BREAK) {
            b1.or(b2)
                .without(Behavior::CONTINUE)
                .without(Behavior::NEXT)
        } else {
            b1.or(b2)
                .or(Behavior::NEXT)
                .without(Behavior::BREAK)
                .without(Behavior::CONTINUE)
        };
        let fallback = self.state.clone();
        self.state = self.join(&exits).unwrap_or(fallback);
        let cf_out = if iterates {
            if b1.has(Behavior::RETURN) {
                cf_loop
            } else {
                cf
            }
        } else if b1 == Behavior::BREAK {
            cf
        } else {
            cf1
        };
        Ok((cf_out, behavior))
    }

    fn call(
        &mut self,
        function: Handle<Function>,
        arguments: &[Handle<Expression>],
        result: Option<Handle<Expression>>,
        cf: Node,
        span: Span,
    ) {
        let tags = self.tags.get(function.index()).cloned().unwrap_or_default();
        let callee = self
            .module
            .functions
            .try_get(function)
            .ok()
            .and_then(|f| f.name.as_deref())
            .unwrap_or("a function");
        let through = |cause: &Cause| format!("{} (in '{callee}', called here)", cause.message);
        let args: Vec<Node> = arguments.iter().map(|&a| self.value(a, cf)).collect();
        let roots: Vec<Option<usize>> = arguments
            .iter()
            .map(|&a| match self.root(a) {
                Root::Slot { slot, .. } if self.is_pointer(a) => Some(slot),
                _ => None,
            })
            .collect();
        let before = self.state.clone();
        let r = self.node_to(&[cf]);
        if let Some((severity, cause)) = &tags.call_site {
            self.require(Some(*severity), cf, through(cause), span);
        }
        if tags.returns_non_uniform {
            self.edge(r, MAY_BE_NON_UNIFORM);
        }
        for (i, p) in tags.params.iter().enumerate() {
            let (Some(&arg), root) = (args.get(i), roots.get(i).copied().flatten()) else {
                continue;
            };
            if let Some((severity, cause)) = &p.required {
                let message = format!(
                    "argument {} of '{callee}' must be a uniform value: {}",
                    i + 1,
                    through(cause)
                );
                self.require(Some(*severity), arg, message, span);
            }
            if let (Some((severity, cause)), Some(slot)) = (&p.contents_required, root) {
                let message = format!(
                    "what argument {} of '{callee}' points to must be a uniform value: {}",
                    i + 1,
                    through(cause)
                );
                self.require(Some(*severity), before[slot], message, span);
            }
            if p.return_depends {
                self.edge(r, arg);
                if let Some(slot) = root {
                    self.edge(r, before[slot]);
                }
            }
        }
        // The variables the callee may write through function-space pointers.
        for (i, p) in tags.params.iter().enumerate() {
            let Some(slot) = roots.get(i).copied().flatten() else {
                continue;
            };
            let mut to = vec![cf, args[i]];
            if p.pointer_may_be_non_uniform {
                to.push(MAY_BE_NON_UNIFORM);
            }
            for &(j, contents) in &p.contents_depend_on {
                match (contents, roots.get(j).copied().flatten()) {
                    (true, Some(s)) => to.push(before[s]),
                    (true, None) => {}
                    (false, _) => to.extend(args.get(j).copied()),
                }
            }
            self.state[slot] = self.node_to(&to);
        }
        if let Some(res) = result {
            self.values[res.index()] = Some((r, cf));
        }
    }

    /// Whether `h` is a pointer (its type, as the IR's forms say it: an access chain
    /// from a variable or a pointer argument).
    fn is_pointer(&self, h: Handle<Expression>) -> bool {
        let mut h = h;
        loop {
            match self.function.expressions[h] {
                Expression::Access { base, .. } | Expression::AccessIndex { base, .. } => h = base,
                Expression::LocalVariable(_) => return true,
                Expression::FunctionArgument(i) => {
                    return self.function.arguments.get(i as usize).is_some_and(|a| {
                        matches!(self.module.types[a.ty].inner, TypeInner::Pointer { .. })
                    })
                }
                _ => return false,
            }
        }
    }

    /// The second phase: failures, then the function's tags.
    fn finish(mut self) -> Result<(Tags, Vec<Warning>), Stop> {
        let n = self.edges.len();
        let edge_count: usize = self.edges.iter().map(Vec::len).sum();
        self.spend(n + edge_count)?;
        // Nodes from which MayBeNonUniform is reachable.
        let mut reverse: Vec<Vec<Node>> = vec![Vec::new(); n];
        for (from, to) in self.edges.iter().enumerate() {
            for &t in to {
                reverse[t as usize].push(from as Node);
            }
        }
        let mut non_uniform = vec![false; n];
        let mut stack = vec![MAY_BE_NON_UNIFORM];
        non_uniform[MAY_BE_NON_UNIFORM as usize] = true;
        while let Some(x) = stack.pop() {
            for &y in &reverse[x as usize] {
                if !non_uniform[y as usize] {
                    non_uniform[y as usize] = true;
                    stack.push(y);
                }
            }
        }
        let mut tags = Tags {
            params: vec![ParamTags::default(); self.params.len()],
            ..Tags::default()
        };
        let mut warnings = Vec::new();
        let mut visited = vec![false; n];
        for severity in [Severity::Error, Severity::Warning, Severity::Info] {
            let reqs: Vec<&Requirement> = self
                .requirements
                .iter()
                .filter(|r| r.severity == severity)
                .collect();
            if reqs.is_empty() {
                continue;
            }
            if let Some(failed) = reqs.iter().find(|r| non_uniform[r.target as usize]) {
                let error = self.failure(failed);
                if severity == Severity::Error {
                    return Err(Stop::Failure(error));
                }
                warnings.push(Warning { severity, error });
                continue;
            }
            let first = reqs[0].cause.clone();
            let mut stack: Vec<Node> = reqs.iter().map(|r| r.target).collect();
            while let Some(x) = stack.pop() {
                if std::mem::replace(&mut visited[x as usize], true) {
                    continue;
                }
                stack.extend(self.edges[x as usize].iter().copied());
            }
            if visited[CF_START as usize] && tags.call_site.is_none() {
                tags.call_site = Some((severity, first.clone()));
            }
            for (i, p) in tags.params.iter_mut().enumerate() {
                if p.required.is_none() && visited[self.params[i] as usize] {
                    p.required = Some((severity, first.clone()));
                }
                if p.contents_required.is_none()
                    && self.param_contents[i].is_some_and(|c| visited[c as usize])
                {
                    p.contents_required = Some((severity, first.clone()));
                }
            }
        }
        // What the return value and the pointed-to contents depend on.
        let reach = |edges: &Vec<Vec<Node>>, from: Node| {
            let mut seen = vec![false; edges.len()];
            let mut stack = vec![from];
            while let Some(x) = stack.pop() {
                if !std::mem::replace(&mut seen[x as usize], true) {
                    stack.extend(edges[x as usize].iter().copied());
                }
            }
            seen
        };
        let returns = reach(&self.edges, self.value_return);
        tags.returns_non_uniform = returns[MAY_BE_NON_UNIFORM as usize];
        for (i, p) in tags.params.iter_mut().enumerate() {
            p.return_depends = returns[self.params[i] as usize]
                || self.param_contents[i].is_some_and(|c| returns[c as usize]);
        }
        for i in 0..self.params.len() {
            let Some(out) = self.return_contents[i] else {
                continue;
            };
            self.spend(n + edge_count)?;
            let seen = reach(&self.edges, out);
            let p = &mut tags.params[i];
            p.pointer_may_be_non_uniform = seen[MAY_BE_NON_UNIFORM as usize];
            for j in 0..self.params.len() {
                if seen[self.params[j] as usize] {
                    p.contents_depend_on.push((j, false));
                }
                if self.param_contents[j].is_some_and(|c| seen[c as usize]) {
                    p.contents_depend_on.push((j, true));
                }
            }
        }
        Ok((tags, warnings))
    }

    fn failure(&self, r: &Requirement) -> SourceError {
        let range = r.cause.span.to_range().unwrap_or(0..0);
        SourceError {
            message: format!(
                "{}; the uniformity analysis cannot prove it here",
                r.cause.message
            ),
            offset: range.start,
            length: range.len(),
        }
    }
}

/// Whether any function of `module` calls a subgroup or quad built-in.
fn uses_subgroup_builtins(module: &Module) -> bool {
    fn block(b: &Block) -> bool {
        b.iter().any(|s| {
            matches!(
                s,
                Statement::SubgroupBallot { .. }
                    | Statement::SubgroupGather { .. }
                    | Statement::SubgroupCollectiveOperation { .. }
            ) || crate::loop_bounds::nested(s).any(block)
        })
    }
    module
        .functions
        .iter()
        .map(|(_, f)| f)
        .chain(module.entry_points.iter().map(|e| &e.function))
        .any(|f| block(&f.body))
}

/// The WGSL name of a derivative built-in.
fn derivative_name(e: Expression) -> &'static str {
    use naga::{DerivativeAxis as A, DerivativeControl as C};
    match e {
        Expression::Derivative { axis, ctrl, .. } => match (axis, ctrl) {
            (A::X, C::None) => "dpdx",
            (A::X, C::Coarse) => "dpdxCoarse",
            (A::X, C::Fine) => "dpdxFine",
            (A::Y, C::None) => "dpdy",
            (A::Y, C::Coarse) => "dpdyCoarse",
            (A::Y, C::Fine) => "dpdyFine",
            (A::Width, C::None) => "fwidth",
            (A::Width, C::Coarse) => "fwidthCoarse",
            (A::Width, C::Fine) => "fwidthFine",
        },
        _ => "a derivative",
    }
}

/// Memory another invocation may write (the spec's non-read-only module-scope
/// variables and pointers into them).
fn mutable(space: AddressSpace) -> bool {
    match space {
        AddressSpace::Private | AddressSpace::WorkGroup => true,
        AddressSpace::Storage { access } => access.contains(StorageAccess::STORE),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The module's first uniformity failure, if any (and the warnings otherwise).
    fn analyze(source: &str) -> Result<Vec<Warning>, String> {
        // As shader_module does it: attributes read here, blanked for naga.
        let code = crate::wgsl_source::adjust(source, true).unwrap();
        let module = naga::front::wgsl::parse_str(&code).unwrap();
        naga::valid::Validator::new(Default::default(), naga::valid::Capabilities::all())
            .validate(&module)
            .unwrap();
        let scopes = crate::wgsl_source::diagnostic_scopes(source);
        check(&module, &Filters::new(&module, &scopes, |o| o)).map_err(|e| e.message)
    }

    fn error(source: &str) -> String {
        match analyze(source) {
            Err(e) => e,
            Ok(_) => panic!("accepted: {source}"),
        }
    }

    const FRAGMENT: &str = "@group(0) @binding(0) var t: texture_2d<f32>;
        @group(0) @binding(1) var s: sampler;
        @group(0) @binding(2) var<uniform> u: vec4f;
        @group(0) @binding(3) var<storage, read_write> rw: array<f32>;\n";

    fn fragment(body: &str) -> String {
        format!("{FRAGMENT}@fragment fn main(@builtin(position) p: vec4f) -> @location(0) vec4f {{\n{body}\nreturn vec4f();\n}}")
    }

    #[test]
    fn a_derivative_in_control_flow_that_depends_on_a_non_uniform_value_is_an_error() {
        let e = error(&fragment("if p.x > 0.5 { _ = textureSample(t, s, p.xy); }"));
        assert!(
            e.contains("'textureSample' must only be called from uniform control flow"),
            "{e}"
        );
        assert!(analyze(&fragment("if rw[0] > 0.5 { _ = dpdx(p.x); }")).is_err());
        // Uniform values: a uniform buffer, a constant, a let of them.
        assert!(analyze(&fragment(
            "let c = u.x; if c > 0.5 { _ = textureSample(t, s, p.xy); }"
        ))
        .is_ok());
        assert!(analyze(&fragment("if u.x > 0.5 { _ = dpdx(p.x); }")).is_ok());
    }

    #[test]
    fn control_flow_is_uniform_again_after_an_if_whose_behavior_is_next() {
        assert!(analyze(&fragment(
            "if p.x > 0.5 { _ = 1; } _ = textureSample(t, s, p.xy);"
        ))
        .is_ok());
        // ...but not after one that may return.
        let e = analyze(&fragment(
            "if p.x > 0.5 { return vec4f(); } _ = textureSample(t, s, p.xy);",
        ));
        assert!(e.is_err());
    }

    #[test]
    fn a_variable_assigned_in_non_uniform_control_flow_is_non_uniform() {
        let v = "var x = 0.0; if p.x > 0.5 { x = 1.0; } if x > 0.0 { _ = dpdx(1.0); }";
        assert!(analyze(&fragment(v)).is_err());
        let reassigned =
            "var x = 0.0; if p.x > 0.5 { x = 1.0; } x = u.y; if x > 0.0 { _ = dpdx(1.0); }";
        assert!(analyze(&fragment(reassigned)).is_ok());
        // A partial assignment keeps the old value's uniformity.
        let partial = "var x = vec2f(); if p.x > 0.5 { x = vec2f(1.0); } x.y = u.y;
            if x.x > 0.0 { _ = dpdx(1.0); }";
        assert!(analyze(&fragment(partial)).is_err());
    }

    #[test]
    fn a_loop_carries_a_non_uniform_value_to_its_next_iteration() {
        let carried =
            "var x = 0.0; var y = 0.0; loop { if y > 0.0 { _ = dpdx(1.0); } y = x; x = p.x;
            if u.x > 0.0 { break; } }";
        assert!(analyze(&fragment(carried)).is_err());
        let reset = "var x = 0.0; loop { x = u.y; if x > 0.0 { _ = dpdx(1.0); } x = p.x;
            if u.x > 0.0 { break; } }";
        assert!(analyze(&fragment(reset)).is_ok());
        // A non-uniform break makes the rest of the body non-uniform, not what follows.
        let after = "for (var i = 0; i < 4; i++) { if p.x > 0.5 { break; } } _ = dpdx(1.0);";
        assert!(analyze(&fragment(after)).is_ok());
        let rest = "for (var i = 0; i < 4; i++) { if p.x > 0.5 { break; } _ = dpdx(1.0); }";
        assert!(analyze(&fragment(rest)).is_err());
    }

    /// Whether a fragment shader with `body`, after the module-scope `decls`, passes.
    fn passes(decls: &str, body: &str) -> bool {
        analyze(&format!("{decls}{}", fragment(body))).is_ok()
    }

    #[test]
    fn the_right_side_of_a_short_circuit_runs_in_the_left_sides_control_flow() {
        let f = "fn g() -> bool { return dpdx(1.0) > 0.0; }\n";
        assert!(!passes(f, "_ = p.x > 0.5 && g();"));
        assert!(passes(f, "_ = u.x > 0.5 && g();"));
    }

    #[test]
    fn a_function_that_needs_uniform_control_flow_passes_the_need_to_its_callers() {
        let f = "fn g() { _ = dpdx(1.0); }\n";
        assert!(!passes(f, "if p.x > 0.5 { g(); }"));
        assert!(passes(f, "if u.x > 0.5 { g(); }"));
        // A parameter that decides control flow must be uniform at the call.
        let h = "fn h(c: f32) { if c > 0.0 { _ = dpdx(1.0); } }\n";
        assert!(!passes(h, "h(p.x);"));
        assert!(passes(h, "h(u.x);"));
        // A function's return value depends on its parameters.
        let id = "fn id(c: f32) -> f32 { return c; }\n";
        assert!(!passes(id, "if id(p.x) > 0.0 { _ = dpdx(1.0); }"));
        assert!(passes(id, "if id(u.x) > 0.0 { _ = dpdx(1.0); }"));
    }

    #[test]
    fn a_function_space_pointer_carries_contents_both_ways() {
        let store = "fn store(q: ptr<function, f32>, v: f32) { *q = v; }\n";
        assert!(!passes(
            store,
            "var x = 0.0; store(&x, p.x); if x > 0.0 { _ = dpdx(1.0); }"
        ));
        assert!(passes(
            store,
            "var x = 0.0; store(&x, u.x); if x > 0.0 { _ = dpdx(1.0); }"
        ));
        let read = "fn read(q: ptr<function, f32>) { if *q > 0.0 { _ = dpdx(1.0); } }\n";
        assert!(!passes(read, "var x = p.x; read(&x);"));
        assert!(passes(read, "var x = u.x; read(&x);"));
    }

    #[test]
    fn barriers_need_uniform_control_flow_and_workgroup_uniform_load_gives_a_uniform_value() {
        let head =
            "var<workgroup> w: u32; @group(0) @binding(0) var<storage, read_write> b: u32;\n";
        let cs = |body: &str| {
            format!("{head}@compute @workgroup_size(64) fn main(@builtin(local_invocation_index) i: u32, @builtin(workgroup_id) g: vec3u) {{ {body} }}")
        };
        let e = error(&cs("if i == 0u { workgroupBarrier(); }"));
        assert!(
            e.contains("'workgroupBarrier' must only be called from uniform control flow"),
            "{e}"
        );
        assert!(analyze(&cs("if b == 0u { storageBarrier(); }")).is_err());
        assert!(analyze(&cs("if g.x == 0u { workgroupBarrier(); }")).is_ok());
        assert!(analyze(&cs("if w == 0u { workgroupBarrier(); }")).is_err());
        assert!(analyze(&cs(
            "if workgroupUniformLoad(&w) == 0u { workgroupBarrier(); }"
        ))
        .is_ok());
        // An atomic's result may differ between invocations.
        let atomic = "var<workgroup> a: atomic<u32>;\n@compute @workgroup_size(64) fn main() {
            if atomicAdd(&a, 1u) == 0u { workgroupBarrier(); } }";
        assert!(analyze(atomic).is_err());
    }

    #[test]
    fn a_diagnostic_filter_turns_the_derivative_rule_down_where_it_applies() {
        let body = "if p.x > 0.5 { _ = dpdx(1.0); }";
        let off = format!(
            "diagnostic(off, derivative_uniformity);\n{}",
            fragment(body)
        );
        assert!(analyze(&off).unwrap().is_empty());
        let warning = format!(
            "diagnostic(warning, derivative_uniformity);\n{}",
            fragment(body)
        );
        let w = analyze(&warning).unwrap();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].severity, Severity::Warning);
        // An attribute on one function relaxes that function, not another.
        let scoped = format!(
            "@diagnostic(off, derivative_uniformity) fn g(c: f32) {{ if c > 0.0 {{ _ = dpdx(1.0); }} }}\n{}",
            fragment("g(p.x); if p.x > 0.5 { _ = dpdx(1.0); }")
        );
        assert!(analyze(&scoped).is_err());
        let only_g = format!(
            "@diagnostic(off, derivative_uniformity) fn g(c: f32) {{ if c > 0.0 {{ _ = dpdx(1.0); }} }}\n{}",
            fragment("g(p.x);")
        );
        assert!(analyze(&only_g).is_ok());
        // On statements: the innermost filter around the call decides.
        let inner_off = fragment(
            "@diagnostic(error, derivative_uniformity) if p.x > 0.5 {\n\
             @diagnostic(off, derivative_uniformity) if p.y > 0.5 { _ = dpdx(1.0); } }",
        );
        assert!(analyze(&inner_off).is_ok());
        let inner_error = fragment(
            "@diagnostic(off, derivative_uniformity) if p.x > 0.5 {\n\
             @diagnostic(error, derivative_uniformity) if p.y > 0.5 { _ = dpdx(1.0); } }",
        );
        assert!(analyze(&inner_error).is_err());
        // ...and a filter on a sibling statement does not.
        let sibling = fragment(
            "@diagnostic(off, derivative_uniformity) if p.x > 0.5 { }\n\
             if p.y > 0.5 { _ = dpdx(1.0); }",
        );
        assert!(analyze(&sibling).is_err());
    }
}

#[cfg(test)]
mod corpus {
    /// Every `.wgsl` file under `$UNIFORMITY_CORPUS` that naga accepts, through the
    /// analysis: prints those it rejects (a real program Dawn accepts must pass).
    #[test]
    #[ignore]
    fn corpus() {
        let dir = std::env::var("UNIFORMITY_CORPUS").unwrap();
        let out = std::process::Command::new("find")
            .args([&dir, "-name", "*.wgsl"])
            .output()
            .unwrap();
        let (mut ok, mut bad) = (0, 0);
        for path in String::from_utf8(out.stdout).unwrap().lines() {
            let src = std::fs::read_to_string(path).unwrap();
            let Ok(module) = naga::front::wgsl::parse_str(&src) else {
                continue;
            };
            if naga::valid::Validator::new(Default::default(), naga::valid::Capabilities::all())
                .validate(&module)
                .is_err()
            {
                continue;
            }
            let scopes = crate::wgsl_source::diagnostic_scopes(&src);
            let filters = super::Filters::new(&module, &scopes, |o| o);
            match super::check(&module, &filters) {
                Ok(_) => ok += 1,
                Err(e) => {
                    bad += 1;
                    let (l, c) = e.line_and_column(&src);
                    println!("{path}:{l}:{c}: {}", e.message);
                }
            }
        }
        println!("{ok} accepted, {bad} rejected");
    }
}
