//! Handles: what C holds instead of pointers into Rust memory.
//!
//! Ownership, once for every object type: a `WGPUFoo` handle is one entry of the
//! per-type table `Foo::table()`, holding an `Arc<Foo>` and a count of the references
//! C holds (starting at 1 on creation; `wgpuFooAddRef` adds one, `wgpuFooRelease`
//! removes one). When that count reaches zero the entry is freed and its generation
//! bumped, so a stale handle is recognised instead of dereferenced. The Rust object
//! itself lives on while anything inside the library (a bind group's buffers, a
//! pending map, a pass's encoder) still holds an `Arc` to it.
//!
//! A handle packs `type tag | generation | index + 1` into a pointer-sized integer, so
//! NULL (0), a handle of another type, a released handle and garbage are all
//! detected.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

#[cfg(target_pointer_width = "64")]
mod bits {
    pub const INDEX: u32 = 32;
    pub const GENERATION: u32 = 24;
}
#[cfg(not(target_pointer_width = "64"))]
mod bits {
    pub const INDEX: u32 = 20;
    pub const GENERATION: u32 = 7;
}
const INDEX_MASK: usize = (1usize << bits::INDEX) - 1;
const GENERATION_MASK: usize = (1usize << bits::GENERATION) - 1;

/// A WebGPU object type that C can hold handles to.
pub trait Object: Send + Sync + Sized + 'static {
    /// The C type name, for error messages.
    const NAME: &'static str;
    /// Distinguishes the tables, so that a handle of another type is detected.
    const TAG: usize;
    fn table() -> &'static Table<Self>;
    /// The device that errors about this object are reported on, if any.
    fn device(this: &Arc<Self>) -> Option<Arc<crate::device::Device>>;
    /// Its name in wgpu-core's messages, for objects `SetLabel` can rename.
    fn name(&self) -> Option<&crate::label::Name> {
        None
    }
    /// Its wgpu-core id packed (`WithId`), or 0 for objects without one.
    fn id_bits(&self) -> u64 {
        0
    }
}

/// An object that is a wgpu-core id: its table keeps the id beside it, so that
/// commands naming it read the id without locks or reference counts.
pub trait WithId: Object {
    type Marker: wgc::id::Marker;
}

pub fn id_bits<M: wgc::id::Marker>(id: wgc::id::Id<M>) -> u64 {
    let (index, epoch) = id.unzip();
    (u64::from(epoch) << 32) | u64::from(index)
}

/// A C handle to a `T`: `WGPUBuffer` is `Handle<Buffer>`.
#[repr(transparent)]
pub struct Handle<T> {
    raw: usize,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for Handle<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Handle<T> {}
impl<T> PartialEq for Handle<T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}
impl<T> std::fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Handle({:#x})", self.raw)
    }
}

/// Why a handle does not name a live object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandleError {
    Null,
    /// Released, of another type, or never made by this library.
    Invalid,
}

impl<T> Handle<T> {
    /// The handle with this value, checked when used like any handle from C.
    pub fn from_raw(raw: usize) -> Self {
        Self {
            raw,
            _type: PhantomData,
        }
    }

    /// Whether it names an object of the GPU process (`crate::remote::proxy`).
    #[inline]
    pub fn is_remote(self) -> bool {
        cfg!(target_pointer_width = "64") && self.raw & crate::remote::proxy::REMOTE != 0
    }
}

impl<T: Object> Handle<T> {
    pub const NULL: Self = Self {
        raw: 0,
        _type: PhantomData,
    };

    pub fn is_null(self) -> bool {
        self.raw == 0
    }

    pub fn raw(self) -> usize {
        self.raw
    }

    fn unpack(self) -> Result<(usize, usize), HandleError> {
        if self.raw == 0 {
            return Err(HandleError::Null);
        }
        let tag = self.raw >> (bits::INDEX + bits::GENERATION);
        if tag != T::TAG {
            return Err(HandleError::Invalid);
        }
        let index = (self.raw & INDEX_MASK).wrapping_sub(1);
        let generation = (self.raw >> bits::INDEX) & GENERATION_MASK;
        Ok((index, generation))
    }

    /// Registers a new object; C holds the one reference.
    pub fn new(value: T) -> Self {
        Self::from_arc(Arc::new(value))
    }

