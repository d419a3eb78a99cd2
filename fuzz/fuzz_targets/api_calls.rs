//! libFuzzer target: sequences of C API calls, decoded from the input by
//! `webgpu_shim_fuzz::run`. Run: `cargo fuzz run api_calls --features libfuzzer`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    webgpu_shim_fuzz::run(data);
});
