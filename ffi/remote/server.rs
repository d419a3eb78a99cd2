//! The server: one session per client connection, on its own thread, owning that
//! client's instance and objects. Every call runs through the same exports (guard,
//! validation) as in-process; every message is decoded defensively, and one that does
//! not decode (or names an id the client never made) ends that client's session
//! alone, releasing everything it held.
//!
//! Callbacks are registered with `SERVER_MODE` and fire inside the session's
//! `ProcessEvents`/`WaitAny`, which the client's own event loop asks for, and in the
//! session's pump: while the client waits on GPU work, a second thread waits on the
//! GPU and sends each completion as it happens, so the client's event loop finds it
//! without a round trip. Each forwarder queues its arguments for the client, ahead
//! of any reply.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

use super::shm::{self, Region, ServerRing};
use super::transport::{frame, Stream};
use super::wire::{Arena, Reader, Side, WResult, WireError, Writer};
use super::*;
use crate::generated::exports as ex;
use crate::generated::types::*;
use crate::generated::wire as gen;
use crate::handle::Handle;

/// The mode of every callback the server registers: fired in the session's
/// ProcessEvents and WaitAny only, on the session's thread.
pub const SERVER_MODE: WGPUCallbackMode = WGPUCallbackMode::AllowProcessEvents;

static IN_SERVER: AtomicBool = AtomicBool::new(false);
/// The server program tells its operator (stderr) why it cut a client off.
static OPERATOR_LOG: AtomicBool = AtomicBool::new(false);

/// Whether this process is the GPU process (whose instances are never remote).
pub fn in_server() -> bool {
    IN_SERVER.load(Ordering::Relaxed)
}

#[derive(Default)]
struct Maps {
    /// Client id -> (tag, handle value; 0 where creation gave NULL).
    objects: HashMap<u64, (usize, usize)>,
    /// Handle value -> the first client id naming it.
    reverse: HashMap<usize, u64>,
    /// Slot -> the server's future, for WaitAny.
    futures: HashMap<u64, WGPUFuture>,
    /// Slot -> ids for the objects its callback will carry.
    fresh: HashMap<u64, Vec<u64>>,
    /// Slots that may fire many times (uncaptured errors).
    persistent: HashSet<u64>,
    /// Buffer id -> its shared region.
    regions: HashMap<u64, Region>,
    /// Map callback slot -> (buffer, offset, size): the range its region gets when
    /// the map completes.
    map_copies: HashMap<u64, (usize, usize, usize)>,
}

pub struct Session {
    tx: Stream,
    out: Mutex<Vec<u8>>,
    maps: Mutex<Maps>,
    instance: Mutex<usize>,
    /// The client's ring for call data.
    ring: Mutex<Option<ServerRing>>,
    /// Wakes the pump: messages were handled (maybe new work to wait on), or the
    /// session ends (`closing`).
    wake: Condvar,
    woken: Mutex<bool>,
    closing: AtomicBool,
    /// Itself, for the instance's completions to wake the pump.
    me: std::sync::OnceLock<std::sync::Weak<Session>>,
    /// Held while callbacks fire, by the pump and by the event-loop replies: a reply
    /// never overtakes a callback the pump took before it (a spontaneous callback's
    /// call waits for that reply and must find its callback there).
    firing: Mutex<()>,
}

/// The server's side of the codec for one call or callback.
pub struct ServerSide<'a> {
    session: &'a Session,
    arena: Arena,
    fresh: Vec<u64>,
    /// Ring spans this call reads: (start, end), released when it returns.
    spans: Vec<(u64, u64)>,
}

impl<'a> ServerSide<'a> {
    fn new(session: &'a Session) -> Self {
        ServerSide {
            session,
            arena: Arena::default(),
            fresh: Vec::new(),
            spans: Vec::new(),
        }
    }

    /// Records what a call made under the id the client chose.
    pub fn register(&mut self, tag: usize, id: u64, raw: usize) -> WResult<()> {
        let mut maps = self.session.maps.lock();
        if id == 0 || maps.objects.contains_key(&id) {
            return Err(WireError::malformed("an object id already in use"));
        }
        maps.objects.insert(id, (tag, raw));
        if raw != 0 {
            maps.reverse.entry(raw).or_insert(id);
        }
        Ok(())
    }

    /// A future-returning call's slot: the userdata its forwarder gets.
    pub fn future_slot(&mut self, slot: u64, fresh: Vec<u64>) -> WResult<(usize, usize)> {
        let mut maps = self.session.maps.lock();
        if maps.fresh.contains_key(&slot) || maps.futures.contains_key(&slot) {
            return Err(WireError::malformed("a callback slot already in use"));
        }
        maps.fresh.insert(slot, fresh);
        Ok((self.session as *const Session as usize, slot as usize))
    }

