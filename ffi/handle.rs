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
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use parking_lot::RwLock;

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

    /// Reads a part of the object, its wgpu-core id say, without taking a reference:
    /// for hot paths, where the caller's own reference keeps the object alive for the
    /// call. `read` runs under the table's read lock, so it must not call the API.
    #[inline]
    pub fn read<R>(self, read: impl FnOnce(&T) -> R) -> Result<R, HandleError> {
        let (index, generation) = self.unpack()?;
        T::table().read(index, generation, read)
    }

    pub fn read_or_message<R>(self, what: &str, read: impl FnOnce(&T) -> R) -> Result<R, String> {
        self.read(read)
            .map_err(|e| format!("{what}: {}", self.describe(e)))
    }

    /// NULL gives None; anything else must be live.
    pub fn read_optional<R>(
        self,
        what: &str,
        read: impl FnOnce(&T) -> R,
    ) -> Result<Option<R>, String> {
        if self.is_null() {
            Ok(None)
        } else {
            self.read_or_message(what, read).map(Some)
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

struct Slot<T> {
    generation: usize,
    refs: AtomicUsize,
    value: Option<Arc<T>>,
}

/// The table of one object type: its slots, and the free ones to reuse.
pub struct Table<T> {
    slots: RwLock<Slots<T>>,
}

struct Slots<T> {
    slots: Vec<Slot<T>>,
    free: Vec<usize>,
}

impl<T> std::ops::Deref for Slots<T> {
    type Target = Vec<Slot<T>>;
    fn deref(&self) -> &Vec<Slot<T>> {
        &self.slots
    }
}

impl<T> std::ops::DerefMut for Slots<T> {
    fn deref_mut(&mut self) -> &mut Vec<Slot<T>> {
        &mut self.slots
    }
}

impl<T: Object> Default for Table<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Object> Table<T> {
    pub const fn new() -> Self {
        Self {
            slots: RwLock::new(Slots {
                slots: Vec::new(),
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

    fn insert(&self, value: Arc<T>) -> Handle<T> {
        let mut slots = self.slots.write();
        let index = match slots.free.pop() {
            Some(index) => index,
            None => {
                assert!(
                    slots.len() < INDEX_MASK - 1,
                    "too many live {} objects",
                    T::NAME
                );
                slots.push(Slot {
                    generation: 0,
                    refs: AtomicUsize::new(0),
                    value: None,
                });
                slots.len() - 1
            }
        };
        let slot = &mut slots[index];
        // Generation 0 is never handed out, so a zeroed handle never matches.
        slot.generation = (slot.generation + 1) & GENERATION_MASK;
        if slot.generation == 0 {
            slot.generation = 1;
        }
        slot.refs.store(1, Ordering::Relaxed);
        slot.value = Some(value);
        Self::handle(index, slot.generation)
    }

    fn get(&self, index: usize, generation: usize) -> Result<Arc<T>, HandleError> {
        let slots = self.slots.read();
        match slots.get(index) {
            Some(Slot {
                generation: g,
                value: Some(v),
                ..
            }) if *g == generation => Ok(v.clone()),
            _ => Err(HandleError::Invalid),
        }
    }

    #[inline]
    fn read<R>(
        &self,
        index: usize,
        generation: usize,
        read: impl FnOnce(&T) -> R,
    ) -> Result<R, HandleError> {
        let slots = self.slots.read();
        match slots.get(index) {
            Some(Slot {
                generation: g,
                value: Some(v),
                ..
            }) if *g == generation => Ok(read(v)),
            _ => Err(HandleError::Invalid),
        }
    }

    fn add_ref(&self, index: usize, generation: usize) -> Result<(), HandleError> {
        let slots = self.slots.read();
        match slots.get(index) {
            Some(slot) if slot.generation == generation && slot.value.is_some() => {
                slot.refs.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            _ => Err(HandleError::Invalid),
        }
    }

    /// Drops one C reference; returns the object when that was the last one, so the
    /// caller drops it after the locks are gone.
    fn release(&self, index: usize, generation: usize) -> Result<Option<Arc<T>>, HandleError> {
        {
            let slots = self.slots.read();
            match slots.get(index) {
                Some(slot) if slot.generation == generation && slot.value.is_some() => {
                    if slot.refs.fetch_sub(1, Ordering::AcqRel) != 1 {
                        return Ok(None);
                    }
                }
                _ => return Err(HandleError::Invalid),
            }
        }
        let mut slots = self.slots.write();
        let slot = &mut slots[index];
        if slot.generation != generation || slot.refs.load(Ordering::Acquire) != 0 {
            // A racing AddRef revived it, or a racing Release already freed it.
            return Ok(None);
        }
        let value = slot.value.take();
        slots.free.push(index);
        Ok(value)
    }

    /// The number of live handles, for tests and accounting.
    pub fn live(&self) -> usize {
        self.slots
            .read()
            .iter()
            .filter(|s| s.value.is_some())
            .count()
    }
}

/// Declares the table of an object type and its `Object` impl.
macro_rules! object {
    ($ty:ident, $name:literal, $tag:literal, |$this:ident| $device:expr, named) => {
        $crate::handle::object!(@impl $ty, $name, $tag, |$this| $device,
            fn name(&self) -> Option<&$crate::label::Name> {
                Some(&self.name)
            }
        );
    };
    ($ty:ident, $name:literal, $tag:literal, |$this:ident| $device:expr) => {
        $crate::handle::object!(@impl $ty, $name, $tag, |$this| $device,);
    };
    (@impl $ty:ident, $name:literal, $tag:literal, |$this:ident| $device:expr, $($extra:item)*) => {
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
            $($extra)*
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
