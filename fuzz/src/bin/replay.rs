//! Runs a fuzz harness without libFuzzer (stable Rust): every file of the given
//! corpus directories, then random inputs for a number of seconds.
//!
//! Usage: replay [--target api_calls|wgsl|remote] [--seconds N] DIR...
//!
//! `remote`: frames from a hostile client to the GPU process's decoder (with
//! `WEBGPU_SHIM_REMOTE` set, `api_calls` goes through the wire too); a well-behaved
//! session must work after the run.
//!
//! For `wgsl`, the random inputs are corpus files with random bytes changed, inserted
//! and grown (random bytes are rarely WGSL).

use std::time::{Duration, Instant};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut take = |flag: &str| {
        let i = args.iter().position(|a| a == flag)?;
        let value = args.get(i + 1).cloned();
        args.drain(i..(i + 2).min(args.len()));
        value
    };
    let seconds: u64 = take("--seconds").map_or(0, |s| s.parse().expect("--seconds N"));
    let target = take("--target").unwrap_or_else(|| "api_calls".into());
    let run: fn(&[u8]) = match target.as_str() {
        "api_calls" => webgpu_shim_fuzz::run,
        "wgsl" => webgpu_shim_fuzz::wgsl::run,
        "remote" => webgpu_shim_fuzz::remote::run,
        other => panic!("unknown target {other}"),
    };
    let mut corpus = Vec::new();
    for dir in &args {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("corpus dir")
            .flatten()
            .collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let data = std::fs::read(e.path()).unwrap();
            run(&data);
            corpus.push(data);
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
        let data: Vec<u8> = if target == "wgsl" && !corpus.is_empty() {
            let mut data = corpus[next() as usize % corpus.len()].clone();
            // A new growing program, then a few byte edits in the text.
            let ops = (next() % 4) as usize;
            let mut program = vec![ops as u8];
            program.extend((0..6 * ops).map(|_| next() as u8));
            let skip = 1 + 6 * (data.first().map_or(0, |c| (c % 4) as usize));
            let mut text = data.split_off(skip.min(data.len()));
            for _ in 0..next() % 4 {
                if !text.is_empty() {
                    let i = next() as usize % text.len();
                    text[i] = b"(){}[]<>.,;+-!*&|^x1 "[next() as usize % 21];
                }
            }
            program.extend(text);
            program
        } else {
            let len = (next() % 512) as usize;
            (0..len).map(|_| next() as u8).collect()
        };
        run(&data);
        random += 1;
    }
    if target == "remote" {
        assert!(
            webgpu_shim_fuzz::remote::healthy(),
            "a well-behaved client no longer gets its work done"
        );
    }
    if std::env::var_os("WEBGPU_SHIM_REMOTE").is_some() {
        assert!(webgpu_shim_fuzz::alive(), "the GPU process is gone");
    }
    println!(
        "fuzz replay ({target}): {} corpus inputs and {random} random inputs (seed {seed:#x}), 0 crashes, 0 caught panics",
        corpus.len()
    );
}