    /// A MapAsync's range, copied into the buffer's region when the map completes.
    pub fn map_requested(&mut self, slot: u64, buffer: usize, offset: usize, size: usize) {
        let mut maps = self.session.maps.lock();
        if maps
            .reverse
            .get(&buffer)
            .is_some_and(|id| maps.regions.contains_key(id))
        {
            maps.map_copies.insert(slot, (buffer, offset, size));
        }
    }

    pub fn future_made(&mut self, slot: u64, future: WGPUFuture) {
        let mut maps = self.session.maps.lock();
        // A callback that already fired (spontaneously) left no slot to wait on.
        if maps.fresh.contains_key(&slot) {
            maps.futures.insert(slot, future);
        }
    }
}

impl Side for ServerSide<'_> {
    fn put_object(&mut self, tag: usize, raw: usize) -> WResult<u64> {
        if raw == 0 {
            return Ok(0);
        }
        if let Some(id) = self.session.maps.lock().reverse.get(&raw) {
            return Ok(*id);
        }
        match self.fresh.first().copied() {
            Some(id) => {
                self.fresh.remove(0);
                self.register(tag, id, raw)?;
                Ok(id)
            }
            None => {
                log::error!(
                    "a callback carries a {} the client has no id for",
                    gen::tag_name(tag)
                );
                Ok(0)
            }
        }
    }
    fn get_object(&mut self, tag: usize, id: u64) -> WResult<usize> {
        if id == 0 {
            return Ok(0);
        }
        if id == NOT_LIVE {
            // No table's tag is 0: every lookup of this value fails, and says so.
            return Ok(1);
        }
        match self.session.maps.lock().objects.get(&id) {
            Some(&(t, raw)) if t == tag => Ok(raw),
            Some(_) => Err(WireError::malformed("an id of another object type")),
            None => Err(WireError::malformed("an object id the client never made")),
        }
    }
    fn get_callback(&mut self, kind: u32, slot: u64) -> WResult<(usize, usize)> {
        let mut maps = self.session.maps.lock();
        if maps.fresh.contains_key(&slot) || maps.persistent.contains(&slot) {
            return Err(WireError::malformed("a callback slot already in use"));
        }
        if kind == gen::CALLBACK_UNCAPTURED_ERROR {
            maps.persistent.insert(slot);
        } else {
            maps.fresh.insert(slot, Vec::new());
        }
        Ok((self.session as *const Session as usize, slot as usize))
    }
    fn arena(&mut self) -> &mut Arena {
        &mut self.arena
    }
    fn get_shared(&mut self, start: u64, at: u64, size: usize) -> WResult<*const std::ffi::c_void> {
        let ring = self.session.ring.lock();
        let ring = ring
            .as_ref()
            .ok_or_else(|| WireError::malformed("a ring span without a ring"))?;
        let p = ring.span(start, at, size).map_err(WireError::malformed)?;
        if self.spans.iter().any(|(s, _)| *s == start) {
            return Err(WireError::malformed("a ring span used twice"));
        }
        self.spans.push((start, at + size as u64));
        Ok(p.cast())
    }
}

impl Drop for ServerSide<'_> {
    /// The call is done with its ring spans.
    fn drop(&mut self) {
        if self.spans.is_empty() {
            return;
        }
        if let Some(ring) = self.session.ring.lock().as_mut() {
            for (start, end) in self.spans.drain(..) {
                ring.release(start, end);
            }
        }
    }
}

/// The length of a mapped range the implementation just gave (`size` may be
/// `WGPU_WHOLE_MAP_SIZE`).
fn mapped_len(buffer: WGPUBuffer, offset: usize, size: usize) -> usize {
    if size == WGPU_WHOLE_MAP_SIZE {
        // SAFETY: a live buffer (its range was just given).
        (unsafe { ex::wgpuBufferGetSize(buffer) } as usize).saturating_sub(offset)
    } else {
        size
    }
}

/// `len` bytes at `offset` of buffer `id`'s region, or why not.
fn region_span(maps: &Maps, id: u64, offset: usize, len: usize) -> WResult<*mut u8> {
    maps.regions
        .get(&id)
        .and_then(|region| region.at(offset, len))
        .ok_or_else(|| WireError::malformed("a range outside the buffer's region"))
}

