//! The C header, `include/webgpu/webgpu.h`: the fixed text is in
//! `templates/webgpu.h.*`, the rest written from the model.

use std::fmt::Write as _;

use crate::model::*;
use crate::naming::*;

impl Api {
    pub(crate) fn c_base(&self, ty: &Ty) -> String {
        match ty {
            Ty::Bool => "WGPUBool".into(),
            Ty::U16 => "uint16_t".into(),
            Ty::U32 => "uint32_t".into(),
            Ty::U64 => "uint64_t".into(),
            Ty::I32 => "int32_t".into(),
            Ty::Usize => "size_t".into(),
            Ty::F32 => "float".into(),
            Ty::F64 => "double".into(),
            Ty::String => "WGPUStringView".into(),
            Ty::CString => "char const *".into(),
            Ty::Void(v) if v == "proc" => "WGPUProc".into(),
            Ty::Void(_) => "void".into(),
            Ty::Enum(n) | Ty::Bitflag(n) | Ty::Struct(n) | Ty::Object(n) => {
                format!("WGPU{}", pascal(n))
            }
            Ty::Callback(n) => format!("WGPU{}CallbackInfo", pascal(n)),
            Ty::Array(_) => unreachable!(),
        }
    }

    /// `T`, `T const *` or `T *`, with WGPU_NULLABLE where the pointer may be NULL.
    pub(crate) fn c_type(&self, ty: &Ty, ptr: Ptr, optional: bool, in_callback: bool) -> String {
        let mut base = self.c_base(ty);
        if in_callback && matches!(ty, Ty::Struct(_)) && ptr != Ptr::None {
            base = format!("struct {base}");
        }
        let nullable = if optional && (ptr != Ptr::None || matches!(ty, Ty::Object(_))) {
            "WGPU_NULLABLE "
        } else {
            ""
        };
        match ptr {
            Ptr::None => format!("{nullable}{base}"),
            Ptr::Const => format!("{nullable}{base} const *"),
            Ptr::Mut => format!("{nullable}{base} *"),
        }
    }

    /// The C declarations one member or parameter becomes (two for an array).
    pub(crate) fn c_params(&self, p: &Param, in_callback: bool) -> Vec<String> {
        match &p.ty {
            Ty::Array(inner) => {
                let ptr = if p.ptr == Ptr::Mut { "*" } else { "const *" };
                vec![
                    format!("size_t {}Count", camel(&singular(&p.name))),
                    format!("{} {ptr} {}", self.c_base(inner), camel(&p.name)),
                ]
            }
            Ty::Callback(_) => vec![format!("{} {}", self.c_base(&p.ty), camel(&p.name))],
            _ => vec![format!(
                "{} {}",
                self.c_type(&p.ty, p.ptr, p.optional, in_callback),
                camel(&p.name)
            )],
        }
    }

    pub(crate) fn c_ret(&self, ret: &Option<(Ty, Ptr)>) -> String {
        match ret {
            None => "void".into(),
            Some((ty, ptr)) => self.c_type(ty, *ptr, false, false),
        }
    }

    pub(crate) fn c_default(&self, st: &Struct, m: &Param) -> Vec<String> {
        if let Ty::Array(_) = m.ty {
            return vec!["0".into(), "NULL".into()];
        }
        if m.ptr != Ptr::None {
            return vec!["NULL".into()];
        }
        let v = match (&m.ty, m.default.as_deref()) {
            (_, Some(c)) if c.starts_with("constant.") => {
                format!("WGPU_{}", upper(&c["constant.".len()..]))
            }
            (Ty::Struct(_), Some("zero")) => "_wgpu_STRUCT_ZERO_INIT".into(),
            (Ty::Struct(n), _) => format!("WGPU_{}_INIT", upper(n)),
            (Ty::Callback(n), _) => format!("WGPU_{}_CALLBACK_INFO_INIT", upper(n)),
            (Ty::String, _) => "WGPU_STRING_VIEW_INIT".into(),
            (Ty::Object(_), _) | (Ty::Void(_), _) => "NULL".into(),
            (Ty::Bool, Some("true")) => "WGPU_TRUE".into(),
            (Ty::Bool, _) => "WGPU_FALSE".into(),
            (Ty::Enum(n), Some(d)) => format!("WGPU{}_{}", pascal(n), pascal(d)),
            (Ty::Enum(n), None) => {
                let e = self.enum_(n);
                match e.entries.iter().find(|(_, v)| *v == 0) {
                    Some((name, _)) => format!("WGPU{}_{}", pascal(n), pascal(name)),
                    None => format!("_wgpu_ENUM_ZERO_INIT(WGPU{})", pascal(n)),
                }
            }
            (Ty::Bitflag(n), Some(d)) => format!("WGPU{}_{}", pascal(n), pascal(d)),
            (Ty::Bitflag(n), None) => format!("WGPU{}_None", pascal(n)),
            (Ty::F32, Some(d)) => format!(
                "{}f",
                if d.contains('.') {
                    d.to_string()
                } else {
                    format!("{d}.0")
                }
            ),
            (Ty::F64, Some(d)) => {
                if d.contains('.') {
                    d.to_string()
                } else {
                    format!("{d}.0")
                }
            }
            (Ty::F32, None) => "0.f".into(),
            (Ty::F64, None) => "0.".into(),
            (_, Some(d)) => d.to_string(),
            (_, None) => "0".into(),
        };
        let _ = st;
        vec![v]
    }

