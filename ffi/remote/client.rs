//! The client: a remote instance's connection to the GPU process, the `Call` every
//! generated stub encodes into, and the functions whose client side is written by
//! hand (the event loop, mapped memory, what the client answers itself).
//!
//! Calls are appended to a batch and sent when a call needs an answer, at `Submit`,
//! at the event loop, or when the batch is large; a call that creates an object
//! returns the handle it chose at once. Replies and callbacks are read by the thread
//! waiting for a reply; callbacks run after every lock of the connection is released
//! (futures through the instance's queue, so their mode holds as in-process).
//!
//! When the server goes away, every pending future completes (device-lost ones with
//! a reason saying so), once, and later calls log an error and do nothing.

use std::collections::HashMap;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;

use super::proxy::{self, Proxy};
use super::shm::{self, Region, Ring};
use super::transport::{frame, Stream};
use super::wire::{Arena, Fire, Reader, Side, WResult, WireError, Writer};
use super::*;
use crate::future::{Futures, Wait};
use crate::generated::types::*;
use crate::generated::wire as gen;
use crate::guard::Fail;
use crate::handle::Handle;

/// A callback the host gave, waiting for the server's call of it.
struct Slot {
    kind: u32,
    callback: usize,
    userdata1: usize,
    userdata2: usize,
    /// The local future it completes (None: it may fire many times, spontaneously).
    future: Option<WGPUFuture>,
    /// Ids chosen for the objects the callback will carry.
    fresh: Vec<u64>,
}

enum Ready {
    Future(WGPUFuture, Fire),
    Now(Fire),
}

pub struct Connection {
    tx: Stream,
    rx: Mutex<Stream>,
    batch: Mutex<Batch>,
    dead: AtomicBool,
    slots: Mutex<HashMap<u64, Slot>>,
    /// Future id -> slot, for WaitAny.
    future_slots: Mutex<HashMap<u64, u64>>,
    /// Device id -> its lost future.
    lost: Mutex<HashMap<u64, WGPUFuture>>,
    pub futures: Futures,
    /// The instance has the TimedWaitAny feature.
    pub timed_wait_any: bool,
    /// Where call data of `SHARED_MIN` bytes and more goes (made at the first).
    ring: Mutex<Option<Ring>>,
    /// Live buffer regions.
    regions: Arc<AtomicUsize>,
    /// A message went out since the last round trip: the event loop asks the server,
    /// so that what it did with them (errors, completions) is here when it returns.
    unsynced: AtomicBool,
    /// Spontaneous futures whose call waits for them (by future id), and the results
    /// of those that another thread read: the calling thread fires them, before its
    /// call returns, as in-process.
    awaited: Mutex<HashMap<u64, Option<Fire>>>,
}

/// A mapped buffer's shared region; its count is the connection's.
pub struct BufferRegion {
    region: Region,
    count: Arc<AtomicUsize>,
}

impl Drop for BufferRegion {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::Relaxed);
    }
}

#[derive(Default)]
struct Batch {
    buf: Vec<u8>,
    /// The client thread of the last call sent (`K_THREAD`).
    thread: u64,
}

/// Send the batch once it holds this much.
const BATCH: usize = 64 * 1024;

impl Connection {
    fn new(stream: Stream, timed_wait_any: bool) -> std::io::Result<Arc<Connection>> {
        let rx = Stream::new(stream.try_clone()?);
        let conn = Arc::new(Connection {
            tx: stream,
            rx: Mutex::new(rx),
            batch: Mutex::new(Batch::default()),
            dead: AtomicBool::new(false),
            slots: Mutex::new(HashMap::new()),
            future_slots: Mutex::new(HashMap::new()),
            lost: Mutex::new(HashMap::new()),
            futures: Futures::default(),
            timed_wait_any,
            ring: Mutex::new(None),
            regions: Arc::new(AtomicUsize::new(0)),
            unsynced: AtomicBool::new(false),
            awaited: Mutex::new(HashMap::new()),
        });
        let watched = Arc::downgrade(&conn);
        std::thread::Builder::new()
            .name("webgpu-shim-remote-watch".into())
            .spawn(move || Connection::watch(watched))?;
        Ok(conn)
    }

    /// Until the connection goes: waits for the server to hang up (reading nothing),
    /// so that an idle client learns of a dead server at once: its devices are lost
    /// and its callbacks complete without waiting for its next call.
    fn watch(conn: std::sync::Weak<Connection>) {
        loop {
            let Some(fd) = conn.upgrade().map(|c| c.tx.raw_fd()) else {
                return;
            };
            if super::transport::hung_up(fd, Duration::from_millis(500)) {
                if let Some(c) = conn.upgrade() {
                    c.gone();
                }
                return;
            }
        }
    }

    pub fn is_dead(&self) -> bool {
        self.dead.load(Ordering::Acquire)
    }

    /// Appends a message; sends the batch when it is large or `flush`.
    pub fn push(&self, kind: u8, body: &[u8], flush: bool) {
        self.unsynced.store(true, Ordering::Relaxed);
        let thread = crate::error::scope_key();
        let mut batch = self.batch.lock();
        if batch.thread != thread {
            batch.thread = thread;
            frame(&mut batch.buf, K_THREAD, &thread.to_le_bytes());
        }
        frame(&mut batch.buf, kind, body);
        if flush || batch.buf.len() >= BATCH {
            let sent = self.tx.send(&batch.buf);
            batch.buf.clear();
            drop(batch);
            if sent.is_err() {
                self.gone();
            }
        }
    }

    /// Sends the batch now.
    pub fn flush(&self) {
        let mut batch = self.batch.lock();
        if batch.buf.is_empty() {
            return;
        }
        let sent = self.tx.send(&batch.buf);
        batch.buf.clear();
        drop(batch);
        if sent.is_err() {
            self.gone();
        }
    }

    /// Appends a message and sends the batch now, with `fd`; false if the server is
    /// gone.
    fn push_with_fd(&self, kind: u8, body: &[u8], fd: &OwnedFd) -> bool {
        let mut batch = self.batch.lock();
        frame(&mut batch.buf, kind, body);
        let sent = self.tx.send_with_fd(&batch.buf, fd);
        batch.buf.clear();
        drop(batch);
        if sent.is_err() {
            self.gone();
        }
        sent.is_ok()
    }