/// A forwarder's body: queues slot `slot`'s arguments for the client.
pub fn forward(
    session: usize,
    slot: usize,
    encode: impl FnOnce(&mut Writer, &mut ServerSide) -> WResult<()>,
) {
    // SAFETY: `session` is the address of a live Session: callbacks fire only while
    // its thread or its pump runs (in its calls, while it releases its objects at the
    // end, or in the pump's turns, which end before that).
    let session = unsafe { &*(session as *const Session) };
    let slot = slot as u64;
    let (fresh, copy) = {
        let mut maps = session.maps.lock();
        maps.futures.remove(&slot);
        (
            maps.fresh.remove(&slot).unwrap_or_default(),
            maps.map_copies.remove(&slot),
        )
    };
    if let Some((buffer, offset, size)) = copy {
        session.copy_mapped(buffer, offset, size);
    }
    let mut side = ServerSide::new(session);
    side.fresh = fresh;
    let mut w = Writer::default();
    w.u64(slot);
    match encode(&mut w, &mut side) {
        Ok(()) => frame(&mut session.out.lock(), R_CALLBACK, &w.buf),
        Err(e) => log::error!("a callback could not be sent: {}", e.message()),
    }
}

impl Session {
    fn reply(&self, body: &[u8]) {
        frame(&mut self.out.lock(), R_REPLY, body);
    }

    /// Sends what the socket takes now; the rest waits for the pump, so that the
    /// session keeps reading even when its client does not (a client blocked sending
    /// to a server blocked sending to it would be a deadlock). False: the client is
    /// gone.
    fn flush(&self) -> bool {
        let mut out = self.out.lock();
        if out.is_empty() {
            return true;
        }
        match self.tx.send_some(&out) {
            Ok(n) => {
                out.drain(..n);
                let left = !out.is_empty();
                drop(out);
                if left {
                    self.wake_pump();
                }
                true
            }
            Err(_) => {
                out.clear();
                false
            }
        }
    }

    /// The last words to a client being cut off: sent within a second, or dropped.
    fn flush_last(&self) {
        let deadline = std::time::Instant::now() + Duration::from_secs(1);
        while self.flush() && self.unsent() > 0 && std::time::Instant::now() < deadline {
            self.tx.writable(Duration::from_millis(50));
        }
    }

    fn unsent(&self) -> usize {
        self.out.lock().len()
    }

    fn instance(&self) -> WGPUInstance {
        Handle::from_raw(*self.instance.lock())
    }

    /// A completed map's range into the buffer's region, before its callback goes:
    /// the client's mapped range is then there without asking (nothing where the
    /// map failed: its range is NULL).
    fn copy_mapped(&self, raw: usize, offset: usize, size: usize) {
        let buffer: WGPUBuffer = Handle::from_raw(raw);
        if buffer.get().is_err() {
            return;
        }
        // SAFETY: a live buffer; the export checks the range and the map state.
        let p = unsafe { ex::wgpuBufferGetConstMappedRange(buffer, offset, size) } as *const u8;
        if p.is_null() {
            return;
        }
        let len = mapped_len(buffer, offset, size);
        let maps = self.maps.lock();
        let to = maps
            .reverse
            .get(&raw)
            .and_then(|id| region_span(&maps, *id, offset, len).ok());
        if let Some(to) = to {
            // SAFETY: a mapped range of `len` bytes into `len` bytes of the region.
            unsafe { std::ptr::copy_nonoverlapping(p, to, len) };
        }
    }

    /// Whether a future of the client waits on GPU work (a map, work done).
    fn waits_on_gpu(&self) -> bool {
        self.instance()
            .get()
            .is_ok_and(|i| !i.ctx.futures.devices(None).is_empty())
    }

    fn wake_pump(&self) {
        *self.woken.lock() = true;
        self.wake.notify_one();
    }

    /// The pump's thread: sends each completion as it happens (woken by the
    /// instance's futures, or by messages that may make work to wait on); while
    /// futures of the client wait on GPU work, polls the GPU, at once at first, then
    /// less often the longer the work runs. It never blocks in wgpu-core's wait: a
    /// timed wait there that times out while only empty submissions are in flight
    /// trips an assertion of wgpu-core 30 (seen under `stress.c`), and it would hold
    /// the device's locks against the session's calls.
    fn pump(&self) {
        let mut busy_since: Option<std::time::Instant> = None;
        while !self.closing.load(Ordering::Acquire) {
            if self.unsent() > 0 {
                // What the client has not taken yet goes first, as it can.
                if self.tx.writable(Duration::from_millis(10)) && !self.flush() {
                    return;
                }
                continue;
            }
            if self.drive() {
                let busy = busy_since
                    .get_or_insert_with(std::time::Instant::now)
                    .elapsed();
                if busy < Duration::from_micros(200) {
                    std::thread::yield_now();
                } else {
                    std::thread::sleep(if busy < Duration::from_millis(2) {
                        Duration::from_micros(50)
                    } else if busy < Duration::from_millis(20) {
                        Duration::from_micros(250)
                    } else {
                        Duration::from_millis(1)
                    });
                }
            } else {
                busy_since = None;
                let mut woken = self.woken.lock();
                if !*woken {
                    self.wake.wait_for(&mut woken, Duration::from_millis(50));
                }
                *woken = false;
            }
        }
    }

