//! The wire's primitives: a `Writer` and a `Reader` of positional little-endian
//! values, and the `Side` each end implements for what a value cannot carry itself
//! (handles become ids, callbacks slots, pointers memory the reading side keeps).
//! The generated codecs (`ffi/generated/wire.rs`) are written in these terms.
//!
//! A reader never trusts a count: an array's count is checked against the bytes left
//! before anything is allocated, so a message cannot ask for more memory than its own
//! size.

use std::any::Any;
use std::ffi::{c_char, c_void};

use crate::generated::types::*;

/// Why a value could not cross.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// The host passed something that cannot cross to another process (a native
    /// window, a chain too long): an error for the caller, the connection stays.
    Unsupported(String),
    /// The bytes do not decode: the peer is broken or hostile; the connection ends.
    Malformed(String),
}

impl WireError {
    pub fn unsupported(what: &str) -> Self {
        WireError::Unsupported(format!("{what} cannot cross to the GPU process"))
    }
    pub fn malformed(what: &str) -> Self {
        WireError::Malformed(format!("malformed message: {what}"))
    }
    pub fn message(&self) -> &str {
        match self {
            WireError::Unsupported(m) | WireError::Malformed(m) => m,
        }
    }
}

pub type WResult<T> = Result<T, WireError>;

/// A callback with its arguments, ready to run once.
pub type Fire = Box<dyn FnOnce() + Send>;

/// Values holding raw pointers into memory that moves along with them (an arena),
/// sent to the thread that runs a callback.
pub struct AssertSend<T>(pub T);
// SAFETY: only used for decoded callback arguments, whose pointers point into the
// arena moved in the same closure; nothing in them is tied to a thread.
unsafe impl<T> Send for AssertSend<T> {}

/// What one end does with what a value cannot carry itself. A side that does not
/// take an object or a callback in some direction keeps the default: refused as
/// malformed.
pub trait Side {
    /// Where decoded values are kept while the call or callback lasts.
    fn arena(&mut self) -> &mut Arena;
    /// A handle's id on the wire (0 for NULL).
    fn put_object(&mut self, _tag: usize, _raw: usize) -> WResult<u64> {
        Err(WireError::malformed("an object where none may be"))
    }
    /// The handle an id names here (0 for 0).
    fn get_object(&mut self, _tag: usize, _id: u64) -> WResult<usize> {
        Err(WireError::malformed("an object where none may be"))
    }
    /// A callback of the host's, kept in a slot; its id on the wire.
    fn put_callback(
        &mut self,
        _kind: u32,
        _mode: WGPUCallbackMode,
        _callback: usize,
        _userdata1: usize,
        _userdata2: usize,
    ) -> WResult<u64> {
        Err(WireError::malformed("a callback where none may be"))
    }
    /// Puts `size` bytes at `data` in shared memory: (the span's start, the data's
    /// position), or None where they go in the message.
    ///
    /// # Safety
    /// `data` valid for `size` bytes.
    unsafe fn put_shared(
        &mut self,
        _data: *const c_void,
        _size: usize,
    ) -> WResult<Option<(u64, u64)>> {
        Ok(None)
    }
    /// The bytes of a span of shared memory (see `put_shared`).
    fn get_shared(&mut self, _start: u64, _at: u64, _size: usize) -> WResult<*const c_void> {
        Err(WireError::malformed("shared memory where none may be"))
    }
    /// The userdata a forwarder of slot `slot` is called with.
    fn get_callback(&mut self, _kind: u32, _slot: u64) -> WResult<(usize, usize)> {
        Err(WireError::malformed("a callback where none may be"))
    }
    /// Keeps decoded values; the pointer lives as long as this side says.
    fn keep<T: Copy + 'static>(&mut self, values: Vec<T>) -> *const T {
        self.arena().keep(values)
    }
    /// Keeps one decoded value (a chain link), writable.
    fn keep_one<T: Copy + 'static>(&mut self, value: T) -> *mut T {
        self.arena().keep_one(value)
    }
    /// Keeps a string's bytes, NUL-terminated.
    fn keep_string(&mut self, bytes: &[u8]) -> WGPUStringView {
        self.arena().keep_string(bytes)
    }
}

/// Memory kept for one decoded call or callback, freed with it.
#[derive(Default)]
pub struct Arena {
    kept: Vec<Box<dyn Any>>,
}

