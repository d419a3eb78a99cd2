//! Shared memory for bulk data: memfd regions the client makes and passes to the
//! server over the socket (`SCM_RIGHTS`), so that `WriteBuffer`/`WriteTexture` data
//! and mapped ranges never cross as message bytes.
//!
//! Two uses: a per-connection **ring** for the data of calls (the client copies the
//! caller's bytes in, the message names where; the server hands that pointer to the
//! implementation, which copies it as in-process, then marks the span consumed in
//! the ring's header), and a **region per mapped buffer** (the server copies the
//! mapped range in, the client's `GetMappedRange` pointer is that memory, Unmap
//! copies written ranges back).
//!
//! The server never trusts a region: the file must be sealed against shrinking (so a
//! client cannot truncate it under the server's mapping and raise SIGBUS there), be
//! at least as large as claimed, and every offset is checked against its length.
//! What a client writes into a region while the server reads it can change only the
//! data, never the server's control flow: the server reads it as plain bytes.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};

/// A shared mapping of a memfd.
pub struct Region {
    ptr: *mut u8,
    len: usize,
}

// SAFETY: the mapping is plain memory owned by this value until drop; which side
// writes which bytes when is the protocol's (module note), and no Rust reference
// into it outlives a call.
unsafe impl Send for Region {}
// SAFETY: as above; shared access goes through raw pointers or the header's atomic.
unsafe impl Sync for Region {}

const SEALS: i32 = libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_SEAL;

impl Region {
    /// A new zeroed region of `len` bytes and its file, sealed at that size.
    pub fn create(len: usize) -> io::Result<(Region, OwnedFd)> {
        let name = c"webgpu-shim";
        // SAFETY: a NUL-terminated name and flags; the result is checked.
        let raw = unsafe {
            libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING)
        };
        if raw < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a new fd that nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        // SAFETY: plain calls on our own fd; results checked.
        unsafe {
            if libc::ftruncate(fd.as_raw_fd(), len as libc::off_t) < 0
                || libc::fcntl(fd.as_raw_fd(), libc::F_ADD_SEALS, SEALS) < 0
            {
                return Err(io::Error::last_os_error());
            }
        }
        Ok((Region::map(&fd, len)?, fd))
    }

    /// The region a peer sent: refused unless sealed against shrinking and at least
    /// `len` bytes long.
    pub fn adopt(fd: OwnedFd, len: usize) -> Result<Region, &'static str> {
        // SAFETY: a query on an fd we own.
        let seals = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GET_SEALS) };
        if seals < 0 || seals & libc::F_SEAL_SHRINK == 0 {
            return Err("shared memory that is not sealed against shrinking");
        }
        // SAFETY: all-zero bytes are a valid stat; fstat fills it.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: a valid fd and a writable stat.
        if unsafe { libc::fstat(fd.as_raw_fd(), &mut st) } < 0 || (st.st_size as u64) < len as u64 {
            return Err("shared memory smaller than claimed");
        }
        Region::map(&fd, len).map_err(|_| "shared memory that cannot be mapped")
    }

    fn map(fd: &OwnedFd, len: usize) -> io::Result<Region> {
        if len == 0 {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "empty region"));
        }
        // SAFETY: a shared mapping of a file at least `len` bytes long (checked or
        // made so), which cannot shrink (sealed); unmapped on drop.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(Region {
            ptr: ptr.cast(),
            len,
        })
    }

    pub fn size(&self) -> usize {
        self.len
    }

    /// The address of byte `offset`, where `offset + n` fits.
    pub fn at(&self, offset: usize, n: usize) -> Option<*mut u8> {
        let end = offset.checked_add(n)?;
        // SAFETY: `offset` is within the mapping (checked above).
        (end <= self.len).then(|| unsafe { self.ptr.add(offset) })
    }

    /// The ring's header: the count of bytes the server has consumed.
    pub fn consumed(&self) -> &AtomicU64 {
        // SAFETY: the first 8 bytes of a page-aligned mapping (a ring's header),
        // only ever accessed as this atomic.
        unsafe { &*(self.ptr as *const AtomicU64) }
    }
}

impl Drop for Region {
    fn drop(&mut self) {
        // SAFETY: our own mapping, unmapped once.
        unsafe { libc::munmap(self.ptr.cast(), self.len) };
    }
}

/// Where a ring's data starts (the header takes the first page).
pub const RING_HEADER: usize = 4096;
/// Data smaller than this crosses in the message (cheaper than a ring entry).
pub const SHARED_MIN: usize = 16 * 1024;
/// The smallest and the largest ring; data over half the largest crosses in messages.
pub const RING_MIN: usize = 8 << 20;
pub const RING_MAX: usize = 256 << 20;
/// Mapped buffers of at least this size get a region; at most this many per client.
pub const REGION_MIN: u64 = SHARED_MIN as u64;
pub const MAX_REGIONS: usize = 256;

/// The client's ring: bytes are placed at increasing positions (`produced`), each
/// in one piece (the end of the ring is skipped where a piece does not fit), and
/// reused once the server's `consumed` has passed them.
pub struct Ring {
    pub region: Region,
    pub capacity: usize,
    pub produced: u64,
}

impl Ring {
    pub fn consumed(&self) -> u64 {
        self.region.consumed().load(Ordering::Acquire)
    }

