//! Futures: every asynchronous call returns a `WGPUFuture` registered here, in its
//! instance's queue, and its callback fires exactly once:
//!
//! - with its result, where its mode allows: `AllowSpontaneous` at once, on whatever
//!   thread completed it; `AllowProcessEvents` inside `wgpuInstanceProcessEvents` or a
//!   `wgpuInstanceWaitAny` that waits on it; `WaitAnyOnly` only inside such a `WaitAny`;
//! - or with `CallbackCancelled` when the instance goes away first.
//!
//! Callbacks never run under this queue's lock, so they may call back into the API.
//! `WaitAny` drives (polls) the devices its futures wait on.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use crate::device::Device;
use crate::generated::types::*;

pub type Callback = Box<dyn FnOnce() + Send>;

/// The message of a callback cancelled because its instance went away.
pub const CANCELLED: &str = "the instance was released";

struct Entry {
    mode: WGPUCallbackMode,
    /// The device whose progress completes this future, polled by WaitAny.
    device: Option<Weak<Device>>,
    /// Set once the operation completed: calls the user's callback with the result.
    fire: Option<Callback>,
    /// Calls the user's callback with CallbackCancelled.
    cancel: Callback,
}

#[derive(Default)]
struct State {
    next_id: u64,
    entries: HashMap<u64, Entry>,
    closed: bool,
}

impl State {
    /// Whether `id`'s operation finished: its callback waits to fire, or has fired
    /// (a spontaneous one fires at completion and leaves no entry).
    fn done(&self, id: u64) -> bool {
        self.entries.get(&id).is_none_or(|e| e.fire.is_some())
    }
}

/// The future queue of one instance.
#[derive(Default)]
pub struct Futures {
    state: Mutex<State>,
    completed: Condvar,
    /// Told of every completion that waits for the event loop (the GPU process's
    /// pump, which delivers it to its client at once).
    on_complete: std::sync::OnceLock<Box<dyn Fn() + Send + Sync>>,
}

/// The result of `WaitAny` before it is turned into a `WGPUWaitStatus`.
#[derive(Debug, PartialEq, Eq)]
pub enum Wait {
    Success,
    TimedOut,
    Error(String),
}

impl Futures {
    /// A new pending future. `cancel` runs instead of the result if the queue closes
    /// first.
    pub fn register(
        &self,
        mode: WGPUCallbackMode,
        device: Option<&Arc<Device>>,
        cancel: Callback,
    ) -> WGPUFuture {
        let mut state = self.state.lock();
        if state.closed {
            drop(state);
            cancel();
            return WGPUFuture { id: 0 };
        }
        state.next_id += 1;
        let id = state.next_id;
        state.entries.insert(
            id,
            Entry {
                mode,
                device: device.map(Arc::downgrade),
                fire: None,
                cancel,
            },
        );
        WGPUFuture { id }
    }

    /// The operation behind `future` finished; `fire` delivers its result.
    pub fn complete(&self, future: WGPUFuture, fire: Callback) {
        let mut state = self.state.lock();
        let Some(entry) = state.entries.get_mut(&future.id) else {
            // Already completed or cancelled: the callback has fired once already.
            return;
        };
        if entry.fire.is_some() {
            return;
        }
        if entry.mode == WGPUCallbackMode::AllowSpontaneous {
            state.entries.remove(&future.id);
            drop(state);
            fire();
        } else {
            entry.fire = Some(fire);
            drop(state);
            self.completed.notify_all();
            if let Some(tell) = self.on_complete.get() {
                tell();
            }
        }
    }

    /// Sets what every completion that waits for the event loop tells (once).
    pub fn on_complete(&self, tell: Box<dyn Fn() + Send + Sync>) {
        let _ = self.on_complete.set(tell);
    }

    /// Whether `future`'s operation finished (its callback may still wait to fire).
    pub fn is_completed(&self, future: WGPUFuture) -> bool {
        self.state.lock().done(future.id)
    }

    /// Whether `future` is registered and not yet delivered.
    pub fn is_pending(&self, future: WGPUFuture) -> bool {
        self.state.lock().entries.contains_key(&future.id)
    }

