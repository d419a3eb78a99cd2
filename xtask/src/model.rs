//! The model: the API description (`api/webgpu.yml`, with Dawn's extensions from
//! `api/dawn.yml`) read into types, enums, structs, callbacks, objects and functions,
//! resolved and ordered. The writers read only this.

use std::collections::BTreeSet;

use yaml_rust2::Yaml;

use crate::naming::*;

/// A type as the API data spells it, resolved.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Ty {
    Bool,
    U16,
    U32,
    U64,
    I32,
    Usize,
    F32,
    F64,
    String,
    /// A NUL-terminated C string, `char const *` (Dawn's toggles).
    CString,
    Void(String),
    Enum(String),
    Bitflag(String),
    Struct(String),
    Object(String),
    Callback(String),
    Array(Box<Ty>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Ptr {
    None,
    Const,
    Mut,
}

#[derive(Clone, Debug)]
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) ty: Ty,
    pub(crate) ptr: Ptr,
    pub(crate) optional: bool,
    pub(crate) default: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum StructKind {
    Extensible,
    Extension,
    Standalone,
}

pub(crate) struct Struct {
    pub(crate) name: String,
    pub(crate) kind: StructKind,
    pub(crate) free_members: bool,
    pub(crate) members: Vec<Param>,
}

pub(crate) struct Enum {
    pub(crate) name: String,
    /// (entry name, value)
    pub(crate) entries: Vec<(String, u32)>,
}

pub(crate) struct Callback {
    pub(crate) name: String,
    pub(crate) with_mode: bool,
    pub(crate) args: Vec<Param>,
}

/// One exported C function.
pub(crate) struct Function {
    /// C name, e.g. `wgpuBufferGetSize`.
    pub(crate) c_name: String,
    /// `WGPUProcBufferGetSize`.
    pub(crate) proc_name: String,
    pub(crate) ret: Option<(Ty, Ptr)>,
    pub(crate) args: Vec<Param>,
    /// The Rust path of the hand-written implementation.
    pub(crate) implementation: String,
    /// The first argument is the object the call is on (for error reporting).
    pub(crate) on_object: bool,
    /// (object, method) as the API data names them: a C++ method, or with no object a
    /// free function in namespace `wgpu`; None for functions C++ wraps otherwise.
    pub(crate) cpp: Option<(Option<String>, String)>,
}

pub(crate) struct Api {
    pub(crate) constants: Vec<(String, String)>,
    pub(crate) enums: Vec<Enum>,
    pub(crate) bitflags: Vec<Enum>,
    pub(crate) structs: Vec<Struct>,
    pub(crate) callbacks: Vec<Callback>,
    pub(crate) objects: Vec<String>,
    pub(crate) functions: Vec<Function>,
}

pub(crate) fn s(y: &Yaml) -> String {
    match y {
        Yaml::String(v) => v.clone(),
        Yaml::Integer(v) => v.to_string(),
        Yaml::Real(v) => v.clone(),
        Yaml::Boolean(v) => v.to_string(),
        other => panic!("expected a scalar, got {other:?}"),
    }
}

pub(crate) fn list(y: &Yaml) -> &[Yaml] {
    match y {
        Yaml::Array(a) => a,
        Yaml::BadValue | Yaml::Null => &[],
        other => panic!("expected a list, got {other:?}"),
    }
}

pub(crate) fn parse_ty(t: &str) -> Ty {
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
        "cstring" => Ty::CString,
        "enum" => Ty::Enum(name.into()),
        "bitflag" => Ty::Bitflag(name.into()),
        "struct" => Ty::Struct(name.into()),
        "object" => Ty::Object(name.into()),
        "callback" => Ty::Callback(name.into()),
        v if v.starts_with("c_void") => Ty::Void(v.into()),
        other => panic!("unknown type {other}"),
    }
}

/// An enum; an entry's value is its `value`, else its index, under `prefix`.
pub(crate) fn parse_enum(e: &Yaml, prefix: u32) -> Enum {
    Enum {
        name: s(&e["name"]),
        entries: list(&e["entries"])
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_null())
            .map(|(i, v)| {
                let offset = v["value"].as_i64().map_or(i as u32, |v| v as u32);
                (s(&v["name"]), (prefix << 16) | offset)
            })
            .collect(),
    }
}

