//! What the library's build must do itself: a stable soname. Everything generated
//! (headers, the Rust boundary) is written by its own step, `cargo xtask generate`
//! (xtask/), and committed.

fn main() {
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
