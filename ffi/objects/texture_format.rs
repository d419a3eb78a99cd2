//! WebGPU's texture format capabilities, where this library enforces them itself.
//!
//! wgpu-core checks a format against WebGPU's core table (wgpu-types'
//! `guaranteed_format_features`, widened by the features it knows) unless the device
//! has `TEXTURE_ADAPTER_SPECIFIC_FORMAT_FEATURES`; then it allows whatever the adapter
//! can do. `texture-formats-tier1` (storage on r8unorm, rendering to the snorm formats,
//! the 16-bit normalized formats) is beyond the core table, so a device with it gets
//! the adapter's capabilities from wgpu-core, and this module narrows them back to
//! WebGPU's table: the core one plus what tier 1 adds, never what the adapter happens
//! to allow beyond it (blending r32float without float32-blendable, read-write storage,
//! 2 or 8 samples, resolving a 16-bit normalized format).
//!
//! Every device has wgpu-core's 16-bit normalized formats (so that naga accepts them in
//! a storage texture declaration, as WGSL does); without tier 1 this module refuses
//! every use of them. On a device without tier 1 wgpu-core's own checks are this
//! table otherwise, so [`applies`] says when these checks must run.

use wgt::{
    Features as F, StorageTextureAccess as Access, TextureFormat as Tf,
    TextureFormatFeatureFlags as Flags, TextureUsages as U,
};

/// What texture-formats-tier1 is in wgpu-core (conv's feature table): the
/// adapter's format capabilities, the 16-bit normalized formats, and
/// rg11b10ufloat-renderable, which tier 1 implies.
pub const TIER1: F = F::TEXTURE_FORMAT_16BIT_NORM
    .union(F::TEXTURE_ADAPTER_SPECIFIC_FORMAT_FEATURES)
    .union(F::RG11B10UFLOAT_RENDERABLE);

/// Formats that exist only with tier 1.
const NORM16: [Tf; 6] = [
    Tf::R16Unorm,
    Tf::R16Snorm,
    Tf::Rg16Unorm,
    Tf::Rg16Snorm,
    Tf::Rgba16Unorm,
    Tf::Rgba16Snorm,
];

/// Tier 1 makes these render attachments, blendable and multisampled.
const RENDER: [Tf; 10] = [
    Tf::R16Unorm,
    Tf::R16Snorm,
    Tf::Rg16Unorm,
    Tf::Rg16Snorm,
    Tf::Rgba16Unorm,
    Tf::Rgba16Snorm,
    Tf::R8Snorm,
    Tf::Rg8Snorm,
    Tf::Rgba8Snorm,
    Tf::Rg11b10Ufloat,
];

/// Tier 1 makes these resolvable.
const RESOLVE: [Tf; 4] = [Tf::R8Snorm, Tf::Rg8Snorm, Tf::Rgba8Snorm, Tf::Rg11b10Ufloat];

/// Tier 1 makes these read-only and write-only storage textures.
const STORAGE: [Tf; 17] = [
    Tf::R8Unorm,
    Tf::R8Snorm,
    Tf::R8Uint,
    Tf::R8Sint,
    Tf::Rg8Unorm,
    Tf::Rg8Snorm,
    Tf::Rg8Uint,
    Tf::Rg8Sint,
    Tf::R16Uint,
    Tf::R16Sint,
    Tf::R16Float,
    Tf::Rg16Uint,
    Tf::Rg16Sint,
    Tf::Rg16Float,
    Tf::Rgb10a2Uint,
    Tf::Rgb10a2Unorm,
    Tf::Rg11b10Ufloat,
];

/// Whether a device with `features` (those it was created with) has tier 1.
pub fn tier1(features: F) -> bool {
    features.contains(F::TEXTURE_ADAPTER_SPECIFIC_FORMAT_FEATURES)
}

/// Whether wgpu-core may allow more than WebGPU for `format` on such a device, so
/// that these checks must run.
pub fn applies(format: Tf, features: F) -> bool {
    tier1(features) || NORM16.contains(&format)
}

/// What WebGPU lets a device with `features` do with `format`, or why it may not use
/// it at all.
pub fn capabilities(format: Tf, features: F) -> Result<wgt::TextureFormatFeatures, String> {
    let tier1 = tier1(features);
    if NORM16.contains(&format) && !tier1 {
        return Err(format!(
            "the format {format:?} needs the texture-formats-tier1 feature"
        ));
    }
    let mut caps =
        format.guaranteed_format_features(features - F::TEXTURE_ADAPTER_SPECIFIC_FORMAT_FEATURES);
    if tier1 {
        if RENDER.contains(&format) {
            caps.allowed_usages |= U::RENDER_ATTACHMENT;
            caps.flags |= Flags::MULTISAMPLE_X4 | Flags::BLENDABLE;
        }
        if RESOLVE.contains(&format) {
            caps.flags |= Flags::MULTISAMPLE_RESOLVE;
        }
        if STORAGE.contains(&format) {
            caps.allowed_usages |= U::STORAGE_BINDING;
            caps.flags |= Flags::STORAGE_READ_ONLY | Flags::STORAGE_WRITE_ONLY;
        }
    }
    Ok(caps)
}