    pub fn from_arc(value: Arc<T>) -> Self {
        T::table().insert(value)
    }

    /// The object, or why there is none.
    pub fn get(self) -> Result<Arc<T>, HandleError> {
        let (index, generation) = self.unpack()?;
        T::table().get(index, generation)
    }

    /// Runs `f` on the object without taking a reference, for the hot recording
    /// calls; logs and gives None for a bad handle. A release racing with `f` waits
    /// for it to end, so `f` must not call out to C (where the host could release
    /// this very handle): callers report errors after it returns.
    #[inline]
    pub fn with_or_log<R>(self, function: &str, f: impl FnOnce(&T) -> R) -> Option<R> {
        let borrowed = self.unpack().and_then(|(index, generation)| {
            T::table().pinned(index, generation, |object| f(object))
        });
        match borrowed {
            Ok(r) => Some(r),
            Err(e) => {
                log::error!("{function}: {}", self.describe(e));
                None
            }
        }
    }

    /// The object, or None (also for NULL) with an error about it logged.
    pub fn get_or_log(self, function: &str) -> Option<Arc<T>> {
        match self.get() {
            Ok(object) => Some(object),
            Err(e) => {
                log::error!("{function}: {}", self.describe(e));
                None
            }
        }
    }

    /// The object, or an error message naming what was wrong with the handle.
    pub fn get_or_message(self, what: &str) -> Result<Arc<T>, String> {
        self.get()
            .map_err(|e| format!("{what}: {}", self.describe(e)))
    }

    pub fn describe(self, e: HandleError) -> String {
        match e {
            HandleError::Null => format!("{} is NULL", T::NAME),
            HandleError::Invalid => format!(
                "{} {:#x} is not a live {} (released, destroyed with its instance, or not one)",
                T::NAME,
                self.raw,
                T::NAME
            ),
        }
    }

    /// NULL is allowed and gives None; anything else must be live.
    pub fn get_optional(self, what: &str) -> Result<Option<Arc<T>>, String> {
        if self.is_null() {
            Ok(None)
        } else {
            self.get_or_message(what).map(Some)
        }
    }
}

impl<T: WithId> Handle<T> {
    /// The object's wgpu-core id, without taking a reference: for hot paths, where
    /// the caller's own reference keeps the object alive for the call.
    #[inline]
    pub fn id(self) -> Result<wgc::id::Id<T::Marker>, HandleError> {
        let (index, generation) = self.unpack()?;
        let bits = T::table().id(index, generation)?;
        Ok(wgc::id::Id::zip(bits as u32, (bits >> 32) as u32))
    }

    pub fn id_or_message(self, what: &str) -> Result<wgc::id::Id<T::Marker>, String> {
        self.id()
            .map_err(|e| format!("{what}: {}", self.describe(e)))
    }

    /// NULL gives None; anything else must be live.
    pub fn id_optional(self, what: &str) -> Result<Option<wgc::id::Id<T::Marker>>, String> {
        if self.is_null() {
            Ok(None)
        } else {
            self.id_or_message(what).map(Some)
        }
    }
}

/// A new handle on its way to a callback: released if the callback never takes it
/// (its future was cancelled, or the callback is NULL).
pub struct Unclaimed<T: Object>(Option<Handle<T>>);

impl<T: Object> Unclaimed<T> {
    pub fn new(handle: Handle<T>) -> Self {
        Unclaimed(Some(handle))
    }

    pub fn claim(mut self) -> Handle<T> {
        self.0.take().unwrap_or(Handle::NULL)
    }
}

impl<T: Object> Drop for Unclaimed<T> {
    fn drop(&mut self) {
        if let Some(h) = self.0.take() {
            release(h);
        }
    }
}

/// `wgpuFooAddRef`.
pub fn add_ref<T: Object>(handle: Handle<T>) {
    match handle.unpack().and_then(|(i, g)| T::table().add_ref(i, g)) {
        Ok(()) => {}
        Err(e) => log::error!("wgpu{}AddRef: {}", &T::NAME[4..], handle.describe(e)),
    }
}

/// `wgpuFooRelease`.
pub fn release<T: Object>(handle: Handle<T>) {
    match handle.unpack().and_then(|(i, g)| T::table().release(i, g)) {
        // The object may run its Drop here, outside the table's locks.
        Ok(last) => drop(last),
        Err(e) => log::error!("wgpu{}Release: {}", &T::NAME[4..], handle.describe(e)),
    }
}

