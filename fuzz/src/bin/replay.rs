//! Runs the fuzz harness without libFuzzer (stable Rust): every file of the given
//! corpus directories, then random inputs for a number of seconds.
//!
//! Usage: replay [--seconds N] DIR...

use std::time::{Duration, Instant};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut seconds = 0u64;
    if let Some(i) = args.iter().position(|a| a == "--seconds") {
        seconds = args[i + 1].parse().expect("--seconds N");
        args.drain(i..i + 2);
    }
    let mut files = 0;
    for dir in &args {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("corpus dir")
            .flatten()
            .collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            webgpu_shim_fuzz::run(&std::fs::read(e.path()).unwrap());
            files += 1;
        }
    }
    // A small xorshift generator: reproducible from the printed seed.
    let seed = Instant::now().elapsed().as_nanos() as u64
        ^ 0x9e37_79b9_7f4a_7c15
        ^ std::process::id() as u64;
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut random = 0;
    while Instant::now() < deadline {
        let len = (next() % 512) as usize;
        let data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        webgpu_shim_fuzz::run(&data);
        random += 1;
    }
    println!("fuzz replay: {files} corpus inputs and {random} random inputs (seed {seed:#x}), 0 crashes, 0 caught panics");
}
