//! webgpu-shim's generator, run as its own step: `cargo xtask generate` writes every
//! generated file from the API description in `api/`; `cargo xtask generate --check`
//! writes nothing and fails, naming them, where committed files differ from what it
//! would write (CI runs that).
//!
//! - `model`: the API data read into types (the only module that reads YAML);
//! - `naming`: how names are spelled in C, C++ and Rust;
//! - `docs`: the doc comments of webgpu.h's functions, by rules over their shape;
//! - one writer per output: `c_header` (webgpu.h), `cpp_header` (webgpu_cpp.h),
//!   `rust` (ffi/generated/types.rs and exports.rs), `wire` (ffi/generated/wire.rs,
//!   the GPU process's wire: codecs, client stubs, server dispatch), `dawn_proc_table`, and
//!   `extension_header` (webgpu_shim.h, by cbindgen from ffi/extensions.rs); the fixed
//!   text of each header is a template in `templates/`, which reads like the file.
//!
//! The library's own build compiles none of this: its `build.rs` only sets the soname.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use yaml_rust2::YamlLoader;

mod c_header;
mod cpp_header;
mod dawn_proc_table;
mod docs;
mod extension_header;
mod model;
mod naming;
mod rust;
mod wire;

/// Every generated file (relative to the repository root) and its text.
fn outputs(root: &Path) -> Vec<(&'static str, String)> {
    let load = |path: &str| {
        let text = std::fs::read_to_string(root.join(path)).expect(path);
        YamlLoader::load_from_str(&text)
            .expect("valid YAML")
            .remove(0)
    };
    let mut api = model::Api::parse(&load("api/webgpu.yml"));
    api.extend(&load("api/dawn.yml"));
    vec![
        ("include/webgpu/webgpu.h", api.c_header()),
        ("ffi/generated/types.rs", api.rust_types()),
        ("ffi/generated/exports.rs", api.rust_exports()),
        ("ffi/generated/wire.rs", api.rust_wire()),
        ("include/webgpu/webgpu_cpp.h", api.cpp_header()),
        (
            "include/webgpu/webgpu_shim.h",
            extension_header::extension_header(&root.join("ffi/extensions.rs")),
        ),
        ("include/dawn/dawn_proc_table.h", api.dawn_proc_table()),
    ]
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["generate"] => false,
        ["generate", "--check"] => true,
        _ => {
            eprintln!("usage: cargo xtask generate [--check]");
            return ExitCode::from(2);
        }
    };
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ is in the repository")
        .to_path_buf();
    let mut stale = Vec::new();
    for (path, text) in outputs(&root) {
        let file = root.join(path);
        if std::fs::read_to_string(&file).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if check {
            stale.push(path);
        } else {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, text).unwrap();
            println!("wrote {path}");
        }
    }
    if stale.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "generated files are stale (run `cargo xtask generate` and commit them): {}",
            stale.join(", ")
        );
        ExitCode::FAILURE
    }
}
