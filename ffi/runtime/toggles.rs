//! Dawn's toggles: `WGPUDawnTogglesDescriptor`, chained on the instance descriptor, the
//! adapter options or the device descriptor by programs written for Dawn. Read by
//! `instance.rs`, `adapter.rs` and `device.rs`.
//!
//! A toggle names a Dawn behaviour to turn on or off. Where wgpu-core has the same knob
//! the toggle turns it ([`Toggles`]'s fields, applied by the shader module and the
//! pipelines); every other toggle is accepted and left alone, with a debug log line, so
//! that a program written for Dawn runs unchanged. README.md has the table.

use std::ffi::CStr;

use crate::conv;
use crate::generated::types::*;

/// What the toggles of a device turn, as wgpu-core's knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Toggles {
    pub bounds_checks: bool,
    pub zero_initialize_workgroup_memory: bool,
    pub int_div_checks: bool,
}

impl Default for Toggles {
    fn default() -> Self {
        Toggles {
            bounds_checks: true,
            zero_initialize_workgroup_memory: true,
            int_div_checks: true,
        }
    }
}

impl Toggles {
    /// The runtime checks a shader module of a device with these toggles gets.
    pub fn runtime_checks(&self) -> wgt::ShaderRuntimeChecks {
        let mut checks = wgt::ShaderRuntimeChecks::checked();
        checks.bounds_checks = self.bounds_checks;
        checks.int_div_checks = self.int_div_checks;
        checks
    }

    fn set(&mut self, name: &str, enabled: bool) -> bool {
        match name {
            "disable_robustness" => self.bounds_checks = !enabled,
            "disable_workgroup_init" => self.zero_initialize_workgroup_memory = !enabled,
            "disable_polyfills_on_integer_div_and_mod" => self.int_div_checks = !enabled,
            _ => return false,
        }
        true
    }
}

/// Reads the toggles descriptor `link` (its sType checked by the caller) chained where
/// `at` says, into `toggles` (None where the toggles have no effect: on the instance
/// and the adapter options, which Dawn's device toggles do not reach here).
///
/// # Safety
/// `link` points to a `WGPUDawnTogglesDescriptor` whose arrays hold their counts of
/// NUL-terminated strings.
pub unsafe fn read(
    link: *const WGPUChainedStruct,
    at: &str,
    mut toggles: Option<&mut Toggles>,
) -> conv::Result<()> {
    // SAFETY: the caller checked the sType.
    let desc = unsafe { &*(link as *const WGPUDawnTogglesDescriptor) };
    let lists = [
        (desc.enabledToggles, desc.enabledToggleCount, true),
        (desc.disabledToggles, desc.disabledToggleCount, false),
    ];
    for (list, count, enabled) in lists {
        // SAFETY: the caller's array of `count` string pointers.
        for &name in unsafe { conv::slice(list, count, "toggles") }? {
            if name.is_null() {
                return Err(format!("{at}: a toggle is NULL"));
            }
            // SAFETY: a NUL-terminated string, as WGPUDawnTogglesDescriptor says.
            let name = unsafe { CStr::from_ptr(name) }.to_string_lossy();
            let acted = toggles
                .as_deref_mut()
                .is_some_and(|t| t.set(&name, enabled));
            if !acted {
                log::debug!(
                    "{at}: Dawn toggle '{name}' ({}) is not acted on by this library",
                    if enabled { "enabled" } else { "disabled" }
                );
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn descriptor(
        enabled: &[&CStr],
        disabled: &[&CStr],
    ) -> (WGPUDawnTogglesDescriptor, Vec<*const std::ffi::c_char>) {
        let mut names: Vec<*const std::ffi::c_char> = enabled.iter().map(|c| c.as_ptr()).collect();
        names.extend(disabled.iter().map(|c| c.as_ptr()));
        let d = WGPUDawnTogglesDescriptor {
            chain: WGPUChainedStruct {
                next: std::ptr::null_mut(),
                sType: WGPUSType::DawnTogglesDescriptor,
            },
            enabledToggleCount: enabled.len(),
            enabledToggles: names.as_ptr(),
            disabledToggleCount: disabled.len(),
            disabledToggles: names[enabled.len()..].as_ptr(),
        };
        (d, names)
    }

    #[test]
    fn toggles_wgpu_core_has_turn_its_knobs_and_the_rest_are_accepted() {
        let (d, _names) = descriptor(
            &[
                c"disable_robustness",
                c"skip_validation",
                c"allow_unsafe_apis",
            ],
            &[],
        );
        let mut t = Toggles::default();
        // SAFETY: a chain of live locals.
        unsafe { read(&d.chain, "WGPUDeviceDescriptor", Some(&mut t)) }.unwrap();
        assert_eq!(
            t,
            Toggles {
                bounds_checks: false,
                ..Toggles::default()
            }
        );
        assert!(!t.runtime_checks().bounds_checks);
        let (d, _names) = descriptor(
            &[
                c"disable_workgroup_init",
                c"disable_polyfills_on_integer_div_and_mod",
            ],
            &[c"disable_robustness"],
        );
        let mut t = Toggles::default();
        // SAFETY: a chain of live locals.
        unsafe { read(&d.chain, "WGPUDeviceDescriptor", Some(&mut t)) }.unwrap();
        assert!(t.bounds_checks && !t.zero_initialize_workgroup_memory && !t.int_div_checks);
    }

    #[test]
    fn a_null_toggle_is_an_error() {
        let names = [std::ptr::null()];
        let d = WGPUDawnTogglesDescriptor {
            chain: WGPUChainedStruct {
                next: std::ptr::null_mut(),
                sType: WGPUSType::DawnTogglesDescriptor,
            },
            enabledToggleCount: 1,
            enabledToggles: names.as_ptr(),
            disabledToggleCount: 0,
            disabledToggles: std::ptr::null(),
        };
        // SAFETY: a chain of live locals.
        let e = unsafe { read(&d.chain, "WGPUInstanceDescriptor", None) }.unwrap_err();
        assert!(e.contains("NULL"));
    }
}
