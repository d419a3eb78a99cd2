//! Error plumbing: a device's error scopes and uncaptured-error callback, and the
//! text of wgpu-core errors (with their causes, which carry the useful detail).

use std::collections::HashMap;
use std::thread::ThreadId;

use crate::future::Sendable;
use crate::generated::types::*;

struct Scope {
    filter: WGPUErrorFilter,
    /// The first error the scope caught; later ones are dropped, as the spec says.
    error: Option<(WGPUErrorType, String)>,
}

/// Error scopes are per thread, as webgpu.h specifies: each thread that uses a device
/// has its own stack, and an error goes to the stack of the thread that caused it.
pub struct ErrorSink {
    scopes: HashMap<ThreadId, Vec<Scope>>,
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
        let stack = self.scopes.entry(std::thread::current().id()).or_default();
        stack.push(Scope {
            filter,
            error: None,
        });
    }

    /// None when this thread's stack is empty; else the scope's error, if it caught one.
    pub fn pop(&mut self) -> Option<Option<(WGPUErrorType, String)>> {
        let id = std::thread::current().id();
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
        let stack = self.scopes.get_mut(&std::thread::current().id());
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