/// One entry of a table. Aligned to a cache line so that objects used by different
/// threads (each thread's pass encoder, say) never share one.
#[repr(align(64))]
struct Slot<T> {
    /// `generation << 1 | alive`: what a handle is checked against, lock-free.
    state: AtomicUsize,
    /// Readers between checking `state` and taking their `Arc`; a release waits for
    /// them to leave before it drops the object.
    pins: AtomicUsize,
    /// The references C holds.
    refs: AtomicUsize,
    /// A copy of the object's wgpu-core id (`Object::id_bits`), read without pins.
    id: AtomicU64,
    /// `Arc::into_raw` of the object while alive, else null.
    value: AtomicPtr<T>,
}

impl<T> Slot<T> {
    fn empty() -> Self {
        Self {
            state: AtomicUsize::new(0),
            pins: AtomicUsize::new(0),
            refs: AtomicUsize::new(0),
            id: AtomicU64::new(0),
            value: AtomicPtr::new(std::ptr::null_mut()),
        }
    }
}

/// Slots live in buckets that are allocated once and never move or free, so a slot
/// found by index stays valid: bucket `b` holds `FIRST_BUCKET << b` slots.
const FIRST_BUCKET: usize = 64;
const BUCKETS: usize = bits::INDEX as usize - 5;

/// The table of one object type. Lookups (`get`, `id`, `add_ref`, `release`) take no
/// lock and write only the slot's own cache line, so threads using different objects
/// never contend; creating an object takes the allocator's lock.
pub struct Table<T> {
    buckets: [AtomicPtr<Slot<T>>; BUCKETS],
    allocator: Mutex<Allocator>,
}

struct Allocator {
    /// Slots ever handed out: the next new index.
    len: usize,
    free: Vec<usize>,
}

fn bucket_of(index: usize) -> (usize, usize) {
    let n = index + FIRST_BUCKET;
    let bucket =
        (usize::BITS - 1 - n.leading_zeros()) as usize - FIRST_BUCKET.trailing_zeros() as usize;
    (bucket, n - (FIRST_BUCKET << bucket))
}

const ALIVE: usize = 1;

fn alive(generation: usize) -> usize {
    generation << 1 | ALIVE
}

impl<T: Object> Default for Table<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Object> Table<T> {
    pub const fn new() -> Self {
        Self {
            buckets: [const { AtomicPtr::new(std::ptr::null_mut()) }; BUCKETS],
            allocator: parking_lot::const_mutex(Allocator {
                len: 0,
                free: Vec::new(),
            }),
        }
    }

    fn handle(index: usize, generation: usize) -> Handle<T> {
        Handle {
            raw: (T::TAG << (bits::INDEX + bits::GENERATION))
                | (generation << bits::INDEX)
                | (index + 1),
            _type: PhantomData,
        }
    }

    #[inline]
    fn slot(&self, index: usize) -> Option<&Slot<T>> {
        if index >= INDEX_MASK {
            return None;
        }
        let (bucket, offset) = bucket_of(index);
        let slots = self.buckets.get(bucket)?.load(Ordering::Acquire);
        if slots.is_null() || offset >= FIRST_BUCKET << bucket {
            return None;
        }
        // SAFETY: a non-null bucket points to `FIRST_BUCKET << bucket` initialised
        // slots that are never freed (see `allocate`), and offset is within them.
        Some(unsafe { &*slots.add(offset) })
    }

    /// A slot that no handle names: reused, or new.
    fn allocate(&self) -> usize {
        let mut allocator = self.allocator.lock();
        if let Some(index) = allocator.free.pop() {
            return index;
        }
        let index = allocator.len;
        assert!(index < INDEX_MASK - 1, "too many live {} objects", T::NAME);
        let (bucket, offset) = bucket_of(index);
        if offset == 0 {
            let slots: Box<[Slot<T>]> =
                (0..FIRST_BUCKET << bucket).map(|_| Slot::empty()).collect();
            // Leaked on purpose: buckets live as long as the table, a static.
            let slots = Box::leak(slots).as_mut_ptr();
            self.buckets[bucket].store(slots, Ordering::Release);
        }
        allocator.len += 1;
        index
    }