    /// One turn of the pump: whether GPU work the client waits on is in flight.
    fn drive(&self) -> bool {
        let Ok(instance) = self.instance().get() else {
            return false;
        };
        let devices = instance.ctx.futures.devices(None);
        let mut busy = false;
        for d in &devices {
            busy |= !d.poll(Some(Duration::ZERO));
        }
        drop(devices);
        let firing = self.firing.lock();
        instance.ctx.futures.process_events();
        drop(firing);
        self.flush();
        busy
    }

    fn buffer(&self, id: u64) -> WResult<WGPUBuffer> {
        let mut side = ServerSide::new(self);
        Ok(Handle::from_raw(side.get_object(gen::TAG_BUFFER, id)?))
    }

    /// One message (with the descriptor it carries); Err ends the session.
    fn handle(&self, kind: u8, body: &[u8], fd: Option<std::os::fd::OwnedFd>) -> WResult<()> {
        let mut r = Reader::new(body);
        match kind {
            K_HELLO => {
                if *self.instance.lock() != 0 {
                    return Err(WireError::malformed("a second hello"));
                }
                if r.u64()? != gen::WIRE_HASH {
                    let mut w = Writer::default();
                    w.u8(0);
                    w.bytes(b"the client library is another version than the server's");
                    self.reply(&w.buf);
                    return Ok(());
                }
                let id = r.u64()?;
                let mut side = ServerSide::new(self);
                let desc = if r.u8()? == 1 {
                    {
                        let d = gen::dec_instance_descriptor(&mut r, &mut side)?;
                        side.keep_one(d) as *const _
                    }
                } else {
                    std::ptr::null()
                };
                // SAFETY: a descriptor decoded into `side`, alive for the call.
                let instance = unsafe { ex::wgpuCreateInstance(desc) };
                let mut w = Writer::default();
                if instance.is_null() {
                    w.u8(0);
                    w.bytes(b"the GPU process could not create an instance with this descriptor");
                } else {
                    side.register(gen::TAG_INSTANCE, id, instance.raw())?;
                    *self.instance.lock() = instance.raw();
                    if let (Ok(i), Some(me)) = (instance.get(), self.me.get()) {
                        let me = me.clone();
                        i.ctx.futures.on_complete(Box::new(move || {
                            if let Some(s) = me.upgrade() {
                                s.wake_pump();
                            }
                        }));
                    }
                    w.u8(1);
                }
                self.reply(&w.buf);
            }
            K_THREAD => {
                // The client's thread keys, apart from this process's own threads'.
                crate::error::act_for(r.u64()? | 1 << 63);
            }
            _ if *self.instance.lock() == 0 => {
                return Err(WireError::malformed("a call before hello"))
            }
            K_CALL => {
                let function = r.u32()?;
                let mut side = ServerSide::new(self);
                // SAFETY: on the session's thread, with its side.
                let reply = unsafe { gen::dispatch(function, &mut r, &mut side) }?;
                if let Some(w) = reply {
                    self.reply(&w.buf);
                }
            }
            K_RELEASE => {
                let tag = r.u8()? as usize;
                let id = r.u64()?;
                let raw = {
                    let mut maps = self.maps.lock();
                    match maps.objects.get(&id) {
                        Some(&(t, raw)) if t == tag => {
                            maps.objects.remove(&id);
                            if maps.reverse.get(&raw) == Some(&id) {
                                maps.reverse.remove(&raw);
                            }
                            raw
                        }
                        _ => {
                            return Err(WireError::malformed("a release of an id it does not hold"))
                        }
                    }
                };
                if tag == gen::TAG_BUFFER {
                    self.maps.lock().regions.remove(&id);
                }
                if raw != 0 {
                    gen::release(tag, raw);
                }
            }
            K_RING => {
                let capacity = r.usize()?;
                if !(shm::RING_MIN..=shm::RING_MAX).contains(&capacity)
                    || !capacity.is_power_of_two()
                {
                    return Err(WireError::malformed("a ring of a size no client makes"));
                }
                let fd = fd.ok_or_else(|| WireError::malformed("a ring without its memory"))?;
                let region =
                    Region::adopt(fd, shm::RING_HEADER + capacity).map_err(WireError::malformed)?;
                *self.ring.lock() = Some(ServerRing::new(region, capacity));
            }
            K_REGION => {
                let id = r.u64()?;
                let len = r.usize()?;
                self.buffer(id)?;
                let fd = fd.ok_or_else(|| WireError::malformed("a region without its memory"))?;
                let mut maps = self.maps.lock();
                if maps.regions.len() >= shm::MAX_REGIONS && !maps.regions.contains_key(&id) {
                    return Err(WireError::malformed(
                        "more shared regions than a client may have",
                    ));
                }
                if len > isize::MAX as usize {
                    return Err(WireError::malformed("a region larger than memory"));
                }
                let region = Region::adopt(fd, len).map_err(WireError::malformed)?;
                maps.regions.insert(id, region);
            }
            K_WRITE_BACK_REGION => {
                let id = r.u64()?;
                let buffer = self.buffer(id)?;
                let offset = r.usize()?;
                let len = r.usize()?;
                let maps = self.maps.lock();
                let from = region_span(&maps, id, offset, len)?;
                // SAFETY: exports check the handle and the range.
                let p = unsafe { ex::wgpuBufferGetMappedRange(buffer, offset, len) };
                if !p.is_null() {
                    // SAFETY: `len` bytes of the region (checked) into a writable mapped
                    // range of `len` bytes.
                    unsafe { std::ptr::copy_nonoverlapping(from, p.cast(), len) };
                }
            }
            K_PROCESS_EVENTS => {
                let _firing = self.firing.lock();
                // SAFETY: the session's instance.
                unsafe { ex::wgpuInstanceProcessEvents(self.instance()) };
                self.reply(&[]);
            }
            K_WAIT_ANY => {
                let n = r.usize()?;
                if n.saturating_mul(8) > r.remaining() {
                    return Err(WireError::malformed("a wait longer than its message"));
                }
                let mut infos = Vec::with_capacity(n);
                let mut without_future = false;
                for _ in 0..n {
                    let slot = r.u64()?;
                    match self.maps.lock().futures.get(&slot) {
                        Some(f) => infos.push(WGPUFutureWaitInfo {
                            future: *f,
                            completed: 0,
                        }),
                        None => without_future = true,
                    }
                }
                let timeout = r.u64()?;
                if without_future {
                    // A callback given in a descriptor (a device's lost callback) has
                    // no future here: it fires in the instance's event loop.
                    // SAFETY: the session's instance.
                    unsafe { ex::wgpuInstanceProcessEvents(self.instance()) };
                }
                let status = if infos.is_empty() {
                    // Nothing left to wait for here: their callbacks are on the way.
                    WGPUWaitStatus::Success
                } else {
                    // SAFETY: `infos` holds `infos.len()` elements.
                    unsafe {
                        ex::wgpuInstanceWaitAny(
                            self.instance(),
                            infos.len(),
                            infos.as_mut_ptr(),
                            timeout,
                        )
                    }
                };
                let mut w = Writer::default();
                w.u32(status.0);
                let _firing = self.firing.lock();
                self.reply(&w.buf);
            }
            K_MAPPED => {
                let id = r.u64()?;
                let buffer = self.buffer(id)?;
                let offset = r.usize()?;
                let size = r.usize()?;
                let writable = r.u8()? == 1;
                let into_region = r.u8()? == 1;
                // SAFETY: exports check the handle and the range.
                let p = unsafe {
                    if writable {
                        ex::wgpuBufferGetMappedRange(buffer, offset, size) as *const u8
                    } else {
                        ex::wgpuBufferGetConstMappedRange(buffer, offset, size) as *const u8
                    }
                };
                let mut w = Writer::default();
                if p.is_null() {
                    w.u8(0);
                } else {
                    let len = mapped_len(buffer, offset, size);
                    if into_region {
                        let maps = self.maps.lock();
                        let to = region_span(&maps, id, offset, len)?;
                        // SAFETY: a mapped range of `len` bytes into `len` bytes of the
                        // region (checked).
                        unsafe { std::ptr::copy_nonoverlapping(p, to, len) };
                        w.u8(2);
                        w.usize(len);
                    } else {
                        w.u8(1);
                        // SAFETY: the implementation gave a mapped range of `len` bytes.
                        w.bytes(unsafe { std::slice::from_raw_parts(p, len) });
                    }
                }
                self.reply(&w.buf);
            }
            K_WRITE_BACK => {
                let buffer = self.buffer(r.u64()?)?;
                let offset = r.usize()?;
                let bytes = r.bytes()?;
                // SAFETY: exports check the handle and the range.
                let p = unsafe { ex::wgpuBufferGetMappedRange(buffer, offset, bytes.len()) };
                if !p.is_null() {
                    // SAFETY: a writable mapped range of `bytes.len()` bytes.
                    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), p.cast(), bytes.len()) };
                }
            }
            K_READ_MAPPED => {
                let buffer = self.buffer(r.u64()?)?;
                let offset = r.usize()?;
                let size = r.usize()?;
                if size > super::transport::MAX_FRAME {
                    return Err(WireError::malformed("a read larger than a message"));
                }
                let mut data = vec![0u8; size];
                // SAFETY: `data` holds `size` bytes.
                let status = unsafe {
                    ex::wgpuBufferReadMappedRange(buffer, offset, data.as_mut_ptr().cast(), size)
                };
                let mut w = Writer::default();
                w.u32(status.0);
                w.bytes(&data);
                self.reply(&w.buf);
            }
            K_WRITE_MAPPED => {
                let buffer = self.buffer(r.u64()?)?;
                let offset = r.usize()?;
                let mut side = ServerSide::new(self);
                let (data, size) = r.data(&mut side)?;
                // SAFETY: `data` holds `size` bytes (or is NULL).
                let status = unsafe { ex::wgpuBufferWriteMappedRange(buffer, offset, data, size) };
                let mut w = Writer::default();
                w.u32(status.0);
                self.reply(&w.buf);
            }
            K_USAGE => {
                let mut side = ServerSide::new(self);
                let device: WGPUDevice =
                    Handle::from_raw(side.get_object(gen::TAG_DEVICE, r.u64()?)?);
                // SAFETY: plain counters, for which zero is a value.
                let mut usage: crate::extensions::WGPUShimDeviceUsage =
                    unsafe { std::mem::zeroed() };
                // SAFETY: a writable struct.
                let status =
                    unsafe { crate::extensions::wgpuShimDeviceGetUsage(device, &mut usage) };
                let header = std::mem::size_of::<*mut WGPUChainedStruct>();
                let size = std::mem::size_of::<crate::extensions::WGPUShimDeviceUsage>();
                let mut w = Writer::default();
                w.u32(status.0);
                // SAFETY: the struct's bytes after its chain pointer, all counters.
                w.buf.extend_from_slice(unsafe {
                    std::slice::from_raw_parts(
                        (&usage as *const _ as *const u8).add(header),
                        size - header,
                    )
                });
                self.reply(&w.buf);
            }
            K_ADAPTERS => {
                let mut ids = Vec::new();
                while r.remaining() >= 8 && ids.len() < super::client::MAX_ADAPTERS {
                    ids.push(r.u64()?);
                }
                let mut list = crate::extensions::WGPUShimAdapterList {
                    adapterCount: 0,
                    adapters: std::ptr::null(),
                };
                // SAFETY: a writable list.
                let status = unsafe {
                    crate::extensions::wgpuShimInstanceEnumerateAdapters(self.instance(), &mut list)
                };
                let adapters: Vec<WGPUAdapter> = if list.adapters.is_null() {
                    Vec::new()
                } else {
                    // SAFETY: the list the implementation filled.
                    unsafe { std::slice::from_raw_parts(list.adapters, list.adapterCount) }.to_vec()
                };
                let mut side = ServerSide::new(self);
                let mut given = 0;
                for (a, id) in adapters.iter().zip(&ids) {
                    // SAFETY: the list holds a reference to each; this one is kept.
                    unsafe { ex::wgpuAdapterAddRef(*a) };
                    side.register(gen::TAG_ADAPTER, *id, a.raw())?;
                    given += 1;
                }
                // SAFETY: the list the implementation filled, freed once.
                unsafe { crate::extensions::wgpuShimAdapterListFreeMembers(list) };
                let mut w = Writer::default();
                w.u32(status.0);
                w.usize(given);
                self.reply(&w.buf);
            }
            _ => return Err(WireError::malformed("an unknown message kind")),
        }
        if r.remaining() != 0 {
            return Err(WireError::malformed("bytes after the end"));
        }
        Ok(())
    }

    /// Releases everything the client held, newest first, then its instance.
    fn teardown(&self) {
        let mut objects: Vec<(u64, (usize, usize))> = self.maps.lock().objects.drain().collect();
        objects.sort_by_key(|o| std::cmp::Reverse(o.0));
        for (_, (tag, raw)) in objects {
            if raw != 0 {
                gen::release(tag, raw);
            }
        }
        *self.instance.lock() = 0;
        self.out.lock().clear();
        self.maps.lock().regions.clear();
        *self.ring.lock() = None;
    }
}