    /// Where `size` bytes go: (the span's start, counting a skipped tail, and the
    /// data's position). The caller waits until `consumed` allows `end - capacity`.
    /// An empty ring starts again at its beginning where that costs no waiting, so
    /// that large data keeps reusing the same (already faulted-in) pages.
    pub fn place(&self, size: usize) -> (u64, u64) {
        let cap = self.capacity as u64;
        let size = size as u64;
        let start = self.produced;
        let phys = start % cap;
        let empty = self.consumed() == start;
        let at = if phys + size > cap || (empty && phys != 0 && size <= phys) {
            start + (cap - phys)
        } else {
            start
        };
        (start, at)
    }

    /// The address of position `at` in the data.
    pub fn data(&self, at: u64, size: usize) -> Option<*mut u8> {
        let phys = (at % self.capacity as u64) as usize;
        if phys + size > self.capacity {
            return None;
        }
        self.region.at(RING_HEADER + phys, size)
    }
}

/// The server's view of a client's ring: which spans were used and released, so
/// that `consumed` only passes a span once every earlier one is done (a client's
/// threads may send theirs out of order).
pub struct ServerRing {
    pub ring: Ring,
    consumed: u64,
    /// Released spans past `consumed`: start -> end (disjoint).
    released: std::collections::BTreeMap<u64, u64>,
}

impl ServerRing {
    pub fn new(region: Region, capacity: usize) -> ServerRing {
        region.consumed().store(0, Ordering::Release);
        ServerRing {
            ring: Ring {
                region,
                capacity,
                produced: 0,
            },
            consumed: 0,
            released: Default::default(),
        }
    }

    /// The data of a span the client placed: checked against the ring, against spans
    /// already used, and against what the client may have outstanding.
    pub fn span(&self, start: u64, at: u64, size: usize) -> Result<*const u8, &'static str> {
        let cap = self.ring.capacity as u64;
        let end = at
            .checked_add(size as u64)
            .ok_or("a ring span past the end")?;
        if size < SHARED_MIN || start < self.consumed || at < start || at - start >= cap {
            return Err("a ring span out of place");
        }
        if end - self.consumed > cap {
            return Err("a ring span the ring cannot hold yet");
        }
        let before = self.released.range(..=start).next_back();
        let after = self.released.range(start..).next();
        if before.is_some_and(|(_, e)| *e > start) || after.is_some_and(|(s, _)| *s < end) {
            return Err("a ring span used twice");
        }
        self.ring
            .data(at, size)
            .map(|p| p as *const u8)
            .ok_or("a ring span across the ring's end")
    }

    /// A call is done with its span: `consumed` moves past every span released in
    /// order, and the client sees it.
    pub fn release(&mut self, start: u64, end: u64) {
        self.released.insert(start, end);
        while let Some(e) = self.released.remove(&self.consumed) {
            self.consumed = e;
        }
        self.ring
            .region
            .consumed()
            .store(self.consumed, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_is_shared_between_its_two_mappings() {
        let (a, fd) = Region::create(1 << 16).unwrap();
        let b = Region::adopt(fd, 1 << 16).unwrap();
        // SAFETY: both within the 64 KiB mapping.
        unsafe {
            *a.at(1000, 1).unwrap() = 42;
            assert_eq!(*b.at(1000, 1).unwrap(), 42);
        }
        assert!(b.at(1 << 16, 1).is_none(), "past the end");
    }

    #[test]
    fn an_unsealed_or_short_file_is_refused() {
        // SAFETY: a new memfd, without sealing.
        let fd = unsafe { libc::memfd_create(c"t".as_ptr(), libc::MFD_CLOEXEC) };
        // SAFETY: our new fd.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        // SAFETY: our fd.
        unsafe { libc::ftruncate(fd.as_raw_fd(), 4096) };
        assert_eq!(
            Region::adopt(fd, 4096).err(),
            Some("shared memory that is not sealed against shrinking")
        );
        let (_, fd) = Region::create(4096).unwrap();
        assert_eq!(
            Region::adopt(fd, 8192).err(),
            Some("shared memory smaller than claimed")
        );
    }

    #[test]
    fn ring_spans_are_released_in_order_whatever_order_calls_finish() {
        let cap = RING_MIN;
        let (region, _) = Region::create(RING_HEADER + cap).unwrap();
        let mut ring = ServerRing::new(region, cap);
        let n = SHARED_MIN as u64;
        assert!(ring.span(0, 0, SHARED_MIN).is_ok());
        assert!(ring.span(n, n, SHARED_MIN).is_ok());
        ring.release(n, 2 * n);
        assert_eq!(ring.ring.consumed(), 0, "the first span is not done yet");
        assert_eq!(
            ring.span(n, n, SHARED_MIN).err(),
            Some("a ring span used twice")
        );
        ring.release(0, n);
        assert_eq!(ring.ring.consumed(), 2 * n);
        assert_eq!(
            ring.span(0, 0, SHARED_MIN).err(),
            Some("a ring span out of place")
        );
        assert_eq!(
            ring.span(2 * n, 2 * n + cap as u64, SHARED_MIN).err(),
            Some("a ring span out of place")
        );
        assert_eq!(
            ring.span(2 * n, cap as u64 - 10, SHARED_MIN).err(),
            Some("a ring span across the ring's end")
        );
        assert_eq!(
            ring.span(2 * n, 2 * n, 100).err(),
            Some("a ring span out of place")
        );
    }
}
