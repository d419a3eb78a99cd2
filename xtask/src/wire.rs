//! The wire: `ffi/generated/wire.rs`, what crosses between a client process and the
//! GPU process (`ffi/remote/`), generated from the same model as the headers so that no
//! function or member is forgotten.
//!
//! For every struct: `enc_<struct>` writes a C value (following its pointers: strings,
//! arrays, optional structs, chained structs) and `dec_<struct>` builds the C value back
//! on the other side, its pointers into memory the decoding side keeps. Handles cross
//! as ids (`Side::put_object` / `get_object`), callbacks as slots. For every callback:
//! a forwarder the server installs, which sends the callback's arguments to the
//! client, and the client's decoder that calls the host's function with them. For
//! every function of an object: the client's stub (encode, then send, or wait for the
//! reply where the function answers something) and the server's arm of `dispatch`
//! (decode, call the in-process export, register what it made, encode the answer).
//!
//! The encoding is positional, little-endian, with no padding; both ends are always
//! the same build (the handshake compares `WIRE_HASH`).

use std::fmt::Write as _;

use crate::model::*;
use crate::naming::*;

/// Functions whose client side is written by hand in `ffi/remote/client.rs`: the
/// event loop, mapped memory, what lives in the client process (surfaces), and what
/// the client answers from its own state.
pub(crate) const HAND_WRITTEN: &[&str] = &[
    "wgpuInstanceProcessEvents",
    "wgpuInstanceWaitAny",
    "wgpuInstanceCreateSurface",
    "wgpuBufferMapAsync",
    "wgpuBufferGetMappedRange",
    "wgpuBufferGetConstMappedRange",
    "wgpuBufferReadMappedRange",
    "wgpuBufferWriteMappedRange",
    "wgpuBufferUnmap",
    "wgpuBufferDestroy",
    "wgpuBufferGetSize",
    "wgpuBufferGetUsage",
    "wgpuBufferGetMapState",
    "wgpuDeviceGetLostFuture",
    "wgpuDeviceCreateBuffer",
    "wgpuDeviceTick",
];

fn snake(name: &str) -> String {
    name.to_lowercase()
}

impl Api {
    /// The wire tag of an object type: its place in the API data, from 1.
    fn wire_tag(&self, obj: &str) -> usize {
        self.objects.iter().position(|o| o == obj).unwrap() + 1
    }

    fn struct_(&self, name: &str) -> Option<&Struct> {
        self.structs.iter().find(|s| s.name == name)
    }

    /// Code that writes `v` (an expression of type `ty`) to `w`.
    fn enc_value(&self, ty: &Ty, v: &str) -> String {
        match ty {
            Ty::Bool | Ty::U32 => format!("w.u32({v});"),
            Ty::U16 => format!("w.u16({v});"),
            Ty::U64 | Ty::Bitflag(_) => format!("w.u64({v});"),
            Ty::I32 => format!("w.i32({v});"),
            Ty::Usize => format!("w.usize({v});"),
            Ty::F32 => format!("w.f32({v});"),
            Ty::F64 => format!("w.f64({v});"),
            Ty::Enum(_) => format!("w.u32({v}.0);"),
            Ty::String => format!("unsafe {{ w.string({v}) }};"),
            Ty::CString => format!("unsafe {{ w.cstring({v}) }};"),
            Ty::Object(o) => format!("w.u64(s.put_object({}, {v}.raw())?);", self.wire_tag(o)),
            Ty::Struct(n) if n == "future" => format!("w.u64({v}.id);"),
            Ty::Struct(n) => format!("unsafe {{ enc_{}(w, s, &{v}) }}?;", snake(n)),
            Ty::Callback(n) => format!("unsafe {{ enc_callback_{}(w, s, &{v}) }}?;", snake(n)),
            Ty::Void(_) | Ty::Array(_) => {
                "return Err(WireError::unsupported(\"a raw pointer\"));".into()
            }
        }
    }

    /// An expression that reads a value of type `ty` from `r`.
    fn dec_value(&self, ty: &Ty) -> String {
        match ty {
            Ty::Bool | Ty::U32 => "r.u32()?".into(),
            Ty::U16 => "r.u16()?".into(),
            Ty::U64 | Ty::Bitflag(_) => "r.u64()?".into(),
            Ty::I32 => "r.i32()?".into(),
            Ty::Usize => "r.usize()?".into(),
            Ty::F32 => "r.f32()?".into(),
            Ty::F64 => "r.f64()?".into(),
            Ty::Enum(e) => format!("WGPU{}(r.u32()?)", pascal(e)),
            Ty::String => "r.string(s)?".into(),
            Ty::CString => "r.cstring(s)?".into(),
            Ty::Object(o) => format!(
                "crate::handle::Handle::from_raw(s.get_object({}, r.u64()?)?)",
                self.wire_tag(o)
            ),
            Ty::Struct(n) if n == "future" => "WGPUFuture { id: r.u64()? }".into(),
            Ty::Struct(n) => format!("dec_{}(r, s)?", snake(n)),
            Ty::Callback(n) => format!("dec_callback_{}(r, s)?", snake(n)),
            Ty::Void(_) | Ty::Array(_) => {
                "return Err(WireError::unsupported(\"a raw pointer\"))".into()
            }
        }
    }

    /// The minimum bytes one encoded `ty` takes (bounds array counts on decoding).
    fn min_size(&self, ty: &Ty) -> usize {
        match ty {
            Ty::U16 => 2,
            Ty::U64 | Ty::Bitflag(_) | Ty::Usize | Ty::F64 | Ty::Object(_) => 8,
            Ty::Struct(n) if n == "future" => 8,
            Ty::Struct(_) | Ty::Callback(_) => 1,
            Ty::String | Ty::CString => 1,
            _ => 4,
        }
    }

