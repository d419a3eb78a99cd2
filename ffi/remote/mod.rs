//! Remote mode: `webgpu.h` over IPC to a GPU process (`webgpu-shim-server`) that owns
//! wgpu-core and the driver, so that what a tenant's work does to the driver costs a
//! device, not the host.
//!
//! A host asks for it per instance (`WEBGPU_SHIM_REMOTE=unix:PATH` for a running
//! server, `spawn` for a server process of the instance's own); every object made
//! from a remote instance is a proxy (`proxy`): its handle has the high bit set, and
//! each generated export sends a call on such a handle to `ffi/generated/wire.rs`'s
//! client stub instead of the in-process implementation. The wire is generated from
//! the API data (`xtask/src/wire.rs`); `wire` holds its primitives, `transport` the
//! socket, `client` the connection and the hand-written calls, `server` the sessions,
//! `extension` this library's own chained structs.
//!
//! Messages (client to server): `K_HELLO` (wire hash, instance id, descriptor),
//! `K_CALL` (function index, arguments), `K_RELEASE`, the event loop (`K_PROCESS_EVENTS`,
//! `K_WAIT_ANY`), and mapped memory (`K_MAPPED`, `K_WRITE_BACK`, `K_READ_MAPPED`,
//! `K_WRITE_MAPPED`); `K_THREAD` before the calls of another client thread (error
//! scopes are per thread). Server to client: `R_REPLY`, `R_CALLBACK` (slot, arguments),
//! `R_ERROR` (why the session ends), `R_LOG` (the session's errors and warnings, for
//! the host's log callback).
//!
//! Bulk data moves through shared memory (`shm`): `K_RING` gives the server a ring
//! that call data of 16 KiB and more is placed in (a data argument on the wire then
//! names its span), `K_REGION` a mapped buffer's region that `K_MAPPED` copies the
//! mapped range into and `K_WRITE_BACK_REGION` copies back from.
//!
//! Not yet: surfaces (windows live in the client process), the host's quotas.

pub mod client;
pub mod extension;
pub mod proxy;
pub mod server;
pub mod shm;
pub mod transport;
pub mod wire;

pub const K_HELLO: u8 = 1;
pub const K_CALL: u8 = 2;
pub const K_RELEASE: u8 = 3;
pub const K_PROCESS_EVENTS: u8 = 4;
pub const K_WAIT_ANY: u8 = 5;
pub const K_MAPPED: u8 = 6;
pub const K_WRITE_BACK: u8 = 7;
pub const K_READ_MAPPED: u8 = 8;
pub const K_WRITE_MAPPED: u8 = 9;
/// The client thread the following calls come from (error scopes are per thread).
pub const K_THREAD: u8 = 10;
/// `wgpuShimDeviceGetUsage` (device id).
pub const K_USAGE: u8 = 11;
/// `wgpuShimInstanceEnumerateAdapters` (the ids for the adapters).
pub const K_ADAPTERS: u8 = 12;
/// A new ring for call data (its capacity), with its memfd.
pub const K_RING: u8 = 13;
/// A mapped buffer's shared region (buffer id, length), with its memfd.
pub const K_REGION: u8 = 14;
/// Unmap is coming: copy a written range of the buffer's region back into its
/// mapping (buffer id, offset, length).
pub const K_WRITE_BACK_REGION: u8 = 15;

pub const R_REPLY: u8 = 1;
pub const R_CALLBACK: u8 = 2;
pub const R_ERROR: u8 = 3;
/// A log record of the session (level, message), for the host's log callback.
pub const R_LOG: u8 = 4;

/// The id of a handle the client could not name (released, of another type): the
/// server passes a handle no table holds, so the implementation reports it.
pub const NOT_LIVE: u64 = u64::MAX;

/// Where a new instance's GPU process is: `WEBGPU_SHIM_REMOTE` (`unix:PATH`, `spawn`), never
/// inside the GPU process itself.
pub fn target() -> Option<String> {
    if server::in_server() {
        return None;
    }
    std::env::var("WEBGPU_SHIM_REMOTE")
        .ok()
        .filter(|t| !t.is_empty())
}
