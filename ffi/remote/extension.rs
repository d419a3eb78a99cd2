//! This library's own chained structs (`WGPUShim*`, in `ffi/extensions.rs`) on the
//! wire, beside the generated ones. A link of an sType neither side knows crosses as
//! its sType alone and arrives as a zeroed block large enough for any struct, so an
//! implementation that does read it never reads past it.

use super::wire::{Reader, Side, WResult, Writer};
use crate::extensions::*;
use crate::generated::types::*;

/// # Safety
/// `p` a valid link of sType `stype`.
pub unsafe fn enc<S: Side>(
    w: &mut Writer,
    _s: &mut S,
    stype: WGPUSType,
    p: *const WGPUChainedStruct,
) -> WResult<()> {
    if stype.0 == WGPUShimSType_InstanceBackends {
        // SAFETY: the sType says what the link is (the caller's promise).
        w.u64(unsafe { (*p.cast::<WGPUShimInstanceBackends>()).backends });
    }
    Ok(())
}

/// A block for an unknown link: zeroed, bigger than any struct of the API.
#[derive(Clone, Copy)]
#[repr(C)]
struct Unknown {
    chain: WGPUChainedStruct,
    rest: [u64; 64],
}

pub fn dec<S: Side>(
    r: &mut Reader,
    s: &mut S,
    stype: WGPUSType,
) -> WResult<*mut WGPUChainedStruct> {
    if stype.0 == WGPUShimSType_InstanceBackends {
        let v = WGPUShimInstanceBackends {
            chain: WGPUChainedStruct {
                next: std::ptr::null_mut(),
                sType: stype,
            },
            backends: r.u64()?,
        };
        return Ok(s.keep_one(v).cast());
    }
    Ok(zeroed(s, stype))
}

pub fn size(stype: WGPUSType) -> Option<usize> {
    (stype.0 == WGPUShimSType_InstanceBackends)
        .then_some(std::mem::size_of::<WGPUShimInstanceBackends>())
}

/// A zeroed link of an sType the wire does not know (in a chain or an output chain): big enough
/// for any struct, so the implementation reports the sType instead of reading past.
pub fn zeroed<S: Side>(s: &mut S, stype: WGPUSType) -> *mut WGPUChainedStruct {
    let chain = WGPUChainedStruct {
        next: std::ptr::null_mut(),
        sType: stype,
    };
    s.keep_one(Unknown {
        chain,
        rest: [0; 64],
    })
    .cast()
}