pub(crate) fn parse_struct(st: &Yaml) -> Struct {
    Struct {
        name: s(&st["name"]),
        kind: match st["type"].as_str().unwrap() {
            "extensible" | "extensible_callback_arg" => StructKind::Extensible,
            "extension" => StructKind::Extension,
            "standalone" => StructKind::Standalone,
            k => panic!("struct kind {k}"),
        },
        free_members: st["free_members"].as_bool().unwrap_or(false),
        members: list(&st["members"]).iter().map(parse_param).collect(),
    }
}

/// The objects that record the commands WebGPU's encoders share (Dawn's encoder base).
const PROGRAMMABLE_ENCODERS: &[&str] = &[
    "compute_pass_encoder",
    "render_pass_encoder",
    "render_bundle_encoder",
];

/// Their commands implemented once, generic over the object, in `ffi/objects/commands.rs`:
/// each object's export calls `crate::commands::<name>`.
const SHARED_COMMANDS: &[&str] = &[
    "insert_debug_marker",
    "set_bind_group",
    "set_vertex_buffer",
    "set_index_buffer",
    "draw",
    "draw_indexed",
];

/// The functions of an object's methods (`wgpu<Object><Method>`, the object first),
/// implemented by `crate::<object>::<method>`; with `add_ref` and `release` for an
/// object of the standard's own (`with_refcount`).
pub(crate) fn object_functions(
    obj: &str,
    methods_yaml: &[Yaml],
    with_refcount: bool,
) -> Vec<Function> {
    let this = Param {
        name: obj.to_string(),
        ty: Ty::Object(obj.to_string()),
        ptr: Ptr::None,
        optional: false,
        default: None,
    };
    // (name, return type, arguments, implementation path)
    type Method = (String, Option<(Ty, Ptr)>, Vec<Param>, String);
    let mut methods: Vec<Method> = Vec::new();
    for m in methods_yaml {
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
        let implementation =
            if PROGRAMMABLE_ENCODERS.contains(&obj) && SHARED_COMMANDS.contains(&name.as_str()) {
                format!("crate::commands::{name}")
            } else {
                format!("crate::{obj}::{name}")
            };
        methods.push((name.clone(), ret, args, implementation));
    }
    if with_refcount {
        for (m, generic) in [("add_ref", "add_ref"), ("release", "release")] {
            methods.push((
                m.into(),
                None,
                vec![],
                format!("crate::handle::{generic}::<crate::{obj}::{}>", pascal(obj)),
            ));
        }
    }
    methods
        .into_iter()
        .map(|(name, ret, args, implementation)| {
            let mut all = vec![this.clone()];
            all.extend(args);
            Function {
                c_name: format!("wgpu{}{}", pascal(obj), pascal(&name)),
                proc_name: format!("WGPUProc{}{}", pascal(obj), pascal(&name)),
                ret,
                args: all,
                cpp: (!implementation.starts_with("crate::handle::"))
                    .then(|| (Some(obj.to_string()), name.clone())),
                implementation,
                on_object: true,
            }
        })
        .collect()
}

/// `wgpu<Struct>FreeMembers`, for a struct whose members the library allocates.
pub(crate) fn free_members_function(st: &Struct) -> Function {
    Function {
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
        cpp: None,
    }
}