    /// Places `size` bytes of call data in the ring: (span start, position), or None
    /// where they must go in the message (too large, no shared memory, server gone).
    ///
    /// # Safety
    /// `data` valid for `size` bytes.
    unsafe fn put_shared(&self, data: *const u8, size: usize) -> Option<(u64, u64)> {
        if size > shm::RING_MAX / 2 || self.is_dead() {
            return None;
        }
        let mut ring = self.ring.lock();
        let want = (2 * size).next_power_of_two().max(shm::RING_MIN);
        if ring.as_ref().is_none_or(|r| r.capacity < want) {
            // A larger ring replaces the old one once the server is done with it.
            if let Some(old) = ring.as_ref() {
                if !self.wait_consumed(old, old.produced) {
                    return None;
                }
            }
            let (region, fd) = Region::create(shm::RING_HEADER + want).ok()?;
            let mut w = Writer::default();
            w.usize(want);
            if !self.push_with_fd(K_RING, &w.buf, &fd) {
                return None;
            }
            *ring = Some(Ring {
                region,
                capacity: want,
                produced: 0,
            });
        }
        let r = ring.as_mut()?;
        let (start, at) = r.place(size);
        let end = at + size as u64;
        if !self.wait_consumed(r, end.saturating_sub(r.capacity as u64)) {
            return None;
        }
        let dst = r.data(at, size)?;
        // SAFETY: `data` holds `size` bytes (the caller's promise); `dst` is `size`
        // bytes of the ring that the server has consumed (waited for above).
        unsafe { std::ptr::copy_nonoverlapping(data, dst, size) };
        r.produced = end;
        Some((start, at))
    }

    /// Waits until the server has consumed the ring up to `target`; false if the
    /// server is gone.
    fn wait_consumed(&self, ring: &Ring, target: u64) -> bool {
        let mut turns = 0u32;
        while ring.consumed() < target {
            if self.is_dead() {
                return false;
            }
            // The server needs the calls that use the ring (another thread's too).
            if turns.is_multiple_of(64) {
                self.flush();
            }
            turns += 1;
            if turns < 64 {
                std::thread::yield_now();
            } else {
                std::thread::sleep(Duration::from_micros(50));
            }
        }
        true
    }

    /// The shared region of buffer `id` (`p`), made and sent at its first mapped
    /// range; None for a small buffer, past `MAX_REGIONS`, or without shared memory.
    fn region_of(&self, id: u64, p: &Proxy, small_too: bool) -> Option<Arc<BufferRegion>> {
        let mut state = p.buffer.lock();
        if let Some(r) = &state.region {
            return Some(r.clone());
        }
        if (state.size < shm::REGION_MIN && !small_too)
            || state.size == 0
            || state.size > isize::MAX as u64
            || self.regions.load(Ordering::Relaxed) >= shm::MAX_REGIONS
        {
            return None;
        }
        let (region, fd) = Region::create(state.size as usize).ok()?;
        let mut w = Writer::default();
        w.u64(id);
        w.usize(region.size());
        if !self.push_with_fd(K_REGION, &w.buf, &fd) {
            return None;
        }
        self.regions.fetch_add(1, Ordering::Relaxed);
        let r = Arc::new(BufferRegion {
            region,
            count: self.regions.clone(),
        });
        state.region = Some(r.clone());
        Some(r)
    }

    pub fn release(&self, tag: usize, id: u64) {
        if self.is_dead() {
            return;
        }
        let mut w = Writer::default();
        w.u8(tag as u8);
        w.u64(id);
        self.push(K_RELEASE, &w.buf, false);
    }

    /// Sends a message with the batch and waits for its reply, handling the callbacks
    /// that come before it. None when the server is gone.
    pub fn round_trip(self: &Arc<Self>, kind: u8, body: &[u8]) -> Option<Vec<u8>> {
        if self.is_dead() {
            return None;
        }
        let mut ready = Vec::new();
        let reply = {
            let mut rx = self.rx.lock();
            self.push(kind, body, true);
            self.unsynced.store(false, Ordering::Relaxed);
            loop {
                match rx.receive() {
                    Ok((R_REPLY, body)) => break Some(body),
                    Ok((k, body)) => self.on_message(k, &body, &mut ready),
                    Err(_) => break None,
                }
            }
        };
        self.run(ready);
        if reply.is_none() {
            self.gone();
        }
        reply
    }

    /// A message that is not a reply: a callback (queued in `ready`), a log record,
    /// the reason the server cut this client off.
    fn on_message(self: &Arc<Self>, kind: u8, body: &[u8], ready: &mut Vec<Ready>) {
        match kind {
            R_CALLBACK => {
                if let Err(e) = self.on_callback(body, ready) {
                    log::error!("the GPU process sent a bad callback: {}", e.message());
                }
            }
            R_LOG => {
                let mut r = Reader::new(body);
                let level = match r.u8() {
                    Ok(1) => log::Level::Error,
                    _ => log::Level::Warn,
                };
                let message = String::from_utf8_lossy(r.bytes().unwrap_or_default());
                log::log!(level, "{message}");
            }
            R_ERROR => log::error!(
                "the GPU process refused this client: {}",
                String::from_utf8_lossy(body)
            ),
            k => log::error!("the GPU process sent a message of kind {k}"),
        }
    }

    /// The event loop's turn (`ProcessEvents`, `Tick`): where calls went out since
    /// the last round trip, one now, so that what they did is here when it returns;
    /// else only what the server pushed already (completions of GPU work, which it
    /// sends as they happen), read without waiting. Then the ready callbacks fire.
    pub fn process_events(self: &Arc<Self>) {
        if self.is_dead() {
        } else if self.unsynced.load(Ordering::Relaxed) {
            self.round_trip(K_PROCESS_EVENTS, &[]);
        } else if let Some(mut rx) = self.rx.try_lock() {
            // (Another thread holding it is reading these for us.)
            let mut ready = Vec::new();
            let mut failed = false;
            while rx.ready() {
                match rx.receive() {
                    Ok((k, body)) => self.on_message(k, &body, &mut ready),
                    Err(_) => {
                        failed = true;
                        break;
                    }
                }
            }
            drop(rx);
            self.run(ready);
            if failed {
                self.gone();
            }
        }
        self.futures.process_events();
    }