    /// Fires every completed `AllowProcessEvents` callback; never blocks.
    pub fn process_events(&self) {
        let ready: Vec<(u64, Callback)> = {
            let mut state = self.state.lock();
            let mut ids: Vec<u64> = state
                .entries
                .iter()
                .filter(|(_, e)| e.fire.is_some() && e.mode == WGPUCallbackMode::AllowProcessEvents)
                .map(|(id, _)| *id)
                .collect();
            ids.sort_unstable();
            ids.into_iter()
                .map(|id| {
                    let e = state.entries.remove(&id).unwrap();
                    (id, e.fire.unwrap())
                })
                .collect()
        };
        for (_, fire) in ready {
            fire();
        }
    }

    /// The devices that pending futures wait on, to poll.
    pub fn devices(&self, futures: Option<&[WGPUFutureWaitInfo]>) -> Vec<Arc<Device>> {
        let state = self.state.lock();
        let mut out: Vec<Arc<Device>> = Vec::new();
        let mut add = |e: &Entry| {
            if let Some(d) = e.device.as_ref().and_then(Weak::upgrade) {
                if !out.iter().any(|o| Arc::ptr_eq(o, &d)) {
                    out.push(d);
                }
            }
        };
        match futures {
            Some(list) => list
                .iter()
                .filter_map(|f| state.entries.get(&f.future.id))
                .for_each(&mut add),
            None => state.entries.values().for_each(add),
        }
        out
    }

    /// Marks every listed future that is complete and fires its callback; returns how
    /// many there were, or an error for a future this queue never made.
    fn take_completed(&self, futures: &mut [WGPUFutureWaitInfo]) -> Result<usize, String> {
        let mut fire = Vec::new();
        let mut done = 0;
        {
            let mut state = self.state.lock();
            for f in futures.iter_mut() {
                let id = f.future.id;
                if id == 0 || id > state.next_id {
                    return Err(format!("WGPUFuture {id} was not made by this instance"));
                }
                if state.done(id) {
                    if let Some(e) = state.entries.remove(&id) {
                        fire.push((id, e.fire.unwrap()));
                    }
                    f.completed = WGPU_TRUE;
                    done += 1;
                } else {
                    f.completed = WGPU_FALSE;
                }
            }
        }
        fire.sort_unstable_by_key(|(id, _)| *id);
        for (_, f) in fire {
            f();
        }
        Ok(done)
    }

    /// `wgpuInstanceWaitAny`: waits until one of `futures` completes or `timeout`
    /// passes (None waits for ever), polling their devices meanwhile.
    pub fn wait_any(&self, futures: &mut [WGPUFutureWaitInfo], timeout: Option<Duration>) -> Wait {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut first = true;
        loop {
            match self.take_completed(futures) {
                Err(e) => return Wait::Error(e),
                Ok(n) if n > 0 => return Wait::Success,
                Ok(_) => {}
            }
            let now = Instant::now();
            let remaining = deadline.map(|d| d.saturating_duration_since(now));
            if remaining == Some(Duration::ZERO) && !first {
                return Wait::TimedOut;
            }
            first = false;
            let devices = self.devices(Some(futures));
            // Non-blocking progress first: a finished submission may already be there.
            let mut busy = false;
            for d in &devices {
                busy |= !d.poll(Some(Duration::ZERO));
            }
            if self.any_completed(futures) {
                continue;
            }
            if remaining == Some(Duration::ZERO) {
                continue;
            }
            // Block: on the GPU where work is in flight, else on another thread's
            // completion; re-check at least every few milliseconds.
            let slice = remaining.map_or(Duration::from_millis(10), |r| {
                r.min(Duration::from_millis(10))
            });
            if busy {
                if let Some(d) = devices.first() {
                    d.poll(Some(slice));
                }
            } else {
                let mut state = self.state.lock();
                let ready = futures.iter().any(|f| state.done(f.future.id));
                if !ready {
                    self.completed.wait_for(&mut state, slice);
                }
            }
        }
    }

    fn any_completed(&self, futures: &[WGPUFutureWaitInfo]) -> bool {
        let state = self.state.lock();
        futures.iter().any(|f| state.done(f.future.id))
    }