    pub(crate) fn c_header(&self) -> String {
        let mut h = String::new();
        h.push_str(C_PROLOGUE);
        // Constants
        for (name, value) in &self.constants {
            let v = match value.as_str() {
                "uint32_max" => "UINT32_MAX",
                "uint64_max" => "UINT64_MAX",
                "usize_max" => "SIZE_MAX",
                "nan" => "NAN",
                other => other,
            };
            writeln!(h, "#define WGPU_{} ({v})", upper(name)).unwrap();
        }
        h.push_str("\ntypedef uint64_t WGPUFlags;\ntypedef uint32_t WGPUBool;\n\n");
        for o in &self.objects {
            writeln!(
                h,
                "typedef struct WGPU{0}Impl* WGPU{0} WGPU_OBJECT_ATTRIBUTE;",
                pascal(o)
            )
            .unwrap();
        }
        h.push_str("\n// Structure forward declarations\n");
        let mut all_structs: Vec<String> = vec!["chained_struct".into(), "string_view".into()];
        all_structs.extend(
            self.callbacks
                .iter()
                .map(|c| format!("{}_callback_info", c.name)),
        );
        all_structs.extend(self.structs.iter().map(|s| s.name.clone()));
        for st in &all_structs {
            writeln!(h, "struct WGPU{};", pascal(st)).unwrap();
        }
        h.push_str(C_STRING_VIEW);
        for e in &self.enums {
            let n = pascal(&e.name);
            writeln!(h, "typedef enum WGPU{n} {{").unwrap();
            for (entry, v) in &e.entries {
                writeln!(h, "    WGPU{n}_{} = 0x{v:08X},", pascal(entry)).unwrap();
            }
            writeln!(
                h,
                "    WGPU{n}_Force32 = 0x7FFFFFFF\n}} WGPU{n} WGPU_ENUM_ATTRIBUTE;\n"
            )
            .unwrap();
        }
        for b in &self.bitflags {
            let n = pascal(&b.name);
            writeln!(h, "typedef WGPUFlags WGPU{n};").unwrap();
            for (entry, v) in &b.entries {
                writeln!(
                    h,
                    "static const WGPU{n} WGPU{n}_{} = 0x{v:016X};",
                    pascal(entry)
                )
                .unwrap();
            }
            h.push('\n');
        }
        h.push_str("typedef void (*WGPUProc)(void) WGPU_FUNCTION_ATTRIBUTE;\n\n");
        for cb in &self.callbacks {
            let mut args: Vec<String> = cb
                .args
                .iter()
                .flat_map(|a| self.c_params(a, true))
                .collect();
            args.push("WGPU_NULLABLE void* userdata1".into());
            args.push("WGPU_NULLABLE void* userdata2".into());
            writeln!(
                h,
                "typedef void (*WGPU{}Callback)({}) WGPU_FUNCTION_ATTRIBUTE;",
                pascal(&cb.name),
                args.join(", ")
            )
            .unwrap();
        }
        h.push_str(C_BASIC_STRUCTS);
        for cb in &self.callbacks {
            let n = pascal(&cb.name);
            writeln!(
                h,
                "typedef struct WGPU{n}CallbackInfo {{\n    WGPUChainedStruct * nextInChain;"
            )
            .unwrap();
            if cb.with_mode {
                h.push_str("    WGPUCallbackMode mode;\n");
            }
            writeln!(h, "    WGPU{n}Callback callback;\n    WGPU_NULLABLE void* userdata1;\n    WGPU_NULLABLE void* userdata2;\n}} WGPU{n}CallbackInfo WGPU_STRUCTURE_ATTRIBUTE;\n").unwrap();
            writeln!(h, "#define WGPU_{}_CALLBACK_INFO_INIT _wgpu_MAKE_INIT_STRUCT(WGPU{n}CallbackInfo, {{ \\", upper(&cb.name)).unwrap();
            h.push_str("    /*.nextInChain=*/NULL _wgpu_COMMA \\\n");
            if cb.with_mode {
                h.push_str("    /*.mode=*/_wgpu_ENUM_ZERO_INIT(WGPUCallbackMode) _wgpu_COMMA \\\n");
            }
            h.push_str("    /*.callback=*/NULL _wgpu_COMMA \\\n    /*.userdata1=*/NULL _wgpu_COMMA \\\n    /*.userdata2=*/NULL _wgpu_COMMA \\\n})\n\n");
        }
        for st in self.structs_in_order() {
            let n = pascal(&st.name);
            writeln!(h, "typedef struct WGPU{n} {{").unwrap();
            let mut inits: Vec<(String, String)> = Vec::new();
            match st.kind {
                StructKind::Extensible => {
                    h.push_str("    WGPUChainedStruct * nextInChain;\n");
                    inits.push(("nextInChain".into(), "NULL".into()));
                }
                StructKind::Extension => {
                    h.push_str("    WGPUChainedStruct chain;\n");
                    inits.push((
                        "chain".into(),
                        format!(
                            "_wgpu_MAKE_INIT_STRUCT(WGPUChainedStruct, {{ \\\n        /*.next=*/NULL _wgpu_COMMA \\\n        /*.sType=*/WGPUSType_{n} _wgpu_COMMA \\\n    }})"
                        ),
                    ));
                }
                StructKind::Standalone => {}
            }
            for m in &st.members {
                let decls = self.c_params(m, false);
                let defaults = self.c_default(st, m);
                for (d, v) in decls.iter().zip(defaults) {
                    writeln!(h, "    {d};").unwrap();
                    let field = d.rsplit([' ', '*']).next().unwrap().to_string();
                    inits.push((field, v));
                }
            }
            writeln!(h, "}} WGPU{n} WGPU_STRUCTURE_ATTRIBUTE;\n").unwrap();
            writeln!(
                h,
                "#define WGPU_{}_INIT _wgpu_MAKE_INIT_STRUCT(WGPU{n}, {{ \\",
                upper(&st.name)
            )
            .unwrap();
            for (f, v) in inits {
                writeln!(h, "    /*.{f}=*/{v} _wgpu_COMMA \\").unwrap();
            }
            h.push_str("})\n\n");
        }
        h.push_str(
            "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n#if !defined(WGPU_SKIP_PROCS)\n\n",
        );
        for f in &self.functions {
            let args: Vec<String> = f
                .args
                .iter()
                .flat_map(|a| self.c_params(a, false))
                .collect();
            writeln!(
                h,
                "typedef {} (*{})({}) WGPU_FUNCTION_ATTRIBUTE;",
                self.c_ret(&f.ret),
                f.proc_name,
                args.join(", ")
            )
            .unwrap();
        }
        h.push_str(
            "\n#endif  // !defined(WGPU_SKIP_PROCS)\n\n#if !defined(WGPU_SKIP_DECLARATIONS)\n\n",
        );
        for f in &self.functions {
            let args: Vec<String> = f
                .args
                .iter()
                .flat_map(|a| self.c_params(a, false))
                .collect();
            let doc = crate::docs::function_doc(self, f);
            if !doc.is_empty() {
                h.push_str("/**\n");
                for paragraph in doc {
                    for line in wrap(&paragraph, 86) {
                        writeln!(h, " * {line}").unwrap();
                    }
                }
                h.push_str(" */\n");
            }
            writeln!(
                h,
                "WGPU_EXPORT {} {}({}) WGPU_FUNCTION_ATTRIBUTE;",
                self.c_ret(&f.ret),
                f.c_name,
                args.join(", ")
            )
            .unwrap();
        }
        h.push_str("\n#endif  // !defined(WGPU_SKIP_DECLARATIONS)\n\n#ifdef __cplusplus\n} // extern \"C\"\n#endif\n\n#endif // WEBGPU_H_\n");
        h
    }
}

pub(crate) const C_PROLOGUE: &str = include_str!("../templates/webgpu.h.prologue");

pub(crate) const C_STRING_VIEW: &str = include_str!("../templates/webgpu.h.string_view");

pub(crate) const C_BASIC_STRUCTS: &str = include_str!("../templates/webgpu.h.basic_structs");

/// `text` in lines of at most `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}
