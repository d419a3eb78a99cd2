//! `WGPUBuffer`: a wgpu-core buffer id and its map state, which this module tracks
//! itself so that the getters and mapped-range rules answer without a round trip and
//! without raising errors where webgpu.h says "returns NULL".

use std::ffi::c_void;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::conv;
use crate::device::Device;
use crate::future::{Pending, Sendable, CANCELLED};
use crate::generated::types::*;
use crate::guard::entry_point;
use crate::handle::object;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    Read,
    Write,
}

#[derive(Clone, Copy, Debug)]
struct MapState {
    state: WGPUBufferMapState,
    access: Access,
    /// The mapped (or pending) range.
    offset: u64,
    size: u64,
}

pub struct Buffer {
    pub device: Arc<Device>,
    pub name: crate::label::Name,
    pub id: wgc::id::BufferId,
    size: u64,
    usage: WGPUBufferUsage,
    map: Arc<Mutex<MapState>>,
    /// The mapping of an invalid buffer created mapped (see [`shadow_mapping`]).
    shadow: Mutex<Option<Box<[u8]>>>,
    pub tally: crate::accounting::Tally,
}

/// Host memory standing in for the mapping of a buffer created `mappedAtCreation`
/// that is invalid. WebGPU maps such a buffer all the same (the error reaches the
/// program later, through the error scopes), so a program writes its contents through
/// `GetMappedRange` before it can know; Dawn gives it memory too, where NULL would
/// crash it. Unmap drops the bytes. None where the size is not a multiple of 4 (no
/// mapping then either) or cannot be allocated (bounded at 1 GiB).
fn shadow_mapping(size: u64) -> Option<Box<[u8]>> {
    if !size.is_multiple_of(4) || size > 1 << 30 {
        return None;
    }
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(size as usize).ok()?;
    bytes.resize(size as usize, 0);
    Some(bytes.into_boxed_slice())
}

object!(
    Buffer,
    "WGPUBuffer",
    4,
    |b| Some(b.device.clone()),
    named,
    id = Buffer
);

impl Buffer {
    /// The size it was created with (an invalid buffer's too).
    pub fn size(&self) -> u64 {
        self.size
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        self.name.forget(&self.device);
        self.device.ctx.global.buffer_drop(self.id);
    }
}

pub unsafe fn create(
    device: &Arc<Device>,
    descriptor: *const WGPUBufferDescriptor,
) -> conv::Result<Buffer> {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let desc = unsafe { conv::required(descriptor, "descriptor") }?;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { conv::no_chain(desc.nextInChain, "WGPUBufferDescriptor") }?;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let label = unsafe { conv::label(desc.label) }?;
    crate::guard::maybe_test_panic(label.as_deref());
    let (name, tag) = crate::label::Name::new(label);
    let label = tag.label();
    let mapped = conv::bool(desc.mappedAtCreation, "mappedAtCreation")?;
    // A usage with bits webgpu.h does not define is a validation error that still makes
    // a buffer, an invalid one (as any other invalid descriptor does): wgpu-core makes
    // it from an empty usage, and the error says which bits.
    let (usage, usage_error) = match conv::buffer_usage(desc.usage) {
        Ok(usage) => (usage, None),
        Err(e) => (wgt::BufferUsages::empty(), Some(e)),
    };
    let wgc_desc = wgt::BufferDescriptor {
        label,
        size: desc.size,
        usage,
        mapped_at_creation: mapped,
    };
    let (id, error) = device
        .ctx
        .global
        .device_create_buffer(device.id, &wgc_desc, None);
    let valid = error.is_none();
    let shadow = if mapped && !valid {
        shadow_mapping(desc.size)
    } else {
        None
    };
    match usage_error {
        Some(e) => device.validation(format!("{}: {e}", entry_point())),
        None => device.check(error),
    }
    Ok(Buffer {
        name,
        device: device.clone(),
        tally: crate::accounting::Tally::with_bytes(
            device,
            crate::accounting::Kind::Buffer,
            // An invalid buffer holds no memory.
            if valid { desc.size } else { 0 },
        ),
        id,
        size: desc.size,
        usage: desc.usage,
        map: Arc::new(Mutex::new(MapState {
            state: if mapped && (valid || shadow.is_some()) {
                WGPUBufferMapState::Mapped
            } else {
                WGPUBufferMapState::Unmapped
            },
            access: Access::Write,
            offset: 0,
            size: desc.size,
        })),
        shadow: Mutex::new(shadow),
    })
}