/// Why a texture of `format` with `usage` and `sample_count` is invalid on a device
/// with `features`, as far as the format decides it.
pub fn texture_error(format: Tf, usage: U, sample_count: u32, features: F) -> Option<String> {
    if !applies(format, features) {
        return None;
    }
    let caps = match capabilities(format, features) {
        Ok(caps) => caps,
        Err(e) => return Some(e),
    };
    let checked = U::RENDER_ATTACHMENT | U::STORAGE_BINDING;
    let refused = (usage & checked) - caps.allowed_usages;
    if !refused.is_empty() {
        return Some(format!(
            "the format {format:?} does not allow the usage {refused:?}"
        ));
    }
    multisample_error(format, sample_count, &caps)
}

fn multisample_error(
    format: Tf,
    sample_count: u32,
    caps: &wgt::TextureFormatFeatures,
) -> Option<String> {
    match sample_count {
        1 => None,
        4 if caps.flags.contains(Flags::MULTISAMPLE_X4) => None,
        4 => Some(format!("the format {format:?} cannot be multisampled")),
        n => Some(format!("a sample count of {n} (WebGPU allows 1 and 4)")),
    }
}

/// Why a storage texture binding of `format` with `access` is invalid.
pub fn storage_error(format: Tf, access: Access, features: F) -> Option<String> {
    if !applies(format, features) {
        return None;
    }
    let caps = match capabilities(format, features) {
        Ok(caps) => caps,
        Err(e) => return Some(e),
    };
    let needed = match access {
        Access::ReadOnly => Flags::STORAGE_READ_ONLY,
        Access::WriteOnly => Flags::STORAGE_WRITE_ONLY,
        Access::ReadWrite => Flags::STORAGE_READ_WRITE,
        Access::Atomic => Flags::STORAGE_ATOMIC,
    };
    (!caps.flags.contains(needed))
        .then(|| format!("the format {format:?} cannot be a {access:?} storage texture"))
}

/// Why a render pipeline's color target (or a render bundle's color format) of
/// `format`, blended or not, with `sample_count`, is invalid.
pub fn color_target_error(
    format: Tf,
    blended: bool,
    sample_count: u32,
    features: F,
) -> Option<String> {
    if !applies(format, features) {
        return None;
    }
    let caps = match capabilities(format, features) {
        Ok(caps) => caps,
        Err(e) => return Some(e),
    };
    if !caps.allowed_usages.contains(U::RENDER_ATTACHMENT) || format.is_depth_stencil_format() {
        return Some(format!("the format {format:?} is not color renderable"));
    }
    if blended && !caps.flags.contains(Flags::BLENDABLE) {
        return Some(format!("the format {format:?} is not blendable"));
    }
    multisample_error(format, sample_count, &caps)
}

/// Why a render pass cannot resolve into a texture of `format`.
pub fn resolve_error(format: Tf, features: F) -> Option<String> {
    if !applies(format, features) {
        return None;
    }
    match capabilities(format, features) {
        Ok(caps) if caps.flags.contains(Flags::MULTISAMPLE_RESOLVE) => None,
        Ok(_) => Some(format!("the format {format:?} cannot be a resolve target")),
        Err(e) => Some(e),
    }
}

/// Whether an adapter whose wgpu-core features are `features` and whose format
/// capabilities `of` gives can do everything tier 1 promises.
pub fn adapter_has_tier1(features: F, of: impl Fn(Tf) -> wgt::TextureFormatFeatures) -> bool {
    let render = Flags::MULTISAMPLE_X4 | Flags::BLENDABLE;
    let storage = Flags::STORAGE_READ_ONLY | Flags::STORAGE_WRITE_ONLY;
    let lacking = RENDER
        .iter()
        .find(|&&f| {
            let caps = of(f);
            !(caps.allowed_usages.contains(U::RENDER_ATTACHMENT) && caps.flags.contains(render))
        })
        .map(|f| format!("rendering, blending or multisampling {f:?}"))
        .or_else(|| {
            RESOLVE
                .iter()
                .find(|&&f| !of(f).flags.contains(Flags::MULTISAMPLE_RESOLVE))
                .map(|f| format!("resolving {f:?}"))
        })
        .or_else(|| {
            STORAGE
                .iter()
                .find(|&&f| {
                    let caps = of(f);
                    !(caps.allowed_usages.contains(U::STORAGE_BINDING)
                        && caps.flags.contains(storage))
                })
                .map(|f| format!("{f:?} as a storage texture"))
        });
    let missing = TIER1 - features;
    match lacking {
        _ if !missing.is_empty() => {
            log::debug!("no texture-formats-tier1: the adapter lacks {missing:?}");
            false
        }
        Some(what) => {
            log::debug!("no texture-formats-tier1: the adapter cannot do {what}");
            false
        }
        None => true,
    }
}

