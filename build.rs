//! The generator: reads the API description `api/webgpu.yml` (the single source of
//! truth) and writes the C header `include/webgpu/webgpu.h` and the Rust side of the
//! boundary, `ffi/generated/types.rs` (`#[repr(C)]` types, enums, callbacks) and
//! `ffi/generated/exports.rs` (every exported function, each calling one hand-written
//! implementation inside the panic guard, plus `wgpuGetProcAddress`'s table).
//!
//! The outputs are committed; a file is rewritten only when its text changes, so CI can
//! build and then `git diff --exit-code` to prove they are current.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

fn main() {
    println!("cargo:rerun-if-changed=api/webgpu.yml");
    println!("cargo:rerun-if-changed=build.rs");
    let text = std::fs::read_to_string("api/webgpu.yml").expect("api/webgpu.yml");
    let doc = &YamlLoader::load_from_str(&text).expect("valid YAML")[0];
    let api = Api::parse(doc);
    write_if_changed("include/webgpu/webgpu.h", &api.c_header());
    write_if_changed("ffi/generated/types.rs", &api.rust_types());
    write_if_changed("ffi/generated/exports.rs", &api.rust_exports());

    // A stable soname, so hosts link against the ABI version, not the file.
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap();
        let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap();
        // 0.x releases break at the minor version, as semver says.
        let abi = if major == "0" {
            format!("0.{minor}")
        } else {
            major
        };
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libwebgpu_shim.so.{abi}");
    }
}