/// A vertex or index buffer binding as wgpu-core takes it: the offset, and the size
/// (None: the rest of the buffer). WebGPU's size 0 binds nothing, which wgpu-core's
/// non-zero sizes cannot say; the rest of the buffer from its last `align`ed offset is
/// the same empty range (or under `align` bytes, for a buffer whose size is not a
/// multiple of it). A bad offset is passed on for wgpu-core to report.
pub fn vertex_or_index_range(
    buffer: WGPUBuffer,
    offset: u64,
    size: u64,
    align: u64,
) -> conv::Result<(u64, Option<wgt::BufferSize>)> {
    if size != 0 || buffer.is_null() {
        return Ok((offset, conv::buffer_size(size)));
    }
    let total = buffer.get_or_message("buffer")?.size;
    if !offset.is_multiple_of(align) || offset > total {
        return Ok((offset, None));
    }
    Ok((total - total % align, None))
}

pub fn map_async(
    buffer: WGPUBuffer,
    mode: WGPUMapMode,
    offset: usize,
    size: usize,
    callback_info: WGPUBufferMapCallbackInfo,
) -> WGPUFuture {
    let Some(buffer) = buffer.get_or_log(entry_point()) else {
        return WGPUFuture { id: 0 };
    };
    let device = buffer.device.clone();
    let cb = Sendable(callback_info);
    let Some(pending) = device.ctx.futures.register_checked(
        entry_point(),
        callback_info.mode,
        Some(&device),
        Some(&device),
        move |(status, message): (WGPUMapAsyncStatus, String)| {
            let cb = &cb;
            if let Some(f) = cb.0.callback {
                // SAFETY: the C callback with the caller's own userdata.
                unsafe {
                    f(
                        status,
                        conv::to_string_view(&message),
                        cb.0.userdata1,
                        cb.0.userdata2,
                    )
                }
            }
        },
        || (WGPUMapAsyncStatus::CallbackCancelled, CANCELLED.into()),
    ) else {
        return WGPUFuture { id: 0 };
    };
    let future = pending.future();
    let fail = |pending: Pending<_>, message: String| {
        device.validation(message.clone());
        pending.complete(&device.ctx.futures, (WGPUMapAsyncStatus::Error, message));
    };

    let access = match mode {
        WGPUMapMode_Read => Access::Read,
        WGPUMapMode_Write => Access::Write,
        other => {
            fail(
                pending,
                format!(
                    "{}: mode {other:#x} must be exactly Read or Write",
                    entry_point()
                ),
            );
            return future;
        }
    };
    let offset = offset as u64;
    let size = if size == WGPU_WHOLE_MAP_SIZE {
        buffer.size.saturating_sub(offset)
    } else {
        size as u64
    };
    {
        let mut map = buffer.map.lock();
        if map.state != WGPUBufferMapState::Unmapped {
            drop(map);
            fail(
                pending,
                format!(
                    "{}: the buffer is already mapped or has a map pending",
                    entry_point()
                ),
            );
            return future;
        }
        *map = MapState {
            state: WGPUBufferMapState::Pending,
            access,
            offset,
            size,
        };
    }
    let state = buffer.map.clone();
    let done_device = device.clone();
    let op = wgc::resource::BufferMapOperation {
        host: match access {
            Access::Read => wgc::device::HostMap::Read,
            Access::Write => wgc::device::HostMap::Write,
        },
        // wgpu-core calls this exactly once: mapped, failed, or aborted.
        callback: Some(Box::new(
            move |result: wgc::resource::BufferAccessResult| {
                done_device.map_finished(future);
                let outcome = {
                    let mut map = state.lock();
                    match result {
                        Ok(()) => {
                            map.state = WGPUBufferMapState::Mapped;
                            (WGPUMapAsyncStatus::Success, String::new())
                        }
                        Err(e) => {
                            if map.state == WGPUBufferMapState::Pending {
                                map.state = WGPUBufferMapState::Unmapped;
                            }
                            let status = match e {
                                wgc::resource::BufferAccessError::MapAborted => {
                                    WGPUMapAsyncStatus::Aborted
                                }
                                _ => WGPUMapAsyncStatus::Error,
                            };
                            (status, done_device.describe(&e))
                        }
                    }
                };
                pending.complete(&done_device.ctx.futures, outcome);
            },
        )),
    };
    device.map_started(future, buffer.id);
    if let Err(e) = device
        .ctx
        .global
        .buffer_map_async(buffer.id, offset, Some(size), op)
    {
        // wgpu-core already called the callback with the error.
        device.report_error(&e);
    }
    future
}

/// The address of `[offset, offset + size)` of the mapping, if webgpu.h allows it.
fn mapped_range(buffer: &Buffer, offset: usize, size: usize, write: bool) -> Option<*mut u8> {
    let map = *buffer.map.lock();
    if map.state != WGPUBufferMapState::Mapped || (write && map.access != Access::Write) {
        return None;
    }
    let offset = offset as u64;
    let end = map.offset.checked_add(map.size)?;
    let size = if size == WGPU_WHOLE_MAP_SIZE {
        end.checked_sub(offset)?
    } else {
        size as u64
    };
    if offset < map.offset
        || offset.checked_add(size)? > end
        || !offset.is_multiple_of(8)
        || !size.is_multiple_of(4)
    {
        return None;
    }
    if let Some(shadow) = buffer.shadow.lock().as_mut() {
        // In range: the checks above bound it by the mapping, which is all of it.
        return Some(shadow[offset as usize..].as_mut_ptr());
    }
    let (ptr, _) = buffer
        .device
        .ctx
        .global
        .buffer_get_mapped_range(buffer.id, offset, Some(size))
        .ok()?;
    Some(ptr.as_ptr())
}