impl Arena {
    pub fn keep<T: Copy + 'static>(&mut self, values: Vec<T>) -> *const T {
        let p = values.as_ptr();
        // The Vec's heap block does not move when the Vec does.
        self.kept.push(Box::new(values));
        p
    }
    pub fn keep_one<T: Copy + 'static>(&mut self, value: T) -> *mut T {
        let mut b = Box::new(value);
        let p: *mut T = &mut *b;
        self.kept.push(b);
        p
    }
    pub fn keep_string(&mut self, bytes: &[u8]) -> WGPUStringView {
        let mut v = Vec::with_capacity(bytes.len() + 1);
        v.extend_from_slice(bytes);
        v.push(0);
        let data = self.keep(v).cast::<c_char>();
        WGPUStringView {
            data,
            length: bytes.len(),
        }
    }
}

/// A message being written.
#[derive(Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    pub fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i32(&mut self, v: i32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn usize(&mut self, v: usize) {
        self.u64(v as u64);
    }
    pub fn f32(&mut self, v: f32) {
        self.u32(v.to_bits());
    }
    pub fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }
    pub fn bytes(&mut self, b: &[u8]) {
        self.usize(b.len());
        self.buf.extend_from_slice(b);
    }

    /// A string view: 0 and its length where `data` is NULL (NULL with
    /// `WGPU_STRLEN` is "no string"), else 1 and its bytes.
    ///
    /// # Safety
    /// `v` valid as webgpu.h defines string views.
    pub unsafe fn string(&mut self, v: WGPUStringView) {
        if v.data.is_null() {
            self.u8(0);
            self.usize(v.length);
            return;
        }
        // SAFETY: the caller's promise.
        let bytes = unsafe {
            if v.length == WGPU_STRLEN {
                std::ffi::CStr::from_ptr(v.data).to_bytes()
            } else {
                std::slice::from_raw_parts(v.data.cast::<u8>(), v.length)
            }
        };
        self.u8(1);
        self.bytes(bytes);
    }

    /// A NUL-terminated string or NULL.
    ///
    /// # Safety
    /// `p` NULL or a NUL-terminated string.
    pub unsafe fn cstring(&mut self, p: *const c_char) {
        if p.is_null() {
            self.u8(0);
        } else {
            self.u8(1);
            // SAFETY: the caller's promise.
            self.bytes(unsafe { std::ffi::CStr::from_ptr(p) }.to_bytes());
        }
    }

    /// `size` bytes at `data` (NULL crosses as NULL, with its size).
    ///
    /// # Safety
    /// `data` NULL or valid for `size` bytes.
    pub unsafe fn data(&mut self, data: *const c_void, size: usize) {
        if data.is_null() || size == 0 {
            self.u8(0);
            self.usize(size);
        } else {
            self.u8(1);
            // SAFETY: the caller's promise.
            self.bytes(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), size) });
        }
    }

    /// An output struct's chain: its sTypes alone (the other side fills the links).
    ///
    /// # Safety
    /// `p` NULL or a valid chain.
    pub unsafe fn out_chain(&mut self, mut p: *mut WGPUChainedStruct) -> WResult<()> {
        let mut links = 0;
        while !p.is_null() {
            links += 1;
            if links > crate::generated::wire::MAX_CHAIN {
                return Err(WireError::unsupported("a chain longer than 32 links"));
            }
            // SAFETY: the caller's promise.
            let link = unsafe { &*p };
            self.u32(link.sType.0);
            p = link.next;
        }
        self.u32(0);
        Ok(())
    }
}

/// A message being read.
/// A data argument: in shared memory where the side puts it there (large data on a
/// connection with a ring), else in the message.
///
/// # Safety
/// `data` NULL or valid for `size` bytes.
pub unsafe fn put_data<S: Side>(
    w: &mut Writer,
    s: &mut S,
    data: *const c_void,
    size: usize,
) -> WResult<()> {
    if !data.is_null() && size >= super::shm::SHARED_MIN {
        // SAFETY: the caller's promise.
        if let Some((start, at)) = unsafe { s.put_shared(data, size) }? {
            w.u8(2);
            w.u64(start);
            w.u64(at);
            w.usize(size);
            return Ok(());
        }
    }
    // SAFETY: the caller's promise.
    unsafe { w.data(data, size) };
    Ok(())
}

pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }
    pub fn take(&mut self, n: usize) -> WResult<&'a [u8]> {
        if n > self.remaining() {
            return Err(WireError::malformed("it ends early"));
        }
        let b = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(b)
    }
    fn array_of<const N: usize>(&mut self) -> WResult<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    pub fn u8(&mut self) -> WResult<u8> {
        Ok(self.take(1)?[0])
    }
    pub fn u16(&mut self) -> WResult<u16> {
        Ok(u16::from_le_bytes(self.array_of()?))
    }
    pub fn u32(&mut self) -> WResult<u32> {
        Ok(u32::from_le_bytes(self.array_of()?))
    }
    pub fn i32(&mut self) -> WResult<i32> {
        Ok(i32::from_le_bytes(self.array_of()?))
    }
    pub fn u64(&mut self) -> WResult<u64> {
        Ok(u64::from_le_bytes(self.array_of()?))
    }
    pub fn usize(&mut self) -> WResult<usize> {
        usize::try_from(self.u64()?).map_err(|_| WireError::malformed("a size too large"))
    }
    pub fn f32(&mut self) -> WResult<f32> {
        Ok(f32::from_bits(self.u32()?))
    }
    pub fn f64(&mut self) -> WResult<f64> {
        Ok(f64::from_bits(self.u64()?))
    }
    pub fn bytes(&mut self) -> WResult<&'a [u8]> {
        let n = self.usize()?;
        self.take(n)
    }

    pub fn string<S: Side>(&mut self, s: &mut S) -> WResult<WGPUStringView> {
        match self.u8()? {
            0 => Ok(WGPUStringView {
                data: std::ptr::null(),
                length: self.usize()?,
            }),
            1 => {
                let b = self.bytes()?;
                Ok(s.keep_string(b))
            }
            _ => Err(WireError::malformed("a string's tag")),
        }
    }

    pub fn cstring<S: Side>(&mut self, s: &mut S) -> WResult<*const c_char> {
        match self.u8()? {
            0 => Ok(std::ptr::null()),
            1 => {
                let b = self.bytes()?;
                if b.contains(&0) {
                    return Err(WireError::malformed("a C string with a NUL inside"));
                }
                Ok(s.keep_string(b).data)
            }
            _ => Err(WireError::malformed("a C string's tag")),
        }
    }

    /// Bytes written by `Writer::data` or [`put_data`]: (pointer, size).
    pub fn data<S: Side>(&mut self, s: &mut S) -> WResult<(*const c_void, usize)> {
        match self.u8()? {
            0 => Ok((std::ptr::null(), self.usize()?)),
            1 => {
                let b = self.bytes()?;
                Ok((s.keep(b.to_vec()).cast(), b.len()))
            }
            2 => {
                let start = self.u64()?;
                let at = self.u64()?;
                let size = self.usize()?;
                Ok((s.get_shared(start, at, size)?, size))
            }
            _ => Err(WireError::malformed("a data tag")),
        }
    }

    /// An array: its count and elements (each at least `min` bytes on the wire).
    pub fn array<S: Side, T: Copy + 'static>(
        &mut self,
        s: &mut S,
        min: usize,
        mut element: impl FnMut(&mut Self, &mut S) -> WResult<T>,
    ) -> WResult<(usize, *const T)> {
        let present = self.u8()?;
        let count = self.usize()?;
        match present {
            0 => Ok((count, std::ptr::null())),
            1 => {
                if count.saturating_mul(min.max(1)) > self.remaining() {
                    return Err(WireError::malformed("an array longer than its message"));
                }
                let mut v = Vec::with_capacity(count);
                for _ in 0..count {
                    v.push(element(self, s)?);
                }
                Ok((count, s.keep(v)))
            }
            _ => Err(WireError::malformed("an array's tag")),
        }
    }

    /// An output chain written by `Writer::out_chain`: zeroed links of its sTypes.
    pub fn out_chain<S: Side>(&mut self, s: &mut S) -> WResult<*mut WGPUChainedStruct> {
        let mut links: Vec<*mut WGPUChainedStruct> = Vec::new();
        loop {
            let stype = WGPUSType(self.u32()?);
            if stype.0 == 0 {
                break;
            }
            if links.len() == crate::generated::wire::MAX_CHAIN {
                return Err(WireError::malformed("a chain longer than 32 links"));
            }
            links.push(crate::generated::wire::zeroed_link(s, stype)?);
        }
        for pair in links.windows(2) {
            // SAFETY: each link was just made by `zeroed_link` and is not shared.
            unsafe { (*pair[0]).next = pair[1] };
        }
        Ok(links.first().copied().unwrap_or(std::ptr::null_mut()))
    }
}

/// For tests of the codec: handles cross as their values, callbacks as a slot made
/// from the mode, decoded values kept in an arena.
#[cfg(test)]
pub(crate) struct Plain(pub Arena);

