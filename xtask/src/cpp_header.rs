//! The C++ header, `include/webgpu/webgpu_cpp.h`: Dawn's `wgpu` namespace over the same
//! C API; the fixed text is in `templates/webgpu_cpp.h.*`.

use std::fmt::Write as _;

use crate::model::*;
use crate::naming::*;

//
// Every C++ struct is layout-compatible with its C struct (the header checks sizes,
// alignments and offsets), so calls pass them with a cast. Object classes hold one C
// handle and own one reference to it.

/// A C++ enum entry: `2D` -> `e2D`, as in Dawn.
pub(crate) fn cpp_variant(entry: &str) -> String {
    let p = pascal(entry);
    if p.starts_with(|c: char| c.is_ascii_digit()) {
        format!("e{p}")
    } else {
        p
    }
}

/// A member or parameter name that is not a C++ keyword.
pub(crate) fn cpp_name(name: &str) -> String {
    let c = camel(name);
    match c.as_str() {
        "default" | "new" | "delete" | "operator" | "template" | "class" | "union" => {
            format!("{c}_")
        }
        _ => c,
    }
}

/// One C argument as C++ declares and converts it.
pub(crate) struct CppArg {
    /// The C++ parameter declarations (two for an array).
    decls: Vec<String>,
    /// The C arguments, from the C++ parameters.
    to_c: Vec<String>,
}

impl Api {
    pub(crate) fn cpp_base(&self, ty: &Ty) -> String {
        match ty {
            Ty::Bool => "Bool".into(),
            Ty::String => "StringView".into(),
            Ty::Void(v) if v == "proc" => "Proc".into(),
            Ty::Enum(n) | Ty::Bitflag(n) | Ty::Struct(n) | Ty::Object(n) => pascal(n),
            Ty::Callback(n) => format!("{}CallbackInfo", pascal(n)),
            _ => self.c_base(ty),
        }
    }

    pub(crate) fn cpp_type(&self, ty: &Ty, ptr: Ptr) -> String {
        let base = self.cpp_base(ty);
        match ptr {
            Ptr::None => base,
            Ptr::Const => format!("{base} const *"),
            Ptr::Mut => format!("{base} *"),
        }
    }

    pub(crate) fn cpp_default(&self, m: &Param) -> String {
        let zero_entry = |n: &str| {
            self.enum_(n)
                .entries
                .iter()
                .find(|(_, v)| *v == 0)
                .map(|(e, _)| format!("{}::{}", pascal(n), cpp_variant(e)))
                .unwrap_or_else(|| "{}".into())
        };
        match (&m.ty, m.default.as_deref()) {
            (_, _) if m.ptr != Ptr::None => "nullptr".into(),
            (_, Some(c)) if c.starts_with("constant.") => {
                format!("WGPU_{}", upper(&c["constant.".len()..]))
            }
            (Ty::Struct(_) | Ty::Callback(_) | Ty::String, _) => "{}".into(),
            (Ty::Object(_) | Ty::Void(_), _) => "nullptr".into(),
            (Ty::Bool, Some("true")) => "true".into(),
            (Ty::Bool, _) => "false".into(),
            (Ty::Enum(n) | Ty::Bitflag(n), Some(d)) => format!("{}::{}", pascal(n), cpp_variant(d)),
            (Ty::Enum(n), None) => zero_entry(n),
            (Ty::Bitflag(n), None) => format!("{}::None", pascal(n)),
            (Ty::F32 | Ty::F64, _) => {
                let d = m.default.clone().unwrap_or_else(|| "0".into());
                let d = if d.contains('.') { d } else { format!("{d}.0") };
                if m.ty == Ty::F32 {
                    format!("{d}f")
                } else {
                    d
                }
            }
            (_, Some(d)) => d.trim_matches('\'').to_string(),
            (_, None) => "0".into(),
        }
    }

