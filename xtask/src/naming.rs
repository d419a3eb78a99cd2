//! Naming rules: how the API data's snake_case names become C, C++ and Rust names.

/// `discrete_GPU` -> `DiscreteGPU`, `extent_3D` -> `Extent3D`.
/// An underscore between two digits stays: `unorm10_10_10_2` -> `Unorm10_10_10_2`.
pub(crate) fn pascal(name: &str) -> String {
    let mut out = String::new();
    for p in name.split('_') {
        let digits = out.ends_with(|c: char| c.is_ascii_digit())
            && p.starts_with(|c: char| c.is_ascii_digit());
        if digits {
            out.push('_');
        }
        let mut c = p.chars();
        if let Some(f) = c.next() {
            out.extend(f.to_uppercase());
            out.push_str(c.as_str());
        }
    }
    out
}

/// `vendor_ID` -> `vendorID`; a name in capitals alone stays (Dawn's `M`, `N`, `K`).
pub(crate) fn camel(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_uppercase()) {
        return name.into();
    }
    let p = pascal(name);
    let mut c = p.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => p,
    }
}

/// `extent_3D` -> `EXTENT_3D`.
pub(crate) fn upper(name: &str) -> String {
    name.to_uppercase()
}

pub(crate) fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = name.strip_suffix('s') {
        stem.to_string()
    } else {
        name.to_string()
    }
}

pub(crate) fn snake_rust(name: &str) -> String {
    let lower = name.to_lowercase();
    match lower.as_str() {
        "type" | "ref" | "loop" | "where" | "move" | "self" | "impl" | "fn" | "mod" => {
            format!("r#{lower}")
        }
        _ => lower,
    }
}

pub(crate) fn rust_field(name: &str) -> String {
    let c = camel(name);
    match c.as_str() {
        "type" => "r#type".into(),
        _ => c,
    }
}

pub(crate) fn rust_variant(entry: &str) -> String {
    let p = pascal(entry);
    if p.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{p}")
    } else {
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_pascal_camel_and_upper_case_as_the_headers_spell_them() {
        assert_eq!(pascal("discrete_GPU"), "DiscreteGPU");
        assert_eq!(pascal("extent_3D"), "Extent3D");
        assert_eq!(pascal("rgb10a2_unorm"), "Rgb10a2Unorm");
        assert_eq!(pascal("unorm10_10_10_2"), "Unorm10_10_10_2");
        assert_eq!(camel("vendor_ID"), "vendorID");
        assert_eq!(camel("bytes_per_row"), "bytesPerRow");
        assert_eq!(camel("M"), "M");
        assert_eq!(upper("extent_3D"), "EXTENT_3D");
    }

    #[test]
    fn rust_names_avoid_keywords_and_leading_digits() {
        assert_eq!(snake_rust("type"), "r#type");
        assert_eq!(snake_rust("Size"), "size");
        assert_eq!(rust_field("type"), "r#type");
        assert_eq!(rust_variant("2D"), "_2D");
        assert_eq!(rust_variant("undefined"), "Undefined");
        assert_eq!(singular("entries"), "entry");
        assert_eq!(singular("features"), "feature");
    }
}
