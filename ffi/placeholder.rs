//! TEMPORARY: reports a clear error from the functions whose implementation has not
//! landed yet (tracked in issue 3). Never panics.

use crate::guard::Fail;
use crate::handle::{Handle, Object};

pub fn unsupported<T: Object, R: Fail>(this: Handle<T>, function: &str) -> R {
    let message = format!("{function} is not available in this build of webgpu-shim yet");
    match this.get().ok().and_then(|o| T::device(&o)) {
        Some(d) => d.validation(message),
        None => log::error!("{message}"),
    }
    R::fail()
}