    /// Statements encoding one member or argument `p`, whose C parts are reached by
    /// `at(field)`.
    fn enc_param(&self, p: &Param, at: &dyn Fn(&str) -> String, field: bool) -> String {
        let names = self.rust_params(p, field);
        match (&p.ty, p.ptr) {
            (Ty::Array(inner), _) => {
                let (count, ptr) = (at(&names[0].0), at(&names[1].0));
                let elem = self.enc_value(inner, "(*e)");
                format!("if {ptr}.is_null() {{ w.u8(0); w.usize({count}); }} else {{ w.u8(1); w.usize({count}); for i in 0..{count} {{ let e = unsafe {{ &*{ptr}.add(i) }}; {elem} }} }}")
            }
            (Ty::Void(_), Ptr::Mut) => {
                format!("let _ = {}; return Err(WireError::unsupported(\"a native window or display\"));", at(&names[0].0))
            }
            (Ty::Struct(_) | Ty::U32 | Ty::Object(_), Ptr::Const) => {
                let v = at(&names[0].0);
                let elem = self.enc_value(&p.ty, "(*v)");
                format!("if {v}.is_null() {{ w.u8(0); }} else {{ w.u8(1); let v = unsafe {{ &*{v} }}; {elem} }}")
            }
            (_, Ptr::None) => self.enc_value(&p.ty, &at(&names[0].0)),
            (t, p) => panic!("no encoding for {t:?} {p:?}"),
        }
    }

    /// Statements decoding one member or argument into locals, and the locals for
    /// its C parts (`(field or parameter, local)`), in order.
    fn dec_param(&self, p: &Param, field: bool) -> (Vec<String>, Vec<(String, String)>) {
        let names = self.rust_params(p, field);
        let local = |n: &str| format!("m_{}", n.trim_start_matches("r#"));
        let vars: Vec<(String, String)> =
            names.iter().map(|(n, _)| (n.clone(), local(n))).collect();
        let stmt = match (&p.ty, p.ptr) {
            (Ty::Array(inner), _) => {
                let elem = self.dec_value(inner);
                let min = self.min_size(inner);
                format!("let ({}, {}) = r.array(s, {min}, |r, s| Ok({elem}))?;", vars[0].1, vars[1].1)
            }
            (Ty::Void(_), Ptr::Mut) => format!(
                "let {}: *mut c_void = {{ return Err(WireError::unsupported(\"a native window or display\")) }};",
                vars[0].1
            ),
            (Ty::Struct(_) | Ty::U32 | Ty::Object(_), Ptr::Const) => {
                let elem = self.dec_value(&p.ty);
                format!("let {} = if r.u8()? == 0 {{ core::ptr::null() }} else {{ let v = {elem}; s.keep(vec![v]) }};", vars[0].1)
            }
            (_, Ptr::None) => format!("let {} = {};", vars[0].1, self.dec_value(&p.ty)),
            (t, p) => panic!("no decoding for {t:?} {p:?}"),
        };
        (vec![stmt], vars)
    }

