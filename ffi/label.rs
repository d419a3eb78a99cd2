//! `wgpu*SetLabel`. wgpu-core fixes a resource's label at creation; a later label is
//! validated and kept in the log so debugging tools see it.

use crate::conv;
use crate::generated::types::WGPUStringView;
use crate::handle::{Handle, Object};

pub unsafe fn set<T: Object>(handle: Handle<T>, label: WGPUStringView) {
    let Some(object) = handle.get_or_log(&format!("wgpu{}SetLabel", &T::NAME[4..])) else {
        return;
    };
    match unsafe { conv::string_view(label) } {
        Ok(l) => log::debug!("{} {:?} labelled {:?}", T::NAME, handle, l.unwrap_or("")),
        Err(e) => {
            let message = format!("wgpu{}SetLabel: {e}", &T::NAME[4..]);
            match T::device(&object) {
                Some(d) => d.validation(message),
                None => log::error!("{message}"),
            }
        }
    }
}
