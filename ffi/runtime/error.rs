//! Error plumbing, in one place: a device's error scopes and uncaptured-error callback
//! (`ErrorSink`), the reporting every module calls (`Device::report` and the helpers
//! over it: `validation`, `report_error`, `check`, `outcome`), and the text of
//! wgpu-core errors (with their causes, which carry the useful detail, and objects
//! named by their current labels).

use std::collections::HashMap;

use crate::conv;
use crate::device::Device;
use crate::future::Sendable;
use crate::generated::types::*;

struct Scope {
    filter: WGPUErrorFilter,
    /// The first error the scope caught; later ones are dropped, as the spec says.
    error: Option<(WGPUErrorType, String)>,
}

thread_local! {
    /// The stack this thread's calls use: its own, or (in the GPU process) that of the
    /// client thread a session is acting for.
    static SCOPE_KEY: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The key of the calling thread's error scope stack.
pub fn scope_key() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    SCOPE_KEY.with(|k| {
        if k.get() == 0 {
            k.set(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        }
        k.get()
    })
}

/// Makes this thread's calls use the stack of `key` (a remote session, acting for a
/// client thread).
pub fn act_for(key: u64) {
    SCOPE_KEY.with(|k| k.set(key));
}

/// Error scopes are per thread, as webgpu.h specifies: each thread that uses a device
/// has its own stack, and an error goes to the stack of the thread that caused it.
pub struct ErrorSink {
    scopes: HashMap<u64, Vec<Scope>>,
    uncaptured: Sendable<WGPUUncapturedErrorCallbackInfo>,
}

/// An uncaptured error to deliver, once the sink's lock is released.
pub type Uncaptured = (Sendable<WGPUUncapturedErrorCallbackInfo>, String);

impl ErrorSink {
    pub fn new(uncaptured: WGPUUncapturedErrorCallbackInfo) -> Self {
        Self {
            scopes: HashMap::new(),
            uncaptured: Sendable(uncaptured),
        }
    }

    pub fn push(&mut self, filter: WGPUErrorFilter) {
        let stack = self.scopes.entry(scope_key()).or_default();
        stack.push(Scope {
            filter,
            error: None,
        });
    }

    /// None when this thread's stack is empty; else the scope's error, if it caught one.
    pub fn pop(&mut self) -> Option<Option<(WGPUErrorType, String)>> {
        let id = scope_key();
        let stack = self.scopes.get_mut(&id)?;
        let popped = stack.pop().map(|s| s.error);
        if stack.is_empty() {
            self.scopes.remove(&id);
        }
        popped
    }

    /// Gives the error to the innermost scope whose filter matches; returns it for the
    /// uncaptured-error callback when none does.
    pub fn capture(&mut self, ty: WGPUErrorType, message: String) -> Option<Uncaptured> {
        let filter = match ty {
            WGPUErrorType::Validation => WGPUErrorFilter::Validation,
            WGPUErrorType::OutOfMemory => WGPUErrorFilter::OutOfMemory,
            _ => WGPUErrorFilter::Internal,
        };
        let stack = self.scopes.get_mut(&scope_key());
        match stack.and_then(|s| s.iter_mut().rev().find(|s| s.filter == filter)) {
            Some(scope) => {
                scope.error.get_or_insert((ty, message));
                None
            }
            None => Some((Sendable(self.uncaptured.0), message)),
        }
    }
}

/// An error and its causes, as one message.
pub fn format(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// Reporting, for every module: an error goes where the spec sends it, and nowhere once
/// the device is lost.
impl Device {
    /// Reports an error through the spec's channels: the innermost error scope whose
    /// filter matches, else the uncaptured-error callback.
    pub fn report(&self, ty: WGPUErrorType, message: String) {
        if self.is_lost() {
            // After loss, errors are no longer surfaced (the lost callback said it all).
            log::debug!("not reported, the device is lost: {message}");
            return;
        }
        let uncaptured = self.errors.lock().capture(ty, message);
        if let Some((cb, message)) = uncaptured {
            if let Some(f) = cb.0.callback {
                let handle = self.handle();
                // SAFETY: the C callback with the caller's own userdata.
                unsafe {
                    f(
                        &handle,
                        ty,
                        conv::to_string_view(&message),
                        cb.0.userdata1,
                        cb.0.userdata2,
                    )
                }
            }
        }
    }

    /// Reports a wgpu-core error, classified as the spec says.
    pub fn report_error<E: wgt::error::WebGpuError>(&self, e: &E) {
        if let Some((ty, message)) = self.error_of(e) {
            self.report(ty, message);
        }
    }

    /// What `report_error` would report for `e` (nothing for a lost device: the lost
    /// callback says it).
    pub fn error_of<E: wgt::error::WebGpuError>(&self, e: &E) -> Option<(WGPUErrorType, String)> {
        let ty = match e.webgpu_error_type() {
            wgt::error::ErrorType::Validation => WGPUErrorType::Validation,
            wgt::error::ErrorType::OutOfMemory => WGPUErrorType::OutOfMemory,
            wgt::error::ErrorType::Internal => WGPUErrorType::Internal,
            wgt::error::ErrorType::DeviceLost => return None,
        };
        Some((ty, self.describe(e)))
    }

    /// A wgpu-core error's text, with objects named by their current labels.
    pub fn describe(&self, e: &(dyn std::error::Error + 'static)) -> String {
        crate::label::rewrite(format(e), &self.renames.lock())
    }

    pub fn check<E: wgt::error::WebGpuError>(&self, e: Option<E>) {
        if let Some(e) = e {
            self.report_error(&e);
        }
    }

    /// Reports what a command left: a conversion error (as a validation error naming
    /// `function`) or wgpu-core's error.
    pub fn outcome<E: wgt::error::WebGpuError>(
        &self,
        function: &str,
        result: conv::Result<Result<(), E>>,
    ) {
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => self.report_error(&e),
            Err(e) => self.validation(format!("{function}: {e}")),
        }
    }

    pub fn validation(&self, message: String) {
        self.report(WGPUErrorType::Validation, message);
    }
}