    fn wire_structs(&self, r: &mut String) {
        for st in self.structs_in_order() {
            let n = pascal(&st.name);
            let sn = snake(&st.name);
            // Encoder.
            writeln!(r, "/// Writes a `WGPU{n}`.\n///\n/// # Safety\n/// Its pointers valid as webgpu.h defines them.\npub(crate) unsafe fn enc_{sn}<S: Side>(w: &mut Writer, s: &mut S, v: &WGPU{n}) -> WResult<()> {{").unwrap();
            if st.kind == StructKind::Extensible {
                r.push_str("    unsafe { enc_chain(w, s, v.nextInChain) }?;\n");
            }
            for m in &st.members {
                let code = self.enc_param(m, &|f| format!("v.{f}"), true);
                writeln!(r, "    {code}").unwrap();
            }
            r.push_str("    let _ = s;\n    Ok(())\n}\n\n");
            // Decoder.
            writeln!(r, "/// Reads a `WGPU{n}`; its pointers point into what `s` keeps.\npub(crate) fn dec_{sn}<S: Side>(r: &mut Reader, s: &mut S) -> WResult<WGPU{n}> {{").unwrap();
            let mut fields = Vec::new();
            match st.kind {
                StructKind::Extensible => {
                    fields.push(("nextInChain".to_string(), "dec_chain(r, s)?".to_string()))
                }
                StructKind::Extension => fields.push((
                    "chain".to_string(),
                    format!("WGPUChainedStruct {{ next: core::ptr::null_mut(), sType: WGPUSType::{n} }}"),
                )),
                StructKind::Standalone => {}
            }
            let mut stmts = Vec::new();
            for (i, (f, e)) in fields.iter().enumerate() {
                stmts.push(format!("let h{i} = {e};"));
                let _ = f;
            }
            let mut bound: Vec<(String, String)> = fields
                .iter()
                .enumerate()
                .map(|(i, (f, _))| (f.clone(), format!("h{i}")))
                .collect();
            for m in &st.members {
                let (st_, vars) = self.dec_param(m, true);
                stmts.extend(st_);
                bound.extend(vars);
            }
            for st_ in &stmts {
                writeln!(r, "    {st_}").unwrap();
            }
            writeln!(r, "    let _ = &s;\n    Ok(WGPU{n} {{").unwrap();
            for (f, v) in &bound {
                writeln!(r, "        {f}: {v},").unwrap();
            }
            r.push_str("    })\n}\n\n");
        }
        // Chains.
        let ext: Vec<&Struct> = self
            .structs
            .iter()
            .filter(|s| s.kind == StructKind::Extension)
            .collect();
        r.push_str("/// The most links a chain may have on the wire.\npub(crate) const MAX_CHAIN: usize = 32;\n\n");
        r.push_str("/// Writes a chain: each link's sType and members, then 0. A link this build does\n/// not know crosses as its sType alone, so the other side reports it as it would.\n///\n/// # Safety\n/// `p` NULL or a valid chain.\npub(crate) unsafe fn enc_chain<S: Side>(w: &mut Writer, s: &mut S, mut p: *const WGPUChainedStruct) -> WResult<()> {\n    let mut links = 0;\n    while !p.is_null() {\n        links += 1;\n        if links > MAX_CHAIN {\n            return Err(WireError::unsupported(\"a chain longer than 32 links\"));\n        }\n        // SAFETY: the caller's promise.\n        let link = unsafe { &*p };\n        w.u32(link.sType.0);\n        match link.sType {\n");
        for st in &ext {
            let n = pascal(&st.name);
            writeln!(
                r,
                "            WGPUSType::{n} => unsafe {{ enc_{}(w, s, &*p.cast::<WGPU{n}>()) }}?,",
                snake(&st.name)
            )
            .unwrap();
        }
        r.push_str("            other => unsafe { crate::remote::extension::enc(w, s, other, p) }?,\n        }\n        p = link.next;\n    }\n    w.u32(0);\n    Ok(())\n}\n\n");
        r.push_str("/// Reads a chain written by `enc_chain`.\npub(crate) fn dec_chain<S: Side>(r: &mut Reader, s: &mut S) -> WResult<*mut WGPUChainedStruct> {\n    let mut links: Vec<*mut WGPUChainedStruct> = Vec::new();\n    loop {\n        let stype = WGPUSType(r.u32()?);\n        if stype.0 == 0 {\n            break;\n        }\n        if links.len() == MAX_CHAIN {\n            return Err(WireError::malformed(\"a chain longer than 32 links\"));\n        }\n        let link: *mut WGPUChainedStruct = match stype {\n");
        for st in &ext {
            writeln!(
                r,
                "            WGPUSType::{} => {{ let v = dec_{}(r, s)?; s.keep_one(v).cast() }}",
                pascal(&st.name),
                snake(&st.name)
            )
            .unwrap();
        }
        r.push_str("            other => crate::remote::extension::dec(r, s, other)?,\n        };\n        links.push(link);\n    }\n    for pair in links.windows(2) {\n        // SAFETY: each link was just made by `keep_one` and is not shared.\n        unsafe { (*pair[0]).next = pair[1] };\n    }\n    Ok(links.first().copied().unwrap_or(core::ptr::null_mut()))\n}\n\n");
        r.push_str("/// The size of the struct an sType names, for copying an output chain's links.\npub(crate) fn stype_size(stype: WGPUSType) -> Option<usize> {\n    match stype {\n");
        for st in &ext {
            let n = pascal(&st.name);
            writeln!(
                r,
                "        WGPUSType::{n} => Some(core::mem::size_of::<WGPU{n}>()),"
            )
            .unwrap();
        }
        r.push_str("        other => crate::remote::extension::size(other),\n    }\n}\n\n");
        r.push_str("/// A zeroed struct of the sType, linked nowhere: the link of an output chain.\npub(crate) fn zeroed_link<S: Side>(s: &mut S, stype: WGPUSType) -> WResult<*mut WGPUChainedStruct> {\n    let link: *mut WGPUChainedStruct = match stype {\n");
        for st in &ext {
            let n = pascal(&st.name);
            // SAFETY comment inside the generated code.
            writeln!(r, "        // SAFETY: plain C data, for which all-zero bytes are a value (NULL, 0, None).\n        WGPUSType::{n} => s.keep_one(unsafe {{ core::mem::zeroed::<WGPU{n}>() }}).cast(),").unwrap();
        }
        r.push_str("        other => crate::remote::extension::zeroed(s, other),\n    };\n    // SAFETY: just made, not shared.\n    unsafe { (*link).sType = stype };\n    Ok(link)\n}\n\n");
        // Freeing what the server's implementation allocated in output structs.
        r.push_str("/// Gives back what the implementation allocated in an output struct's chain.\n///\n/// # Safety\n/// A chain the implementation filled, not freed before.\npub(crate) unsafe fn free_chain_members(mut p: *mut WGPUChainedStruct) {\n    while !p.is_null() {\n        // SAFETY: the caller's promise.\n        let link = unsafe { &*p };\n        match link.sType {\n");
        for st in ext.iter().filter(|s| s.free_members) {
            let n = pascal(&st.name);
            writeln!(r, "            // SAFETY: the caller's promise.\n            WGPUSType::{n} => unsafe {{ crate::free_members::{}(*p.cast::<WGPU{n}>()) }},", st.name).unwrap();
        }
        r.push_str("            _ => {}\n        }\n        p = link.next;\n    }\n}\n\n");
    }