fn write_if_changed(path: &str, text: &str) {
    let path = Path::new(path);
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return;
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

// ---------------------------------------------------------------------------------------
// The model

/// A type as the API data spells it, resolved.
#[derive(Clone, Debug, PartialEq)]
enum Ty {
    Bool,
    U16,
    U32,
    U64,
    I32,
    Usize,
    F32,
    F64,
    String,
    Void(String),
    Enum(String),
    Bitflag(String),
    Struct(String),
    Object(String),
    Callback(String),
    Array(Box<Ty>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Ptr {
    None,
    Const,
    Mut,
}

#[derive(Clone, Debug)]
struct Param {
    name: String,
    ty: Ty,
    ptr: Ptr,
    optional: bool,
    default: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
enum StructKind {
    Extensible,
    Extension,
    Standalone,
}

struct Struct {
    name: String,
    kind: StructKind,
    free_members: bool,
    members: Vec<Param>,
}

struct Enum {
    name: String,
    /// (entry name, value)
    entries: Vec<(String, u32)>,
}

struct Callback {
    name: String,
    with_mode: bool,
    args: Vec<Param>,
}

/// One exported C function.
struct Function {
    /// C name, e.g. `wgpuBufferGetSize`.
    c_name: String,
    /// `WGPUProcBufferGetSize`.
    proc_name: String,
    ret: Option<(Ty, Ptr)>,
    args: Vec<Param>,
    /// The Rust path of the hand-written implementation.
    implementation: String,
    /// The first argument is the object the call is on (for error reporting).
    on_object: bool,
}

struct Api {
    constants: Vec<(String, String)>,
    enums: Vec<Enum>,
    bitflags: Vec<Enum>,
    structs: Vec<Struct>,
    callbacks: Vec<Callback>,
    objects: Vec<String>,
    functions: Vec<Function>,
}

fn s(y: &Yaml) -> String {
    match y {
        Yaml::String(v) => v.clone(),
        Yaml::Integer(v) => v.to_string(),
        Yaml::Real(v) => v.clone(),
        Yaml::Boolean(v) => v.to_string(),
        other => panic!("expected a scalar, got {other:?}"),
    }
}

fn list(y: &Yaml) -> &[Yaml] {
    match y {
        Yaml::Array(a) => a,
        Yaml::BadValue | Yaml::Null => &[],
        other => panic!("expected a list, got {other:?}"),
    }
}

fn parse_ty(t: &str) -> Ty {
    if let Some(inner) = t.strip_prefix("array<").and_then(|r| r.strip_suffix('>')) {
        return Ty::Array(Box::new(parse_ty(inner)));
    }
    let (kind, name) = t.split_once('.').unwrap_or((t, ""));
    match kind {
        "bool" => Ty::Bool,
        "uint16" => Ty::U16,
        "uint32" => Ty::U32,
        "uint64" => Ty::U64,
        "int32" => Ty::I32,
        "usize" => Ty::Usize,
        "float32" | "nullable_float32" => Ty::F32,
        "float64" | "float64_supertype" => Ty::F64,
        "out_string" | "string_with_default_empty" | "nullable_string" => Ty::String,
        "enum" => Ty::Enum(name.into()),
        "bitflag" => Ty::Bitflag(name.into()),
        "struct" => Ty::Struct(name.into()),
        "object" => Ty::Object(name.into()),
        "callback" => Ty::Callback(name.into()),
        v if v.starts_with("c_void") => Ty::Void(v.into()),
        other => panic!("unknown type {other}"),
    }
}

fn parse_param(y: &Yaml) -> Param {
    let ptr = match y["pointer"].as_str() {
        None => Ptr::None,
        Some("immutable") => Ptr::Const,
        Some("mutable") => Ptr::Mut,
        Some(p) => panic!("pointer kind {p}"),
    };
    Param {
        name: s(&y["name"]),
        ty: parse_ty(&s(&y["type"])),
        ptr,
        optional: y["optional"].as_bool().unwrap_or(false),
        default: match &y["default"] {
            Yaml::BadValue | Yaml::Null => None,
            v => Some(s(v)),
        },
    }
}

fn parse_ret(y: &Yaml) -> Option<(Ty, Ptr)> {
    match y {
        Yaml::BadValue | Yaml::Null => None,
        Yaml::String(t) => Some((parse_ty(t), Ptr::None)),
        h => {
            let p = parse_param(&{
                let mut h = h.as_hash().unwrap().clone();
                h.insert(Yaml::String("name".into()), Yaml::String("ret".into()));
                Yaml::Hash(h)
            });
            Some((p.ty, p.ptr))
        }
    }
}

impl Api {
    fn parse(doc: &Yaml) -> Api {
        let prefix = doc["enum_prefix"].as_i64().unwrap_or(0) as u32;
        let constants = list(&doc["constants"])
            .iter()
            .map(|c| (s(&c["name"]), s(&c["value"])))
            .collect();
        let enums = list(&doc["enums"])
            .iter()
            .map(|e| Enum {
                name: s(&e["name"]),
                entries: list(&e["entries"])
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(i, v)| (s(&v["name"]), (prefix << 16) | i as u32))
                    .collect(),
            })
            .collect();
        let bitflags = list(&doc["bitflags"])
            .iter()
            .map(|e| {
                let mut values: Vec<(String, u32)> = Vec::new();
                for (i, v) in list(&e["entries"]).iter().enumerate() {
                    let value = match &v["value_combination"] {
                        Yaml::Array(parts) => parts
                            .iter()
                            .map(|p| values.iter().find(|(n, _)| *n == s(p)).unwrap().1)
                            .fold(0, |a, b| a | b),
                        _ if i == 0 => 0,
                        _ => 1 << (i - 1),
                    };
                    values.push((s(&v["name"]), value));
                }
                Enum {
                    name: s(&e["name"]),
                    entries: values,
                }
            })
            .collect();
        let structs = list(&doc["structs"])
            .iter()
            .map(|st| Struct {
                name: s(&st["name"]),
                kind: match st["type"].as_str().unwrap() {
                    "extensible" | "extensible_callback_arg" => StructKind::Extensible,
                    "extension" => StructKind::Extension,
                    "standalone" => StructKind::Standalone,
                    k => panic!("struct kind {k}"),
                },
                free_members: st["free_members"].as_bool().unwrap_or(false),
                members: list(&st["members"]).iter().map(parse_param).collect(),
            })
            .collect::<Vec<_>>();
        let callbacks = list(&doc["callbacks"])
            .iter()
            .map(|c| Callback {
                name: s(&c["name"]),
                with_mode: c["style"].as_str() == Some("callback_mode"),
                args: list(&c["args"]).iter().map(parse_param).collect(),
            })
            .collect();

        let mut functions = Vec::new();
        for f in list(&doc["functions"]) {
            let name = s(&f["name"]);
            functions.push(Function {
                c_name: format!("wgpu{}", pascal(&name)),
                proc_name: format!("WGPUProc{}", pascal(&name)),
                ret: parse_ret(&f["returns"]),
                args: list(&f["args"]).iter().map(parse_param).collect(),
                implementation: format!("crate::instance::{name}"),
                on_object: false,
            });
        }
        functions.push(Function {
            c_name: "wgpuGetProcAddress".into(),
            proc_name: "WGPUProcGetProcAddress".into(),
            ret: Some((Ty::Void("proc".into()), Ptr::None)),
            args: vec![Param {
                name: "proc_name".into(),
                ty: Ty::String,
                ptr: Ptr::None,
                optional: false,
                default: None,
            }],
            implementation: "crate::generated::exports::get_proc_address".into(),
            on_object: false,
        });
        for st in structs.iter().filter(|st| st.free_members) {
            functions.push(Function {
                c_name: format!("wgpu{}FreeMembers", pascal(&st.name)),
                proc_name: format!("WGPUProc{}FreeMembers", pascal(&st.name)),
                ret: None,
                args: vec![Param {
                    name: st.name.clone(),
                    ty: Ty::Struct(st.name.clone()),
                    ptr: Ptr::None,
                    optional: false,
                    default: None,
                }],
                implementation: format!("crate::free_members::{}", st.name),
                on_object: false,
            });
        }
        let mut objects = Vec::new();
        for o in list(&doc["objects"]) {
            let obj = s(&o["name"]);
            objects.push(obj.clone());
            let this = Param {
                name: obj.clone(),
                ty: Ty::Object(obj.clone()),
                ptr: Ptr::None,
                optional: false,
                default: None,
            };
            // (name, return type, arguments, implementation path)
            type Method = (String, Option<(Ty, Ptr)>, Vec<Param>, String);
            let mut methods: Vec<Method> = Vec::new();
            for m in list(&o["methods"]) {
                let name = s(&m["name"]);
                let mut args: Vec<Param> = list(&m["args"]).iter().map(parse_param).collect();
                let mut ret = parse_ret(&m["returns"]);
                if let Some(cb) = m["callback"].as_str() {
                    let cb = cb.strip_prefix("callback.").unwrap();
                    args.push(Param {
                        name: "callback_info".into(),
                        ty: Ty::Callback(cb.into()),
                        ptr: Ptr::None,
                        optional: false,
                        default: None,
                    });
                    ret = Some((Ty::Struct("future".into()), Ptr::None));
                }
                methods.push((name.clone(), ret, args, format!("crate::{obj}::{name}")));
            }
            for (m, generic) in [("add_ref", "add_ref"), ("release", "release")] {
                methods.push((
                    m.into(),
                    None,
                    vec![],
                    format!("crate::handle::{generic}::<crate::{obj}::{}>", pascal(&obj)),
                ));
            }
            for (name, ret, args, implementation) in methods {
                let mut all = vec![this.clone()];
                all.extend(args);
                functions.push(Function {
                    c_name: format!("wgpu{}{}", pascal(&obj), pascal(&name)),
                    proc_name: format!("WGPUProc{}{}", pascal(&obj), pascal(&name)),
                    ret,
                    args: all,
                    implementation,
                    on_object: true,
                });
            }
        }
        Api {
            constants,
            enums,
            bitflags,
            structs,
            callbacks,
            objects,
            functions,
        }
    }

    fn enum_(&self, name: &str) -> &Enum {
        self.enums.iter().find(|e| e.name == name).unwrap()
    }

    /// Structs in an order where every struct held by value comes before its holder.
    fn structs_in_order(&self) -> Vec<&Struct> {
        let mut done = BTreeSet::new();
        let mut out = Vec::new();
        fn visit<'a>(
            api: &'a Api,
            st: &'a Struct,
            done: &mut BTreeSet<String>,
            out: &mut Vec<&'a Struct>,
        ) {
            if !done.insert(st.name.clone()) {
                return;
            }
            for m in &st.members {
                let dep = match &m.ty {
                    Ty::Array(inner) => inner.as_ref(),
                    t => t,
                };
                if let Ty::Struct(dep) = dep {
                    if let Some(d) = api.structs.iter().find(|x| &x.name == dep) {
                        visit(api, d, done, out);
                    }
                }
            }
            out.push(st);
        }
        for st in &self.structs {
            visit(self, st, &mut done, &mut out);
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// Names

/// `discrete_GPU` -> `DiscreteGPU`, `extent_3D` -> `Extent3D`.
/// An underscore between two digits stays: `unorm10_10_10_2` -> `Unorm10_10_10_2`.
fn pascal(name: &str) -> String {
    let mut out = String::new();
    for p in name.split('_') {
        let digits = out.ends_with(|c: char| c.is_ascii_digit())
            && p.starts_with(|c: char| c.is_ascii_digit());
        if digits {
            out.push('_');
        }
        let mut c = p.chars();
        if let Some(f) = c.next() {
            out.extend(f.to_uppercase());
            out.push_str(c.as_str());
        }
    }
    out
}

/// `vendor_ID` -> `vendorID`.
fn camel(name: &str) -> String {
    let p = pascal(name);
    let mut c = p.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => p,
    }
}

/// `extent_3D` -> `EXTENT_3D`.
fn upper(name: &str) -> String {
    name.to_uppercase()
}

fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = name.strip_suffix('s') {
        stem.to_string()
    } else {
        name.to_string()
    }
}

fn snake_rust(name: &str) -> String {
    let lower = name.to_lowercase();
    match lower.as_str() {
        "type" | "ref" | "loop" | "where" | "move" | "self" | "impl" | "fn" | "mod" => {
            format!("r#{lower}")
        }
        _ => lower,
    }
}

fn rust_field(name: &str) -> String {
    let c = camel(name);
    match c.as_str() {
        "type" => "r#type".into(),
        _ => c,
    }
}

fn rust_variant(entry: &str) -> String {
    let p = pascal(entry);
    if p.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{p}")
    } else {
        p
    }
}

// ---------------------------------------------------------------------------------------
// C

impl Api {
    fn c_base(&self, ty: &Ty) -> String {
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
    fn c_type(&self, ty: &Ty, ptr: Ptr, optional: bool, in_callback: bool) -> String {
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
    fn c_params(&self, p: &Param, in_callback: bool) -> Vec<String> {
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

    fn c_ret(&self, ret: &Option<(Ty, Ptr)>) -> String {
        match ret {
            None => "void".into(),
            Some((ty, ptr)) => self.c_type(ty, *ptr, false, false),
        }
    }

    fn c_default(&self, st: &Struct, m: &Param) -> Vec<String> {
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

    fn c_header(&self) -> String {
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

const C_PROLOGUE: &str = r#"/**
 * webgpu.h: the standard WebGPU C API, as implemented by webgpu-shim.
 *
 * GENERATED by build.rs from api/webgpu.yml (webgpu-native/webgpu-headers data,
 * BSD-3-Clause, see api/LICENSE). Do not edit: change the data or the generator.
 */

#ifndef WEBGPU_H_
#define WEBGPU_H_

#if defined(WGPU_SHARED_LIBRARY)
#    if defined(_WIN32)
#        if defined(WGPU_IMPLEMENTATION)
#            define WGPU_EXPORT __declspec(dllexport)
#        else
#            define WGPU_EXPORT __declspec(dllimport)
#        endif
#    else  // defined(_WIN32)
#        if defined(WGPU_IMPLEMENTATION)
#            define WGPU_EXPORT __attribute__((visibility("default")))
#        else
#            define WGPU_EXPORT
#        endif
#    endif  // defined(_WIN32)
#else       // defined(WGPU_SHARED_LIBRARY)
#    define WGPU_EXPORT
#endif  // defined(WGPU_SHARED_LIBRARY)

#if !defined(WGPU_OBJECT_ATTRIBUTE)
#define WGPU_OBJECT_ATTRIBUTE
#endif
#if !defined(WGPU_ENUM_ATTRIBUTE)
#define WGPU_ENUM_ATTRIBUTE
#endif
#if !defined(WGPU_STRUCTURE_ATTRIBUTE)
#define WGPU_STRUCTURE_ATTRIBUTE
#endif
#if !defined(WGPU_FUNCTION_ATTRIBUTE)
#define WGPU_FUNCTION_ATTRIBUTE
#endif
#if !defined(WGPU_NULLABLE)
#define WGPU_NULLABLE
#endif

#include <stdint.h>
#include <stddef.h>
#include <math.h>

#define _wgpu_COMMA ,
#if defined(__cplusplus)
#  define _wgpu_ENUM_ZERO_INIT(type) type(0)
#  define _wgpu_STRUCT_ZERO_INIT {}
#  if __cplusplus >= 201103L
#    define _wgpu_MAKE_INIT_STRUCT(type, value) (type value)
#  else
#    define _wgpu_MAKE_INIT_STRUCT(type, value) value
#  endif
#else
#  define _wgpu_ENUM_ZERO_INIT(type) (type)0
#  define _wgpu_STRUCT_ZERO_INIT {0}
#  if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L
#    define _wgpu_MAKE_INIT_STRUCT(type, value) ((type) value)
#  else
#    define _wgpu_MAKE_INIT_STRUCT(type, value) value
#  endif
#endif

#define WGPU_TRUE (UINT32_C(1))
#define WGPU_FALSE (UINT32_C(0))

"#;

const C_STRING_VIEW: &str = r#"
/** Nullable value defining a pointer+length view into a UTF-8 encoded string. */
typedef struct WGPUStringView {
    WGPU_NULLABLE char const * data;
    size_t length;
} WGPUStringView WGPU_STRUCTURE_ATTRIBUTE;

#define WGPU_STRING_VIEW_INIT _wgpu_MAKE_INIT_STRUCT(WGPUStringView, { \
    /*.data=*/NULL _wgpu_COMMA \
    /*.length=*/WGPU_STRLEN _wgpu_COMMA \
})

"#;

const C_BASIC_STRUCTS: &str = r#"
typedef struct WGPUChainedStruct {
    struct WGPUChainedStruct * next;
    WGPUSType sType;
} WGPUChainedStruct WGPU_STRUCTURE_ATTRIBUTE;

"#;

// ---------------------------------------------------------------------------------------
// Rust

impl Api {
    fn rust_base(&self, ty: &Ty) -> String {
        match ty {
            Ty::Bool => "WGPUBool".into(),
            Ty::U16 => "u16".into(),
            Ty::U32 => "u32".into(),
            Ty::U64 => "u64".into(),
            Ty::I32 => "i32".into(),
            Ty::Usize => "usize".into(),
            Ty::F32 => "f32".into(),
            Ty::F64 => "f64".into(),
            Ty::Void(v) if v == "proc" => "WGPUProc".into(),
            Ty::Void(_) => "c_void".into(),
            _ => self.c_base(ty),
        }
    }

    fn rust_type(&self, ty: &Ty, ptr: Ptr) -> String {
        let base = self.rust_base(ty);
        match ptr {
            Ptr::None => base,
            Ptr::Const => format!("*const {base}"),
            Ptr::Mut => format!("*mut {base}"),
        }
    }

    /// (name, type) pairs one member or parameter becomes.
    fn rust_params(&self, p: &Param, field: bool) -> Vec<(String, String)> {
        let name = |n: &str| if field { rust_field(n) } else { snake_rust(n) };
        match &p.ty {
            Ty::Array(inner) => {
                let ptr = if p.ptr == Ptr::Mut { "*mut" } else { "*const" };
                let count = if field {
                    format!("{}Count", camel(&singular(&p.name)))
                } else {
                    format!("{}_count", singular(&p.name))
                };
                vec![
                    (count, "usize".into()),
                    (name(&p.name), format!("{ptr} {}", self.rust_base(inner))),
                ]
            }
            _ => vec![(name(&p.name), self.rust_type(&p.ty, p.ptr))],
        }
    }

    fn rust_types(&self) -> String {
        let mut r = String::new();
        r.push_str("// GENERATED by build.rs from api/webgpu.yml. Do not edit.\n");
        r.push_str("//! The C types of webgpu.h, as `#[repr(C)]` Rust.\n//!\n");
        r.push_str("//! Enums are transparent `u32` newtypes, not Rust enums: C may pass any value, and an\n");
        r.push_str("//! unknown one must be reported, never be undefined behaviour.\n\n");
        r.push_str("#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals, dead_code, clippy::all)]\n\n");
        r.push_str("use core::ffi::{c_char, c_void};\nuse crate::handle::Handle;\n\n");
        r.push_str("pub type WGPUFlags = u64;\npub type WGPUBool = u32;\npub const WGPU_TRUE: WGPUBool = 1;\npub const WGPU_FALSE: WGPUBool = 0;\n\n");
        for (name, value) in &self.constants {
            let (ty, v) = match value.as_str() {
                "uint32_max" => ("u32", "u32::MAX"),
                "uint64_max" => ("u64", "u64::MAX"),
                "usize_max" => ("usize", "usize::MAX"),
                "nan" => ("f32", "f32::NAN"),
                other => panic!("constant {other}"),
            };
            writeln!(r, "pub const WGPU_{}: {ty} = {v};", upper(name)).unwrap();
        }
        r.push('\n');
        for o in &self.objects {
            writeln!(
                r,
                "pub type WGPU{} = Handle<crate::{o}::{}>;",
                pascal(o),
                pascal(o)
            )
            .unwrap();
        }
        r.push('\n');
        for e in &self.enums {
            let n = pascal(&e.name);
            writeln!(r, "#[repr(transparent)]\n#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]\npub struct WGPU{n}(pub u32);\nimpl WGPU{n} {{").unwrap();
            for (entry, v) in &e.entries {
                writeln!(
                    r,
                    "    pub const {}: Self = Self(0x{v:08X});",
                    rust_variant(entry)
                )
                .unwrap();
            }
            r.push_str("    /// The entry's name in webgpu.h, for error messages.\n    pub fn name(self) -> Option<&'static str> {\n        match self.0 {\n");
            for (entry, v) in &e.entries {
                writeln!(
                    r,
                    "            0x{v:08X} => Some(\"WGPU{n}_{}\"),",
                    pascal(entry)
                )
                .unwrap();
            }
            r.push_str("            _ => None,\n        }\n    }\n}\n\n");
        }
        for b in &self.bitflags {
            let n = pascal(&b.name);
            writeln!(r, "pub type WGPU{n} = WGPUFlags;").unwrap();
            let mut all = 0;
            for (entry, v) in &b.entries {
                writeln!(r, "pub const WGPU{n}_{}: WGPU{n} = 0x{v:X};", pascal(entry)).unwrap();
                all |= v;
            }
            writeln!(r, "/// Every bit webgpu.h defines for this set.\npub const WGPU{n}_KNOWN: WGPU{n} = 0x{all:X};\n").unwrap();
        }
        r.push_str("pub type WGPUProc = Option<unsafe extern \"C\" fn()>;\n\n");
        for cb in &self.callbacks {
            let mut args: Vec<String> = cb
                .args
                .iter()
                .flat_map(|a| self.rust_params(a, false))
                .map(|(n, t)| format!("{n}: {t}"))
                .collect();
            args.push("userdata1: *mut c_void".into());
            args.push("userdata2: *mut c_void".into());
            writeln!(
                r,
                "pub type WGPU{}Callback = Option<unsafe extern \"C\" fn({})>;",
                pascal(&cb.name),
                args.join(", ")
            )
            .unwrap();
        }
        r.push_str(RUST_BASIC_STRUCTS);
        for cb in &self.callbacks {
            let n = pascal(&cb.name);
            writeln!(r, "#[repr(C)]\n#[derive(Clone, Copy)]\npub struct WGPU{n}CallbackInfo {{\n    pub nextInChain: *mut WGPUChainedStruct,").unwrap();
            if cb.with_mode {
                r.push_str("    pub mode: WGPUCallbackMode,\n");
            }
            writeln!(r, "    pub callback: WGPU{n}Callback,\n    pub userdata1: *mut c_void,\n    pub userdata2: *mut c_void,\n}}\n").unwrap();
        }
        for st in self.structs_in_order() {
            let n = pascal(&st.name);
            writeln!(
                r,
                "#[repr(C)]\n#[derive(Clone, Copy)]\npub struct WGPU{n} {{"
            )
            .unwrap();
            match st.kind {
                StructKind::Extensible => {
                    r.push_str("    pub nextInChain: *mut WGPUChainedStruct,\n")
                }
                StructKind::Extension => r.push_str("    pub chain: WGPUChainedStruct,\n"),
                StructKind::Standalone => {}
            }
            for m in &st.members {
                for (f, t) in self.rust_params(m, true) {
                    writeln!(r, "    pub {f}: {t},").unwrap();
                }
            }
            r.push_str("}\n\n");
        }
        // Every enum's failure value, for the guard.
        r.push_str("// What a function returns when it fails before it can do better.\n");
        for e in &self.enums {
            let n = pascal(&e.name);
            let fail = if e.entries.iter().any(|(x, _)| x == "error") {
                "Self::Error"
            } else {
                "Self(0)"
            };
            writeln!(r, "impl crate::guard::Fail for WGPU{n} {{\n    fn fail() -> Self {{\n        {fail}\n    }}\n}}").unwrap();
        }
        r
    }

    fn rust_exports(&self) -> String {
        let mut r = String::new();
        r.push_str("// GENERATED by build.rs from api/webgpu.yml. Do not edit.\n");
        r.push_str("//! Every function of webgpu.h. Each one runs inside the panic guard and calls exactly\n");
        r.push_str(
            "//! one hand-written implementation, so a function that is not implemented does not\n",
        );
        r.push_str("//! compile, and no panic crosses into C.\n\n");
        r.push_str("#![allow(non_snake_case, unused_unsafe, clippy::missing_safety_doc, clippy::too_many_arguments)]\n\n");
        r.push_str("use super::types::*;\nuse core::ffi::c_void;\n\n");
        let mut names = BTreeMap::new();
        for f in &self.functions {
            let params: Vec<(String, String)> = f
                .args
                .iter()
                .flat_map(|a| self.rust_params(a, false))
                .collect();
            let decl: Vec<String> = params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
            let call: Vec<String> = params.iter().map(|(n, _)| n.clone()).collect();
            let ret = match &f.ret {
                None => String::new(),
                Some((ty, ptr)) => format!(" -> {}", self.rust_type(ty, *ptr)),
            };
            let target = if f.on_object {
                call[0].clone()
            } else {
                "crate::guard::NoTarget".into()
            };
            writeln!(
                r,
                "#[no_mangle]\npub unsafe extern \"C\" fn {}({}){ret} {{\n    crate::guard::guard(\"{}\", {target}, || unsafe {{ {}({}) }})\n}}\n",
                f.c_name,
                decl.join(", "),
                f.c_name,
                f.implementation,
                call.join(", ")
            )
            .unwrap();
            names.insert(f.c_name.clone(), ());
        }
        r.push_str(
            "/// The number of functions webgpu.h declares.\npub const FUNCTION_COUNT: usize = ",
        );
        writeln!(r, "{};\n", names.len()).unwrap();
        r.push_str(
            "/// `wgpuGetProcAddress`: every exported function by its C name; None for others.\n",
        );
        r.push_str("pub(crate) fn proc_address(name: &[u8]) -> WGPUProc {\n    let f: *const () = match name {\n");
        for name in names.keys() {
            writeln!(r, "        b\"{name}\" => {name} as *const (),").unwrap();
        }
        r.push_str("        _ => return None,\n    };\n");
        r.push_str(
            "    // SAFETY: a function pointer; the caller casts it back to the signature its\n",
        );
        r.push_str("    // WGPUProc typedef names before calling it, as webgpu.h requires.\n");
        r.push_str("    Some(unsafe { core::mem::transmute::<*const (), unsafe extern \"C\" fn()>(f) })\n}\n\n");
        r.push_str("/// Every exported name, for tests.\npub const FUNCTION_NAMES: [&str; FUNCTION_COUNT] = [\n");
        for name in names.keys() {
            writeln!(r, "    \"{name}\",").unwrap();
        }
        r.push_str("];\n\n");
        r.push_str("pub(crate) unsafe fn get_proc_address(proc_name: WGPUStringView) -> WGPUProc {\n    match unsafe { crate::conv::string_view_bytes(proc_name) } {\n        Ok(Some(name)) => proc_address(name),\n        _ => None,\n    }\n}\n");
        r
    }
}

const RUST_BASIC_STRUCTS: &str = r#"
#[repr(C)]
#[derive(Clone, Copy)]
pub struct WGPUChainedStruct {
    pub next: *mut WGPUChainedStruct,
    pub sType: WGPUSType,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct WGPUStringView {
    pub data: *const c_char,
    pub length: usize,
}

"#;