/// The storage textures each entry point of a module uses, for a pipeline whose
/// layout is automatic: wgpu-core derives the layout's entries from them and checks
/// them against the adapter's capabilities on a tier 1 device (and allows the 16-bit
/// normalized formats on every device).
#[derive(Default)]
pub struct EntryPoints(Vec<(String, naga::ShaderStage, Vec<StorageTexture>)>);

/// A storage texture's format and access, as a shader declares it.
type StorageTexture = (Tf, Access);

impl EntryPoints {
    pub fn of(module: &naga::Module) -> Self {
        EntryPoints(
            module
                .entry_points
                .iter()
                .map(|e| {
                    let used = crate::workgroup_storage::used_globals(module, &e.function)
                        .into_iter()
                        .filter_map(
                            |g| match module.types[module.global_variables[g].ty].inner {
                                naga::TypeInner::Image {
                                    class: naga::ImageClass::Storage { format, access },
                                    ..
                                } => Some((
                                    wgpu_naga_bridge::map_storage_format_from_naga(format),
                                    storage_access(access),
                                )),
                                _ => None,
                            },
                        )
                        .collect();
                    (e.name.clone(), e.stage, used)
                })
                .collect(),
        )
    }

    /// Why an automatic layout cannot hold the storage textures of the entry point
    /// (`None` for the module's only one of `stage`), if it cannot.
    pub fn error(
        &self,
        stage: naga::ShaderStage,
        entry_point: Option<&str>,
        features: F,
    ) -> Option<String> {
        let (name, _, used) =
            crate::shader::entry_point(&self.0, stage, entry_point, |e| (&e.0, e.1))?;
        used.iter().find_map(|&(format, access)| {
            storage_error(format, access, features)
                .map(|e| format!("entry point '{name}' uses a storage texture that {e}"))
        })
    }
}

fn storage_access(access: naga::StorageAccess) -> Access {
    let load = access.contains(naga::StorageAccess::LOAD);
    let store = access.contains(naga::StorageAccess::STORE);
    match (load, store) {
        (true, true) => Access::ReadWrite,
        (true, false) => Access::ReadOnly,
        _ => Access::WriteOnly,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_tier1_the_16_bit_normalized_formats_cannot_be_used() {
        let e = texture_error(Tf::R16Unorm, U::TEXTURE_BINDING, 1, F::empty()).unwrap();
        assert!(e.contains("texture-formats-tier1"), "{e}");
    }

    #[test]
    fn tier1_makes_r8unorm_a_write_only_but_not_a_read_write_storage_texture() {
        assert_eq!(storage_error(Tf::R8Unorm, Access::WriteOnly, TIER1), None);
        assert!(storage_error(Tf::R8Unorm, Access::ReadWrite, TIER1).is_some());
        assert!(storage_error(Tf::R8Unorm, Access::WriteOnly, F::empty()).is_none());
    }

    #[test]
    fn tier1_renders_and_blends_snorm_but_resolves_no_16_bit_normalized_format() {
        assert_eq!(color_target_error(Tf::Rgba8Snorm, true, 4, TIER1), None);
        assert_eq!(resolve_error(Tf::Rgba8Snorm, TIER1), None);
        assert!(resolve_error(Tf::Rg16Unorm, TIER1).is_some());
    }

    #[test]
    fn tier1_does_not_blend_r32float_without_float32_blendable() {
        assert!(color_target_error(Tf::R32Float, true, 1, TIER1).is_some());
        let blendable = TIER1 | F::FLOAT32_BLENDABLE;
        assert_eq!(color_target_error(Tf::R32Float, true, 1, blendable), None);
    }

    #[test]
    fn webgpu_has_no_sample_count_but_1_and_4() {
        let e = texture_error(Tf::Rgba8Unorm, U::RENDER_ATTACHMENT, 8, TIER1).unwrap();
        assert!(e.contains("sample count of 8"), "{e}");
    }
}