    fn wire_callbacks(&self, r: &mut String) {
        for (i, cb) in self.callbacks.iter().enumerate() {
            writeln!(
                r,
                "pub(crate) const CALLBACK_{}: u32 = {};",
                upper(&cb.name),
                i + 1
            )
            .unwrap();
        }
        r.push('\n');
        for cb in &self.callbacks {
            let n = pascal(&cb.name);
            let sn = snake(&cb.name);
            // The info struct crossing: mode (where it has one) and the slot.
            writeln!(r, "/// Writes a callback info: the client keeps the host's function in a slot.\n///\n/// # Safety\n/// As `enc_chain` for its chain.\npub(crate) unsafe fn enc_callback_{sn}<S: Side>(w: &mut Writer, s: &mut S, v: &WGPU{n}CallbackInfo) -> WResult<()> {{").unwrap();
            let mode = if cb.with_mode {
                "v.mode"
            } else {
                "WGPUCallbackMode(0)"
            };
            writeln!(r, "    let slot = s.put_callback(CALLBACK_{}, {mode}, v.callback.map_or(0, |f| f as usize), v.userdata1 as usize, v.userdata2 as usize)?;\n    w.u32({mode}.0);\n    w.u64(slot);\n    Ok(())\n}}\n", upper(&cb.name)).unwrap();
            writeln!(r, "/// Reads a callback info: the server calls its forwarder, which sends the slot's\n/// arguments back.\npub(crate) fn dec_callback_{sn}<S: Side>(r: &mut Reader, s: &mut S) -> WResult<WGPU{n}CallbackInfo> {{\n    let mode = WGPUCallbackMode(r.u32()?);\n    let slot = r.u64()?;\n    let (userdata1, userdata2) = s.get_callback(CALLBACK_{}, slot)?;\n    let _ = mode;\n    Ok(WGPU{n}CallbackInfo {{\n        nextInChain: core::ptr::null_mut(),", upper(&cb.name)).unwrap();
            if cb.with_mode {
                r.push_str("        mode: crate::remote::server::SERVER_MODE,\n");
            }
            writeln!(r, "        callback: Some(forward_{sn}),\n        userdata1: userdata1 as *mut c_void,\n        userdata2: userdata2 as *mut c_void,\n    }})\n}}\n").unwrap();
            // The server's forwarder.
            let (decl, _) = self.rust_signature(&cb.args);
            writeln!(r, "/// The server's `WGPU{n}Callback`: sends its arguments to the client's slot.\nunsafe extern \"C\" fn forward_{sn}({}, userdata1: *mut c_void, userdata2: *mut c_void) {{\n    crate::remote::server::forward(userdata1 as usize, userdata2 as usize, |w, s| {{", decl.join(", ")).unwrap();
            for a in &cb.args {
                let code = self.enc_param(a, &|f| f.to_string(), false);
                writeln!(r, "        {code}").unwrap();
            }
            r.push_str("        let _ = s;\n        Ok(())\n    })\n}\n\n");
            // The client's receiver.
            writeln!(r, "/// The client's side of a `WGPU{n}Callback`: its arguments read, and a call of the\n/// host's function with them (which owns what they point to).\npub(crate) fn receive_{sn}<S: Side + 'static>(r: &mut Reader, s: S, callback: usize, userdata1: usize, userdata2: usize) -> WResult<crate::remote::wire::Fire> {{").unwrap();
            let mut names = Vec::new();
            r.push_str("    let mut keep = s;\n    let s = &mut keep;\n");
            for a in &cb.args {
                let (stmts, vars) = self.dec_param(a, false);
                for st_ in stmts {
                    writeln!(r, "    {st_}").unwrap();
                }
                names.extend(vars.into_iter().map(|(_, v)| v));
            }
            writeln!(
                r,
                "    let args = crate::remote::wire::AssertSend(({},));",
                names.join(", ")
            )
            .unwrap();
            writeln!(r, "    let keep = crate::remote::wire::AssertSend(keep);\n    Ok(Box::new(move || {{\n        let keep = keep;\n        let args = args;\n        let ({},) = args.0;\n        // SAFETY: `callback` was this callback type when the client stored it.\n        let f: WGPU{n}Callback = unsafe {{ core::mem::transmute::<usize, WGPU{n}Callback>(callback) }};\n        if let Some(f) = f {{\n            // SAFETY: the arguments point into `keep`, alive for the call.\n            unsafe {{ f({}, userdata1 as *mut c_void, userdata2 as *mut c_void) }};\n        }}\n        drop(keep);\n    }}))\n}}\n", names.join(", "), names.join(", ")).unwrap();
            // Cancellation (the instance released or the server gone): the status
            // CallbackCancelled where the callback has one, a message, zero otherwise.
            writeln!(r, "/// Calls a `WGPU{n}Callback` without its operation's result: `status` (a status or\n/// reason value) for its first enum argument, `message` for its string, zero else.\npub(crate) fn cancel_{sn}(callback: usize, userdata1: usize, userdata2: usize, status: u32, message: &'static str) -> crate::remote::wire::Fire {{\n    Box::new(move || {{\n        // SAFETY: `callback` was this callback type when the client stored it.\n        let f: WGPU{n}Callback = unsafe {{ core::mem::transmute::<usize, WGPU{n}Callback>(callback) }};\n        let Some(f) = f else {{ return }};").unwrap();
            let mut call = Vec::new();
            let mut status_used = false;
            for a in &cb.args {
                for (name, ty) in self.rust_params(a, false) {
                    let v = match (&a.ty, a.ptr) {
                        (Ty::Enum(e), Ptr::None) if !status_used => {
                            status_used = true;
                            format!("WGPU{}(status)", pascal(e))
                        }
                        (Ty::Enum(e), Ptr::None) => format!("WGPU{}(0)", pascal(e)),
                        (Ty::String, _) => "WGPUStringView { data: message.as_ptr().cast(), length: message.len() }".into(),
                        (Ty::Object(_), Ptr::None) => "crate::handle::Handle::NULL".into(),
                        _ if ty.starts_with('*') => "core::ptr::null()".into(),
                        _ => panic!("cancel {name}: {ty}"),
                    };
                    call.push(v);
                }
            }
            writeln!(r, "        // SAFETY: a call with zero or static arguments, as webgpu.h allows.\n        unsafe {{ f({}, userdata1 as *mut c_void, userdata2 as *mut c_void) }};\n    }})\n}}\n", call.join(", ")).unwrap();
        }
        // Dispatch by kind, for the client.
        r.push_str("/// The client's receiver for a callback kind.\npub(crate) fn receive<S: Side + 'static>(kind: u32, r: &mut Reader, s: S, callback: usize, userdata1: usize, userdata2: usize) -> WResult<crate::remote::wire::Fire> {\n    match kind {\n");
        for cb in &self.callbacks {
            writeln!(
                r,
                "        CALLBACK_{} => receive_{}(r, s, callback, userdata1, userdata2),",
                upper(&cb.name),
                snake(&cb.name)
            )
            .unwrap();
        }
        r.push_str(
            "        _ => Err(WireError::malformed(\"an unknown callback kind\")),\n    }\n}\n\n",
        );
        r.push_str("/// The value meaning CallbackCancelled of a callback kind's first enum argument.\npub(crate) fn cancelled_status(kind: u32) -> u32 {\n    match kind {\n");
        for cb in &self.callbacks {
            let value = cb
                .args
                .iter()
                .find_map(|a| match (&a.ty, a.ptr) {
                    (Ty::Enum(e), Ptr::None) => Some(e),
                    _ => None,
                })
                .and_then(|e| {
                    self.enum_(e)
                        .entries
                        .iter()
                        .find(|(n, _)| n == "callback_cancelled")
                        .map(|(_, v)| *v)
                });
            if let Some(v) = value {
                writeln!(r, "        CALLBACK_{} => 0x{v:08X},", upper(&cb.name)).unwrap();
            }
        }
        r.push_str("        _ => 0,\n    }\n}\n\n");
        r.push_str("/// Cancels a callback of a kind (see `cancel_*`).\npub(crate) fn cancel(kind: u32, callback: usize, userdata1: usize, userdata2: usize, status: u32, message: &'static str) -> crate::remote::wire::Fire {\n    match kind {\n");
        for cb in &self.callbacks {
            writeln!(r, "        CALLBACK_{} => cancel_{}(callback, userdata1, userdata2, status, message),", upper(&cb.name), snake(&cb.name)).unwrap();
        }
        r.push_str("        _ => Box::new(|| {}),\n    }\n}\n\n");
    }