    fn on_callback(self: &Arc<Self>, body: &[u8], ready: &mut Vec<Ready>) -> WResult<()> {
        let mut r = Reader::new(body);
        let slot_id = r.u64()?;
        let (kind, callback, u1, u2, future, fresh) = {
            let mut slots = self.slots.lock();
            let slot = slots
                .get(&slot_id)
                .ok_or_else(|| WireError::malformed("a callback slot it was not given"))?;
            let info = (
                slot.kind,
                slot.callback,
                slot.userdata1,
                slot.userdata2,
                slot.future,
                slot.fresh.clone(),
            );
            if slot.future.is_some() {
                slots.remove(&slot_id);
            }
            info
        };
        if let Some(f) = future {
            self.future_slots.lock().remove(&f.id);
        }
        let side = Received {
            conn: self.clone(),
            fresh,
            arena: Arena::default(),
        };
        let fire = gen::receive(kind, &mut r, side, callback, u1, u2)?;
        if let Some(f) = future {
            if let Some(waiting) = self.awaited.lock().get_mut(&f.id) {
                *waiting = Some(fire);
                return Ok(());
            }
        }
        ready.push(match future {
            Some(f) => Ready::Future(f, fire),
            None => Ready::Now(fire),
        });
        Ok(())
    }

    /// Completes futures and runs spontaneous callbacks, outside every lock.
    fn run(&self, ready: Vec<Ready>) {
        for r in ready {
            match r {
                Ready::Future(f, fire) => self.futures.complete(f, fire),
                Ready::Now(fire) => fire(),
            }
        }
    }

    /// The server is gone: every pending callback completes once, device-lost ones
    /// with reason Unknown and a message saying why.
    fn gone(&self) {
        if self.dead.swap(true, Ordering::AcqRel) {
            return;
        }
        log::error!("the GPU process is gone: its devices are lost");
        let slots: Vec<Slot> = self.slots.lock().drain().map(|(_, s)| s).collect();
        self.future_slots.lock().clear();
        for s in slots {
            let Some(f) = s.future else { continue };
            let (status, message) = if s.kind == gen::CALLBACK_DEVICE_LOST {
                (WGPUDeviceLostReason::Unknown.0, GONE)
            } else {
                (gen::cancelled_status(s.kind), GONE)
            };
            let fire = gen::cancel(
                s.kind,
                s.callback,
                s.userdata1,
                s.userdata2,
                status,
                message,
            );
            self.futures.complete(f, fire);
        }
    }
}

/// The message of everything that ends because the server did.
pub const GONE: &str = "the GPU process exited or the connection to it was lost";

/// The side of the client that decodes a callback's arguments or a reply.
struct Received {
    conn: Arc<Connection>,
    fresh: Vec<u64>,
    arena: Arena,
}

impl Side for Received {
    fn arena(&mut self) -> &mut Arena {
        &mut self.arena
    }
    fn get_object(&mut self, tag: usize, id: u64) -> WResult<usize> {
        if id == 0 {
            return Ok(0);
        }
        if !proxy::exists(id) {
            if !self.fresh.contains(&id) {
                return Err(WireError::malformed("an object id the client never chose"));
            }
            proxy::insert(tag, id, self.conn.clone());
        }
        Ok(proxy::raw(tag, id))
    }
}

/// The side decoding an answer into the host's output struct: arrays and strings
/// are the host's to free with the struct's FreeMembers, as in-process.
#[derive(Default)]
pub struct Owned {
    arena: Arena,
}

impl Side for Owned {
    fn arena(&mut self) -> &mut Arena {
        // Chain links are copied into the host's own links, then dropped.
        &mut self.arena
    }
    fn get_object(&mut self, tag: usize, id: u64) -> WResult<usize> {
        Ok(if id == 0 { 0 } else { proxy::raw(tag, id) })
    }
    fn keep<T: Copy + 'static>(&mut self, v: Vec<T>) -> *const T {
        crate::free_members::leak_array(v).0
    }
    fn keep_string(&mut self, b: &[u8]) -> WGPUStringView {
        let mut v = Vec::with_capacity(b.len() + 1);
        v.extend_from_slice(b);
        v.push(0);
        let (data, _) = crate::free_members::leak_array(v);
        WGPUStringView {
            data: data.cast(),
            length: b.len(),
        }
    }
}

/// Copies each link of a decoded output chain into the host's link of the same sType.
///
/// # Safety
/// `host` the host's valid chain; `got` a decoded one.
pub unsafe fn fill_chain(host: *mut WGPUChainedStruct, got: *mut WGPUChainedStruct) {
    let header = std::mem::size_of::<WGPUChainedStruct>();
    let mut h = host;
    while !h.is_null() {
        // SAFETY: the caller's promise.
        let stype = unsafe { (*h).sType };
        let mut g = got;
        while !g.is_null() {
            // SAFETY: decoded links, valid.
            if unsafe { (*g).sType } == stype {
                if let Some(size) = gen::stype_size(stype) {
                    // SAFETY: both links are structs of `size` bytes (their sType);
                    // the headers (with the host's `next`) stay.
                    unsafe {
                        std::ptr::copy_nonoverlapping(
                            g.cast::<u8>().add(header),
                            h.cast::<u8>().add(header),
                            size - header,
                        )
                    };
                }
                break;
            }
            // SAFETY: as above.
            g = unsafe { (*g).next };
        }
        // SAFETY: the caller's promise.
        h = unsafe { (*h).next };
    }
}