/// A client that leaves this much unread is cut off (it is not reading at all).
const MAX_UNSENT: usize = 256 << 20;

/// Serves one client until it disconnects or sends what does not decode.
pub fn serve(stream: Stream) {
    let tx = match stream.try_clone() {
        Ok(s) => Stream::new(s),
        Err(e) => {
            log::error!("webgpu-shim-server: {e}");
            return;
        }
    };
    let mut rx = stream;
    let session = Arc::new(Session {
        wake: Condvar::new(),
        woken: Mutex::new(false),
        closing: AtomicBool::new(false),
        me: std::sync::OnceLock::new(),
        firing: Mutex::new(()),
        tx,
        out: Mutex::new(Vec::new()),
        maps: Mutex::new(Maps::default()),
        instance: Mutex::new(0),
        ring: Mutex::new(None),
    });
    let _ = session.me.set(Arc::downgrade(&session));
    // This thread's errors and warnings are the client's; so are the pump's.
    let log_to_client = |session: &Arc<Session>| {
        let weak = Arc::downgrade(session);
        crate::logging::forward(Some(Box::new(move |level, message| {
            if let Some(s) = weak.upgrade() {
                let mut w = Writer::default();
                w.u8(level as u8);
                w.bytes(message.as_bytes());
                frame(&mut s.out.lock(), R_LOG, &w.buf);
            }
        })));
    };
    log_to_client(&session);
    let pump = {
        let session = session.clone();
        std::thread::Builder::new()
            .name("webgpu-shim-pump".into())
            .spawn(move || {
                log_to_client(&session);
                session.pump();
                crate::logging::forward(None);
            })
    };
    while let Ok((kind, body)) = rx.receive() {
        let fd = matches!(kind, K_RING | K_REGION)
            .then(|| rx.take_fd())
            .flatten();
        let result = crate::guard::catch(|| session.handle(kind, &body, fd));
        let failure = match result {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e.message().to_string()),
            Err(panic) => Some(format!("internal error: {panic}")),
        };
        if let Some(message) = failure {
            // The operator's record (this thread's log records go to the client).
            if OPERATOR_LOG.load(Ordering::Relaxed) {
                eprintln!("webgpu-shim-server: disconnecting a client: {message}");
            }
            frame(&mut session.out.lock(), R_ERROR, message.as_bytes());
            session.flush_last();
            break;
        }
        if session.unsent() > MAX_UNSENT {
            if OPERATOR_LOG.load(Ordering::Relaxed) {
                eprintln!("webgpu-shim-server: disconnecting a client that does not read");
            }
            break;
        }
        if !rx.has_frame() {
            if session.waits_on_gpu() {
                session.wake_pump();
            }
            if !session.flush() {
                break;
            }
        }
    }
    // The pump stops before the objects go (its callbacks name the session).
    session.closing.store(true, Ordering::Release);
    session.wake_pump();
    if let Ok(pump) = pump {
        let _ = pump.join();
    }
    crate::logging::forward(None);
    session.teardown();
}