    /// The functions that cross: every method of an object but reference counting.
    fn wire_functions(&self) -> Vec<&Function> {
        self.functions
            .iter()
            .filter(|f| f.on_object && !f.implementation.starts_with("crate::handle::"))
            .collect()
    }

    /// What the client must wait for: a value, or output arguments.
    fn answers(&self, f: &Function) -> bool {
        let value = match &f.ret {
            None => false,
            Some((Ty::Object(_), _)) => false,
            Some((Ty::Struct(n), _)) if n == "future" => {
                !f.args.iter().any(|a| matches!(a.ty, Ty::Callback(_)))
            }
            Some(_) => true,
        };
        value
            || f.args
                .iter()
                .any(|a| a.ptr == Ptr::Mut && !matches!(a.ty, Ty::Void(_)))
    }

    fn wire_client(&self, r: &mut String) {
        r.push_str("/// The client's stubs: each encodes its call; one that answers waits for the reply.\npub(crate) mod client {\n    #![allow(non_snake_case, unused_mut, unused_variables, clippy::too_many_arguments)]\n    use super::*;\n    use crate::remote::client::Call;\n\n");
        for (index, f) in self.wire_functions().into_iter().enumerate() {
            let (decl, names) = self.rust_signature(&f.args);
            let ret_ty = f
                .ret
                .as_ref()
                .map(|(t, p)| self.rust_type(t, *p))
                .unwrap_or_else(|| "()".into());
            let this = &names[0];
            writeln!(r, "    /// `{}` on a remote object.\n    ///\n    /// # Safety\n    /// The arguments as webgpu.h defines them.\n    pub(crate) unsafe fn {}({}) -> {ret_ty} {{\n        let Some(mut call) = Call::begin({this}.raw(), {index}, \"{}\") else {{\n            return <{ret_ty} as crate::guard::Fail>::fail();\n        }};", f.c_name, f.c_name, decl.join(", "), f.c_name).unwrap();
            writeln!(r, "        let encoded = (|| -> WResult<_> {{\n            let (w, s) = call.parts();").unwrap();
            let mut ret_expr = "()".to_string();
            let mut ret_obj = None;
            if let Some((Ty::Object(o), _)) = &f.ret {
                {
                    writeln!(
                        r,
                        "            let made = s.new_object({});\n            w.u64(made);",
                        self.wire_tag(o)
                    )
                    .unwrap();
                    ret_expr = "made".into();
                    ret_obj = Some(self.wire_tag(o));
                }
            }
            let mut i = 0;
            while i < f.args.len() {
                let a = &f.args[i];
                match (&a.ty, a.ptr) {
                    (Ty::Void(_), Ptr::Const) => {
                        // Bytes: the pointer and the size argument after it.
                        let size = f.args[i + 1..]
                            .iter()
                            .find(|b| b.name == "size" || b.name == "data_size")
                            .expect("a size for a data pointer");
                        writeln!(
                            r,
                            "            unsafe {{ crate::remote::wire::put_data(w, s, {}, {}) }}?;",
                            snake_rust(&a.name),
                            snake_rust(&size.name)
                        )
                        .unwrap();
                    }
                    (Ty::Void(_), Ptr::Mut) => {
                        r.push_str("            return Err(WireError::unsupported(\"an output pointer\"));\n");
                    }
                    (Ty::Struct(sn), Ptr::Mut) => {
                        // Output: only its chain's sTypes cross; the reply fills it.
                        let chain = if self.struct_(sn).unwrap().kind == StructKind::Extensible {
                            format!(
                                "unsafe {{ w.out_chain((*{}).nextInChain) }}?;",
                                snake_rust(&a.name)
                            )
                        } else {
                            String::new()
                        };
                        writeln!(r, "            if {n}.is_null() {{ w.u8(0); }} else {{ w.u8(1); {chain} }}", n = snake_rust(&a.name)).unwrap();
                    }
                    (Ty::Callback(cb), _) => {
                        let fresh: Vec<String> = self
                            .callbacks
                            .iter()
                            .find(|c| &c.name == cb)
                            .unwrap()
                            .args
                            .iter()
                            .filter_map(|x| match (&x.ty, x.ptr) {
                                (Ty::Object(o), Ptr::None) => Some(self.wire_tag(o).to_string()),
                                _ => None,
                            })
                            .collect();
                        let n = snake_rust(&a.name);
                        writeln!(r, "            let future = s.future(CALLBACK_{}, {n}.mode, {n}.callback.map_or(0, |f| f as usize), {n}.userdata1 as usize, {n}.userdata2 as usize, &[{}])?;\n            w.u64(future.1);\n            for id in &future.2 {{ w.u64(*id); }}", upper(cb), fresh.join(", ")).unwrap();
                        ret_expr = "future.0".into();
                    }
                    _ => {
                        let code = self.enc_param(a, &|f| f.to_string(), false);
                        writeln!(r, "            {code}").unwrap();
                    }
                }
                i += 1;
            }
            writeln!(r, "            Ok({ret_expr})\n        }})();\n        let made = match encoded {{\n            Ok(v) => v,\n            Err(e) => return call.fail(e),\n        }};").unwrap();
            if self.answers(f) {
                r.push_str("        let Some(reply) = call.round_trip() else {\n            return crate::guard::Fail::fail();\n        };\n        let mut s = crate::remote::client::Owned::default();\n        let r = &mut Reader::new(&reply);\n        let answered = (|| -> WResult<_> {\n            let s = &mut s;\n");
                let ret_read = match &f.ret {
                    Some((Ty::Void(_), _)) => {
                        "{ return Err(WireError::unsupported(\"a returned pointer\")) }".into()
                    }
                    Some((t, Ptr::None)) => self.dec_value(t),
                    _ => "()".into(),
                };
                writeln!(r, "            let ret: {ret_ty} = {ret_read};").unwrap();
                for a in &f.args {
                    if let (Ty::Struct(sn), Ptr::Mut) = (&a.ty, a.ptr) {
                        let n = snake_rust(&a.name);
                        let fill = if self.struct_(sn).unwrap().kind == StructKind::Extensible {
                            format!("let next = unsafe {{ (*{n}).nextInChain }}; let got = v.nextInChain; unsafe {{ *{n} = v; (*{n}).nextInChain = next; crate::remote::client::fill_chain(next, got) }};")
                        } else {
                            format!("unsafe {{ *{n} = v }};")
                        };
                        writeln!(r, "            if r.u8()? == 1 && !{n}.is_null() {{ let v = dec_{}(r, s)?; {fill} }}", snake(sn)).unwrap();
                    }
                }
                r.push_str("            Ok(ret)\n        })();\n        call.answered(answered)\n    }\n\n");
            } else {
                call_send(r, ret_obj);
            }
        }
        r.push_str("}\n\n");

        fn call_send(r: &mut String, ret_obj: Option<usize>) {
            match ret_obj {
                Some(tag) => writeln!(r, "        call.send();\n        crate::handle::Handle::from_raw(crate::remote::proxy::raw({tag}, made))\n    }}\n").unwrap(),
                None => r.push_str("        call.send();\n        made\n    }\n\n"),
            }
        }
    }