    /// A function argument: its C++ declaration and how it becomes the C argument.
    pub(crate) fn cpp_arg(&self, p: &Param) -> CppArg {
        let name = cpp_name(&p.name);
        match (&p.ty, p.ptr) {
            (Ty::Array(inner), ptr) => {
                let count = format!("{}Count", camel(&singular(&p.name)));
                let (cq, cast) = if ptr == Ptr::Mut {
                    ("*", "*")
                } else {
                    ("const *", "const *")
                };
                CppArg {
                    decls: vec![
                        format!("size_t {count}"),
                        format!("{} {cq} {name}", self.cpp_base(inner)),
                    ],
                    to_c: vec![
                        count,
                        format!("reinterpret_cast<{} {cast}>({name})", self.c_base(inner)),
                    ],
                }
            }
            (Ty::Struct(_), Ptr::Const | Ptr::Mut) => {
                let q = if p.ptr == Ptr::Const { " const" } else { "" };
                CppArg {
                    decls: vec![format!("{}{q} * {name}", self.cpp_base(&p.ty))],
                    to_c: vec![format!(
                        "reinterpret_cast<{}{q} *>({name})",
                        self.c_base(&p.ty)
                    )],
                }
            }
            (_, Ptr::Const | Ptr::Mut) => CppArg {
                decls: vec![format!("{} {name}", self.cpp_type(&p.ty, p.ptr))],
                to_c: vec![name],
            },
            (Ty::Object(_), _) => CppArg {
                decls: vec![format!("{} const& {name}", self.cpp_base(&p.ty))],
                to_c: vec![format!("{name}.Get()")],
            },
            (Ty::Enum(_) | Ty::Bitflag(_), _) => CppArg {
                decls: vec![format!("{} {name}", self.cpp_base(&p.ty))],
                to_c: vec![format!("static_cast<{}>({name})", self.c_base(&p.ty))],
            },
            (Ty::Bool, _) => CppArg {
                decls: vec![format!("Bool {name}")],
                to_c: vec![format!("static_cast<WGPUBool>({name})")],
            },
            (Ty::String | Ty::Struct(_) | Ty::Callback(_), _) => CppArg {
                decls: vec![format!("{} const& {name}", self.cpp_base(&p.ty))],
                to_c: vec![format!(
                    "*reinterpret_cast<{} const *>(&{name})",
                    self.c_base(&p.ty)
                )],
            },
            _ => CppArg {
                decls: vec![format!("{} {name}", self.cpp_base(&p.ty))],
                to_c: vec![name],
            },
        }
    }

    /// A C callback argument as the C++ callback receives it: (type, conversion of `x`).
    pub(crate) fn cpp_callback_arg(&self, a: &Param) -> (String, String) {
        let x = cpp_name(&a.name);
        match (&a.ty, a.ptr) {
            (Ty::Object(n), Ptr::Const) => (
                format!("{} const&", pascal(n)),
                format!("*reinterpret_cast<{} const *>({x})", pascal(n)),
            ),
            (Ty::Object(n), _) => (pascal(n), format!("{}::Acquire({x})", pascal(n))),
            (Ty::Struct(n), _) => (
                format!("{} const *", pascal(n)),
                format!("reinterpret_cast<{} const *>({x})", pascal(n)),
            ),
            (Ty::String, _) => (
                "StringView".into(),
                format!("detail::CallbackMessage{{{x}}}"),
            ),
            (Ty::Enum(n) | Ty::Bitflag(n), _) => {
                (pascal(n), format!("static_cast<{}>({x})", pascal(n)))
            }
            (t, _) => (self.c_base(t), x),
        }
    }

    /// The C callback's parameter list (with userdata), for a captureless trampoline.
    pub(crate) fn cpp_trampoline_params(&self, cb: &Callback) -> String {
        let mut params: Vec<String> = cb
            .args
            .iter()
            .flat_map(|a| {
                let mut a = a.clone();
                a.name = cpp_name(&a.name);
                self.c_params(&a, true)
            })
            .map(|p| p.replace("WGPU_NULLABLE ", ""))
            .collect();
        params.push("void * userdata1".into());
        params.push("void * userdata2".into());
        params.join(", ")
    }

    pub(crate) fn callback(&self, name: &str) -> &Callback {
        self.callbacks.iter().find(|c| c.name == name).unwrap()
    }