    fn insert(&self, value: Arc<T>) -> Handle<T> {
        let index = self.allocate();
        let slot = self.slot(index).expect("allocated slot");
        // The slot is dead and only this thread holds its index: fill it, then
        // publish it with the new generation. Generation 0 is never handed out, so
        // a zeroed handle never matches.
        let mut generation = ((slot.state.load(Ordering::Relaxed) >> 1) + 1) & GENERATION_MASK;
        if generation == 0 {
            generation = 1;
        }
        slot.refs.store(1, Ordering::Relaxed);
        slot.id.store(value.id_bits(), Ordering::Relaxed);
        slot.value
            .store(Arc::into_raw(value) as *mut T, Ordering::Relaxed);
        slot.state.store(alive(generation), Ordering::SeqCst);
        Self::handle(index, generation)
    }

    /// The live slot for this handle.
    #[inline]
    fn live(&self, index: usize, generation: usize) -> Result<&Slot<T>, HandleError> {
        match self.slot(index) {
            Some(slot) if slot.state.load(Ordering::SeqCst) == alive(generation) => Ok(slot),
            _ => Err(HandleError::Invalid),
        }
    }

    /// Runs `f` on the live object with the slot pinned: its release waits for the
    /// pin to go (also when `f` unwinds) before it drops the table's reference.
    #[inline]
    fn pinned<R>(
        &self,
        index: usize,
        generation: usize,
        f: impl FnOnce(&T) -> R,
    ) -> Result<R, HandleError> {
        struct Pin<'a>(&'a AtomicUsize);
        impl Drop for Pin<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::SeqCst);
            }
        }
        let slot = self.slot(index).ok_or(HandleError::Invalid)?;
        slot.pins.fetch_add(1, Ordering::SeqCst);
        let _pin = Pin(&slot.pins);
        if slot.state.load(Ordering::SeqCst) != alive(generation) {
            return Err(HandleError::Invalid);
        }
        let value = slot.value.load(Ordering::SeqCst);
        // SAFETY: the slot was alive after we pinned it, so `value` came from
        // `Arc::into_raw` and its release keeps that reference until our pin goes.
        Ok(f(unsafe { &*value }))
    }

    fn get(&self, index: usize, generation: usize) -> Result<Arc<T>, HandleError> {
        self.pinned(index, generation, |object| {
            // SAFETY: `object` is the pinned value of an `Arc::into_raw`; one more
            // strong count makes the Arc returned here its own.
            unsafe {
                Arc::increment_strong_count(object);
                Arc::from_raw(object)
            }
        })
    }

    /// The id beside the object, read like a seqlock: the state before and after
    /// must both name this generation.
    #[inline]
    fn id(&self, index: usize, generation: usize) -> Result<u64, HandleError> {
        let slot = self.live(index, generation)?;
        let id = slot.id.load(Ordering::SeqCst);
        if slot.state.load(Ordering::SeqCst) != alive(generation) || id == 0 {
            return Err(HandleError::Invalid);
        }
        Ok(id)
    }

    fn add_ref(&self, index: usize, generation: usize) -> Result<(), HandleError> {
        self.live(index, generation)?
            .refs
            .fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Drops one C reference; returns the object when that was the last one, so the
    /// caller drops it outside any table state.
    fn release(&self, index: usize, generation: usize) -> Result<Option<Arc<T>>, HandleError> {
        let slot = self.live(index, generation)?;
        match slot.refs.fetch_sub(1, Ordering::AcqRel) {
            1 => {}
            0 => {
                // More releases than references, racing: undo, as for a dead handle.
                slot.refs.fetch_add(1, Ordering::Relaxed);
                return Err(HandleError::Invalid);
            }
            _ => return Ok(None),
        }
        if slot
            .state
            .compare_exchange(
                alive(generation),
                generation << 1,
                Ordering::SeqCst,
                Ordering::SeqCst,
            )
            .is_err()
        {
            return Ok(None);
        }
        // Readers that saw it alive are taking their Arc; they hold no locks and call
        // nothing, so this wait is short.
        while slot.pins.load(Ordering::SeqCst) != 0 {
            std::thread::yield_now();
        }
        let value = slot.value.swap(std::ptr::null_mut(), Ordering::SeqCst);
        slot.id.store(0, Ordering::Relaxed);
        self.allocator.lock().free.push(index);
        // SAFETY: `value` is the `Arc::into_raw` of `insert`, taken back once: the
        // state change above succeeds for one release only.
        Ok(Some(unsafe { Arc::from_raw(value) }))
    }
}

