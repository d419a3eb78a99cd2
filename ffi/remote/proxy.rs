//! Proxies: what a client's handle names when its object lives in the GPU process.
//!
//! A proxy handle is `REMOTE | tag << 48 | id`: the high bit (never set in a local
//! handle, whose top byte is its table's tag) tells every export to take the remote
//! branch; the id is the object's name on the wire, chosen by the client when it
//! asks for the object, so creation never waits for the server. The references C
//! holds are counted here; the last release tells the server to release its one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use parking_lot::Mutex;

use super::client::Connection;

pub const REMOTE: usize = 1 << (usize::BITS - 1);
const ID_BITS: u32 = 48;
const ID_MASK: u64 = (1 << ID_BITS) - 1;

/// A proxy's handle value.
pub fn raw(tag: usize, id: u64) -> usize {
    REMOTE | (tag << ID_BITS) | (id & ID_MASK) as usize
}

/// (tag, id) of a proxy handle value.
pub fn split(raw: usize) -> Option<(usize, u64)> {
    (raw & REMOTE != 0).then_some(((raw & !REMOTE) >> ID_BITS, (raw as u64) & ID_MASK))
}

/// A fresh id (never reused in this process).
pub fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed) & ID_MASK
}

/// What the client knows about a buffer without asking.
#[derive(Default)]
pub struct BufferState {
    pub size: u64,
    pub usage: u64,
    /// Copies of the mapped ranges handed to C: (offset, bytes, writable).
    pub shadows: Vec<(u64, Box<[u8]>, bool)>,
    /// Mapped for writing (mappedAtCreation, or MapAsync with WRITE).
    pub map_write: bool,
    /// Its shared region (made at its first MapAsync or mapped range; see `region_of`).
    pub region: Option<Arc<super::client::BufferRegion>>,
    /// The mapped ranges handed to C in the region: (offset, length, written back).
    pub ranges: Vec<(u64, usize, bool)>,
    /// The last MapAsync's future: until its result is here the map is pending,
    /// whatever the server's buffer already is (its pump may have completed it).
    pub map: Option<crate::generated::types::WGPUFuture>,
    /// That map's range (offset, length, for writing), and whether it succeeded: its
    /// bytes are then in the region (the server copied them in before the callback).
    pub map_range: Option<(u64, u64, bool)>,
    pub mapped_ok: bool,
    /// Mapped with MapAsync before.
    pub mapped_before: bool,
}

pub struct Proxy {
    pub tag: usize,
    pub conn: Arc<Connection>,
    refs: AtomicUsize,
    pub buffer: Mutex<BufferState>,
}

static PROXIES: LazyLock<Mutex<HashMap<u64, Arc<Proxy>>>> = LazyLock::new(Default::default);

/// Registers the object `id` of `conn`; C holds one reference.
pub fn insert(tag: usize, id: u64, conn: Arc<Connection>) -> Arc<Proxy> {
    let p = Arc::new(Proxy {
        tag,
        conn,
        refs: AtomicUsize::new(1),
        buffer: Mutex::new(BufferState::default()),
    });
    PROXIES.lock().insert(id, p.clone());
    p
}

/// The live proxy a handle value names, of that tag.
pub fn get(raw: usize) -> Option<(u64, Arc<Proxy>)> {
    let (tag, id) = split(raw)?;
    let p = PROXIES.lock().get(&id).cloned()?;
    (p.tag == tag).then_some((id, p))
}

/// Whether `id` names a live proxy.
pub fn exists(id: u64) -> bool {
    PROXIES.lock().contains_key(&id)
}

/// `wgpu*AddRef` on a proxy.
pub fn add_ref<T: crate::handle::Object>(handle: crate::handle::Handle<T>) {
    match get(handle.raw()) {
        Some((_, p)) => {
            p.refs.fetch_add(1, Ordering::Relaxed);
        }
        None => log::error!(
            "{}: {}",
            crate::guard::entry_point(),
            not_live(handle.raw())
        ),
    }
}

/// `wgpu*Release` on a proxy: the last one tells the server.
pub fn release<T: crate::handle::Object>(handle: crate::handle::Handle<T>) {
    let Some((id, p)) = get(handle.raw()) else {
        log::error!(
            "{}: {}",
            crate::guard::entry_point(),
            not_live(handle.raw())
        );
        return;
    };
    if p.refs.fetch_sub(1, Ordering::AcqRel) == 1 {
        PROXIES.lock().remove(&id);
        p.conn.release(p.tag, id);
        if p.tag == crate::generated::wire::TAG_DEVICE {
            // Its lost callback (Destroyed) comes now, as in-process: the release
            // just went out, so the event loop's turn asks the server.
            p.conn.process_events();
        } else if p.tag == crate::generated::wire::TAG_INSTANCE {
            // What is still pending is cancelled, as in-process.
            p.conn.futures.close();
        }
    }
}

/// What is wrong with a handle that names no live proxy, worded as in-process.
pub fn not_live(raw: usize) -> String {
    let name = split(raw).map_or("object", |(tag, _)| crate::generated::wire::tag_name(tag));
    format!(
        "{name} {raw:#x} is not a live {name} (released, destroyed with its instance, or not one)"
    )
}