    pub(crate) fn cpp_header(&self) -> String {
        let mut h = String::new();
        h.push_str(CPP_PROLOGUE);
        for (name, _) in &self.constants {
            writeln!(
                h,
                "static constexpr auto k{} = WGPU_{};",
                pascal(name),
                upper(name)
            )
            .unwrap();
        }
        h.push('\n');
        for e in &self.enums {
            let n = pascal(&e.name);
            writeln!(h, "enum class {n} : uint32_t {{").unwrap();
            for (entry, _) in &e.entries {
                writeln!(h, "    {} = WGPU{n}_{},", cpp_variant(entry), pascal(entry)).unwrap();
            }
            h.push_str("};\n\n");
        }
        for b in &self.bitflags {
            let n = pascal(&b.name);
            writeln!(h, "enum class {n} : uint64_t {{").unwrap();
            for (entry, _) in &b.entries {
                writeln!(h, "    {} = WGPU{n}_{},", cpp_variant(entry), pascal(entry)).unwrap();
            }
            writeln!(h, "}};\ntemplate <> struct IsWGPUBitmask<{n}> {{ static constexpr bool enable = true; }};\n").unwrap();
        }
        h.push_str(CPP_BASICS);
        for o in &self.objects {
            writeln!(h, "class {};", pascal(o)).unwrap();
        }
        for c in &self.callbacks {
            writeln!(h, "struct {}CallbackInfo;", pascal(&c.name)).unwrap();
        }
        for st in &self.structs {
            writeln!(h, "struct {};", pascal(&st.name)).unwrap();
        }
        h.push('\n');

        // Object classes, methods declared; defined below, once every type is complete.
        let mut definitions = String::new();
        for o in &self.objects {
            let n = pascal(o);
            writeln!(h, "class {n} : public detail::ObjectBase<{n}, WGPU{n}> {{\n  public:\n    using ObjectBase::ObjectBase;\n    using ObjectBase::operator=;\n").unwrap();
            for f in &self.functions {
                if let Some((Some(obj), method)) = &f.cpp {
                    if obj == o {
                        self.cpp_function(&mut h, &mut definitions, f, Some(&n), method);
                    }
                }
            }
            if o == "instance" {
                h.push_str("    /// Dawn's one-future form of WaitAny.\n    WaitStatus WaitAny(Future f, uint64_t timeout) const;\n");
                definitions.push_str("inline WaitStatus Instance::WaitAny(Future f, uint64_t timeout) const {\n    FutureWaitInfo info{f, false};\n    return WaitAny(1, &info, timeout);\n}\n\n");
            }
            writeln!(h, "\n  private:\n    friend ObjectBase<{n}, WGPU{n}>;\n    static void WGPUAddRef(WGPU{n} handle) {{ wgpu{n}AddRef(handle); }}\n    static void WGPURelease(WGPU{n} handle) {{ wgpu{n}Release(handle); }}\n}};\n").unwrap();
        }
        for f in &self.functions {
            if let Some((None, name)) = &f.cpp {
                self.cpp_function(&mut h, &mut definitions, f, None, name);
            }
        }
        h.push('\n');

        // Callback infos and structs.
        let mut asserts = String::new();
        for cb in &self.callbacks {
            let n = pascal(&cb.name);
            writeln!(
                h,
                "struct {n}CallbackInfo {{\n    ChainedStruct const * nextInChain = nullptr;"
            )
            .unwrap();
            let mut fields = vec!["nextInChain"];
            if cb.with_mode {
                h.push_str("    CallbackMode mode = {};\n");
                fields.push("mode");
            }
            writeln!(h, "    WGPU{n}Callback callback = nullptr;\n    void * userdata1 = nullptr;\n    void * userdata2 = nullptr;\n}};\n").unwrap();
            fields.extend(["callback", "userdata1", "userdata2"]);
            self.cpp_layout_asserts(&mut asserts, &format!("{n}CallbackInfo"), &fields);
        }
        for st in self.structs_in_order() {
            let n = pascal(&st.name);
            let mut fields: Vec<String> = Vec::new();
            let mut body = String::new();
            let mut first = true;
            for m in &st.members {
                let align = if st.kind == StructKind::Extension && first {
                    "alignas(kFirstMemberAlignment) "
                } else {
                    ""
                };
                first = false;
                let name = cpp_name(&m.name);
                match &m.ty {
                    Ty::Array(inner) => {
                        let count = format!("{}Count", camel(&singular(&m.name)));
                        let q = if m.ptr == Ptr::Mut { "*" } else { "const *" };
                        writeln!(
                            body,
                            "    {align}size_t {count} = 0;\n    {} {q} {name} = nullptr;",
                            self.cpp_base(inner)
                        )
                        .unwrap();
                        fields.push(count);
                    }
                    _ => {
                        writeln!(
                            body,
                            "    {align}{} {name} = {};",
                            self.cpp_type(&m.ty, m.ptr),
                            self.cpp_default(m)
                        )
                        .unwrap();
                    }
                }
                fields.push(name);
            }
            match st.kind {
                StructKind::Extension => {
                    writeln!(h, "struct {n} : ChainedStruct {{\n    {n}() : ChainedStruct{{nullptr, SType::{n}}} {{}}").unwrap();
                    if let Some(m) = st.members.first() {
                        let first_ty = match &m.ty {
                            Ty::Array(_) => "size_t".to_string(),
                            t => self.cpp_type(t, m.ptr),
                        };
                        writeln!(h, "    static constexpr size_t kFirstMemberAlignment = detail::ConstexprMax(alignof(ChainedStruct), alignof({first_ty}));").unwrap();
                    }
                    fields.insert(0, "nextInChain".into());
                    fields.insert(1, "sType".into());
                }
                StructKind::Extensible => {
                    writeln!(
                        h,
                        "struct {n} {{\n    ChainedStruct const * nextInChain = nullptr;"
                    )
                    .unwrap();
                    fields.insert(0, "nextInChain".into());
                }
                StructKind::Standalone => writeln!(h, "struct {n} {{").unwrap(),
            }
            h.push_str(&body);
            for m in &st.members {
                if let Ty::Callback(cb) = &m.ty {
                    self.cpp_struct_callback_setter(
                        &mut h,
                        &mut definitions,
                        &n,
                        m,
                        self.callback(cb),
                    );
                }
            }
            if st.free_members {
                // A chained struct's constructor is written above (it sets the sType).
                let default_ctor = if st.kind == StructKind::Extension {
                    String::new()
                } else {
                    format!("\n    {n}() = default;")
                };
                writeln!(h, "\n    // Owns what the library wrote into it: freed by wgpu{n}FreeMembers.{default_ctor}\n    ~{n}() {{ FreeMembers(); }}\n    {n}(const {n}&) = delete;\n    {n}& operator=(const {n}&) = delete;\n    {n}({n}&& other) noexcept {{ Swap(other); }}\n    // The moved-from struct takes this one's old members, and frees them.\n    {n}& operator=({n}&& other) noexcept {{\n        if (this != &other) Swap(other);\n        return *this;\n    }}\n\n  private:\n    void FreeMembers() {{ wgpu{n}FreeMembers(*reinterpret_cast<WGPU{n} *>(this)); }}\n    void Swap({n}& other) noexcept {{\n        alignas({n}) unsigned char tmp[sizeof({n})];\n        std::memcpy(tmp, static_cast<void *>(this), sizeof({n}));\n        std::memcpy(static_cast<void *>(this), static_cast<void *>(&other), sizeof({n}));\n        std::memcpy(static_cast<void *>(&other), tmp, sizeof({n}));\n    }}").unwrap();
            }
            h.push_str("};\n\n");
            let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
            self.cpp_layout_asserts(&mut asserts, &n, &fields);
        }
        h.push_str("// Layout: every C++ struct is its C struct.\n#if defined(__GNUC__)\n#pragma GCC diagnostic push\n#pragma GCC diagnostic ignored \"-Winvalid-offsetof\"\n#endif\n");
        for o in &self.objects {
            writeln!(
                h,
                "static_assert(sizeof({0}) == sizeof(WGPU{0}), \"{0}\");",
                pascal(o)
            )
            .unwrap();
        }
        h.push_str(&asserts);
        h.push_str("#if defined(__GNUC__)\n#pragma GCC diagnostic pop\n#endif\n\n");
        h.push_str(&definitions);
        h.push_str(CPP_EPILOGUE);
        h
    }

