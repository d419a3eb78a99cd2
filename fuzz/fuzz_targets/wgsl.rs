//! libFuzzer target: WGSL text grown by a short program, through shader module and
//! pipeline creation (`webgpu_shim_fuzz::wgsl`). Run:
//! `cargo fuzz run wgsl --features libfuzzer -- -timeout=10`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    webgpu_shim_fuzz::wgsl::run(data);
});
