//! The GPU process's decoder against a hostile client: arbitrary frames, after a
//! well-formed hello and a prefix that makes real objects (an adapter, a device, its
//! queue), with ids drawn mostly from those so that decoding goes deep. Each input is
//! one session of an in-process server (`webgpu_shim::remote::server::serve` on a
//! socket pair); a well-behaved session beside it must keep working.
//!
//! A finding is a crash, or a session thread that does not end cleanly.

use std::os::unix::net::UnixStream;

use webgpu_shim::remote::server;
use webgpu_shim::remote::shm::{self, Region};
use webgpu_shim::remote::transport::{frame, Stream};
use webgpu_shim::remote::wire::Writer;
use webgpu_shim::remote::{K_CALL, K_HELLO, K_PROCESS_EVENTS, R_REPLY};

/// Ids the prefix makes: the instance, the adapter, the device, the queue.
const IDS: [u64; 4] = [1, 2, 3, 4];

fn call(out: &mut Vec<u8>, name: &str, body: impl FnOnce(&mut Writer)) {
    let mut w = Writer::default();
    w.u32(server::function_index(name).expect("a function on the wire"));
    body(&mut w);
    frame(out, K_CALL, &w.buf);
}

/// Hello, then an adapter (2), a device (3) and its queue (4), as a client would.
fn prefix() -> Vec<u8> {
    let mut out = Vec::new();
    let mut w = Writer::default();
    w.u64(server::wire_hash());
    w.u64(IDS[0]);
    w.u8(0);
    frame(&mut out, K_HELLO, &w.buf);
    call(&mut out, "wgpuInstanceRequestAdapter", |w| {
        w.u64(IDS[0]);
        w.u8(0); // no options
        w.u64(100); // the callback's slot
        w.u64(IDS[1]); // the adapter's id
    });
    frame(&mut out, K_PROCESS_EVENTS, &[]);
    call(&mut out, "wgpuAdapterRequestDevice", |w| {
        w.u64(IDS[1]);
        w.u8(0); // no descriptor
        w.u64(101);
        w.u64(IDS[2]);
    });
    frame(&mut out, K_PROCESS_EVENTS, &[]);
    call(&mut out, "wgpuDeviceGetQueue", |w| {
        w.u64(IDS[3]);
        w.u64(IDS[2]);
    });
    frame(&mut out, K_PROCESS_EVENTS, &[]);
    out
}

struct Bytes<'a> {
    data: &'a [u8],
    at: usize,
}

impl Bytes<'_> {
    /// The next byte (0 past the end).
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }
}

/// One session fed `prefix` then frames built from `data`; returns whether the
/// session's thread ended cleanly.
fn session(data: &[u8]) -> bool {
    let (client, theirs) = UnixStream::pair().expect("a socket pair");
    let thread = std::thread::spawn(move || server::serve(Stream::new(theirs)));
    let client = Stream::new(client);
    let mut out = prefix();
    let mut input = Bytes { data, at: 0 };
    while input.at < data.len() {
        // A frame: its kind, then tokens until a terminator.
        let kind = input.byte() % 16;
        let mut w = Writer::default();
        if kind == K_CALL {
            let f = u16::from_le_bytes([input.byte(), input.byte()]) as usize
                % server::function_count();
            w.u32(f as u32);
        }
        for _ in 0..(input.byte() % 24) {
            match input.byte() % 8 {
                0..=2 => w.u64(IDS[input.byte() as usize % IDS.len()]),
                3 => w.u8(input.byte() % 3),
                4 => w.u32(u32::from(input.byte())),
                5 => w.u64(u64::from(input.byte()) << (input.byte() % 64)),
                6 => w.bytes(&[input.byte(), input.byte(), input.byte()]),
                _ => w.u8(input.byte()),
            }
        }
        frame(&mut out, kind, &w.buf);
    }
    // Shared memory with the frames where the input asks (odd first byte): sealed, of
    // a ring's size, so that the ring and region messages (and the data spans in
    // calls that name them) are decoded against real memory.
    let region = (data.first().is_some_and(|b| b & 1 == 1))
        .then(|| Region::create(shm::RING_HEADER + shm::RING_MIN).ok())
        .flatten();
    let _ = match &region {
        Some((_, fd)) => client.send_with_fd(&out, fd),
        None => client.send(&out),
    };
    drop(client);
    thread.join().is_ok()
}

/// A well-behaved session: hello, an adapter, a device, its queue, each answered.
pub fn healthy() -> bool {
    let (client, theirs) = UnixStream::pair().expect("a socket pair");
    let thread = std::thread::spawn(move || server::serve(Stream::new(theirs)));
    let mut client = Stream::new(client);
    let ok = client.send(&prefix()).is_ok()
        // The hello's reply (1: an instance), then the adapter and device callbacks
        // and the replies of the three ProcessEvents.
        && matches!(client.receive(), Ok((R_REPLY, body)) if body.first() == Some(&1))
        && (0..5).all(|_| client.receive().is_ok());
    drop(client);
    ok && thread.join().is_ok()
}

pub fn run(data: &[u8]) {
    server::act_as_server();
    assert!(session(data), "a session thread did not end cleanly");
}