    fn wire_server(&self, r: &mut String) {
        r.push_str("/// The server: decodes call `function`'s arguments, calls the in-process export,\n/// registers what it made, and returns the reply of a call that answers.\n///\n/// # Safety\n/// Called on the session's thread, with `s` the session's side.\n#[allow(non_snake_case, unused_mut, unused_variables, clippy::too_many_arguments)]\npub(crate) unsafe fn dispatch(function: u32, r: &mut Reader, s: &mut crate::remote::server::ServerSide) -> WResult<Option<Writer>> {\n    match function {\n");
        for (index, f) in self.wire_functions().into_iter().enumerate() {
            writeln!(r, "        {index} => {{").unwrap();
            if let Some((Ty::Object(_), _)) = &f.ret {
                r.push_str("            let made = r.u64()?;\n");
            }
            let mut call = Vec::new();
            let mut outs = Vec::new();
            let mut future = None;
            for a in &f.args {
                match (&a.ty, a.ptr) {
                    (Ty::Void(_), Ptr::Const) => {
                        writeln!(r, "            let {} = r.data(s)?;", snake_rust(&a.name))
                            .unwrap();
                        call.push(format!("{}.0", snake_rust(&a.name)));
                        // The size argument takes the length.
                    }
                    (Ty::Void(_), Ptr::Mut) => {
                        r.push_str("            return Err(WireError::unsupported(\"an output pointer\"));\n");
                        call.push("core::ptr::null_mut()".into());
                    }
                    (Ty::Struct(sn), Ptr::Mut) => {
                        let n = snake_rust(&a.name);
                        writeln!(r, "            let {n}: *mut WGPU{} = if r.u8()? == 0 {{ core::ptr::null_mut() }} else {{\n                // SAFETY: plain C data, for which all-zero bytes are a value.\n                let mut v: WGPU{} = unsafe {{ core::mem::zeroed() }};\n                {}\n                s.keep_one(v)\n            }};", pascal(sn), pascal(sn), if self.struct_(sn).unwrap().kind == StructKind::Extensible { "v.nextInChain = r.out_chain(s)?;" } else { "" }).unwrap();
                        call.push(n.clone());
                        outs.push((n, sn.clone()));
                    }
                    (Ty::Callback(cb), _) => {
                        let n = snake_rust(&a.name);
                        let fresh = self
                            .callbacks
                            .iter()
                            .find(|c| &c.name == cb)
                            .unwrap()
                            .args
                            .iter()
                            .filter(|x| matches!((&x.ty, x.ptr), (Ty::Object(_), Ptr::None)))
                            .count();
                        writeln!(r, "            let slot = r.u64()?;\n            let fresh: Vec<u64> = (0..{fresh}).map(|_| r.u64()).collect::<WResult<_>>()?;\n            let (userdata1, userdata2) = s.future_slot(slot, fresh)?;\n            let {n} = WGPU{}CallbackInfo {{ nextInChain: core::ptr::null_mut(), mode: crate::remote::server::SERVER_MODE, callback: Some(forward_{}), userdata1: userdata1 as *mut c_void, userdata2: userdata2 as *mut c_void }};", pascal(cb), snake(cb)).unwrap();
                        if f.c_name == "wgpuBufferMapAsync" {
                            // The map's range goes into the buffer's shared region when
                            // it completes (remote/shm.rs).
                            r.push_str("            s.map_requested(slot, m_buffer.raw(), m_offset, m_size);\n");
                        }
                        call.push(n);
                        future = Some("slot");
                    }
                    _ => {
                        let (stmts, vars) = self.dec_param(a, false);
                        for st_ in stmts {
                            writeln!(r, "            {st_}").unwrap();
                        }
                        let size_of_data = f
                            .args
                            .iter()
                            .any(|b| matches!((&b.ty, b.ptr), (Ty::Void(_), Ptr::Const)))
                            && (a.name == "size" || a.name == "data_size");
                        for (_, v) in vars {
                            if size_of_data {
                                // The bytes' length, checked against the size sent.
                                let data =
                                    f.args.iter().find(|b| matches!(b.ty, Ty::Void(_))).unwrap();
                                writeln!(r, "            if {v} != {}.1 {{ return Err(WireError::malformed(\"a size that is not its data's\")); }}", snake_rust(&data.name)).unwrap();
                            }
                            call.push(v);
                        }
                    }
                }
            }
            let call_expr = format!(
                "unsafe {{ super::exports::{}({}) }}",
                f.c_name,
                call.join(", ")
            );
            match (&f.ret, future) {
                (Some((Ty::Object(o), _)), _) => {
                    writeln!(r, "            let ret = {call_expr};\n            s.register({}, made, ret.raw())?;\n            Ok(None)\n        }}", self.wire_tag(o)).unwrap();
                }
                (_, Some(slot)) => {
                    writeln!(r, "            let ret = {call_expr};\n            s.future_made({slot}, ret);\n            Ok(None)\n        }}").unwrap();
                }
                (ret, None) => {
                    writeln!(r, "            let ret = {call_expr};").unwrap();
                    if self.answers(f) {
                        r.push_str("            let mut w = Writer::default();\n");
                        if let Some((t, Ptr::None)) = ret {
                            writeln!(
                                r,
                                "            {{ let v = ret; {} }}",
                                self.enc_value(t, "v")
                            )
                            .unwrap();
                        }
                        for (n, sn) in &outs {
                            let st = self.struct_(sn).unwrap();
                            writeln!(r, "            if {n}.is_null() {{ w.u8(0); }} else {{ w.u8(1); let v = unsafe {{ *{n} }}; unsafe {{ enc_{}(&mut w, s, &v) }}?;", snake(sn)).unwrap();
                            if st.free_members {
                                writeln!(r, "                // SAFETY: the implementation filled it, and it is freed once.\n                unsafe {{ crate::free_members::{}(v) }};", st.name).unwrap();
                            }
                            if st.kind == StructKind::Extensible {
                                r.push_str("                // SAFETY: the implementation filled it, freed once.\n                unsafe { free_chain_members(v.nextInChain) };\n");
                            }
                            r.push_str("            }\n");
                        }
                        r.push_str("            Ok(Some(w))\n        }\n");
                    } else {
                        r.push_str("            let _ = ret;\n            Ok(None)\n        }\n");
                    }
                }
            }
        }
        r.push_str(
            "        _ => Err(WireError::malformed(\"an unknown function\")),\n    }\n}\n\n",
        );
        // Release by tag.
        r.push_str("/// Releases the server's reference to an object by its wire tag.\npub(crate) fn release(tag: usize, raw: usize) {\n    // SAFETY: each export checks the handle.\n    unsafe {\n        match tag {\n");
        for o in &self.objects {
            writeln!(r, "            {} => super::exports::wgpu{}Release(crate::handle::Handle::from_raw(raw)),", self.wire_tag(o), pascal(o)).unwrap();
        }
        r.push_str("            _ => {}\n        }\n    }\n}\n\n");
        r.push_str("/// The C type name of a wire tag, for messages.\npub(crate) fn tag_name(tag: usize) -> &'static str {\n    match tag {\n");
        for o in &self.objects {
            writeln!(r, "        {} => \"WGPU{}\",", self.wire_tag(o), pascal(o)).unwrap();
        }
        r.push_str("        _ => \"an unknown object\",\n    }\n}\n\n");
        r.push_str("/// The functions whose call answers, by index.\npub(crate) const ANSWERS: &[bool] = &[\n");
        for f in self.wire_functions() {
            writeln!(r, "    {},", self.answers(f)).unwrap();
        }
        r.push_str("];\n\n");
        r.push_str("/// Each function's C name, by index.\npub(crate) const NAMES: &[&str] = &[\n");
        for f in self.wire_functions() {
            writeln!(r, "    \"{}\",", f.c_name).unwrap();
        }
        r.push_str("];\n\n");
        for o in &self.objects {
            writeln!(
                r,
                "pub(crate) const TAG_{}: usize = {};",
                upper(o),
                self.wire_tag(o)
            )
            .unwrap();
        }
    }