/// The client's side while encoding a call.
pub struct Encoding {
    conn: Arc<Connection>,
    /// Objects this call creates: (tag, id).
    made: Vec<(usize, u64)>,
    /// Slots registered, removed again if the call fails.
    slots: Vec<u64>,
    /// A device-lost future registered by this call's descriptor.
    lost: Option<WGPUFuture>,
    /// Its callback may fire spontaneously: the call waits for the server to try
    /// (these futures).
    spontaneous: Vec<WGPUFuture>,
    /// Unused while encoding (the trait's storage).
    arena: Arena,
}

impl Encoding {
    pub fn new_object(&mut self, tag: usize) -> u64 {
        let id = proxy::next_id();
        self.made.push((tag, id));
        id
    }

    fn slot(&mut self, slot: Slot) -> u64 {
        let id = proxy::next_id();
        if let Some(f) = slot.future {
            self.conn.future_slots.lock().insert(f.id, id);
        }
        self.conn.slots.lock().insert(id, slot);
        self.slots.push(id);
        id
    }

    fn register(
        &self,
        kind: u32,
        mode: WGPUCallbackMode,
        cb: usize,
        u1: usize,
        u2: usize,
    ) -> WResult<WGPUFuture> {
        let cancel = gen::cancel(
            kind,
            cb,
            u1,
            u2,
            gen::cancelled_status(kind),
            crate::future::CANCELLED,
        );
        let f = self.conn.futures.register(mode, None, cancel);
        if f.id == 0 {
            return Err(WireError::unsupported("a callback of a released instance"));
        }
        Ok(f)
    }

    /// A future-returning call's callback: (the local future, its slot, the ids of
    /// the objects it will carry).
    pub fn future(
        &mut self,
        kind: u32,
        mode: WGPUCallbackMode,
        callback: usize,
        userdata1: usize,
        userdata2: usize,
        fresh_tags: &[usize],
    ) -> WResult<(WGPUFuture, u64, Vec<u64>)> {
        let f = self.register(kind, mode, callback, userdata1, userdata2)?;
        if mode == WGPUCallbackMode::AllowSpontaneous {
            self.spontaneous.push(f);
        }
        let fresh: Vec<u64> = fresh_tags.iter().map(|_| proxy::next_id()).collect();
        if let (Some(lost), Some(device)) = (self.lost.take(), fresh.first()) {
            if kind == gen::CALLBACK_REQUEST_DEVICE {
                self.conn.lost.lock().insert(*device, lost);
            }
        }
        let slot = self.slot(Slot {
            kind,
            callback,
            userdata1,
            userdata2,
            future: Some(f),
            fresh: fresh.clone(),
        });
        Ok((f, slot, fresh))
    }
}

impl Side for Encoding {
    fn arena(&mut self) -> &mut Arena {
        &mut self.arena
    }
    unsafe fn put_shared(
        &mut self,
        data: *const std::ffi::c_void,
        size: usize,
    ) -> WResult<Option<(u64, u64)>> {
        // SAFETY: the caller's promise, passed on.
        Ok(unsafe { self.conn.put_shared(data.cast(), size) })
    }
    fn put_object(&mut self, tag: usize, raw: usize) -> WResult<u64> {
        if raw == 0 {
            return Ok(0);
        }
        match proxy::get(raw) {
            Some((id, p)) if p.tag == tag && Arc::ptr_eq(&p.conn, &self.conn) => Ok(id),
            // Released, of another type or another server, or garbage: the server's
            // implementation reports it where it would in-process (a validation
            // error on the device, with the same words).
            _ => Ok(super::NOT_LIVE),
        }
    }
    fn put_callback(
        &mut self,
        kind: u32,
        mode: WGPUCallbackMode,
        cb: usize,
        u1: usize,
        u2: usize,
    ) -> WResult<u64> {
        let future = if kind == gen::CALLBACK_DEVICE_LOST {
            let f = self.register(kind, mode, cb, u1, u2)?;
            self.lost = Some(f);
            Some(f)
        } else {
            None
        };
        Ok(self.slot(Slot {
            kind,
            callback: cb,
            userdata1: u1,
            userdata2: u2,
            future,
            fresh: Vec::new(),
        }))
    }
}

/// One call being encoded by a generated stub.
pub struct Call {
    w: Writer,
    side: Encoding,
    function: &'static str,
}

impl Call {
    /// A call of function `index` on the remote object `raw`; None (logged) when it
    /// is not a live remote object or its server is gone.
    pub fn begin(raw: usize, index: u32, function: &'static str) -> Option<Call> {
        let Some((_, p)) = proxy::get(raw) else {
            log::error!("{function}: {}", proxy::not_live(raw));
            return None;
        };
        Call::on(&p, index, function)
    }

    fn on(p: &Proxy, index: u32, function: &'static str) -> Option<Call> {
        if p.conn.is_dead() {
            log::error!("{function}: {GONE}");
            return None;
        }
        let mut w = Writer::default();
        w.u32(index);
        Some(Call {
            w,
            side: Encoding {
                conn: p.conn.clone(),
                made: Vec::new(),
                slots: Vec::new(),
                lost: None,
                spontaneous: Vec::new(),
                arena: Arena::default(),
            },
            function,
        })
    }

    pub fn parts(&mut self) -> (&mut Writer, &mut Encoding) {
        (&mut self.w, &mut self.side)
    }

    fn publish(&mut self) {
        for (tag, id) in self.side.made.drain(..) {
            proxy::insert(tag, id, self.side.conn.clone());
        }
    }

    /// Sends the call (with the batch at Submit).
    pub fn send(mut self) {
        self.publish();
        if !self.side.spontaneous.is_empty() {
            // In-process, what completes at once (an adapter, a device, a pipeline)
            // calls a spontaneous callback before the call returns, on the calling
            // thread; so here, whichever thread reads the result.
            let conn = &self.side.conn;
            let futures = std::mem::take(&mut self.side.spontaneous);
            conn.awaited
                .lock()
                .extend(futures.iter().map(|f| (f.id, None)));
            conn.push(K_CALL, &self.w.buf, false);
            conn.round_trip(K_PROCESS_EVENTS, &[]);
            let arrived: Vec<(WGPUFuture, Option<Fire>)> = {
                let mut awaited = conn.awaited.lock();
                futures
                    .iter()
                    .map(|f| (*f, awaited.remove(&f.id).flatten()))
                    .collect()
            };
            for (f, fire) in arrived {
                if let Some(fire) = fire {
                    conn.futures.complete(f, fire);
                }
            }
            return;
        }
        let flush = self.function == "wgpuQueueSubmit";
        self.side.conn.push(K_CALL, &self.w.buf, flush);
    }

