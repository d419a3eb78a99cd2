//! The one guard every exported function runs in (see `generated/exports.rs`).
//!
//! A panic inside becomes an Internal error on the device the call was about (or an
//! error log where no device is reachable), and the function returns its documented
//! failure value. Nothing unwinds into C.
//!
//! The guard also knows which entry point is running ([`entry_point`]): messages that
//! name the function take it from here, not from a string typed in each module.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use crate::device::Device;
use crate::generated::types::*;
use crate::handle::{Handle, Object};

/// The value a function returns when it fails before it can do better.
pub trait Fail {
    fn fail() -> Self;
}

impl Fail for () {
    fn fail() -> Self {}
}
macro_rules! fail_zero {
    ($($t:ty),*) => {$(impl Fail for $t { fn fail() -> Self { 0 as $t } })*};
}
fail_zero!(u32, u64, usize, f32);
impl<T> Fail for *mut T {
    fn fail() -> Self {
        std::ptr::null_mut()
    }
}
impl<T> Fail for *const T {
    fn fail() -> Self {
        std::ptr::null()
    }
}
impl<T: Object> Fail for Handle<T> {
    fn fail() -> Self {
        Handle::NULL
    }
}
impl Fail for WGPUFuture {
    fn fail() -> Self {
        WGPUFuture { id: 0 }
    }
}
impl Fail for WGPUStringView {
    fn fail() -> Self {
        crate::conv::NULL_STRING_VIEW
    }
}
impl Fail for WGPUProc {
    fn fail() -> Self {
        None
    }
}

/// Where a panic is reported: the device of the object the call is on, if any.
pub trait Target {
    fn device(self) -> Option<Arc<Device>>;
}

/// For the free functions, which are on no object.
pub struct NoTarget;

impl Target for NoTarget {
    fn device(self) -> Option<Arc<Device>> {
        None
    }
}

impl<T: Object> Target for Handle<T> {
    fn device(self) -> Option<Arc<Device>> {
        T::device(&self.get().ok()?)
    }
}

/// How many panics the guard has caught, for the fuzzer: each is a bug even though
/// the host survived it.
pub static CAUGHT_PANICS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

thread_local! {
    /// How many guards this thread is inside; the panic hook keeps quiet for those.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// The entry point this thread is in (the innermost: a callback may call another).
    static ENTRY: Cell<&'static str> = const { Cell::new("") };
}

/// The C function this thread is running (`wgpuQueueSubmit`), for messages; "" outside
/// every entry point (a worker thread: what runs there captures the name before).
#[inline]
pub fn entry_point() -> &'static str {
    ENTRY.with(Cell::get)
}

/// Panics inside a guard are errors the guard reports; the default hook would also
/// print them to the host's stderr. Other panics go to the hook that was there.
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if DEPTH.with(|d| d.get()) > 0 {
                log::debug!("caught panic: {info}");
            } else {
                previous(info);
            }
        }));
    });
}

#[inline]
pub fn guard<R: Fail>(function: &'static str, target: impl Target, body: impl FnOnce() -> R) -> R {
    DEPTH.with(|d| d.set(d.get() + 1));
    let outer = ENTRY.with(|e| e.replace(function));
    let result = catch_unwind(AssertUnwindSafe(body));
    ENTRY.with(|e| e.set(outer));
    DEPTH.with(|d| d.set(d.get() - 1));
    match result {
        Ok(r) => r,
        Err(payload) => {
            let what = panic_message(payload.as_ref());
            // Looking up the device could itself panic; the guard must not.
            let device = catch_unwind(AssertUnwindSafe(|| target.device()))
                .ok()
                .flatten();
            if driver_failure(&what) {
                // The driver failed where wgpu-core would have lost the device: lose
                // it, saying why.
                let message = format!("{function}: the driver failed: {what}");
                match device {
                    Some(device) => {
                        let _ = catch_unwind(AssertUnwindSafe(|| device.lose_with(message)));
                    }
                    None => log::error!("{message}"),
                }
                return R::fail();
            }
            CAUGHT_PANICS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let message = format!("{function}: internal error (caught panic: {what})");
            match device {
                Some(device) => {
                    let _ = catch_unwind(AssertUnwindSafe(|| {
                        device.report(WGPUErrorType::Internal, message.clone())
                    }));
                }
                None => log::error!("{message}"),
            }
            R::fail()
        }
    }
}

/// A panic's message, from its payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// Whether a panic's message is wgpu-hal's for an unexpected driver result (the
/// `internal_error_panic` feature), which names the result.
pub fn driver_failure(what: &str) -> bool {
    what.starts_with("Unexpected Vulkan error")
}

/// Runs `f`, which may meet an unexpected driver result, inside a guard of its own:
/// its panic, if any, comes back as the message (quietly: the panic hook stays
/// silent). A panic that is not a driver failure also counts as caught.
pub fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    DEPTH.with(|d| d.set(d.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    DEPTH.with(|d| d.set(d.get() - 1));
    result.map_err(|payload| {
        let what = panic_message(payload.as_ref());
        if !driver_failure(&what) {
            CAUGHT_PANICS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        what
    })
}

/// With the `panic-test` feature, a label of exactly this text makes object creation
/// panic inside the library, so tests can prove the guard holds.
#[cfg(feature = "panic-test")]
pub const PANIC_LABEL: &str = "webgpu-shim:panic";

#[inline]
pub fn maybe_test_panic(_label: Option<&str>) {
    #[cfg(feature = "panic-test")]
    if _label == Some(PANIC_LABEL) {
        panic!("panic requested by the test label");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_point_is_the_innermost_guard_s_and_empty_outside() {
        assert_eq!(entry_point(), "");
        let seen = std::cell::RefCell::new(Vec::new());
        guard("wgpuQueueSubmit", NoTarget, || {
            guard("wgpuDevicePopErrorScope", NoTarget, || {
                seen.borrow_mut().push(entry_point())
            });
            seen.borrow_mut().push(entry_point());
        });
        assert_eq!(
            *seen.borrow(),
            ["wgpuDevicePopErrorScope", "wgpuQueueSubmit"]
        );
        assert_eq!(entry_point(), "");
    }

    #[test]
    fn a_panic_leaves_the_outer_entry_point_in_place() {
        guard("wgpuQueueSubmit", NoTarget, || {
            guard::<()>("wgpuBufferUnmap", NoTarget, || panic!("inside"));
            assert_eq!(entry_point(), "wgpuQueueSubmit");
        });
    }
}