/// Declares the table of an object type and its `Object` impl. Options: `named`
/// (it has a `name: Name` that `SetLabel` changes), `id = Marker` (it has an
/// `id: wgc::id::Id<Marker>`, read on hot paths through `Handle::id`).
macro_rules! object {
    ($ty:ident, $name:literal, $tag:literal, |$this:ident| $device:expr $(, $option:ident $(= $marker:ident)?)* $(,)?) => {
        impl $crate::handle::Object for $ty {
            const NAME: &'static str = $name;
            const TAG: usize = $tag;
            fn table() -> &'static $crate::handle::Table<Self> {
                static TABLE: $crate::handle::Table<$ty> = $crate::handle::Table::new();
                &TABLE
            }
            fn device(
                this: &std::sync::Arc<Self>,
            ) -> Option<std::sync::Arc<$crate::device::Device>> {
                let $this = this;
                $device
            }
            $($crate::handle::object!(@method $option $($marker)?);)*
        }
        $($crate::handle::object!(@impl $ty, $option $($marker)?);)*
    };
    (@method named) => {
        fn name(&self) -> Option<&$crate::label::Name> {
            Some(&self.name)
        }
    };
    (@method id $marker:ident) => {
        fn id_bits(&self) -> u64 {
            $crate::handle::id_bits(self.id)
        }
    };
    (@impl $ty:ident, named) => {};
    (@impl $ty:ident, id $marker:ident) => {
        impl $crate::handle::WithId for $ty {
            type Marker = wgc::id::markers::$marker;
        }
    };
}
pub(crate) use object;

#[cfg(test)]
mod tests {
    use super::*;

    struct Thing(u32);
    impl From<u32> for Handle<Thing> {
        fn from(v: u32) -> Self {
            Handle::new(Thing(v))
        }
    }
    object!(Thing, "WGPUThing", 100, |_t| None);
    struct Other;
    object!(Other, "WGPUOther", 101, |_t| None);

    #[test]
    fn a_new_handle_names_its_object() {
        let h = Handle::new(Thing(7));
        assert_eq!(h.get().unwrap().0, 7);
        release(h);
    }

    #[test]
    fn null_is_reported_as_null() {
        assert_eq!(Handle::<Thing>::NULL.get().err(), Some(HandleError::Null));
    }

    #[test]
    fn a_released_handle_is_invalid_even_after_its_slot_is_reused() {
        let a = Handle::new(Thing(1));
        release(a);
        assert_eq!(a.get().err(), Some(HandleError::Invalid));
        let b = Handle::new(Thing(2));
        assert_ne!(a, b);
        assert_eq!(a.get().err(), Some(HandleError::Invalid));
        assert_eq!(b.get().unwrap().0, 2);
        release(b);
    }

    #[test]
    fn add_ref_keeps_the_object_until_the_last_release() {
        let h = Handle::new(Thing(3));
        add_ref(h);
        release(h);
        assert_eq!(h.get().unwrap().0, 3);
        release(h);
        assert!(h.get().is_err());
    }

    #[test]
    fn a_handle_of_another_type_is_invalid() {
        let h = Handle::new(Thing(4));
        let forged: Handle<Other> = Handle {
            raw: h.raw(),
            _type: PhantomData,
        };
        assert_eq!(forged.get().err(), Some(HandleError::Invalid));
        release(h);
    }

    #[test]
    fn garbage_is_invalid() {
        for raw in [1usize, 0xdead_beef, usize::MAX, 100 << 56] {
            let h: Handle<Thing> = Handle {
                raw,
                _type: PhantomData,
            };
            assert!(h.get().is_err(), "{raw:#x}");
        }
    }