    /// Sends the call and waits for its reply.
    pub fn round_trip(&mut self) -> Option<Vec<u8>> {
        self.publish();
        let reply = self.side.conn.round_trip(K_CALL, &self.w.buf);
        if reply.is_none() {
            log::error!("{}: {GONE}", self.function);
        }
        reply
    }

    pub fn answered<T: Fail>(self, r: WResult<T>) -> T {
        r.unwrap_or_else(|e| {
            log::error!("{}: {}", self.function, e.message());
            T::fail()
        })
    }

    /// The call could not be encoded: nothing was sent.
    pub fn fail<R: Fail>(self, e: WireError) -> R {
        let mut slots = self.side.conn.slots.lock();
        for s in &self.side.slots {
            if let Some(slot) = slots.remove(s) {
                if let Some(f) = slot.future {
                    let fire = gen::cancel(
                        slot.kind,
                        slot.callback,
                        slot.userdata1,
                        slot.userdata2,
                        gen::cancelled_status(slot.kind),
                        "the call could not be sent to the GPU process",
                    );
                    self.side.conn.futures.complete(f, fire);
                }
            }
        }
        drop(slots);
        log::error!("{}: {}", self.function, e.message());
        R::fail()
    }
}

/// A remote instance, connected to the server at `target` (`unix:PATH`).
///
/// # Safety
/// `descriptor` NULL or valid.
pub unsafe fn create_instance(
    descriptor: *const WGPUInstanceDescriptor,
    target: &str,
) -> WGPUInstance {
    let stream = match connect(target) {
        Ok(s) => s,
        Err(e) => {
            log::error!("wgpuCreateInstance: cannot reach the GPU process at {target}: {e}");
            return Handle::NULL;
        }
    };
    // SAFETY: the caller's promise.
    let timed_wait_any = unsafe { descriptor.as_ref() }.is_some_and(|d| {
        // SAFETY: the caller's promise: an array of that count.
        d.requiredFeatureCount > 0
            && !d.requiredFeatures.is_null()
            && unsafe { std::slice::from_raw_parts(d.requiredFeatures, d.requiredFeatureCount) }
                .contains(&WGPUInstanceFeatureName::TimedWaitAny)
    });
    let conn = match Connection::new(stream, timed_wait_any) {
        Ok(c) => c,
        Err(e) => {
            log::error!("wgpuCreateInstance: {e}");
            return Handle::NULL;
        }
    };
    let id = proxy::next_id();
    let mut w = Writer::default();
    w.u64(gen::WIRE_HASH);
    w.u64(id);
    let mut side = Encoding {
        conn: conn.clone(),
        made: Vec::new(),
        slots: Vec::new(),
        lost: None,
        spontaneous: Vec::new(),
        arena: Arena::default(),
    };
    if descriptor.is_null() {
        w.u8(0);
    } else {
        w.u8(1);
        // SAFETY: the caller's promise.
        if let Err(e) = unsafe { gen::enc_instance_descriptor(&mut w, &mut side, &*descriptor) } {
            log::error!("wgpuCreateInstance: {}", e.message());
            return Handle::NULL;
        }
    }
    let Some(reply) = conn.round_trip(K_HELLO, &w.buf) else {
        log::error!("wgpuCreateInstance: the GPU process at {target} closed the connection");
        return Handle::NULL;
    };
    let mut r = Reader::new(&reply);
    if r.u8().ok() != Some(1) {
        // The session's own error (why) came before, through the log.
        log::debug!(
            "wgpuCreateInstance: the GPU process refused the instance: {}",
            String::from_utf8_lossy(r.bytes().unwrap_or_default())
        );
        return Handle::NULL;
    }
    proxy::insert(gen::TAG_INSTANCE, id, conn);
    Handle::from_raw(proxy::raw(gen::TAG_INSTANCE, id))
}

fn connect(target: &str) -> std::io::Result<Stream> {
    if target == "spawn" {
        return super::transport::spawn(&server_path()?);
    }
    match target.strip_prefix("unix:") {
        Some(path) => Stream::connect(path),
        None => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "expected unix:PATH or spawn",
        )),
    }
}

/// The server a `spawn` instance starts: `WEBGPU_SHIM_SERVER`, else
/// `webgpu-shim-server` beside this library or in `../bin` from it (the build tree and
/// an installed prefix), else on `PATH`.
fn server_path() -> std::io::Result<std::path::PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    if let Some(p) = std::env::var_os("WEBGPU_SHIM_SERVER") {
        return Ok(p.into());
    }
    let name = "webgpu-shim-server";
    // SAFETY: plain C data (pointers), for which all-zero bytes are a value.
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    // SAFETY: dladdr reads the address of a function of this library and fills `info`.
    let found = unsafe { libc::dladdr(server_path as *const libc::c_void, &mut info) } != 0;
    if found && !info.dli_fname.is_null() {
        // SAFETY: dladdr gave a NUL-terminated path, alive as long as the library.
        let file = unsafe { std::ffi::CStr::from_ptr(info.dli_fname) };
        let lib = std::path::PathBuf::from(std::ffi::OsStr::from_bytes(file.to_bytes()));
        // As loaded, and with its links resolved (a soname link elsewhere).
        for lib in [Some(lib.clone()), lib.canonicalize().ok()]
            .into_iter()
            .flatten()
        {
            let Some(dir) = lib.parent() else { continue };
            for candidate in [dir.join(name), dir.join("../bin").join(name)] {
                if candidate.is_file() {
                    return Ok(candidate);
                }
            }
        }
    }
    Ok(name.into())
}

fn conn_of(raw: usize) -> Option<(u64, Arc<Proxy>)> {
    let found = proxy::get(raw);
    if found.is_none() {
        log::error!("{}: {}", crate::guard::entry_point(), proxy::not_live(raw));
    }
    found
}