    pub(crate) fn cpp_layout_asserts(&self, out: &mut String, n: &str, fields: &[&str]) {
        writeln!(out, "static_assert(sizeof({n}) == sizeof(WGPU{n}) && alignof({n}) == alignof(WGPU{n}), \"{n}\");").unwrap();
        for f in fields {
            let c = match *f {
                "nextInChain" if fields.contains(&"sType") => "chain.next",
                "sType" => "chain.sType",
                f => f.trim_end_matches('_'),
            };
            writeln!(
                out,
                "static_assert(offsetof({n}, {f}) == offsetof(WGPU{n}, {c}), \"{n}::{f}\");"
            )
            .unwrap();
        }
    }

    /// One method (or free function): its declaration into `h`, its definition, and
    /// for a callback method the lambda and function-pointer overloads too.
    pub(crate) fn cpp_function(
        &self,
        h: &mut String,
        defs: &mut String,
        f: &Function,
        class: Option<&str>,
        name: &str,
    ) {
        let method = pascal(name);
        let args = if class.is_some() {
            &f.args[1..]
        } else {
            &f.args[..]
        };
        let converted: Vec<CppArg> = args.iter().map(|a| self.cpp_arg(a)).collect();
        // Trailing optional pointers default to nullptr, and Dawn's own defaults hold.
        let mut defaults = vec![String::new(); args.len()];
        for (i, a) in args.iter().enumerate().rev() {
            let known = CPP_DEFAULT_ARGUMENTS
                .iter()
                .find(|(m, arg, _)| *m == name && *arg == a.name);
            if let Some((_, _, value)) = known {
                defaults[i] = format!(" = {value}");
            } else if a.optional && a.ptr != Ptr::None && !matches!(a.ty, Ty::Array(_)) {
                defaults[i] = " = nullptr".into();
            } else {
                break;
            }
        }
        let decls: Vec<String> = converted
            .iter()
            .zip(&defaults)
            .map(|(c, d)| match (c.decls.as_slice(), d.as_str()) {
                // An array's default names both halves: count 0, no pointer.
                ([count, ptr], d) if !d.is_empty() => format!("{count} = 0, {ptr} = nullptr"),
                _ => format!("{}{d}", c.decls.join(", ")),
            })
            .collect();
        let undefaulted: Vec<String> = converted.iter().map(|c| c.decls.join(", ")).collect();
        let mut call: Vec<String> = Vec::new();
        if class.is_some() {
            call.push("Get()".into());
        }
        call.extend(converted.iter().flat_map(|c| c.to_c.clone()));
        let ret = match &f.ret {
            None => "void".to_string(),
            Some((ty, ptr)) => self.cpp_type(ty, *ptr),
        };
        let wrap = |expr: String| -> String {
            match &f.ret {
                None => format!("{expr};"),
                Some((Ty::Object(n), _)) => format!("return {}::Acquire({expr});", pascal(n)),
                Some((Ty::Enum(n) | Ty::Bitflag(n), _)) => {
                    format!("return static_cast<{}>({expr});", pascal(n))
                }
                Some((Ty::Bool, _)) => format!("return Bool({expr});"),
                Some((Ty::Struct(n), Ptr::None)) => {
                    format!("auto result = {expr};\n    {0} out;\n    std::memcpy(static_cast<void *>(&out), &result, sizeof(out));\n    return out;", pascal(n))
                }
                Some(_) => format!("return {expr};"),
            }
        };
        let (qual, stat, konst) = match class {
            Some(c) => (format!("{c}::"), "", " const"),
            None => (String::new(), "inline ", ""),
        };
        let indent = if class.is_some() { "    " } else { "" };
        writeln!(
            h,
            "{indent}{stat}{ret} {method}({}){konst};",
            decls.join(", ")
        )
        .unwrap();
        // Output structs that own library memory are emptied first, as Dawn does.
        let mut prelude = String::new();
        for a in args {
            if let (Ty::Struct(n), Ptr::Mut) = (&a.ty, a.ptr) {
                if self.structs.iter().any(|s| &s.name == n && s.free_members) {
                    writeln!(prelude, "    *{} = {}();", cpp_name(&a.name), pascal(n)).unwrap();
                }
            }
        }
        writeln!(
            defs,
            "inline {ret} {qual}{method}({}){konst} {{\n{prelude}    {}\n}}\n",
            undefaulted.join(", "),
            wrap(format!("{}({})", f.c_name, call.join(", ")))
        )
        .unwrap();

        // Callback methods: (..., CallbackMode, L lambda) and (..., CallbackMode, F fn, T userdata).
        let Some(Ty::Callback(cb)) = args.last().map(|a| &a.ty) else {
            return;
        };
        let cb = self.callback(cb);
        let n = pascal(&cb.name);
        let head = &undefaulted[..undefaulted.len() - 1];
        let head_call = &call[..call.len() - 1];
        let (cpp_types, conversions): (Vec<String>, Vec<String>) =
            cb.args.iter().map(|a| self.cpp_callback_arg(a)).unzip();
        let mut lambda_params = head.to_vec();
        lambda_params.push("CallbackMode callbackMode".into());
        lambda_params.push("L callback".into());
        let mut fn_params = head.to_vec();
        fn_params.push("CallbackMode callbackMode".into());
        fn_params.push("F callback".into());
        fn_params.push("T userdata".into());
        writeln!(h, "{indent}/// Calls `callback({})` once, when the operation completes.\n{indent}template <typename L>\n{indent}{stat}{ret} {method}({}){konst};", cpp_types.join(", "), lambda_params.join(", ")).unwrap();
        writeln!(h, "{indent}template <typename F, typename T, typename Cb = {}, typename = std::enable_if_t<!std::is_void_v<Cb>>>\n{indent}{stat}{ret} {method}({}){konst};", callback_fn(&cpp_types, ", T"), fn_params.join(", ")).unwrap();
        let trampoline_params = self.cpp_trampoline_params(cb);
        let mut call_info = head_call.to_vec();
        call_info.push("info".into());
        let c_call = format!("{}({})", f.c_name, call_info.join(", "));
        let template_qual = |params: &str| -> String {
            match class {
                Some(c) => format!("template <{params}>\n{ret} {c}::"),
                None => format!("template <{params}>\ninline {ret} "),
            }
        };
        writeln!(
            defs,
            "{}{method}({}){konst} {{\n    WGPU{n}CallbackInfo info = {{}};\n    info.mode = static_cast<WGPUCallbackMode>(callbackMode);\n    info.callback = []({}) {{\n        std::unique_ptr<L> lambda(static_cast<L *>(userdata1));\n        (void)userdata2;\n        (*lambda)({});\n    }};\n    info.userdata1 = new L(std::move(callback));\n    {}\n}}\n",
            template_qual("typename L"),
            lambda_params.join(", "),
            trampoline_params,
            conversions.join(", "),
            wrap(c_call.clone())
        )
        .unwrap();
        writeln!(
            defs,
            "{}{method}({}){konst} {{\n    WGPU{n}CallbackInfo info = {{}};\n    info.mode = static_cast<WGPUCallbackMode>(callbackMode);\n    info.callback = []({}) {{\n        auto cb = reinterpret_cast<Cb *>(userdata1);\n        cb({}, static_cast<T>(userdata2));\n    }};\n    info.userdata1 = reinterpret_cast<void *>(+static_cast<Cb *>(callback));\n    info.userdata2 = reinterpret_cast<void *>(userdata);\n    {}\n}}\n",
            template_qual("typename F, typename T, typename Cb, typename"),
            fn_params.join(", "),
            trampoline_params,
            conversions.join(", "),
            wrap(c_call)
        )
        .unwrap();
    }