    #[test]
    fn a_release_racing_a_pinned_call_waits_for_it_to_end() {
        use std::sync::atomic::AtomicBool;
        let h = Handle::new(Thing(9));
        let released = AtomicBool::new(false);
        std::thread::scope(|s| {
            let seen = h.with_or_log("test", |thing| {
                s.spawn(|| {
                    release(h);
                    released.store(true, Ordering::SeqCst);
                });
                std::thread::sleep(std::time::Duration::from_millis(50));
                // Still here, and the release has not finished.
                (thing.0, released.load(Ordering::SeqCst))
            });
            assert_eq!(seen, Some((9, false)));
        });
        assert!(released.load(Ordering::SeqCst));
        assert_eq!(h.with_or_log("test", |t| t.0), None);
    }

    #[test]
    fn an_internal_arc_outlives_the_handle() {
        let h = Handle::new(Thing(5));
        let inner = h.get().unwrap();
        release(h);
        assert!(h.get().is_err());
        assert_eq!(inner.0, 5);
    }

    #[test]
    fn handles_survive_concurrent_churn() {
        let threads: Vec<_> = (0..8)
            .map(|t| {
                std::thread::spawn(move || {
                    for i in 0..2000u32 {
                        let h = Handle::new(Thing(t * 10000 + i));
                        add_ref(h);
                        assert_eq!(h.get().unwrap().0, t * 10000 + i);
                        release(h);
                        release(h);
                        assert!(h.get().is_err());
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }

    #[test]
    fn a_handle_read_while_another_thread_releases_it_is_whole_or_invalid() {
        use std::sync::atomic::{AtomicBool, AtomicUsize};
        // The writer publishes (handle, value) and soon releases it, reusing slots;
        // readers holding a stale handle must get an error, never another object.
        let published = Arc::new(parking_lot::Mutex::new((Handle::<Thing>::NULL, 0u32)));
        let done = Arc::new(AtomicBool::new(false));
        // Live reads so far: the writer goes on until there were some (a busy machine
        // may not schedule the readers during the first 20,000 handles).
        let live_reads = Arc::new(AtomicUsize::new(0));
        let readers: Vec<_> = (0..4)
            .map(|_| {
                let (published, done) = (published.clone(), done.clone());
                let live_reads = live_reads.clone();
                std::thread::spawn(move || {
                    let (mut whole, mut invalid) = (0, 0);
                    while !done.load(Ordering::Relaxed) {
                        let (h, value) = *published.lock();
                        match h.get() {
                            Ok(thing) => {
                                assert_eq!(thing.0, value);
                                whole += 1;
                                live_reads.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(_) => invalid += 1,
                        }
                    }
                    (whole, invalid)
                })
            })
            .collect();
        let mut previous = Handle::NULL;
        let give_up = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let mut i = 0u32;
        while i < 20_000
            || (live_reads.load(Ordering::Relaxed) == 0 && std::time::Instant::now() < give_up)
        {
            i += 1;
            let h = Handle::new(Thing(i));
            *published.lock() = (h, i);
            if !previous.is_null() {
                release(previous);
            }
            previous = h;
        }
        release(previous);
        done.store(true, Ordering::Relaxed);
        let (mut whole, mut invalid) = (0, 0);
        for r in readers {
            let (w, i) = r.join().unwrap();
            whole += w;
            invalid += i;
        }
        assert!(
            whole > 0,
            "readers saw {whole} live and {invalid} released handles"
        );
    }

    /// The cost of a handle lookup against the floor, cloning the `Arc` it returns.
    /// Run: `cargo test --release --lib handle_lookup_cost -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn handle_lookup_cost() {
        use std::time::Instant;
        let handles: Vec<_> = (0..1000).map(Handle::<Thing>::from).collect::<Vec<_>>();
        let arcs: Vec<Arc<Thing>> = handles.iter().map(|h| h.get().unwrap()).collect();
        let rounds = 2000;
        let time = |f: &dyn Fn(usize) -> u32| {
            let start = Instant::now();
            let mut sum = 0u32;
            for r in 0..rounds {
                for i in 0..1000 {
                    sum = sum.wrapping_add(f(i + r));
                }
            }
            std::hint::black_box(sum);
            start.elapsed().as_nanos() as f64 / (rounds * 1000) as f64
        };
        let lookup = time(&|i| handles[i % 1000].get().unwrap().0);
        let clone = time(&|i| Arc::clone(&arcs[i % 1000]).0);
        println!(
            "handle lookup: {lookup:.1} ns, Arc clone: {clone:.1} ns, ratio {:.2}",
            lookup / clone
        );
        for h in handles {
            release(h);
        }
    }
}