    /// The instance is going away: every undelivered callback fires with
    /// CallbackCancelled, and later registrations cancel at once.
    pub fn close(&self) {
        let entries: Vec<(u64, Entry)> = {
            let mut state = self.state.lock();
            state.closed = true;
            state.entries.drain().collect()
        };
        let mut entries = entries;
        entries.sort_unstable_by_key(|(id, _)| *id);
        for (_, e) in entries {
            drop(e.fire);
            (e.cancel)();
        }
    }

    /// How many callbacks are still owed.
    pub fn pending(&self) -> usize {
        self.state.lock().entries.len()
    }
}

/// A user callback waiting on its future: it runs once, with the result passed to
/// [`Pending::complete`], or, if the instance goes first, with what `cancelled` makes.
pub struct Pending<A> {
    future: WGPUFuture,
    call: Slot<A>,
}

/// Where a user callback waits: whichever of completion and cancellation comes first
/// takes it.
type Slot<A> = Arc<Mutex<Option<Box<dyn FnOnce(A) + Send>>>>;

impl Futures {
    /// Registers `call` for a new future.
    pub fn register_call<A: 'static>(
        &self,
        mode: WGPUCallbackMode,
        device: Option<&Arc<Device>>,
        call: impl FnOnce(A) + Send + 'static,
        cancelled: impl FnOnce() -> A + Send + 'static,
    ) -> Pending<A> {
        let call: Slot<A> = Arc::new(Mutex::new(Some(Box::new(call))));
        let cancel = call.clone();
        let future = self.register(
            mode,
            device,
            Box::new(move || {
                if let Some(c) = cancel.lock().take() {
                    c(cancelled())
                }
            }),
        );
        Pending { future, call }
    }
}

impl Futures {
    /// `register_call` for an asynchronous entry point `function`, whose callback info
    /// gave `mode`: a mode that is not one fails the call (the reason as a validation
    /// error on `errors`, or logged where there is no device) and there is no future.
    pub fn register_checked<A: 'static>(
        &self,
        function: &str,
        mode: WGPUCallbackMode,
        errors: Option<&Device>,
        device: Option<&Arc<Device>>,
        call: impl FnOnce(A) + Send + 'static,
        cancelled: impl FnOnce() -> A + Send + 'static,
    ) -> Option<Pending<A>> {
        match crate::conv::callback_mode(mode) {
            Ok(mode) => Some(self.register_call(mode, device, call, cancelled)),
            Err(e) => {
                match errors {
                    Some(d) => d.validation(format!("{function}: {e}")),
                    None => log::error!("{function}: {e}"),
                }
                None
            }
        }
    }
}

impl<A: Send + 'static> Pending<A> {
    pub fn future(&self) -> WGPUFuture {
        self.future
    }

    /// The operation finished with `result`; the callback gets it where its mode allows.
    pub fn complete(self, futures: &Futures, result: A) {
        let call = self.call;
        futures.complete(
            self.future,
            Box::new(move || {
                if let Some(c) = call.lock().take() {
                    c(result)
                }
            }),
        );
    }
}

/// A callback info from C, made sendable: webgpu.h lets the library call it from any
/// thread its mode allows, and the userdata belongs to the caller.
pub struct Sendable<T>(pub T);
// SAFETY: the callback and its userdata are opaque to us; webgpu.h's callback-mode
// contract makes the C side responsible for their thread-safety.
unsafe impl<T> Send for Sendable<T> {}
// SAFETY: as for Send: shared access only copies the pointers out.
unsafe impl<T> Sync for Sendable<T> {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn counter() -> Arc<AtomicUsize> {
        Arc::new(AtomicUsize::new(0))
    }

    fn cb(c: &Arc<AtomicUsize>, add: usize) -> Callback {
        let c = c.clone();
        Box::new(move || {
            c.fetch_add(add, Ordering::SeqCst);
        })
    }

    fn info(f: WGPUFuture) -> WGPUFutureWaitInfo {
        WGPUFutureWaitInfo {
            future: f,
            completed: WGPU_FALSE,
        }
    }