    /// `DeviceDescriptor::SetDeviceLostCallback(mode, f)` and the like. The descriptor
    /// may be used more than once, so it takes functions (or captureless lambdas),
    /// plus an optional userdata pointer, never owning closures.
    pub(crate) fn cpp_struct_callback_setter(
        &self,
        h: &mut String,
        defs: &mut String,
        st: &str,
        m: &Param,
        cb: &Callback,
    ) {
        let member = cpp_name(&m.name);
        let setter = format!("Set{}", pascal(m.name.trim_end_matches("_info")));
        let (cpp_types, conversions): (Vec<String>, Vec<String>) =
            cb.args.iter().map(|a| self.cpp_callback_arg(a)).unzip();
        let mode = if cb.with_mode {
            "CallbackMode callbackMode, "
        } else {
            ""
        };
        let set_mode = if cb.with_mode {
            format!("    {member}.mode = callbackMode;\n")
        } else {
            String::new()
        };
        writeln!(h, "\n    /// `callback({})`, a function or captureless lambda.\n    template <typename F, typename Cb = {}, typename = std::enable_if_t<!std::is_void_v<Cb>>>\n    void {setter}({mode}F callback);\n    /// `callback({}, userdata)`.\n    template <typename F, typename T, typename Cb = {}, typename = std::enable_if_t<!std::is_void_v<Cb>>>\n    void {setter}({mode}F callback, T userdata);", cpp_types.join(", "), callback_fn(&cpp_types, ""), cpp_types.join(", "), callback_fn(&cpp_types, ", T")).unwrap();
        let params = self.cpp_trampoline_params(cb);
        writeln!(defs, "template <typename F, typename Cb, typename>\nvoid {st}::{setter}({mode}F callback) {{\n{set_mode}    {member}.callback = []({params}) {{\n        (void)userdata2;\n        reinterpret_cast<Cb *>(userdata1)({});\n    }};\n    {member}.userdata1 = reinterpret_cast<void *>(+static_cast<Cb *>(callback));\n    {member}.userdata2 = nullptr;\n}}\n", conversions.join(", ")).unwrap();
        writeln!(defs, "template <typename F, typename T, typename Cb, typename>\nvoid {st}::{setter}({mode}F callback, T userdata) {{\n{set_mode}    {member}.callback = []({params}) {{\n        reinterpret_cast<Cb *>(userdata1)({}, static_cast<T>(userdata2));\n    }};\n    {member}.userdata1 = reinterpret_cast<void *>(+static_cast<Cb *>(callback));\n    {member}.userdata2 = reinterpret_cast<void *>(userdata);\n}}\n", conversions.join(", ")).unwrap();
    }
}