/// The wire's hash, for a test or fuzz harness that speaks the wire itself.
pub fn wire_hash() -> u64 {
    gen::WIRE_HASH
}

/// The index of a function on the wire, by its C name.
pub fn function_index(name: &str) -> Option<u32> {
    gen::NAMES.iter().position(|n| *n == name).map(|i| i as u32)
}

/// How many functions cross the wire.
pub fn function_count() -> usize {
    gen::NAMES.len()
}

/// Marks this process as the GPU process (its instances are never remote).
pub fn act_as_server() {
    IN_SERVER.store(true, Ordering::Relaxed);
}

/// `webgpu-shim-server`'s main: `--listen PATH` serves every client that connects
/// to the unix socket at PATH, each on its own thread.
pub fn main(args: &[String]) -> i32 {
    IN_SERVER.store(true, Ordering::Relaxed);
    OPERATOR_LOG.store(true, Ordering::Relaxed);
    crate::logging::install();
    match args {
        [flag, fd] if flag == "--fd" => {
            // Spawned by a client (`WEBGPU_SHIM_REMOTE=spawn`): serve that one
            // connection, then exit.
            let Ok(fd) = fd.parse::<i32>() else {
                eprintln!("webgpu-shim-server: --fd takes a file descriptor number");
                return 2;
            };
            // SAFETY: the spawning client passed this fd open for us alone.
            let socket = unsafe {
                <std::os::unix::net::UnixStream as std::os::fd::FromRawFd>::from_raw_fd(fd)
            };
            serve(Stream::new(socket));
            0
        }
        [flag, path] if flag == "--listen" => {
            let _ = std::fs::remove_file(path);
            let listener = match std::os::unix::net::UnixListener::bind(path) {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("webgpu-shim-server: cannot listen on {path}: {e}");
                    return 1;
                }
            };
            for conn in listener.incoming() {
                match conn {
                    Ok(socket) => {
                        let spawned = std::thread::Builder::new()
                            .name("webgpu-shim-session".into())
                            .spawn(move || serve(Stream::new(socket)));
                        if let Err(e) = spawned {
                            log::error!("webgpu-shim-server: no thread for a client: {e}");
                        }
                    }
                    Err(e) => log::error!("webgpu-shim-server: accept: {e}"),
                }
            }
            0
        }
        _ => {
            eprintln!("usage: webgpu-shim-server --listen SOCKET_PATH | --fd FD");
            2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    /// A session on one end of a socket pair; the other end for the test.
    fn session() -> (Stream, std::thread::JoinHandle<()>) {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        let t = std::thread::spawn(move || serve(Stream::new(b)));
        (Stream::new(a), t)
    }

    fn hello(client: &mut Stream) {
        let mut w = Writer::default();
        w.u64(gen::WIRE_HASH);
        w.u64(1);
        w.u8(0);
        let mut out = Vec::new();
        frame(&mut out, K_HELLO, &w.buf);
        client.send(&out).unwrap();
        let (kind, body) = client.receive().unwrap();
        assert_eq!((kind, body.first().copied()), (R_REPLY, Some(1)));
    }

    #[test]
    fn a_client_sending_garbage_is_disconnected_and_the_server_lives_on() {
        IN_SERVER.store(true, Ordering::Relaxed);
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for round in 0..200 {
            let (mut client, session) = session();
            if round % 2 == 0 {
                hello(&mut client);
            }
            // Random frames: kinds around the real ones, bodies of random bytes with
            // small ids now and then, until the session hangs up.
            for _ in 0..64 {
                let kind = (rng.next() % 17) as u8;
                let len = (rng.next() % 48) as usize;
                let mut body: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
                if kind == K_CALL && body.len() >= 4 {
                    let f = (rng.next() % gen::NAMES.len() as u64) as u32;
                    body[..4].copy_from_slice(&f.to_le_bytes());
                }
                let mut out = Vec::new();
                frame(&mut out, kind, &body);
                if client.send(&out).is_err() {
                    break;
                }
            }
            drop(client);
            // The session ends (the client hung up or was disconnected) without
            // taking the process down.
            session.join().expect("the session thread ends cleanly");
        }
    }

    /// The reason a session gave for ending, after `out` (frames) and `fd`.
    fn cut_off_by(out: &[u8], fd: Option<&std::os::fd::OwnedFd>) -> String {
        IN_SERVER.store(true, Ordering::Relaxed);
        let (mut client, session) = session();
        hello(&mut client);
        match fd {
            Some(fd) => client.send_with_fd(out, fd).unwrap(),
            None => client.send(out).unwrap(),
        }
        let (kind, body) = client.receive().unwrap();
        assert_eq!(kind, R_ERROR);
        assert!(client.receive().is_err(), "the session hung up");
        session.join().unwrap();
        String::from_utf8_lossy(&body).into_owned()
    }

    #[test]
    fn shared_memory_the_server_cannot_trust_ends_the_session() {
        let ring = |capacity: usize| {
            let mut w = Writer::default();
            w.usize(capacity);
            let mut out = Vec::new();
            frame(&mut out, K_RING, &w.buf);
            out
        };
        let cap = shm::RING_MIN;
        assert_eq!(
            cut_off_by(&ring(cap), None),
            "malformed message: a ring without its memory"
        );
        assert_eq!(
            cut_off_by(&ring(cap + 1), None),
            "malformed message: a ring of a size no client makes"
        );
        // A file the client could still shrink under the server's mapping.
        // SAFETY: a new memfd, not sealed.
        let raw = unsafe { libc::memfd_create(c"t".as_ptr(), libc::MFD_CLOEXEC) };
        // SAFETY: our new fd.
        let unsealed =
            unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(raw) };
        // SAFETY: our fd.
        unsafe { libc::ftruncate(raw, (shm::RING_HEADER + cap) as libc::off_t) };
        assert_eq!(
            cut_off_by(&ring(cap), Some(&unsealed)),
            "malformed message: shared memory that is not sealed against shrinking"
        );
        let (_, short) = Region::create(4096).unwrap();
        assert_eq!(
            cut_off_by(&ring(cap), Some(&short)),
            "malformed message: shared memory smaller than claimed"
        );
        // A call whose data names a span of a ring it never sent.
        let mut w = Writer::default();
        w.u32(function_index("wgpuQueueWriteBuffer").unwrap());
        w.u64(NOT_LIVE);
        w.u64(NOT_LIVE);
        w.u64(0);
        w.u8(2);
        w.u64(0);
        w.u64(0);
        w.usize(shm::SHARED_MIN);
        w.usize(shm::SHARED_MIN);
        let mut out = Vec::new();
        frame(&mut out, K_CALL, &w.buf);
        assert_eq!(
            cut_off_by(&out, None),
            "malformed message: a ring span without a ring"
        );
    }

    #[test]
    fn an_id_the_client_never_made_ends_its_session_with_a_reason() {
        IN_SERVER.store(true, Ordering::Relaxed);
        let (mut client, session) = session();
        hello(&mut client);
        let mut w = Writer::default();
        let get_queue = gen::NAMES
            .iter()
            .position(|n| *n == "wgpuDeviceGetQueue")
            .unwrap();
        w.u32(get_queue as u32);
        w.u64(77); // the queue's id
        w.u64(12345); // a device id never made
        let mut out = Vec::new();
        frame(&mut out, K_CALL, &w.buf);
        client.send(&out).unwrap();
        let (kind, body) = client.receive().unwrap();
        assert_eq!(kind, R_ERROR);
        assert_eq!(
            String::from_utf8_lossy(&body),
            "malformed message: an object id the client never made"
        );
        assert!(client.receive().is_err(), "the session hung up");
        session.join().unwrap();
    }
}