pub fn get_mapped_range(buffer: WGPUBuffer, offset: usize, size: usize) -> *mut c_void {
    buffer
        .get_or_log(entry_point())
        .and_then(|b| mapped_range(&b, offset, size, true))
        .map_or(std::ptr::null_mut(), |p| p as *mut c_void)
}

pub fn get_const_mapped_range(buffer: WGPUBuffer, offset: usize, size: usize) -> *const c_void {
    buffer
        .get_or_log(entry_point())
        .and_then(|b| mapped_range(&b, offset, size, false))
        .map_or(std::ptr::null(), |p| p as *const c_void)
}

/// Copies between the mapping and C memory, whatever their alignment.
fn copy_mapped(
    buffer: WGPUBuffer,
    function: &str,
    offset: usize,
    size: usize,
    write: bool,
) -> Option<*mut u8> {
    let buffer = buffer.get_or_log(function)?;
    // Any byte range of the mapping may be read or written: widen to the aligned range
    // that contains it and step back in.
    let start = offset & !7;
    let end = offset.checked_add(size)?;
    let aligned_end = end.checked_add(3)? & !3;
    let base = mapped_range(&buffer, start, aligned_end - start, write)?;
    // SAFETY: `base` maps `[start, aligned_end)`, which holds `[offset, end)`.
    Some(unsafe { base.add(offset - start) })
}

pub unsafe fn read_mapped_range(
    buffer: WGPUBuffer,
    offset: usize,
    data: *mut c_void,
    size: usize,
) -> WGPUStatus {
    if size == 0 {
        return WGPUStatus::Success;
    }
    if data.is_null() {
        return WGPUStatus::Error;
    }
    match copy_mapped(buffer, entry_point(), offset, size, false) {
        // SAFETY: `src` maps `size` bytes; the caller gives `size` writable bytes.
        Some(src) => unsafe {
            std::ptr::copy_nonoverlapping(src, data as *mut u8, size);
            WGPUStatus::Success
        },
        None => WGPUStatus::Error,
    }
}

pub unsafe fn write_mapped_range(
    buffer: WGPUBuffer,
    offset: usize,
    data: *const c_void,
    size: usize,
) -> WGPUStatus {
    if size == 0 {
        return WGPUStatus::Success;
    }
    if data.is_null() {
        return WGPUStatus::Error;
    }
    match copy_mapped(buffer, entry_point(), offset, size, true) {
        // SAFETY: `dst` maps `size` writable bytes; the caller gives `size` bytes.
        Some(dst) => unsafe {
            std::ptr::copy_nonoverlapping(data as *const u8, dst, size);
            WGPUStatus::Success
        },
        None => WGPUStatus::Error,
    }
}

pub unsafe fn set_label(buffer: WGPUBuffer, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(buffer, label) }
}

pub fn get_usage(buffer: WGPUBuffer) -> WGPUBufferUsage {
    buffer.get_or_log(entry_point()).map_or(0, |b| b.usage)
}

pub fn get_size(buffer: WGPUBuffer) -> u64 {
    buffer.get_or_log(entry_point()).map_or(0, |b| b.size)
}

pub fn get_map_state(buffer: WGPUBuffer) -> WGPUBufferMapState {
    buffer
        .get_or_log(entry_point())
        .map_or(WGPUBufferMapState::Unmapped, |b| b.map.lock().state)
}

pub fn unmap(buffer: WGPUBuffer) {
    let Some(buffer) = buffer.get_or_log(entry_point()) else {
        return;
    };
    // Unmapping a buffer that is neither mapped nor being mapped (never mapped,
    // unmapped already, destroyed, or invalid) does nothing: WebGPU makes it no error.
    if buffer.map.lock().state == WGPUBufferMapState::Unmapped {
        return;
    }
    if buffer.shadow.lock().take().is_some() {
        buffer.map.lock().state = WGPUBufferMapState::Unmapped;
        return;
    }
    // A pending map is aborted by wgpu-core, whose callback then runs.
    let result = buffer.device.ctx.global.buffer_unmap(buffer.id);
    buffer.map.lock().state = WGPUBufferMapState::Unmapped;
    if let Err(e) = result {
        buffer.device.report_error(&e);
    }
}

pub fn destroy(buffer: WGPUBuffer) {
    let Some(buffer) = buffer.get_or_log(entry_point()) else {
        return;
    };
    buffer.device.ctx.global.buffer_destroy(buffer.id);
    buffer.tally.free_bytes();
    buffer.shadow.lock().take();
    buffer.map.lock().state = WGPUBufferMapState::Unmapped;
}
