//! `WGPUQueue`: the device's one queue. Submission, writes, and the work-done future.

use std::ffi::c_void;
use std::sync::Arc;

use crate::conv;
use crate::device::Device;
use crate::future::{Sendable, CANCELLED};
use crate::generated::types::*;
use crate::guard::entry_point;
use crate::handle::object;

pub struct Queue {
    pub device: Arc<Device>,
}

object!(Queue, "WGPUQueue", 5, |q| Some(q.device.clone()));

pub unsafe fn submit(queue: WGPUQueue, command_count: usize, commands: *const WGPUCommandBuffer) {
    let Some(queue) = queue.get_or_log(entry_point()) else {
        return;
    };
    let device = &queue.device;
    let result = (|| {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let list = unsafe { conv::slice(commands, command_count, "commands") }?;
        list.iter()
            .map(|c| {
                let cb = c.get_or_message("commands")?;
                cb.take_for_submit()
            })
            .collect::<conv::Result<Vec<_>>>()
    })();
    match result {
        Ok(ids) => {
            if let Err(e) = device.submit(&ids) {
                device.report_error(&*e);
            }
        }
        Err(e) => device.validation(format!("{}: {e}", entry_point())),
    }
}

/// Writes from this size up are copied into the staging buffer by several threads:
/// one thread's `memcpy` is what bounds a large upload (about 9 GB/s on the H100
/// machines, where the GPU moves the same bytes at over 40).
const STAGE_IN_PARALLEL_FROM: usize = 8 << 20;

/// How many threads copy a large write: `WEBGPU_SHIM_COPY_THREADS`, else the
/// machine's parallelism, at most 4 (more buys little against memory bandwidth).
fn copy_threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| {
        std::env::var("WEBGPU_SHIM_COPY_THREADS")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(4)))
            .max(1)
    })
}

/// `wgpuQueueWriteBuffer` for a large write: the same validation and staging as
/// wgpu-core's `queue_write_buffer`, with the copy into staging memory split over
/// threads that end before this returns.
fn write_buffer_in_parallel(
    device: &Device,
    buffer: wgc::id::BufferId,
    offset: u64,
    bytes: &[u8],
) -> Result<(), wgc::device::queue::QueueWriteError> {
    let global = &device.ctx.global;
    let size = wgt::BufferSize::new(bytes.len() as u64).expect("a large write is not empty");
    // Reject a bad write before allocating and filling its staging memory.
    global.queue_validate_write_buffer(device.queue_id, buffer, offset, size)?;
    let (staging, ptr) = global.queue_create_staging_buffer(device.queue_id, size, None)?;
    // SAFETY: wgpu-core maps the new staging buffer for `size` bytes at `ptr` and
    // nothing else touches it until `queue_write_staging_buffer` takes it back.
    let target = unsafe { std::slice::from_raw_parts_mut(ptr.as_ptr(), bytes.len()) };
    let threads = copy_threads();
    let chunk = bytes.len().div_ceil(threads).next_multiple_of(64);
    // Each thread takes parts until none is left, so a thread that cannot start
    // leaves its share to the others (this one always runs).
    let parts: Vec<_> = target
        .chunks_mut(chunk)
        .zip(bytes.chunks(chunk))
        .map(|part| parking_lot::Mutex::new(Some(part)))
        .collect();
    let work = || {
        for part in &parts {
            let taken = part.lock().take();
            if let Some((to, from)) = taken {
                to.copy_from_slice(from);
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            if let Err(e) = std::thread::Builder::new()
                .name("webgpu-shim copy".into())
                .spawn_scoped(scope, work)
            {
                log::debug!("{}: one copy thread fewer ({e})", entry_point());
            }
        }
        work();
    });
    global.queue_write_staging_buffer(device.queue_id, buffer, offset, staging)
}

pub fn on_submitted_work_done(
    queue: WGPUQueue,
    callback_info: WGPUQueueWorkDoneCallbackInfo,
) -> WGPUFuture {
    let Some(queue) = queue.get_or_log(entry_point()) else {
        return WGPUFuture { id: 0 };
    };
    let device = queue.device.clone();
    let cb = Sendable(callback_info);
    let Some(pending) = device.ctx.futures.register_checked(
        entry_point(),
        callback_info.mode,
        Some(&device),
        Some(&device),
        move |(status, message): (WGPUQueueWorkDoneStatus, &'static str)| {
            let cb = &cb;
            if let Some(f) = cb.0.callback {
                // SAFETY: the C callback with the caller's own userdata.
                unsafe {
                    f(
                        status,
                        conv::to_string_view(message),
                        cb.0.userdata1,
                        cb.0.userdata2,
                    )
                }
            }
        },
        || (WGPUQueueWorkDoneStatus::CallbackCancelled, CANCELLED),
    ) else {
        return WGPUFuture { id: 0 };
    };
    let future = pending.future();
    let ctx = device.ctx.clone();
    device.ctx.global.queue_on_submitted_work_done(
        device.queue_id,
        Box::new(move || pending.complete(&ctx.futures, (WGPUQueueWorkDoneStatus::Success, ""))),
    );
    future
}

pub unsafe fn write_buffer(
    queue: WGPUQueue,
    buffer: WGPUBuffer,
    buffer_offset: u64,
    data: *const c_void,
    size: usize,
) {
    let Some(queue) = queue.get_or_log(entry_point()) else {
        return;
    };
    let device = &queue.device;
    let result = (|| -> conv::Result<_> {
        let buffer = buffer.id_or_message("buffer")?;
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let bytes = unsafe { conv::slice(data as *const u8, size, "data") }?;
        Ok((buffer, bytes))
    })();
    match result {
        Ok((buffer, bytes)) => {
            let written = if bytes.len() >= STAGE_IN_PARALLEL_FROM && copy_threads() > 1 {
                write_buffer_in_parallel(device, buffer, buffer_offset, bytes)
            } else {
                device
                    .ctx
                    .global
                    .queue_write_buffer(device.queue_id, buffer, buffer_offset, bytes)
            };
            if let Err(e) = written {
                device.report_error(&e);
            }
        }
        Err(e) => device.validation(format!("{}: {e}", entry_point())),
    }
}

pub unsafe fn write_texture(
    queue: WGPUQueue,
    destination: *const WGPUTexelCopyTextureInfo,
    data: *const c_void,
    data_size: usize,
    data_layout: *const WGPUTexelCopyBufferLayout,
    write_size: *const WGPUExtent3D,
) {
    let Some(queue) = queue.get_or_log(entry_point()) else {
        return;
    };
    let device = &queue.device;
    let result = (|| -> conv::Result<_> {
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let (dst, _texture) = unsafe { crate::texture::copy_info(destination, "destination") }?;
        let layout =
            // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
            crate::texture::buffer_layout(unsafe { conv::required(data_layout, "dataLayout") }?);
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let size = crate::texture::extent(unsafe { conv::required(write_size, "writeSize") }?);
        // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
        let bytes = unsafe { conv::slice(data as *const u8, data_size, "data") }?;
        Ok((dst, layout, size, bytes, _texture))
    })();
    match result {
        Ok((dst, layout, size, bytes, _texture)) => {
            if let Err(e) =
                device
                    .ctx
                    .global
                    .queue_write_texture(device.queue_id, &dst, bytes, &layout, &size)
            {
                device.report_error(&e);
            }
        }
        Err(e) => device.validation(format!("{}: {e}", entry_point())),
    }
}

pub unsafe fn set_label(queue: WGPUQueue, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(queue, label) }
}
