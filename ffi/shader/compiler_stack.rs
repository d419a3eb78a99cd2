//! The stack shader compilation runs on. Called by `shader_module.rs` and the
//! pipelines' `build`.
//!
//! naga (parsing, lowering, validation, and the backends wgpu-core runs at pipeline
//! creation) recurses over expressions and blocks. `wgsl_limits` bounds how deep that
//! goes; this module makes sure the stack it needs is there, whatever the host's
//! thread has (embedders run WebGPU from threads of 256 KiB): the work runs on a
//! stack of [`SIZE`] allocated for the call on the same thread (so thread-local
//! state, error scopes included, is the caller's), and the caller's stack is back
//! when it returns or unwinds. The memory is reserved, not committed: only the pages
//! the compilation touches cost anything.

/// The compilation stack: the deepest expression `wgsl_limits` allows takes about
/// 5 MiB of it in a release build and 40 MiB in a debug build.
pub const SIZE: usize = 64 << 20;

/// Runs `f` on a fresh stack of [`SIZE`] bytes. Panics (caught by the entry point's
/// guard) only if that memory cannot be mapped.
pub fn run<R>(f: impl FnOnce() -> R) -> R {
    stacker::grow(SIZE, f)
}
