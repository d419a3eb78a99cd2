//! The shader fuzz harness: an input is WGSL text with a short program in front that
//! grows it, so that short inputs reach the shapes a hostile tenant sends (deep
//! nesting, long chains, repeated statements, types and calls). The text goes through
//! `wgpuDeviceCreateShaderModule`, `GetCompilationInfo` and compute pipeline creation
//! on the harness's device, all in error scopes.
//!
//! Input: `[count] ([op] [times] [start] [len] [start2] [len2])*count text`, where the
//! offsets are bytes of `text` (taken modulo its length, at character boundaries):
//! - op 0, repeat: the piece `text[start..start+len]` is repeated `times × 16` times in
//!   place;
//! - op 1, nest: the piece and the second piece (after it) are each repeated
//!   `times × 16` times in place, the first before the text between them and the
//!   second after it (`(((x)))`, `array<array<u32, 1>, 1>`, `{ { } }`).
//!
//! A finding is a crash, a panic the guard caught, or an input that takes longer
//! than [`TIME_LIMIT`].

use std::ffi::c_void;
use std::time::{Duration, Instant};

use webgpu_shim::*;

/// The most one input may take (module, compilation info and pipeline).
pub const TIME_LIMIT: Duration = Duration::from_secs(10);

/// The text `data` decodes to.
pub fn decode(data: &[u8]) -> String {
    let count = data.first().map_or(0, |c| (c % 4) as usize);
    let program_len = (1 + 6 * count).min(data.len());
    let (program, text) = data.split_at(program_len);
    let mut text = String::from_utf8_lossy(text).into_owned();
    for op in program.get(1..).unwrap_or(&[]).chunks_exact(6) {
        if text.is_empty() {
            break;
        }
        let times = op[1] as usize * 16;
        let at = |offset: u8, from: usize| {
            let mut i = from + offset as usize % (text.len() - from + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let start = at(op[2], 0);
        let end = at(op[3], start);
        let piece = text[start..end].to_string();
        match op[0] % 2 {
            0 => text.replace_range(start..end, &piece.repeat(times)),
            _ => {
                let start2 = at(op[4], end);
                let end2 = at(op[5], start2);
                let piece2 = text[start2..end2].to_string();
                text.replace_range(start2..end2, &piece2.repeat(times));
                text.replace_range(start..end, &piece.repeat(times));
            }
        }
    }
    text
}

unsafe extern "C" fn ignore_info(
    _: WGPUCompilationInfoRequestStatus,
    _: *const WGPUCompilationInfo,
    _: *mut c_void,
    _: *mut c_void,
) {
}

/// Runs one input. Panics (a finding) if the library caught a panic or the input took
/// longer than [`TIME_LIMIT`].
pub fn run(data: &[u8]) {
    let code = decode(data);
    let _one = crate::LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let s = crate::session();
    let before = webgpu_shim::caught_panics();
    let started = Instant::now();
    let d = s.device;
    unsafe {
        wgpuDevicePushErrorScope(d, WGPUErrorFilter::Validation);
        wgpuDevicePushErrorScope(d, WGPUErrorFilter::OutOfMemory);
        wgpuDevicePushErrorScope(d, WGPUErrorFilter::Internal);
        let source = WGPUShaderSourceWGSL {
            chain: WGPUChainedStruct {
                next: std::ptr::null_mut(),
                sType: WGPUSType::ShaderSourceWGSL,
            },
            code: crate::view(code.as_bytes()),
        };
        let desc = WGPUShaderModuleDescriptor {
            nextInChain: &source.chain as *const _ as *mut _,
            label: crate::view(b"fuzz"),
        };
        let module = wgpuDeviceCreateShaderModule(d, &desc);
        let mut info: WGPUCompilationInfoCallbackInfo = std::mem::zeroed();
        info.mode = WGPUCallbackMode::AllowSpontaneous;
        info.callback = Some(ignore_info);
        wgpuShaderModuleGetCompilationInfo(module, info);
        // The module's one compute entry point, if it has exactly one.
        let mut pd: WGPUComputePipelineDescriptor = std::mem::zeroed();
        pd.label = crate::view(b"");
        pd.compute.module = module;
        pd.compute.entryPoint = WGPUStringView {
            data: std::ptr::null(),
            length: usize::MAX,
        };
        let pipeline = wgpuDeviceCreateComputePipeline(d, &pd);
        wgpuComputePipelineRelease(pipeline);
        wgpuShaderModuleRelease(module);
        let mut cb: WGPUPopErrorScopeCallbackInfo = std::mem::zeroed();
        cb.mode = WGPUCallbackMode::AllowSpontaneous;
        cb.callback = Some(crate::ignore_pop);
        for _ in 0..3 {
            wgpuDevicePopErrorScope(d, cb);
        }
    }
    let took = started.elapsed();
    let caught = webgpu_shim::caught_panics() - before;
    assert_eq!(
        caught, 0,
        "the library caught {caught} panic(s): a bug even though the host survived"
    );
    assert!(
        took <= TIME_LIMIT,
        "one shader took {took:?} (limit {TIME_LIMIT:?}), {} bytes",
        code.len()
    );
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn repeat_and_nest_grow_the_text() {
        assert_eq!(decode(b"\0abc"), "abc");
        // One op: repeat "b" (offset 1, length 1) 16 times.
        let mut input = vec![1, 0, 1, 1, 1, 0, 0];
        input.extend_from_slice(b"abc");
        assert_eq!(decode(&input), format!("a{}c", "b".repeat(16)));
        // Nest: "(" 16 times before "x", ")" 16 times after.
        let mut input = vec![1, 1, 1, 0, 1, 1, 1];
        input.extend_from_slice(b"(x)");
        assert_eq!(
            decode(&input),
            format!("{}x{}", "(".repeat(16), ")".repeat(16))
        );
    }
}