#[cfg(test)]
impl Side for Plain {
    fn arena(&mut self) -> &mut Arena {
        &mut self.0
    }
    fn put_object(&mut self, _: usize, raw: usize) -> WResult<u64> {
        Ok(raw as u64)
    }
    fn get_object(&mut self, _: usize, id: u64) -> WResult<usize> {
        Ok(id as usize)
    }
    fn put_callback(
        &mut self,
        _: u32,
        mode: WGPUCallbackMode,
        _: usize,
        _: usize,
        _: usize,
    ) -> WResult<u64> {
        Ok(u64::from(mode.0) + 100)
    }
    fn get_callback(&mut self, _: u32, slot: u64) -> WResult<(usize, usize)> {
        Ok((0, slot as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_array_count_larger_than_the_message_is_refused_before_allocating() {
        let mut w = Writer::default();
        w.u8(1);
        w.usize(usize::MAX / 2);
        let mut s = Plain(Arena::default());
        let r = Reader::new(&w.buf).array(&mut s, 4, |r, _| r.u32());
        assert_eq!(
            r.unwrap_err(),
            WireError::malformed("an array longer than its message")
        );
    }

    #[test]
    fn a_bind_group_descriptor_crosses_with_its_label_entries_and_chain() {
        let label = b"groups";
        let entries = [WGPUBindGroupEntry {
            nextInChain: std::ptr::null_mut(),
            binding: 3,
            buffer: crate::handle::Handle::from_raw(0x42),
            offset: 256,
            size: 64,
            sampler: crate::handle::Handle::NULL,
            textureView: crate::handle::Handle::NULL,
        }; 2];
        let desc = WGPUBindGroupDescriptor {
            nextInChain: std::ptr::null_mut(),
            label: WGPUStringView {
                data: label.as_ptr().cast(),
                length: label.len(),
            },
            layout: crate::handle::Handle::from_raw(0x99),
            entryCount: 2,
            entries: entries.as_ptr(),
        };
        let mut w = Writer::default();
        let mut s = Plain(Arena::default());
        // SAFETY: a valid descriptor.
        unsafe { crate::generated::wire::enc_bind_group_descriptor(&mut w, &mut s, &desc) }
            .unwrap();
        let mut r = Reader::new(&w.buf);
        let got = crate::generated::wire::dec_bind_group_descriptor(&mut r, &mut s).unwrap();
        assert_eq!(r.remaining(), 0);
        assert_eq!(got.entryCount, 2);
        assert_eq!(got.layout.raw(), 0x99);
        // SAFETY: decoded into `s`, alive.
        let e = unsafe { &*got.entries.add(1) };
        assert_eq!(
            (e.binding, e.buffer.raw(), e.offset, e.size),
            (3, 0x42, 256, 64)
        );
        // SAFETY: as above.
        let l =
            unsafe { std::slice::from_raw_parts(got.label.data.cast::<u8>(), got.label.length) };
        assert_eq!(l, label);
        // Every truncation of the message is refused, never read past.
        for n in 0..w.buf.len() {
            let mut r = Reader::new(&w.buf[..n]);
            assert!(crate::generated::wire::dec_bind_group_descriptor(&mut r, &mut s).is_err());
        }
    }

    #[test]
    fn a_shader_module_descriptor_crosses_with_its_wgsl_source_in_the_chain() {
        let code = b"@compute @workgroup_size(1) fn main() {}";
        let wgsl = WGPUShaderSourceWGSL {
            chain: WGPUChainedStruct {
                next: std::ptr::null_mut(),
                sType: WGPUSType::ShaderSourceWGSL,
            },
            code: WGPUStringView {
                data: code.as_ptr().cast(),
                length: code.len(),
            },
        };
        let desc = WGPUShaderModuleDescriptor {
            nextInChain: &wgsl.chain as *const _ as *mut _,
            label: WGPUStringView {
                data: std::ptr::null(),
                length: WGPU_STRLEN,
            },
        };
        let mut w = Writer::default();
        let mut s = Plain(Arena::default());
        // SAFETY: a valid descriptor.
        unsafe { crate::generated::wire::enc_shader_module_descriptor(&mut w, &mut s, &desc) }
            .unwrap();
        let got =
            crate::generated::wire::dec_shader_module_descriptor(&mut Reader::new(&w.buf), &mut s)
                .unwrap();
        assert!(got.label.data.is_null() && got.label.length == WGPU_STRLEN);
        // SAFETY: decoded into `s`, alive.
        let link = unsafe { &*got.nextInChain };
        assert_eq!(link.sType, WGPUSType::ShaderSourceWGSL);
        assert!(link.next.is_null());
        // SAFETY: its sType says what it is.
        let src = unsafe { &*(got.nextInChain as *const WGPUShaderSourceWGSL) };
        // SAFETY: as above.
        let c = unsafe { std::slice::from_raw_parts(src.code.data.cast::<u8>(), src.code.length) };
        assert_eq!(c, code);
    }
}