    /// The remote branch of an export, where it has one: `Some(code)` that runs the
    /// call on a remote object and returns.
    pub(crate) fn remote_branch(&self, f: &Function) -> Option<String> {
        if !f.on_object {
            return None;
        }
        let (_, call) = self.rust_signature(&f.args);
        let this = &call[0];
        let target = if f.implementation.starts_with("crate::handle::add_ref") {
            "crate::remote::proxy::add_ref".to_string()
        } else if f.implementation.starts_with("crate::handle::release") {
            "crate::remote::proxy::release".to_string()
        } else if HAND_WRITTEN.contains(&f.c_name.as_str()) {
            let obj = f
                .implementation
                .trim_start_matches("crate::")
                .split("::")
                .next()
                .unwrap();
            let method = f.implementation.rsplit("::").next().unwrap();
            format!("crate::remote::client::{obj}_{method}")
        } else {
            format!("crate::generated::wire::client::{}", f.c_name)
        };
        Some(format!("    if {this}.is_remote() {{\n        // SAFETY: as below; the remote side reads the arguments as the implementation would.\n        return crate::guard::guard(\"{}\", crate::guard::NoTarget, || unsafe {{ {target}({}) }});\n    }}\n", f.c_name, call.join(", ")))
    }

    /// An expression of a sample value of `ty`, distinct per member index `i`.
    fn sample(&self, ty: &Ty, ptr: Ptr, i: usize) -> String {
        if ptr != Ptr::None {
            return "core::ptr::null_mut()".into();
        }
        let n = i + 1;
        match ty {
            Ty::Bool => format!("{}", n % 2),
            Ty::U16 => format!("{n}u16"),
            Ty::U32 => format!("{n}u32"),
            Ty::U64 | Ty::Bitflag(_) => format!("{n}u64 << 33"),
            Ty::I32 => format!("-{n}i32"),
            Ty::Usize => format!("{n}usize"),
            Ty::F32 => format!("{n}.5f32"),
            Ty::F64 => format!("{n}.25f64"),
            Ty::Enum(e) => format!("WGPU{}({n})", pascal(e)),
            Ty::String => {
                format!("WGPUStringView {{ data: b\"s{n}\".as_ptr().cast(), length: 2 }}")
            }
            Ty::CString => "core::ptr::null()".into(),
            Ty::Object(_) => format!("crate::handle::Handle::from_raw({n})"),
            Ty::Struct(s) if s == "future" => format!("WGPUFuture {{ id: {n} }}"),
            Ty::Struct(s) => format!("sample_{}()", snake(s)),
            Ty::Callback(c) => {
                let cb = self.callbacks.iter().find(|x| &x.name == c).unwrap();
                // The server registers every callback in its own mode.
                let mode = if cb.with_mode {
                    "mode: crate::remote::server::SERVER_MODE, ".to_string()
                } else {
                    String::new()
                };
                format!("WGPU{}CallbackInfo {{ nextInChain: core::ptr::null_mut(), {mode}callback: None, userdata1: core::ptr::null_mut(), userdata2: core::ptr::null_mut() }}", pascal(c))
            }
            Ty::Void(_) | Ty::Array(_) => "core::ptr::null_mut()".into(),
        }
    }

