//! `webgpu-shim-server`: the GPU process of remote mode (see `ffi/remote/`). It owns
//! wgpu-core and the driver; clients reach it with `WEBGPU_SHIM_REMOTE=unix:PATH`.
//!
//!     webgpu-shim-server --listen /run/webgpu-shim.sock

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(webgpu_shim::remote::server::main(&args));
}
