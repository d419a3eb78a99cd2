//! The transport: framed messages over a stream socket. Linux first (a unix socket);
//! the rest of `remote` sees only `Stream`, so another transport replaces this file.
//!
//! A frame is `u32 length | u8 kind | body`. Writes never raise SIGPIPE (a dead peer
//! is an error, not a signal that kills the host). A file descriptor (shared memory)
//! travels with the bytes of the send that carries the message naming it; the
//! receiver queues what arrives and the message takes the oldest.

use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::net::UnixStream;

/// The largest frame either side accepts (a bigger one ends the connection).
pub const MAX_FRAME: usize = 1 << 30;

pub struct Stream {
    socket: UnixStream,
    /// Bytes read but not yet consumed.
    inbox: Vec<u8>,
    start: usize,
    /// Descriptors received, oldest first.
    fds: VecDeque<OwnedFd>,
}

/// Descriptors a receiver keeps queued; more are closed as they arrive.
const MAX_QUEUED_FDS: usize = 8;

impl Stream {
    pub fn connect(path: &str) -> io::Result<Stream> {
        Ok(Stream::new(UnixStream::connect(path)?))
    }

    pub fn new(socket: UnixStream) -> Stream {
        Stream {
            socket,
            inbox: Vec::new(),
            start: 0,
            fds: VecDeque::new(),
        }
    }

    pub fn from_fd(fd: OwnedFd) -> Stream {
        Stream::new(UnixStream::from(fd))
    }

    pub fn raw_fd(&self) -> i32 {
        self.socket.as_raw_fd()
    }

    pub fn try_clone(&self) -> io::Result<UnixStream> {
        self.socket.try_clone()
    }

    /// Writes all of `bytes` (whole frames), without SIGPIPE.
    pub fn send(&self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            // SAFETY: a valid socket and a valid buffer of that length.
            let n = unsafe {
                libc::send(
                    self.socket.as_raw_fd(),
                    bytes.as_ptr().cast(),
                    bytes.len(),
                    libc::MSG_NOSIGNAL,
                )
            };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            bytes = &bytes[n as usize..];
        }
        Ok(())
    }

    /// Writes what the socket takes of `bytes` now, without waiting: how much.
    pub fn send_some(&self, bytes: &[u8]) -> io::Result<usize> {
        loop {
            // SAFETY: a valid socket and a valid buffer of that length.
            let n = unsafe {
                libc::send(
                    self.socket.as_raw_fd(),
                    bytes.as_ptr().cast(),
                    bytes.len(),
                    libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT,
                )
            };
            if n >= 0 {
                return Ok(n as usize);
            }
            let e = io::Error::last_os_error();
            match e.kind() {
                io::ErrorKind::Interrupted => continue,
                io::ErrorKind::WouldBlock => return Ok(0),
                _ => return Err(e),
            }
        }
    }

    /// Waits until the socket takes more bytes, or `timeout` passes.
    pub fn writable(&self, timeout: std::time::Duration) -> bool {
        let mut p = libc::pollfd {
            fd: self.socket.as_raw_fd(),
            events: libc::POLLOUT,
            revents: 0,
        };
        // SAFETY: one valid pollfd for the call.
        let n = unsafe { libc::poll(&mut p, 1, timeout.as_millis() as i32) };
        n > 0
    }

    /// Writes all of `bytes`, `fd` with the first of them.
    pub fn send_with_fd(&self, bytes: &[u8], fd: &OwnedFd) -> io::Result<()> {
        let raw = fd.as_raw_fd();
        // SAFETY: CMSG_SPACE is arithmetic.
        let space = unsafe { libc::CMSG_SPACE(std::mem::size_of::<i32>() as u32) } as usize;
        let mut control = vec![0u8; space];
        let mut iov = libc::iovec {
            iov_base: bytes.as_ptr() as *mut libc::c_void,
            iov_len: bytes.len(),
        };
        // SAFETY: all-zero bytes are a valid msghdr; the fields are set below.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = space as _;
        // SAFETY: `msg` points at a control buffer of CMSG_SPACE(one int), so its
        // first header and that header's data exist; `iov` and `control` outlive
        // the call.
        let n = unsafe {
            let c = libc::CMSG_FIRSTHDR(&msg);
            (*c).cmsg_level = libc::SOL_SOCKET;
            (*c).cmsg_type = libc::SCM_RIGHTS;
            (*c).cmsg_len = libc::CMSG_LEN(std::mem::size_of::<i32>() as u32) as _;
            std::ptr::write_unaligned(libc::CMSG_DATA(c).cast::<i32>(), raw);
            loop {
                let n = libc::sendmsg(self.socket.as_raw_fd(), &msg, libc::MSG_NOSIGNAL);
                if n >= 0 || io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                    break n;
                }
            }
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        self.send(&bytes[n as usize..])
    }

    /// The oldest descriptor received and not yet taken.
    pub fn take_fd(&mut self) -> Option<OwnedFd> {
        self.fds.pop_front()
    }

    /// The next frame: (kind, body). Blocks until one has arrived.
    pub fn receive(&mut self) -> io::Result<(u8, Vec<u8>)> {
        let header = self.fill(5)?;
        let len = u32::from_le_bytes(header[..4].try_into().unwrap()) as usize;
        let kind = header[4];
        if len > MAX_FRAME {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "frame too large",
            ));
        }
        self.start += 5;
        let body = self.fill(len)?.to_vec();
        self.start += len;
        Ok((kind, body))
    }

    /// Whether a frame has begun to arrive (buffered, or bytes waiting on the socket):
    /// reading it waits at most for the rest of a frame already being sent.
    pub fn ready(&self) -> bool {
        if self.inbox.len() > self.start {
            return true;
        }
        let mut p = libc::pollfd {
            fd: self.socket.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd for the call.
        let n = unsafe { libc::poll(&mut p, 1, 0) };
        n > 0 && p.revents & libc::POLLIN != 0
    }

    /// Whether a whole frame is already buffered (so reading it will not block).
    pub fn has_frame(&self) -> bool {
        let avail = &self.inbox[self.start..];
        avail.len() >= 5
            && avail.len() >= 5 + u32::from_le_bytes(avail[..4].try_into().unwrap()) as usize
    }

    /// At least `n` unread bytes, reading as needed.
    fn fill(&mut self, n: usize) -> io::Result<&[u8]> {
        if self.start > 0 && self.inbox.len() - self.start < n {
            self.inbox.drain(..self.start);
            self.start = 0;
        }
        while self.inbox.len() - self.start < n {
            let mut chunk = [0u8; 64 * 1024];
            let got = self.read(&mut chunk)?;
            if got == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the peer closed",
                ));
            }
            self.inbox.extend_from_slice(&chunk[..got]);
        }
        Ok(&self.inbox[self.start..self.start + n])
    }
}