    /// A test that every struct crosses unchanged: a sample with a distinct value in
    /// each member, encoded, decoded and encoded again, gives the same bytes (a member
    /// read in another order than written would not).
    fn wire_layout_test(&self, r: &mut String) {
        r.push_str("#[cfg(test)]\nmod layout {\n    use super::*;\n    use crate::remote::wire::{Arena, Plain};\n\n");
        for st in self.structs_in_order() {
            let n = pascal(&st.name);
            writeln!(
                r,
                "    fn sample_{}() -> WGPU{n} {{\n        WGPU{n} {{",
                snake(&st.name)
            )
            .unwrap();
            match st.kind {
                StructKind::Extensible => r.push_str("            nextInChain: core::ptr::null_mut(),\n"),
                StructKind::Extension => writeln!(r, "            chain: WGPUChainedStruct {{ next: core::ptr::null_mut(), sType: WGPUSType::{n} }},").unwrap(),
                StructKind::Standalone => {}
            }
            for (i, m) in st.members.iter().enumerate() {
                let fields = self.rust_params(m, true);
                if let Ty::Array(_) = m.ty {
                    writeln!(
                        r,
                        "            {}: 0,\n            {}: core::ptr::null(),",
                        fields[0].0, fields[1].0
                    )
                    .unwrap();
                } else {
                    let v = self.sample(&m.ty, m.ptr, i);
                    let v = if m.ptr == Ptr::Const {
                        "core::ptr::null()".to_string()
                    } else {
                        v
                    };
                    writeln!(r, "            {}: {v},", fields[0].0).unwrap();
                }
            }
            r.push_str("        }\n    }\n\n");
        }
        r.push_str("    #[test]\n    fn every_struct_crosses_member_by_member_in_order() {\n        let mut s = Plain(Arena::default());\n");
        for st in self.structs_in_order() {
            let sn = snake(&st.name);
            if st
                .members
                .iter()
                .any(|m| matches!((&m.ty, m.ptr), (Ty::Void(_), Ptr::Mut)))
            {
                // Native windows and displays do not cross (surface sources).
                continue;
            }
            writeln!(r, "        {{\n            let mut a = Writer::default();\n            unsafe {{ enc_{sn}(&mut a, &mut s, &sample_{sn}()) }}.expect(\"{sn} encodes\");\n            let v = dec_{sn}(&mut Reader::new(&a.buf), &mut s).expect(\"{sn} decodes\");\n            let mut b = Writer::default();\n            unsafe {{ enc_{sn}(&mut b, &mut s, &v) }}.expect(\"{sn} encodes again\");\n            assert_eq!(a.buf, b.buf, \"{sn}\");\n        }}").unwrap();
        }
        r.push_str("    }\n}\n");
    }

    pub(crate) fn rust_wire(&self) -> String {
        let mut r = String::new();
        r.push_str("// GENERATED by `cargo xtask generate` from api/webgpu.yml. Do not edit.\n");
        r.push_str("//! The wire between a client and the GPU process (see `ffi/remote/`): every struct's\n//! encoder and decoder, every callback's forwarder and receiver, every function's\n//! client stub and server arm. The encoding is positional and little-endian.\n\n");
        r.push_str("//!\n//! Safety, once for the file: every `unsafe` block here reads through a pointer the\n//! host passed (valid as webgpu.h defines it: the enclosing function's `# Safety`), or\n//! one this file's decoder made into memory its side keeps; so the blocks carry no\n//! comment each (`undocumented_unsafe_blocks` is allowed for this file alone).\n\n");
        r.push_str("#![allow(non_snake_case, unused_unsafe, unused_variables, unused_mut, unused_parens, unreachable_code, dead_code, clippy::all, clippy::undocumented_unsafe_blocks)]\n\n");
        r.push_str("use core::ffi::c_void;\n\nuse super::types::*;\nuse crate::remote::wire::{Reader, Side, WResult, WireError, Writer};\n\n");
        let mut sig = String::new();
        for f in self.wire_functions() {
            let params: Vec<String> = f
                .args
                .iter()
                .flat_map(|a| self.rust_params(a, false))
                .map(|(_, t)| t)
                .collect();
            writeln!(sig, "{}({})", f.c_name, params.join(",")).unwrap();
        }
        for st in &self.structs {
            writeln!(
                sig,
                "{}{:?}",
                st.name,
                st.members
                    .iter()
                    .map(|m| format!("{:?}{:?}", m.ty, m.ptr))
                    .collect::<Vec<_>>()
            )
            .unwrap();
        }
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in sig.bytes() {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        writeln!(r, "/// What both ends of a connection must agree on: a hash of every function's and\n/// struct's shape on the wire.\npub(crate) const WIRE_HASH: u64 = 0x{hash:016x};\n").unwrap();
        self.wire_structs(&mut r);
        self.wire_callbacks(&mut r);
        self.wire_client(&mut r);
        self.wire_server(&mut r);
        self.wire_layout_test(&mut r);
        r
    }
}
