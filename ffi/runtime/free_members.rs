//! Memory the library hands to C inside output structs (adapter info strings, feature
//! lists, surface capabilities), and the `wgpu*FreeMembers` functions that give it
//! back. Each array or string is one boxed slice, freed with the length C was given.

use std::ffi::c_char;

use crate::generated::types::*;

/// Moves `items` to C: (pointer, count). Free with [`free_array`].
pub fn leak_array<T>(items: Vec<T>) -> (*const T, usize) {
    let boxed = items.into_boxed_slice();
    let count = boxed.len();
    (Box::into_raw(boxed) as *const T, count)
}

/// # Safety
/// `(data, count)` must come from [`leak_array`] and not have been freed.
unsafe fn free_array<T>(data: *const T, count: usize) {
    if !data.is_null() {
        // SAFETY: rebuilds the boxed slice `leak_array` leaked.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(data as *mut T, count)) });
    }
}

/// Moves a copy of `s` to C, NUL-terminated for convenience. Free with [`free_string`].
pub fn leak_string(s: &str) -> WGPUStringView {
    let mut bytes = Vec::with_capacity(s.len() + 1);
    bytes.extend_from_slice(s.as_bytes());
    bytes.push(0);
    let (data, _) = leak_array(bytes);
    WGPUStringView {
        data: data as *const c_char,
        length: s.len(),
    }
}

/// # Safety
/// `view` must come from [`leak_string`] and not have been freed.
unsafe fn free_string(view: WGPUStringView) {
    if !view.data.is_null() && view.length != WGPU_STRLEN {
        // SAFETY: leak_string leaked `length` bytes and a NUL (the caller's promise).
        unsafe { free_array(view.data.cast::<u8>(), view.length + 1) }
    }
}

// SAFETY (each function below): the caller's promise that the struct was filled by
// this library and not freed before, so each array is the one it leaked, at its count.

pub unsafe fn adapter_info(info: WGPUAdapterInfo) {
    // SAFETY: see above.
    unsafe {
        free_string(info.vendor);
        free_string(info.architecture);
        free_string(info.device);
        free_string(info.description);
    }
}

pub unsafe fn adapter_properties_subgroup_matrix_configs(
    p: WGPUAdapterPropertiesSubgroupMatrixConfigs,
) {
    // SAFETY: see above.
    unsafe { free_array(p.configs, p.configCount) }
}

pub unsafe fn supported_features(f: WGPUSupportedFeatures) {
    // SAFETY: see above.
    unsafe { free_array(f.features, f.featureCount) }
}

pub unsafe fn supported_instance_features(f: WGPUSupportedInstanceFeatures) {
    // SAFETY: see above.
    unsafe { free_array(f.features, f.featureCount) }
}

pub unsafe fn supported_WGSL_language_features(f: WGPUSupportedWGSLLanguageFeatures) {
    // SAFETY: see above.
    unsafe { free_array(f.features, f.featureCount) }
}

pub unsafe fn surface_capabilities(c: WGPUSurfaceCapabilities) {
    // SAFETY: see above.
    unsafe {
        free_array(c.formats, c.formatCount);
        free_array(c.presentModes, c.presentModeCount);
        free_array(c.alphaModes, c.alphaModeCount);
    }
}

/// Releases the list's adapter references and frees its array.
pub unsafe fn adapter_list(list: crate::extensions::WGPUShimAdapterList) {
    if list.adapters.is_null() {
        return;
    }
    // SAFETY: the array `enumerate_adapters` leaked, `adapterCount` long.
    let adapters = unsafe { std::slice::from_raw_parts(list.adapters, list.adapterCount) };
    for adapter in adapters {
        crate::handle::release(*adapter);
    }
    // SAFETY: as above: the array enumerate_adapters leaked.
    unsafe { free_array(list.adapters, list.adapterCount) }
}