impl Stream {
    /// One read, queueing the descriptors that come with it.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut control = [0u64; 16];
        let mut iov = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        };
        // SAFETY: all-zero bytes are a valid msghdr; the fields are set below.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(&control) as _;
        let n = loop {
            // SAFETY: `msg` names `buf` and `control`, both alive and writable.
            let n =
                unsafe { libc::recvmsg(self.socket.as_raw_fd(), &mut msg, libc::MSG_CMSG_CLOEXEC) };
            if n >= 0 || io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                break n;
            }
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: the kernel filled `msg_controllen` bytes of `control` with
        // well-formed headers; CMSG_FIRSTHDR/NXTHDR stay within them.
        unsafe {
            let mut c = libc::CMSG_FIRSTHDR(&msg);
            while !c.is_null() {
                if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_RIGHTS {
                    let data = libc::CMSG_DATA(c).cast::<i32>();
                    let count = ((*c).cmsg_len as usize - libc::CMSG_LEN(0) as usize) / 4;
                    for i in 0..count {
                        // Each descriptor is ours now: kept, or closed by drop.
                        let fd = OwnedFd::from_raw_fd(std::ptr::read_unaligned(data.add(i)));
                        if self.fds.len() < MAX_QUEUED_FDS {
                            self.fds.push_back(fd);
                        }
                    }
                }
                c = libc::CMSG_NXTHDR(&msg, c);
            }
        }
        Ok(n as usize)
    }
}

/// Appends a frame of `kind` around `body` to `out`.
pub fn frame(out: &mut Vec<u8>, kind: u8, body: &[u8]) {
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.push(kind);
    out.extend_from_slice(body);
}

/// Starts `server --fd 3` with one end of a socket pair as its fd 3, and returns the
/// other end: a GPU process of this client's own, which ends when the connection does.
pub fn spawn(server: &std::path::Path) -> io::Result<Stream> {
    use std::os::unix::process::CommandExt;
    let (ours, theirs) = UnixStream::pair()?;
    let fd = theirs.as_raw_fd();
    let mut command = std::process::Command::new(server);
    command
        .arg("--fd")
        .arg("3")
        .stdin(std::process::Stdio::null());
    // SAFETY: between fork and exec the closure calls dup2 alone, which is
    // async-signal-safe; dup2 leaves the new fd 3 open across exec.
    unsafe {
        command.pre_exec(move || {
            if libc::dup2(fd, 3) < 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        })
    };
    let mut child = command.spawn()?;
    drop(theirs);
    // Reaped when it exits (after the connection closes).
    std::thread::Builder::new()
        .name("webgpu-shim-reaper".into())
        .spawn(move || {
            let _ = child.wait();
        })?;
    Ok(Stream::new(ours))
}

/// Whether the peer of `fd` hung up within `timeout` (data waiting is not a hang-up
/// and is left unread).
pub fn hung_up(fd: i32, timeout: std::time::Duration) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLRDHUP,
        revents: 0,
    };
    // SAFETY: one valid pollfd for the call.
    let n = unsafe { libc::poll(&mut p, 1, timeout.as_millis() as i32) };
    n > 0 && p.revents & (libc::POLLRDHUP | libc::POLLHUP | libc::POLLERR) != 0
}
