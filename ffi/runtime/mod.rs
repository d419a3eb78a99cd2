//! The runtime under the objects: what every entry point goes through and what no
//! single WebGPU object owns. The instance's shared context (`context`: wgpu-core's
//! `Global`, the futures), the guard every export runs in (`guard`), the handle
//! tables (`handle`), the C conversions at the boundary (`conv`), futures and their
//! callbacks (`future`), error scopes and reporting (`error`), labels (`label`), log
//! records (`logging`), memory handed to C (`free_members`), per-device accounting
//! (`accounting`) and Dawn's toggles (`toggles`).
//!
//! What it may call: wgpu-core, and of the objects only the device (where an error or
//! a lost device is reported, and whose handle a callback passes back).

pub(crate) mod accounting;
pub(crate) mod context;
pub(crate) mod conv;
pub(crate) mod error;
pub(crate) mod free_members;
pub(crate) mod future;
pub(crate) mod guard;
pub(crate) mod handle;
pub(crate) mod label;
pub(crate) mod logging;
pub(crate) mod toggles;