    #[test]
    fn a_spontaneous_callback_fires_when_the_operation_completes() {
        let q = Futures::default();
        let n = counter();
        let f = q.register(WGPUCallbackMode::AllowSpontaneous, None, cb(&n, 100));
        q.complete(f, cb(&n, 1));
        assert_eq!(n.load(Ordering::SeqCst), 1);
        q.complete(f, cb(&n, 1));
        q.close();
        assert_eq!(n.load(Ordering::SeqCst), 1, "exactly once");
    }

    #[test]
    fn process_events_fires_only_allow_process_events_callbacks() {
        let q = Futures::default();
        let n = counter();
        let a = q.register(WGPUCallbackMode::AllowProcessEvents, None, cb(&n, 100));
        let b = q.register(WGPUCallbackMode::WaitAnyOnly, None, cb(&n, 100));
        q.complete(a, cb(&n, 1));
        q.complete(b, cb(&n, 10));
        assert_eq!(
            n.load(Ordering::SeqCst),
            0,
            "nothing fires before ProcessEvents"
        );
        q.process_events();
        assert_eq!(n.load(Ordering::SeqCst), 1);
        let mut w = [info(b)];
        assert_eq!(q.wait_any(&mut w, Some(Duration::ZERO)), Wait::Success);
        assert_eq!(w[0].completed, WGPU_TRUE);
        assert_eq!(n.load(Ordering::SeqCst), 11);
        q.process_events();
        assert_eq!(n.load(Ordering::SeqCst), 11);
    }

    #[test]
    fn wait_any_times_out_on_a_pending_future() {
        let q = Futures::default();
        let n = counter();
        let f = q.register(WGPUCallbackMode::WaitAnyOnly, None, cb(&n, 1));
        let mut w = [info(f)];
        assert_eq!(q.wait_any(&mut w, Some(Duration::ZERO)), Wait::TimedOut);
        let start = Instant::now();
        assert_eq!(
            q.wait_any(&mut w, Some(Duration::from_millis(30))),
            Wait::TimedOut
        );
        assert!(start.elapsed() >= Duration::from_millis(30));
        assert_eq!(w[0].completed, WGPU_FALSE);
    }

    #[test]
    fn wait_any_wakes_when_another_thread_completes_the_future() {
        let q = Arc::new(Futures::default());
        let n = counter();
        let f = q.register(WGPUCallbackMode::WaitAnyOnly, None, cb(&n, 100));
        let q2 = q.clone();
        let n2 = n.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            q2.complete(f, cb(&n2, 1));
        });
        let mut w = [info(f)];
        assert_eq!(q.wait_any(&mut w, None), Wait::Success);
        t.join().unwrap();
        assert_eq!(n.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn an_unknown_future_is_an_error() {
        let q = Futures::default();
        let mut w = [info(WGPUFuture { id: 42 })];
        assert!(matches!(
            q.wait_any(&mut w, Some(Duration::ZERO)),
            Wait::Error(_)
        ));
    }

    #[test]
    fn closing_cancels_every_undelivered_callback_once() {
        let q = Futures::default();
        let n = counter();
        let _a = q.register(WGPUCallbackMode::AllowProcessEvents, None, cb(&n, 1));
        let b = q.register(WGPUCallbackMode::WaitAnyOnly, None, cb(&n, 1));
        q.complete(b, cb(&n, 100));
        q.close();
        assert_eq!(n.load(Ordering::SeqCst), 2);
        q.process_events();
        let _late = q.register(WGPUCallbackMode::AllowProcessEvents, None, cb(&n, 1));
        assert_eq!(
            n.load(Ordering::SeqCst),
            3,
            "a registration after close cancels at once"
        );
        assert_eq!(q.pending(), 0);
    }

    #[test]
    fn a_callback_may_register_another_future() {
        let q = Arc::new(Futures::default());
        let n = counter();
        let q2 = q.clone();
        let n2 = n.clone();
        let f = q.register(WGPUCallbackMode::AllowProcessEvents, None, cb(&n, 100));
        q.complete(
            f,
            Box::new(move || {
                let g = q2.register(WGPUCallbackMode::AllowProcessEvents, None, cb(&n2, 100));
                q2.complete(g, cb(&n2, 1));
            }),
        );
        q.process_events();
        q.process_events();
        assert_eq!(n.load(Ordering::SeqCst), 1);
    }
}