pub(crate) fn parse_param(y: &Yaml) -> Param {
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

pub(crate) fn parse_ret(y: &Yaml) -> Option<(Ty, Ptr)> {
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
    pub(crate) fn parse(doc: &Yaml) -> Api {
        let prefix = doc["enum_prefix"].as_i64().unwrap_or(0) as u32;
        let constants = list(&doc["constants"])
            .iter()
            .map(|c| (s(&c["name"]), s(&c["value"])))
            .collect();
        let enums = list(&doc["enums"])
            .iter()
            .map(|e| parse_enum(e, prefix))
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
            .map(parse_struct)
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
                cpp: Some((None, name.clone())),
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
            cpp: Some((None, "get_proc_address".into())),
        });
        for st in structs.iter().filter(|st| st.free_members) {
            functions.push(free_members_function(st));
        }
        let mut objects = Vec::new();
        for o in list(&doc["objects"]) {
            let obj = s(&o["name"]);
            objects.push(obj.clone());
            functions.extend(object_functions(&obj, list(&o["methods"]), true));
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

    /// Merges an extension document (api/dawn.yml): entries of its `extended` enums
    /// join the enums of the same name, under its enum prefix; its other enums
    /// (numbered from 0) and its structs are added, with their FreeMembers functions.
    pub(crate) fn extend(&mut self, doc: &Yaml) {
        let prefix = doc["enum_prefix"].as_i64().unwrap_or(0) as u32;
        for e in list(&doc["enums"]) {
            let extended = e["extended"].as_bool() == Some(true);
            let parsed = parse_enum(e, if extended { prefix } else { 0 });
            if extended {
                let target = self
                    .enums
                    .iter_mut()
                    .find(|t| t.name == parsed.name)
                    .unwrap_or_else(|| panic!("no enum {} to extend", parsed.name));
                target.entries.extend(parsed.entries);
            } else {
                self.enums.push(parsed);
            }
        }
        for st in list(&doc["structs"]).iter().map(parse_struct) {
            if st.free_members {
                self.functions.push(free_members_function(&st));
            }
            self.structs.push(st);
        }
        // Methods added to objects of the standard.
        for o in list(&doc["objects"]) {
            let obj = s(&o["name"]);
            assert!(self.objects.contains(&obj), "no object {obj} to extend");
            let added = object_functions(&obj, list(&o["methods"]), false);
            self.functions.extend(added);
        }
    }

    pub(crate) fn enum_(&self, name: &str) -> &Enum {
        self.enums.iter().find(|e| e.name == name).unwrap()
    }

    /// Structs in an order where every struct held by value comes before its holder.
    pub(crate) fn structs_in_order(&self) -> Vec<&Struct> {
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

#[cfg(test)]
pub(crate) mod tests {
    use yaml_rust2::YamlLoader;

    use super::*;

    /// The API as the generator reads it from the repository's data.
    pub(crate) fn api() -> Api {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap();
        let load = |p: &str| {
            let text = std::fs::read_to_string(root.join(p)).unwrap();
            YamlLoader::load_from_str(&text).unwrap().remove(0)
        };
        let mut api = Api::parse(&load("api/webgpu.yml"));
        api.extend(&load("api/dawn.yml"));
        api
    }

    /// The C header's text of `struct name`, from `typedef struct` to its name.
    fn c_struct(header: &str, name: &str) -> String {
        let start = header
            .find(&format!("typedef struct {name} {{"))
            .unwrap_or_else(|| panic!("{name} in webgpu.h"));
        let end = header[start..].find(&format!("}} {name} ")).unwrap();
        header[start..start + end].to_string()
    }

    #[test]
    fn a_struct_has_its_members_in_the_datas_order_with_their_c_types() {
        let header = api().c_header();
        let s = c_struct(&header, "WGPUBufferDescriptor");
        let fields: Vec<&str> = s
            .lines()
            .skip(1)
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("/*") && !l.starts_with('*'))
            .collect();
        assert_eq!(
            fields,
            [
                "WGPUChainedStruct * nextInChain;",
                "WGPUStringView label;",
                "WGPUBufferUsage usage;",
                "uint64_t size;",
                "WGPUBool mappedAtCreation;",
            ]
        );
        // An array is a count and a pointer.
        let s = c_struct(&header, "WGPUBindGroupDescriptor");
        assert!(s.contains("size_t entryCount;"), "{s}");
        assert!(s.contains("WGPUBindGroupEntry const * entries;"), "{s}");
    }

    #[test]
    fn defaults_come_from_the_data_and_zero_otherwise() {
        let header = api().c_header();
        let init = |name: &str| {
            let start = header.find(&format!("#define {name} ")).unwrap();
            header[start..start + header[start..].find("})").unwrap()].to_string()
        };
        let buffer = init("WGPU_BUFFER_DESCRIPTOR_INIT");
        assert!(
            buffer.contains("/*.usage=*/WGPUBufferUsage_None"),
            "{buffer}"
        );
        assert!(
            buffer.contains("/*.mappedAtCreation=*/WGPU_FALSE"),
            "{buffer}"
        );
        let layout = init("WGPU_TEXEL_COPY_BUFFER_LAYOUT_INIT");
        assert!(
            layout.contains("/*.bytesPerRow=*/WGPU_COPY_STRIDE_UNDEFINED"),
            "{layout}"
        );
        let limits = init("WGPU_LIMITS_INIT");
        assert!(
            limits.contains("/*.maxTextureDimension1D=*/WGPU_LIMIT_U32_UNDEFINED"),
            "{limits}"
        );
    }
}
