//! Error plumbing: a device's error scopes and uncaptured-error callback, and the
//! text of wgpu-core errors (with their causes, which carry the useful detail).

use crate::future::Sendable;
use crate::generated::types::*;

struct Scope {
    filter: WGPUErrorFilter,
    /// The first error the scope caught; later ones are dropped, as the spec says.
    error: Option<(WGPUErrorType, String)>,
}

pub struct ErrorSink {
    scopes: Vec<Scope>,
    uncaptured: Sendable<WGPUUncapturedErrorCallbackInfo>,
}

/// An uncaptured error to deliver, once the sink's lock is released.
pub type Uncaptured = (Sendable<WGPUUncapturedErrorCallbackInfo>, String);

impl ErrorSink {
    pub fn new(uncaptured: WGPUUncapturedErrorCallbackInfo) -> Self {
        Self {
            scopes: Vec::new(),
            uncaptured: Sendable(uncaptured),
        }
    }

    pub fn push(&mut self, filter: WGPUErrorFilter) {
        self.scopes.push(Scope {
            filter,
            error: None,
        });
    }

    /// None when the stack is empty; else the scope's error, if it caught one.
    pub fn pop(&mut self) -> Option<Option<(WGPUErrorType, String)>> {
        self.scopes.pop().map(|s| s.error)
    }

    /// Gives the error to the innermost scope whose filter matches; returns it for the
    /// uncaptured-error callback when none does.
    pub fn capture(&mut self, ty: WGPUErrorType, message: String) -> Option<Uncaptured> {
        let filter = match ty {
            WGPUErrorType::Validation => WGPUErrorFilter::Validation,
            WGPUErrorType::OutOfMemory => WGPUErrorFilter::OutOfMemory,
            _ => WGPUErrorFilter::Internal,
        };
        match self.scopes.iter_mut().rev().find(|s| s.filter == filter) {
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