/// A round trip about the remote object `raw`: its id, then what `body` writes; None
/// (logged) for a handle that is not a live remote object or a gone server.
fn ask(raw: usize, kind: u8, body: impl FnOnce(&mut Writer)) -> Option<Vec<u8>> {
    let (id, p) = conn_of(raw)?;
    let mut w = Writer::default();
    w.u64(id);
    body(&mut w);
    p.conn.round_trip(kind, &w.buf)
}

// The functions written by hand (xtask's HAND_WRITTEN), named `<object>_<method>`.

pub fn instance_process_events(instance: WGPUInstance) {
    let Some((_, p)) = conn_of(instance.raw()) else {
        return;
    };
    p.conn.process_events();
}

/// # Safety
/// `futures` valid for `future_count` elements.
pub unsafe fn instance_wait_any(
    instance: WGPUInstance,
    future_count: usize,
    futures: *mut WGPUFutureWaitInfo,
    timeout_ns: u64,
) -> WGPUWaitStatus {
    let Some((_, p)) = conn_of(instance.raw()) else {
        return WGPUWaitStatus::Error;
    };
    // SAFETY: the caller's promise, passed on.
    let list = match unsafe {
        crate::instance::wait_any_arguments(
            p.conn.timed_wait_any,
            future_count,
            futures,
            timeout_ns,
        )
    } {
        Ok(Some(list)) => list,
        Ok(None) => return WGPUWaitStatus::Success,
        Err(status) => return status,
    };
    // What completed already; an unknown future is an error, as in-process.
    match p.conn.futures.wait_any(list, Some(Duration::ZERO)) {
        Wait::TimedOut => {}
        done => return crate::instance::wait_status(done),
    }
    // The server waits in short turns, so that this client's other threads get
    // their calls through between them; until the deadline, or until another thread
    // brings the completion in.
    let deadline = (timeout_ns != u64::MAX)
        .then(|| std::time::Instant::now() + Duration::from_nanos(timeout_ns));
    loop {
        let turn = std::time::Instant::now();
        let slots: Vec<u64> = {
            let map = p.conn.future_slots.lock();
            list.iter()
                .filter_map(|f| map.get(&f.future.id).copied())
                .collect()
        };
        let left = deadline.map_or(TURN, |d| {
            d.saturating_duration_since(std::time::Instant::now())
        });
        let mut w = Writer::default();
        w.usize(slots.len());
        for s in &slots {
            w.u64(*s);
        }
        w.u64(left.min(TURN).as_nanos() as u64);
        let reply = p.conn.round_trip(K_WAIT_ANY, &w.buf);
        let waited = if slots.is_empty() {
            // Completions read by another thread: they are being queued now.
            p.conn.futures.wait_any(list, Some(left.min(TURN)))
        } else {
            p.conn.futures.wait_any(list, Some(Duration::ZERO))
        };
        match waited {
            Wait::TimedOut => {}
            done => return crate::instance::wait_status(done),
        }
        if reply.is_none() {
            return WGPUWaitStatus::Error;
        }
        if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
            return WGPUWaitStatus::TimedOut;
        }
        // The server had nothing to wait on (a lost callback comes only when the
        // device goes): poll, not spin.
        if turn.elapsed() < Duration::from_millis(1) {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// The longest the server waits for one client thread at a time.
const TURN: Duration = Duration::from_millis(5);

/// # Safety
/// As `wgpuInstanceCreateSurface`.
pub unsafe fn instance_create_surface(
    _instance: WGPUInstance,
    _descriptor: *const WGPUSurfaceDescriptor,
) -> WGPUSurface {
    log::error!(
        "{}: surfaces are not available with a remote instance (windows live in the client process)",
        crate::guard::entry_point()
    );
    Handle::NULL
}

/// # Safety
/// `descriptor` NULL or valid.
pub unsafe fn device_create_buffer(
    device: WGPUDevice,
    descriptor: *const WGPUBufferDescriptor,
) -> WGPUBuffer {
    // SAFETY: the caller's promise, passed on.
    let buffer = unsafe { gen::client::wgpuDeviceCreateBuffer(device, descriptor) };
    // SAFETY: the caller's promise.
    if let (Some((_, p)), Some(d)) = (proxy::get(buffer.raw()), unsafe { descriptor.as_ref() }) {
        let mut state = p.buffer.lock();
        state.size = d.size;
        state.usage = d.usage;
        state.map_write = d.mappedAtCreation != 0;
    }
    buffer
}

pub fn buffer_get_size(buffer: WGPUBuffer) -> u64 {
    conn_of(buffer.raw()).map_or(0, |(_, p)| p.buffer.lock().size)
}

pub fn buffer_get_usage(buffer: WGPUBuffer) -> WGPUBufferUsage {
    conn_of(buffer.raw()).map_or(0, |(_, p)| p.buffer.lock().usage)
}

/// # Safety
/// As the export.
pub unsafe fn buffer_map_async(
    buffer: WGPUBuffer,
    mode: WGPUMapMode,
    offset: usize,
    size: usize,
    callback_info: WGPUBufferMapCallbackInfo,
) -> WGPUFuture {
    let p = proxy::get(buffer.raw()).filter(|(_, p)| !p.conn.is_dead());
    let mut callback_info = callback_info;
    if let Some((id, p)) = &p {
        // The range comes in the region with the result (see `map_done`): for a
        // large buffer, or one mapped again (a small one mapped once costs less
        // through a message than a region).
        let again = std::mem::replace(&mut p.buffer.lock().mapped_before, true);
        p.conn.region_of(*id, p, again);
        let mut state = p.buffer.lock();
        state.map_write = mode & WGPUMapMode_Write != 0;
        let len = if size == WGPU_WHOLE_MAP_SIZE {
            state.size.saturating_sub(offset as u64)
        } else {
            size as u64
        };
        state.map_range = Some((offset as u64, len, state.map_write));
        state.mapped_ok = false;
        let call = Box::new(MapCall {
            user: callback_info,
            buffer: buffer.raw(),
        });
        callback_info.callback = Some(map_done);
        callback_info.userdata1 = Box::into_raw(call).cast();
        callback_info.userdata2 = std::ptr::null_mut();
    }
    // SAFETY: passed on.
    let f = unsafe { gen::client::wgpuBufferMapAsync(buffer, mode, offset, size, callback_info) };
    if let Some((_, p)) = &p {
        p.buffer.lock().map = (f.id != 0).then_some(f);
    }
    f
}

/// A host's map callback, and its buffer, while the map is on its way.
struct MapCall {
    user: WGPUBufferMapCallbackInfo,
    buffer: usize,
}

/// Every remote map's callback: notes the result on the buffer, then calls the
/// host's. Called exactly once per map (result or cancellation), as every callback.
unsafe extern "C" fn map_done(
    status: WGPUMapAsyncStatus,
    message: WGPUStringView,
    userdata1: *mut std::ffi::c_void,
    _userdata2: *mut std::ffi::c_void,
) {
    // SAFETY: the box `buffer_map_async` made for this map, taken back once.
    let call = unsafe { Box::from_raw(userdata1.cast::<MapCall>()) };
    if let Some((_, p)) = proxy::get(call.buffer) {
        p.buffer.lock().mapped_ok = status == WGPUMapAsyncStatus::Success;
    }
    if let Some(f) = call.user.callback {
        // SAFETY: the host's callback with its own userdata, as it asked.
        unsafe { f(status, message, call.user.userdata1, call.user.userdata2) };
    }
}

/// Whether the buffer's last map has not brought its result to this client yet.
fn map_pending(p: &Proxy) -> bool {
    let map = p.buffer.lock().map;
    map.is_some_and(|f| !p.conn.futures.is_completed(f))
}

pub fn buffer_get_map_state(buffer: WGPUBuffer) -> WGPUBufferMapState {
    if proxy::get(buffer.raw()).is_some_and(|(_, p)| map_pending(&p)) {
        return WGPUBufferMapState::Pending;
    }
    // SAFETY: a handle alone.
    unsafe { gen::client::wgpuBufferGetMapState(buffer) }
}

/// A mapped range: in the buffer's shared region where it has one (the server copies
/// the range in), else a copy kept until Unmap; NULL where the server's
/// `Get(Const)MappedRange` gives NULL.
fn mapped_range(buffer: WGPUBuffer, offset: usize, size: usize, writable: bool) -> *mut u8 {
    let Some((id, p)) = conn_of(buffer.raw()) else {
        return std::ptr::null_mut();
    };
    if map_pending(&p) {
        // Not mapped yet, as far as this client knows (in-process: NULL, silently).
        return std::ptr::null_mut();
    }
    if let Some(ptr) = mapped_in_region(&p, offset, size, writable) {
        return ptr;
    }
    let region = p.conn.region_of(id, &p, false);
    let mut w = Writer::default();
    w.u64(id);
    w.usize(offset);
    w.usize(size);
    w.u8(writable as u8);
    w.u8(region.is_some() as u8);
    let Some(reply) = p.conn.round_trip(K_MAPPED, &w.buf) else {
        return std::ptr::null_mut();
    };
    let mut r = Reader::new(&reply);
    let mut state = p.buffer.lock();
    let write_back = writable || state.map_write;
    match (r.u8(), region) {
        (Ok(1), _) => {
            let Ok(bytes) = r.bytes() else {
                return std::ptr::null_mut();
            };
            let mut shadow: Box<[u8]> = bytes.into();
            let ptr = shadow.as_mut_ptr();
            state.shadows.push((offset as u64, shadow, write_back));
            ptr
        }
        (Ok(2), Some(region)) => {
            let Some(ptr) = r.usize().ok().and_then(|len| {
                let ptr = region.region.at(offset, len)?;
                state.ranges.push((offset as u64, len, write_back));
                Some(ptr)
            }) else {
                return std::ptr::null_mut();
            };
            ptr
        }
        _ => std::ptr::null_mut(),
    }
}

/// A range of a map whose bytes the server put in the region with its result, where
/// the range is plainly valid (aligned, inside the map, writable only for a write
/// map); anything else asks the server, whose answer is the implementation's.
fn mapped_in_region(p: &Proxy, offset: usize, size: usize, writable: bool) -> Option<*mut u8> {
    let mut state = p.buffer.lock();
    let (start, len, write) = state.map_range?;
    let region = state.region.clone()?;
    if !state.mapped_ok {
        return None;
    }
    let offset = offset as u64;
    let size = if size == WGPU_WHOLE_MAP_SIZE {
        (start + len).checked_sub(offset)?
    } else {
        size as u64
    };
    let fits = offset >= start && offset.checked_add(size)? <= start + len;
    if !fits
        || !offset.is_multiple_of(8)
        || !size.is_multiple_of(4)
        || size == 0
        || (writable && !write)
    {
        return None;
    }
    let ptr = region.region.at(offset as usize, size as usize)?;
    state
        .ranges
        .push((offset, size as usize, writable || write));
    Some(ptr)
}

pub fn buffer_get_mapped_range(
    buffer: WGPUBuffer,
    offset: usize,
    size: usize,
) -> *mut std::ffi::c_void {
    mapped_range(buffer, offset, size, true).cast()
}

pub fn buffer_get_const_mapped_range(
    buffer: WGPUBuffer,
    offset: usize,
    size: usize,
) -> *const std::ffi::c_void {
    mapped_range(buffer, offset, size, false).cast()
}

/// # Safety
/// `data` valid for `size` bytes.
pub unsafe fn buffer_read_mapped_range(
    buffer: WGPUBuffer,
    offset: usize,
    data: *mut std::ffi::c_void,
    size: usize,
) -> WGPUStatus {
    let Some(reply) = ask(buffer.raw(), K_READ_MAPPED, |w| {
        w.usize(offset);
        w.usize(size);
    }) else {
        return WGPUStatus::Error;
    };
    let mut r = Reader::new(&reply);
    let status = WGPUStatus(r.u32().unwrap_or(0));
    if status == WGPUStatus::Success {
        match r.bytes() {
            Ok(b) if b.len() == size && !data.is_null() => {
                // SAFETY: the caller's promise: `data` holds `size` bytes.
                unsafe { std::ptr::copy_nonoverlapping(b.as_ptr(), data.cast(), size) }
            }
            _ => return WGPUStatus::Error,
        }
    }
    status
}

/// # Safety
/// `data` valid for `size` bytes.
pub unsafe fn buffer_write_mapped_range(
    buffer: WGPUBuffer,
    offset: usize,
    data: *const std::ffi::c_void,
    size: usize,
) -> WGPUStatus {
    let reply = ask(buffer.raw(), K_WRITE_MAPPED, |w| {
        w.usize(offset);
        // SAFETY: the caller's promise.
        unsafe { w.data(data, size) };
    });
    match reply {
        Some(reply) => WGPUStatus(Reader::new(&reply).u32().unwrap_or(0)),
        None => WGPUStatus::Error,
    }
}

/// Sends the writable copies back, then unmaps.
pub fn buffer_unmap(buffer: WGPUBuffer) {
    if let Some((id, p)) = conn_of(buffer.raw()) {
        let ranges = std::mem::take(&mut p.buffer.lock().ranges);
        for (offset, len, write_back) in ranges {
            if write_back {
                let mut w = Writer::default();
                w.u64(id);
                w.u64(offset);
                w.usize(len);
                p.conn.push(K_WRITE_BACK_REGION, &w.buf, false);
            }
        }
        let shadows = std::mem::take(&mut p.buffer.lock().shadows);
        for (offset, bytes, write_back) in shadows {
            if write_back {
                let mut w = Writer::default();
                w.u64(id);
                w.u64(offset);
                w.bytes(&bytes);
                p.conn.push(K_WRITE_BACK, &w.buf, false);
            }
        }
        let mut state = p.buffer.lock();
        state.map_write = false;
        state.map_range = None;
        state.mapped_ok = false;
    }
    // SAFETY: a handle alone.
    unsafe { gen::client::wgpuBufferUnmap(buffer) }
}

pub fn buffer_destroy(buffer: WGPUBuffer) {
    if let Some((_, p)) = proxy::get(buffer.raw()) {
        let mut state = p.buffer.lock();
        state.shadows.clear();
        state.ranges.clear();
        state.map_range = None;
        state.mapped_ok = false;
    }
    // SAFETY: a handle alone.
    unsafe { gen::client::wgpuBufferDestroy(buffer) }
}

pub fn device_get_lost_future(device: WGPUDevice) -> WGPUFuture {
    match conn_of(device.raw()) {
        Some((id, p)) => p.conn.lost.lock().get(&id).copied().unwrap_or_else(|| {
            log::error!(
                "{}: this remote device has no lost future",
                crate::guard::entry_point()
            );
            WGPUFuture { id: 0 }
        }),
        None => WGPUFuture { id: 0 },
    }
}

/// Up to this many adapters come back from an enumeration.
pub const MAX_ADAPTERS: usize = 64;

/// # Safety
/// As `wgpuShimInstanceEnumerateAdapters`.
pub unsafe fn instance_enumerate_adapters(
    instance: WGPUInstance,
    list: *mut crate::extensions::WGPUShimAdapterList,
) -> WGPUStatus {
    let Some((_, p)) = conn_of(instance.raw()) else {
        return WGPUStatus::Error;
    };
    if list.is_null() {
        log::error!("{}: list is NULL", crate::guard::entry_point());
        return WGPUStatus::Error;
    }
    let ids: Vec<u64> = (0..MAX_ADAPTERS).map(|_| proxy::next_id()).collect();
    let mut w = Writer::default();
    for id in &ids {
        w.u64(*id);
    }
    let Some(reply) = p.conn.round_trip(K_ADAPTERS, &w.buf) else {
        return WGPUStatus::Error;
    };
    let mut r = Reader::new(&reply);
    let status = WGPUStatus(r.u32().unwrap_or(0));
    let count = r.usize().unwrap_or(0).min(MAX_ADAPTERS);
    let adapters: Vec<WGPUAdapter> = ids[..count]
        .iter()
        .map(|id| {
            proxy::insert(gen::TAG_ADAPTER, *id, p.conn.clone());
            Handle::from_raw(proxy::raw(gen::TAG_ADAPTER, *id))
        })
        .collect();
    let (adapters, count) = crate::free_members::leak_array(adapters);
    // SAFETY: non-NULL, the caller's writable list.
    unsafe {
        *list = crate::extensions::WGPUShimAdapterList {
            adapterCount: count,
            adapters,
        }
    };
    status
}

/// # Safety
/// As `wgpuShimDeviceGetUsage`.
pub unsafe fn device_get_usage(
    device: WGPUDevice,
    usage: *mut crate::extensions::WGPUShimDeviceUsage,
) -> WGPUStatus {
    // SAFETY: the caller's pointer, passed on.
    if unsafe { crate::device::usage_output(usage) }.is_none() {
        return WGPUStatus::Error;
    }
    let Some(reply) = ask(device.raw(), K_USAGE, |_| {}) else {
        return WGPUStatus::Error;
    };
    let mut r = Reader::new(&reply);
    let status = WGPUStatus(r.u32().unwrap_or(0));
    let header = std::mem::size_of::<*mut WGPUChainedStruct>();
    let size = std::mem::size_of::<crate::extensions::WGPUShimDeviceUsage>();
    match r.take(size - header) {
        // SAFETY: the struct after its chain pointer is `size - header` bytes of
        // counters, as the server's (the same build) wrote them.
        Ok(b) => unsafe {
            std::ptr::copy_nonoverlapping(b.as_ptr(), usage.cast::<u8>().add(header), b.len())
        },
        Err(_) => return WGPUStatus::Error,
    }
    status
}

pub fn device_tick(device: WGPUDevice) {
    // SAFETY: a handle alone.
    unsafe { gen::client::wgpuDeviceTick(device) };
    if let Some((_, p)) = proxy::get(device.raw()) {
        p.conn.process_events();
    }
}