/// `detail::CallbackFn<F, void(types), void(types with char const * messages)>`: the
/// function forms of callbacks accept Dawn's older `char const *` message as well.
pub(crate) fn callback_fn(cpp_types: &[String], tail: &str) -> String {
    let char_types: Vec<String> = cpp_types
        .iter()
        .map(|t| {
            if t == "StringView" {
                "char const *".into()
            } else {
                t.clone()
            }
        })
        .collect();
    format!(
        "detail::CallbackFn<F, void({}{tail}), void({}{tail})>",
        cpp_types.join(", "),
        char_types.join(", ")
    )
}

/// Default arguments of Dawn's C++ API, which the API data does not carry:
/// (method, argument, value).
pub(crate) const CPP_DEFAULT_ARGUMENTS: &[(&str, &str, &str)] = &[
    ("set_bind_group", "dynamic_offsets", "0"),
    ("dispatch_workgroups", "workgroupCountY", "1"),
    ("dispatch_workgroups", "workgroupCountZ", "1"),
    ("draw", "instance_count", "1"),
    ("draw", "first_vertex", "0"),
    ("draw", "first_instance", "0"),
    ("draw_indexed", "instance_count", "1"),
    ("draw_indexed", "first_index", "0"),
    ("draw_indexed", "base_vertex", "0"),
    ("draw_indexed", "first_instance", "0"),
    ("set_vertex_buffer", "offset", "0"),
    ("set_vertex_buffer", "size", "WGPU_WHOLE_SIZE"),
    ("set_index_buffer", "offset", "0"),
    ("set_index_buffer", "size", "WGPU_WHOLE_SIZE"),
    ("clear_buffer", "offset", "0"),
    ("clear_buffer", "size", "WGPU_WHOLE_SIZE"),
    ("get_mapped_range", "offset", "0"),
    ("get_mapped_range", "size", "WGPU_WHOLE_MAP_SIZE"),
    ("get_const_mapped_range", "offset", "0"),
    ("get_const_mapped_range", "size", "WGPU_WHOLE_MAP_SIZE"),
];

pub(crate) const CPP_PROLOGUE: &str = include_str!("../templates/webgpu_cpp.h.prologue");

pub(crate) const CPP_BASICS: &str = include_str!("../templates/webgpu_cpp.h.basics");

pub(crate) const CPP_EPILOGUE: &str = include_str!("../templates/webgpu_cpp.h.epilogue");
