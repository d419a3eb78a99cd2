//! The doc comments webgpu.h carries, written for this library from the model: who
//! owns what a call returns, what the library does with bad input, which callback
//! modes it honours. Rules over a function's shape (its name's verb, its result, its
//! arguments), so every function of a kind reads the same and a new one gets its doc.

use crate::model::{Api, Function, Ptr, Ty};
use crate::naming::pascal;

/// The lines of `f`'s doc comment (without comment markers); empty for none.
pub(crate) fn function_doc(api: &Api, f: &Function) -> Vec<String> {
    let name = f.c_name.as_str();
    let mut doc = Vec::new();
    if name.ends_with("AddRef") {
        doc.push("Adds a reference; each reference is dropped by one Release.".into());
    } else if name.ends_with("Release") {
        doc.push(
            "Drops one reference; the object goes with its last one (work already \
             submitted keeps what it uses). A NULL or unknown handle is logged and ignored."
                .into(),
        );
    } else if name.ends_with("SetLabel") {
        doc.push(
            "Copies `label` (UTF-8, read during the call only); later error messages name \
             the object by it."
                .into(),
        );
    } else if name.ends_with("FreeMembers") {
        doc.push(
            "Frees the arrays and strings the library wrote into the struct (not the \
             struct itself). An all-zero struct is fine; freeing twice is not."
                .into(),
        );
    } else if name == "wgpuDeviceDestroy" {
        doc.push(
            "Destroys the device: it is lost (its lost callback fires once, reason \
             Destroyed) and reports no further errors; the handle stays valid until its \
             last Release."
                .into(),
        );
    } else if name.ends_with("Destroy") {
        doc.push(
            "Destroys it now: its memory goes and a later use is a validation error; the \
             handle stays valid until its last Release."
                .into(),
        );
    }
    if let Some((Ty::Object(object), _)) = &f.ret {
        let object = pascal(object);
        doc.push(format!(
            "Returns a new reference to a WGPU{object}, which the caller releases with \
             wgpu{object}Release."
        ));
        doc.push(
            "Invalid input is a validation error on the device (its error scopes, else its \
             uncaptured-error callback); what each bad input returns is listed in \
             c-tests/BAD_INPUT.md."
                .into(),
        );
    }
    if f.args.iter().any(|a| matches!(a.ty, Ty::Callback(_))) {
        doc.push(
            "The callback fires exactly once: in WaitAny for WaitAnyOnly, in ProcessEvents or \
             WaitAny for AllowProcessEvents, on any thread (maybe before this returns) for \
             AllowSpontaneous; with CallbackCancelled if the instance is released first. \
             Returns its future; an invalid mode is an error and returns future 0."
                .into(),
        );
    }
    for a in &f.args {
        if let (Ty::Struct(st), Ptr::Mut) = (&a.ty, a.ptr) {
            let free = format!("wgpu{}FreeMembers", pascal(st));
            if api.functions.iter().any(|g| g.c_name == free) {
                doc.push(format!(
                    "The arrays and strings it writes into `{}` are the library's until {free}.",
                    crate::naming::camel(&a.name)
                ));
            }
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::api;

    fn doc(name: &str) -> String {
        let api = api();
        let f = api.functions.iter().find(|f| f.c_name == name).unwrap();
        function_doc(&api, f).join(" ")
    }

    #[test]
    fn a_function_that_makes_an_object_says_who_releases_it_and_where_errors_go() {
        let d = doc("wgpuDeviceCreateBuffer");
        assert!(d.contains("new reference to a WGPUBuffer"), "{d}");
        assert!(
            d.contains("wgpuBufferRelease") && d.contains("validation error"),
            "{d}"
        );
    }

    #[test]
    fn an_asynchronous_function_names_the_callback_modes_it_honours() {
        let d = doc("wgpuBufferMapAsync");
        for mode in [
            "WaitAnyOnly",
            "AllowProcessEvents",
            "AllowSpontaneous",
            "CallbackCancelled",
        ] {
            assert!(d.contains(mode), "{d}");
        }
    }

    #[test]
    fn a_function_that_fills_library_memory_names_its_free_function() {
        let d = doc("wgpuAdapterGetInfo");
        assert!(d.contains("wgpuAdapterInfoFreeMembers"), "{d}");
        assert!(doc("wgpuBufferRelease").contains("last one"));
    }
}
