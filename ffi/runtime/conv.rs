//! Conversions at the boundary: C strings, arrays and chains into borrowed Rust
//! values, and webgpu.h enums and flags into wgpu-types. Every unknown value is an
//! `Err` with a message naming it, never a panic or undefined behaviour.

use std::borrow::Cow;
use std::ffi::{c_char, CStr};

use crate::generated::types::*;

pub type Result<T> = std::result::Result<T, String>;

/// A `WGPUStringView`'s bytes: None for the null view (`{NULL, WGPU_STRLEN}`).
///
/// # Safety
/// `data` must point to `length` readable bytes, or to a NUL-terminated string when
/// `length` is `WGPU_STRLEN`, for the lifetime the caller picks.
pub unsafe fn string_view_bytes<'a>(view: WGPUStringView) -> Result<Option<&'a [u8]>> {
    if view.data.is_null() {
        return match view.length {
            0 => Ok(Some(&[])),
            WGPU_STRLEN => Ok(None),
            n => Err(format!("WGPUStringView has length {n} and NULL data")),
        };
    }
    if view.length == WGPU_STRLEN {
        // SAFETY: the caller promises a NUL-terminated string.
        return Ok(Some(
            unsafe { CStr::from_ptr(view.data as *const c_char) }.to_bytes(),
        ));
    }
    if view.length > isize::MAX as usize {
        return Err(format!(
            "WGPUStringView length {} is too large",
            view.length
        ));
    }
    // SAFETY: the caller promises `length` readable bytes.
    Ok(Some(unsafe {
        std::slice::from_raw_parts(view.data.cast::<u8>(), view.length)
    }))
}

/// A `WGPUStringView` as text; invalid UTF-8 is an error.
///
/// # Safety
/// As [`string_view_bytes`].
pub unsafe fn string_view<'a>(view: WGPUStringView) -> Result<Option<&'a str>> {
    // SAFETY: the caller's promise for the view, passed on.
    match unsafe { string_view_bytes(view) }? {
        None => Ok(None),
        Some(b) => std::str::from_utf8(b)
            .map(Some)
            .map_err(|e| format!("WGPUStringView is not valid UTF-8: {e}")),
    }
}

/// A label: the null view and the empty string both mean "no label".
///
/// # Safety
/// As [`string_view_bytes`].
pub unsafe fn label<'a>(view: WGPUStringView) -> Result<Option<Cow<'a, str>>> {
    // SAFETY: the caller's promise for the view, passed on.
    Ok(unsafe { string_view(view) }?
        .filter(|s| !s.is_empty())
        .map(Cow::Borrowed))
}

/// A string view over a Rust string, for messages passed to callbacks.
pub fn to_string_view(s: &str) -> WGPUStringView {
    WGPUStringView {
        data: s.as_ptr() as *const c_char,
        length: s.len(),
    }
}

pub const NULL_STRING_VIEW: WGPUStringView = WGPUStringView {
    data: std::ptr::null(),
    length: WGPU_STRLEN,
};

/// A C array as a slice; NULL is fine when the count is 0.
///
/// # Safety
/// `data` must point to `count` valid `T`s that outlive `'a`.
pub unsafe fn slice<'a, T>(data: *const T, count: usize, what: &str) -> Result<&'a [T]> {
    if count == 0 {
        return Ok(&[]);
    }
    if data.is_null() {
        return Err(format!("{what}: count is {count} but the array is NULL"));
    }
    if count
        .checked_mul(std::mem::size_of::<T>())
        .is_none_or(|b| b > isize::MAX as usize)
    {
        return Err(format!("{what}: count {count} is too large"));
    }
    // SAFETY: the caller promises `count` valid elements.
    Ok(unsafe { std::slice::from_raw_parts(data, count) })
}

/// A required descriptor pointer.
///
/// # Safety
/// `p` must be NULL or point to a valid `T` that outlives `'a`.
pub unsafe fn required<'a, T>(p: *const T, what: &str) -> Result<&'a T> {
    // SAFETY: the caller promises validity when non-NULL.
    unsafe { p.as_ref() }.ok_or_else(|| format!("{what} is NULL"))
}

/// The structs chained after a descriptor.
pub struct Chain {
    next: *const WGPUChainedStruct,
}

impl Chain {
    /// # Safety
    /// Every `next` pointer in the chain must be NULL or point to a valid chained
    /// struct whose `sType` matches its real type.
    pub unsafe fn new(first: *const WGPUChainedStruct) -> Self {
        Chain { next: first }
    }
}

impl Iterator for Chain {
    type Item = (WGPUSType, *const WGPUChainedStruct);
    fn next(&mut self) -> Option<Self::Item> {
        // SAFETY: `Chain::new`'s caller promised every link is valid.
        let link = unsafe { self.next.as_ref() }?;
        let item = (link.sType, self.next);
        self.next = link.next;
        Some(item)
    }
}

/// Rejects any chained struct on a descriptor that takes none.
///
/// # Safety
/// As [`Chain::new`].
pub unsafe fn no_chain(first: *const WGPUChainedStruct, what: &str) -> Result<()> {
    // SAFETY: the caller's promise for the chain, passed on.
    match unsafe { Chain::new(first) }.next() {
        None => Ok(()),
        Some((s_type, _)) => Err(unexpected_s_type(s_type, what)),
    }
}

pub fn unexpected_s_type(s_type: WGPUSType, what: &str) -> String {
    match s_type.name() {
        Some(name) => format!("{what}: {name} cannot be chained here"),
        None => format!("{what}: unknown sType {:#x} in the chain", s_type.0),
    }
}

/// A buffer range's size: `WGPU_WHOLE_SIZE` means the rest of the buffer (None).
pub fn size(size: u64) -> Option<u64> {
    (size != WGPU_WHOLE_SIZE).then_some(size)
}

/// A vertex or index buffer's size, as wgpu-core takes it (None: the rest).
pub fn buffer_size(size: u64) -> Option<wgt::BufferSize> {
    self::size(size).and_then(wgt::BufferSize::new)
}

pub fn bool(b: WGPUBool, what: &str) -> Result<bool> {
    match b {
        0 => Ok(false),
        1 => Ok(true),
        other => Err(format!("{what}: {other} is not a WGPUBool (0 or 1)")),
    }
}

fn unknown<T>(value: u32, ty: &str) -> Result<T> {
    Err(format!("{value:#x} is not a valid {ty}"))
}

pub fn buffer_usage(bits: WGPUBufferUsage) -> Result<wgt::BufferUsages> {
    if bits & !WGPUBufferUsage_KNOWN != 0 {
        return Err(format!(
            "{bits:#x} is not a valid WGPUBufferUsage (unknown bits)"
        ));
    }
    Ok(wgt::BufferUsages::from_bits_truncate(bits as u32))
}

pub fn shader_stage(bits: WGPUShaderStage) -> Result<wgt::ShaderStages> {
    if bits & !WGPUShaderStage_KNOWN != 0 {
        return Err(format!(
            "{bits:#x} is not a valid WGPUShaderStage (unknown bits)"
        ));
    }
    Ok(wgt::ShaderStages::from_bits_truncate(bits as u32))
}

pub fn texture_usage(bits: WGPUTextureUsage) -> Result<wgt::TextureUsages> {
    if bits & !WGPUTextureUsage_KNOWN != 0 {
        return Err(format!(
            "{bits:#x} is not a valid WGPUTextureUsage (unknown bits)"
        ));
    }
    let mut u = wgt::TextureUsages::empty();
    for (c, w) in [
        (WGPUTextureUsage_CopySrc, wgt::TextureUsages::COPY_SRC),
        (WGPUTextureUsage_CopyDst, wgt::TextureUsages::COPY_DST),
        (
            WGPUTextureUsage_TextureBinding,
            wgt::TextureUsages::TEXTURE_BINDING,
        ),
        (
            WGPUTextureUsage_StorageBinding,
            wgt::TextureUsages::STORAGE_BINDING,
        ),
        (
            WGPUTextureUsage_RenderAttachment,
            wgt::TextureUsages::RENDER_ATTACHMENT,
        ),
        (
            WGPUTextureUsage_TransientAttachment,
            wgt::TextureUsages::TRANSIENT_ATTACHMENT,
        ),
    ] {
        if bits & c != 0 {
            u |= w;
        }
    }
    Ok(u)
}

pub fn texture_usage_to_c(usage: wgt::TextureUsages) -> WGPUTextureUsage {
    let mut bits = 0;
    for (c, w) in [
        (WGPUTextureUsage_CopySrc, wgt::TextureUsages::COPY_SRC),
        (WGPUTextureUsage_CopyDst, wgt::TextureUsages::COPY_DST),
        (
            WGPUTextureUsage_TextureBinding,
            wgt::TextureUsages::TEXTURE_BINDING,
        ),
        (
            WGPUTextureUsage_StorageBinding,
            wgt::TextureUsages::STORAGE_BINDING,
        ),
        (
            WGPUTextureUsage_RenderAttachment,
            wgt::TextureUsages::RENDER_ATTACHMENT,
        ),
        (
            WGPUTextureUsage_TransientAttachment,
            wgt::TextureUsages::TRANSIENT_ATTACHMENT,
        ),
    ] {
        if usage.contains(w) {
            bits |= c;
        }
    }
    bits
}

/// Texture formats, both ways. One table, so the two directions cannot disagree.
macro_rules! texture_formats {
    ($($c:ident => $w:expr,)*) => {
        pub fn texture_format(f: WGPUTextureFormat) -> Result<Option<wgt::TextureFormat>> {
            use wgt::TextureFormat as F;
            Ok(Some(match f {
                WGPUTextureFormat::Undefined => return Ok(None),
                $(WGPUTextureFormat::$c => $w,)*
                other => return unknown(other.0, "WGPUTextureFormat"),
            }))
        }
        pub fn texture_format_to_c(f: wgt::TextureFormat) -> WGPUTextureFormat {
            use wgt::TextureFormat as F;
            $(if f == $w { return WGPUTextureFormat::$c; })*
            WGPUTextureFormat::Undefined
        }
    };
}

use wgt::{AstcBlock as AB, AstcChannel as AC};
texture_formats! {
    R8Unorm => F::R8Unorm, R8Snorm => F::R8Snorm, R8Uint => F::R8Uint, R8Sint => F::R8Sint,
    R16Unorm => F::R16Unorm, R16Snorm => F::R16Snorm, R16Uint => F::R16Uint, R16Sint => F::R16Sint,
    R16Float => F::R16Float, RG8Unorm => F::Rg8Unorm, RG8Snorm => F::Rg8Snorm, RG8Uint => F::Rg8Uint,
    RG8Sint => F::Rg8Sint, R32Float => F::R32Float, R32Uint => F::R32Uint, R32Sint => F::R32Sint,
    RG16Unorm => F::Rg16Unorm, RG16Snorm => F::Rg16Snorm, RG16Uint => F::Rg16Uint, RG16Sint => F::Rg16Sint,
    RG16Float => F::Rg16Float, RGBA8Unorm => F::Rgba8Unorm, RGBA8UnormSrgb => F::Rgba8UnormSrgb,
    RGBA8Snorm => F::Rgba8Snorm, RGBA8Uint => F::Rgba8Uint, RGBA8Sint => F::Rgba8Sint,
    BGRA8Unorm => F::Bgra8Unorm, BGRA8UnormSrgb => F::Bgra8UnormSrgb, RGB10A2Uint => F::Rgb10a2Uint,
    RGB10A2Unorm => F::Rgb10a2Unorm, RG11B10Ufloat => F::Rg11b10Ufloat, RGB9E5Ufloat => F::Rgb9e5Ufloat,
    RG32Float => F::Rg32Float, RG32Uint => F::Rg32Uint, RG32Sint => F::Rg32Sint,
    RGBA16Unorm => F::Rgba16Unorm, RGBA16Snorm => F::Rgba16Snorm, RGBA16Uint => F::Rgba16Uint,
    RGBA16Sint => F::Rgba16Sint, RGBA16Float => F::Rgba16Float, RGBA32Float => F::Rgba32Float,
    RGBA32Uint => F::Rgba32Uint, RGBA32Sint => F::Rgba32Sint, Stencil8 => F::Stencil8,
    Depth16Unorm => F::Depth16Unorm, Depth24Plus => F::Depth24Plus, Depth24PlusStencil8 => F::Depth24PlusStencil8,
    Depth32Float => F::Depth32Float, Depth32FloatStencil8 => F::Depth32FloatStencil8,
    BC1RGBAUnorm => F::Bc1RgbaUnorm, BC1RGBAUnormSrgb => F::Bc1RgbaUnormSrgb,
    BC2RGBAUnorm => F::Bc2RgbaUnorm, BC2RGBAUnormSrgb => F::Bc2RgbaUnormSrgb,
    BC3RGBAUnorm => F::Bc3RgbaUnorm, BC3RGBAUnormSrgb => F::Bc3RgbaUnormSrgb,
    BC4RUnorm => F::Bc4RUnorm, BC4RSnorm => F::Bc4RSnorm, BC5RGUnorm => F::Bc5RgUnorm, BC5RGSnorm => F::Bc5RgSnorm,
    BC6HRGBUfloat => F::Bc6hRgbUfloat, BC6HRGBFloat => F::Bc6hRgbFloat,
    BC7RGBAUnorm => F::Bc7RgbaUnorm, BC7RGBAUnormSrgb => F::Bc7RgbaUnormSrgb,
    ETC2RGB8Unorm => F::Etc2Rgb8Unorm, ETC2RGB8UnormSrgb => F::Etc2Rgb8UnormSrgb,
    ETC2RGB8A1Unorm => F::Etc2Rgb8A1Unorm, ETC2RGB8A1UnormSrgb => F::Etc2Rgb8A1UnormSrgb,
    ETC2RGBA8Unorm => F::Etc2Rgba8Unorm, ETC2RGBA8UnormSrgb => F::Etc2Rgba8UnormSrgb,
    EACR11Unorm => F::EacR11Unorm, EACR11Snorm => F::EacR11Snorm, EACRG11Unorm => F::EacRg11Unorm,
    EACRG11Snorm => F::EacRg11Snorm,
    ASTC4x4Unorm => F::Astc { block: AB::B4x4, channel: AC::Unorm },
    ASTC4x4UnormSrgb => F::Astc { block: AB::B4x4, channel: AC::UnormSrgb },
    ASTC5x4Unorm => F::Astc { block: AB::B5x4, channel: AC::Unorm },
    ASTC5x4UnormSrgb => F::Astc { block: AB::B5x4, channel: AC::UnormSrgb },
    ASTC5x5Unorm => F::Astc { block: AB::B5x5, channel: AC::Unorm },
    ASTC5x5UnormSrgb => F::Astc { block: AB::B5x5, channel: AC::UnormSrgb },
    ASTC6x5Unorm => F::Astc { block: AB::B6x5, channel: AC::Unorm },
    ASTC6x5UnormSrgb => F::Astc { block: AB::B6x5, channel: AC::UnormSrgb },
    ASTC6x6Unorm => F::Astc { block: AB::B6x6, channel: AC::Unorm },
    ASTC6x6UnormSrgb => F::Astc { block: AB::B6x6, channel: AC::UnormSrgb },
    ASTC8x5Unorm => F::Astc { block: AB::B8x5, channel: AC::Unorm },
    ASTC8x5UnormSrgb => F::Astc { block: AB::B8x5, channel: AC::UnormSrgb },
    ASTC8x6Unorm => F::Astc { block: AB::B8x6, channel: AC::Unorm },
    ASTC8x6UnormSrgb => F::Astc { block: AB::B8x6, channel: AC::UnormSrgb },
    ASTC8x8Unorm => F::Astc { block: AB::B8x8, channel: AC::Unorm },
    ASTC8x8UnormSrgb => F::Astc { block: AB::B8x8, channel: AC::UnormSrgb },
    ASTC10x5Unorm => F::Astc { block: AB::B10x5, channel: AC::Unorm },
    ASTC10x5UnormSrgb => F::Astc { block: AB::B10x5, channel: AC::UnormSrgb },
    ASTC10x6Unorm => F::Astc { block: AB::B10x6, channel: AC::Unorm },
    ASTC10x6UnormSrgb => F::Astc { block: AB::B10x6, channel: AC::UnormSrgb },
    ASTC10x8Unorm => F::Astc { block: AB::B10x8, channel: AC::Unorm },
    ASTC10x8UnormSrgb => F::Astc { block: AB::B10x8, channel: AC::UnormSrgb },
    ASTC10x10Unorm => F::Astc { block: AB::B10x10, channel: AC::Unorm },
    ASTC10x10UnormSrgb => F::Astc { block: AB::B10x10, channel: AC::UnormSrgb },
    ASTC12x10Unorm => F::Astc { block: AB::B12x10, channel: AC::Unorm },
    ASTC12x10UnormSrgb => F::Astc { block: AB::B12x10, channel: AC::UnormSrgb },
    ASTC12x12Unorm => F::Astc { block: AB::B12x12, channel: AC::Unorm },
    ASTC12x12UnormSrgb => F::Astc { block: AB::B12x12, channel: AC::UnormSrgb },
}

/// Features, both ways, from one table. wgpu-core's names differ from the spec's.
macro_rules! features {
    ($($c:ident => $w:expr,)*) => {
        pub fn feature(f: WGPUFeatureName) -> Result<wgt::Features> {
            use wgt::Features as F;
            Ok(match f {
                WGPUFeatureName::CoreFeaturesAndLimits => F::empty(),
                // Dawn's: every device of this library may be used from any thread.
                WGPUFeatureName::ImplicitDeviceSynchronization => F::empty(),
                WGPUFeatureName::ChromiumExperimentalSubgroupMatrix => {
                    return Err("WGPUFeatureName_ChromiumExperimentalSubgroupMatrix: no adapter of \
                                this library has subgroup matrices"
                        .into())
                }
                $(WGPUFeatureName::$c => $w,)*
                other => return unknown(other.0, "WGPUFeatureName"),
            })
        }
        pub fn features_to_c(f: wgt::Features) -> Vec<WGPUFeatureName> {
            use wgt::Features as F;
            // wgpu-core devices always provide the full WebGPU core feature set.
            let mut out = vec![
                WGPUFeatureName::CoreFeaturesAndLimits,
                WGPUFeatureName::ImplicitDeviceSynchronization,
            ];
            $(if f.contains($w) { out.push(WGPUFeatureName::$c); })*
            out
        }
    };
}

features! {
    DepthClipControl => F::DEPTH_CLIP_CONTROL,
    Depth32FloatStencil8 => F::DEPTH32FLOAT_STENCIL8,
    TextureCompressionBC => F::TEXTURE_COMPRESSION_BC,
    TextureCompressionBCSliced3D => F::TEXTURE_COMPRESSION_BC_SLICED_3D,
    TextureCompressionETC2 => F::TEXTURE_COMPRESSION_ETC2,
    TextureCompressionASTC => F::TEXTURE_COMPRESSION_ASTC,
    TextureCompressionASTCSliced3D => F::TEXTURE_COMPRESSION_ASTC_SLICED_3D,
    TimestampQuery => F::TIMESTAMP_QUERY,
    // Dawn's, with its pass encoders' WriteTimestamp.
    ChromiumExperimentalTimestampQueryInsidePasses =>
        F::TIMESTAMP_QUERY.union(F::TIMESTAMP_QUERY_INSIDE_PASSES),
    IndirectFirstInstance => F::INDIRECT_FIRST_INSTANCE,
    ShaderF16 => F::SHADER_F16,
    RG11B10UfloatRenderable => F::RG11B10UFLOAT_RENDERABLE,
    BGRA8UnormStorage => F::BGRA8UNORM_STORAGE,
    Float32Filterable => F::FLOAT32_FILTERABLE,
    Float32Blendable => F::FLOAT32_BLENDABLE,
    ClipDistances => F::CLIP_DISTANCES,
    DualSourceBlending => F::DUAL_SOURCE_BLENDING,
    Subgroups => F::SUBGROUP,
    PrimitiveIndex => F::PRIMITIVE_INDEX,
    // wgpu-core has no such feature: the adapter's format capabilities, narrowed to
    // WebGPU's tier 1 by `texture_format`.
    TextureFormatsTier1 => crate::texture_format::TIER1,
}

/// Limits, both ways. `WGPU_LIMIT_*_UNDEFINED` in a request means "the default".
macro_rules! limits {
    ($($c:ident => $w:ident,)*) => {
        pub fn limits_to_c(l: &wgt::Limits, out: &mut WGPULimits) {
            $(out.$c = l.$w as _;)*
        }
        /// Applies a device request to `base` (the defaults), as WebGPU's "request a
        /// device" does: a defined value replaces the default only where it is better
        /// (higher for a `max*` limit, lower for a `min*` alignment); a worse one is
        /// ignored. An alignment that is not a power of two is an error.
        pub fn limits_from_c(c: &WGPULimits, base: &mut wgt::Limits) -> Result<()> {
            $(
                if c.$c as u64 != crate::conv::undefined_of(&c.$c) {
                    let value = c.$c as u64;
                    let current = base.$w as u64;
                    if stringify!($c).starts_with("min") {
                        if !value.is_power_of_two() {
                            return Err(format!(
                                "requiredLimits.{} ({value}) is not a power of two",
                                stringify!($c)
                            ));
                        }
                        if value < current {
                            base.$w = value as _;
                        }
                    } else if value > current {
                        base.$w = value as _;
                    }
                }
            )*
            Ok(())
        }
    };
}

/// The "undefined" value of a limit field, by its width.
pub fn undefined_of<T: Sized>(_: &T) -> u64 {
    if std::mem::size_of::<T>() == 4 {
        u32::MAX as u64
    } else {
        u64::MAX
    }
}

limits! {
    maxTextureDimension1D => max_texture_dimension_1d,
    maxTextureDimension2D => max_texture_dimension_2d,
    maxTextureDimension3D => max_texture_dimension_3d,
    maxTextureArrayLayers => max_texture_array_layers,
    maxBindGroups => max_bind_groups,
    maxBindGroupsPlusVertexBuffers => max_bind_groups_plus_vertex_buffers,
    maxBindingsPerBindGroup => max_bindings_per_bind_group,
    maxDynamicUniformBuffersPerPipelineLayout => max_dynamic_uniform_buffers_per_pipeline_layout,
    maxDynamicStorageBuffersPerPipelineLayout => max_dynamic_storage_buffers_per_pipeline_layout,
    maxSampledTexturesPerShaderStage => max_sampled_textures_per_shader_stage,
    maxSamplersPerShaderStage => max_samplers_per_shader_stage,
    maxStorageBuffersPerShaderStage => max_storage_buffers_per_shader_stage,
    maxStorageTexturesPerShaderStage => max_storage_textures_per_shader_stage,
    maxUniformBuffersPerShaderStage => max_uniform_buffers_per_shader_stage,
    maxUniformBufferBindingSize => max_uniform_buffer_binding_size,
    maxStorageBufferBindingSize => max_storage_buffer_binding_size,
    minUniformBufferOffsetAlignment => min_uniform_buffer_offset_alignment,
    minStorageBufferOffsetAlignment => min_storage_buffer_offset_alignment,
    maxVertexBuffers => max_vertex_buffers,
    maxBufferSize => max_buffer_size,
    maxVertexAttributes => max_vertex_attributes,
    maxVertexBufferArrayStride => max_vertex_buffer_array_stride,
    maxInterStageShaderVariables => max_inter_stage_shader_variables,
    maxColorAttachments => max_color_attachments,
    maxColorAttachmentBytesPerSample => max_color_attachment_bytes_per_sample,
    maxComputeWorkgroupStorageSize => max_compute_workgroup_storage_size,
    maxComputeInvocationsPerWorkgroup => max_compute_invocations_per_workgroup,
    maxComputeWorkgroupSizeX => max_compute_workgroup_size_x,
    maxComputeWorkgroupSizeY => max_compute_workgroup_size_y,
    maxComputeWorkgroupSizeZ => max_compute_workgroup_size_z,
    maxComputeWorkgroupsPerDimension => max_compute_workgroups_per_dimension,
    maxImmediateSize => max_immediate_size,
}

/// WebGPU's per-stage storage limits, which webgpu.h chains on `WGPULimits` as
/// `WGPUCompatibilityModeLimits`: (name, whether it counts textures).
const STAGE_LIMITS: [(&str, bool); 4] = [
    ("maxStorageBuffersInVertexStage", false),
    ("maxStorageTexturesInVertexStage", true),
    ("maxStorageBuffersInFragmentStage", false),
    ("maxStorageTexturesInFragmentStage", true),
];

fn stage_limit_fields(c: &mut WGPUCompatibilityModeLimits) -> [&mut u32; 4] {
    [
        &mut c.maxStorageBuffersInVertexStage,
        &mut c.maxStorageTexturesInVertexStage,
        &mut c.maxStorageBuffersInFragmentStage,
        &mut c.maxStorageTexturesInFragmentStage,
    ]
}

fn per_stage_limit(l: &mut wgt::Limits, textures: bool) -> &mut u32 {
    if textures {
        &mut l.max_storage_textures_per_shader_stage
    } else {
        &mut l.max_storage_buffers_per_shader_stage
    }
}

/// Fills the per-stage storage limits chained on a `GetLimits` output. Every device of
/// this library is a core device, where each equals its per-shader-stage limit
/// (wgpu-core keeps no value of its own for them).
///
/// # Safety
/// As [`Chain::new`]; the links are the caller's to write.
pub unsafe fn stage_limits_to_c(l: &wgt::Limits, chain: *mut WGPUChainedStruct) -> Result<()> {
    let mut l = l.clone();
    // SAFETY: the caller's promise for the chain, passed on.
    for (s_type, link) in unsafe { Chain::new(chain) } {
        if s_type != WGPUSType::CompatibilityModeLimits {
            return Err(unexpected_s_type(s_type, "WGPULimits"));
        }
        // SAFETY: the sType says the link is a WGPUCompatibilityModeLimits, which the
        // caller lets us write.
        let c = unsafe { &mut *(link as *mut WGPUCompatibilityModeLimits) };
        for ((_, textures), field) in STAGE_LIMITS.iter().zip(stage_limit_fields(c)) {
            *field = *per_stage_limit(&mut l, *textures);
        }
    }
    Ok(())
}

/// Applies per-stage storage limits chained on a device request: on a core device a
/// request for one raises its per-shader-stage limit to it (WebGPU's "request a device"
/// upgrades it); one above the adapter's limit fails the request.
///
/// # Safety
/// As [`Chain::new`].
pub unsafe fn stage_limits_from_c(
    chain: *const WGPUChainedStruct,
    adapter: &wgt::Limits,
    base: &mut wgt::Limits,
) -> Result<()> {
    let mut adapter = adapter.clone();
    // SAFETY: the caller's promise for the chain, passed on.
    for (s_type, link) in unsafe { Chain::new(chain) } {
        if s_type != WGPUSType::CompatibilityModeLimits {
            return Err(unexpected_s_type(s_type, "WGPULimits"));
        }
        // SAFETY: the sType says the link is a WGPUCompatibilityModeLimits.
        let mut c = unsafe { *(link as *const WGPUCompatibilityModeLimits) };
        for ((name, textures), value) in STAGE_LIMITS.iter().zip(stage_limit_fields(&mut c)) {
            let value = *value;
            if value == WGPU_LIMIT_U32_UNDEFINED {
                continue;
            }
            let most = *per_stage_limit(&mut adapter, *textures);
            if value > most {
                return Err(format!(
                    "requiredLimits.{name} ({value}) is above the adapter's limit ({most})"
                ));
            }
            let limit = per_stage_limit(base, *textures);
            *limit = (*limit).max(value);
        }
    }
    Ok(())
}

pub fn backend_to_c(b: wgt::Backend) -> WGPUBackendType {
    match b {
        wgt::Backend::Noop => WGPUBackendType::Null,
        wgt::Backend::Vulkan => WGPUBackendType::Vulkan,
        wgt::Backend::Metal => WGPUBackendType::Metal,
        wgt::Backend::Dx12 => WGPUBackendType::D3D12,
        wgt::Backend::Gl => WGPUBackendType::OpenGL,
        wgt::Backend::BrowserWebGpu => WGPUBackendType::WebGPU,
    }
}

pub fn backends(b: WGPUBackendType) -> Result<wgt::Backends> {
    Ok(match b {
        WGPUBackendType::Undefined => wgt::Backends::all(),
        WGPUBackendType::Null => wgt::Backends::NOOP,
        WGPUBackendType::Vulkan => wgt::Backends::VULKAN,
        WGPUBackendType::Metal => wgt::Backends::METAL,
        WGPUBackendType::D3D12 => wgt::Backends::DX12,
        WGPUBackendType::OpenGL | WGPUBackendType::OpenGLES => wgt::Backends::GL,
        WGPUBackendType::WebGPU => wgt::Backends::BROWSER_WEBGPU,
        WGPUBackendType::D3D11 => wgt::Backends::empty(),
        other => return unknown(other.0, "WGPUBackendType"),
    })
}

pub fn adapter_type_to_c(t: wgt::DeviceType) -> WGPUAdapterType {
    match t {
        wgt::DeviceType::DiscreteGpu => WGPUAdapterType::DiscreteGPU,
        wgt::DeviceType::IntegratedGpu => WGPUAdapterType::IntegratedGPU,
        wgt::DeviceType::Cpu => WGPUAdapterType::CPU,
        wgt::DeviceType::VirtualGpu | wgt::DeviceType::Other => WGPUAdapterType::Unknown,
    }
}

pub fn power_preference(p: WGPUPowerPreference) -> Result<wgt::PowerPreference> {
    Ok(match p {
        WGPUPowerPreference::Undefined => wgt::PowerPreference::None,
        WGPUPowerPreference::LowPower => wgt::PowerPreference::LowPower,
        WGPUPowerPreference::HighPerformance => wgt::PowerPreference::HighPerformance,
        other => return unknown(other.0, "WGPUPowerPreference"),
    })
}

pub fn callback_mode(m: WGPUCallbackMode) -> Result<WGPUCallbackMode> {
    match m {
        WGPUCallbackMode::WaitAnyOnly
        | WGPUCallbackMode::AllowProcessEvents
        | WGPUCallbackMode::AllowSpontaneous => Ok(m),
        other => unknown(other.0, "WGPUCallbackMode"),
    }
}

pub fn texture_view_dimension(
    d: WGPUTextureViewDimension,
) -> Result<Option<wgt::TextureViewDimension>> {
    use wgt::TextureViewDimension as D;
    Ok(Some(match d {
        WGPUTextureViewDimension::Undefined => return Ok(None),
        WGPUTextureViewDimension::_1D => D::D1,
        WGPUTextureViewDimension::_2D => D::D2,
        WGPUTextureViewDimension::_2DArray => D::D2Array,
        WGPUTextureViewDimension::Cube => D::Cube,
        WGPUTextureViewDimension::CubeArray => D::CubeArray,
        WGPUTextureViewDimension::_3D => D::D3,
        other => return unknown(other.0, "WGPUTextureViewDimension"),
    }))
}

pub fn texture_dimension(d: WGPUTextureDimension) -> Result<wgt::TextureDimension> {
    Ok(match d {
        WGPUTextureDimension::_1D => wgt::TextureDimension::D1,
        WGPUTextureDimension::Undefined | WGPUTextureDimension::_2D => wgt::TextureDimension::D2,
        WGPUTextureDimension::_3D => wgt::TextureDimension::D3,
        other => return unknown(other.0, "WGPUTextureDimension"),
    })
}

pub fn texture_dimension_to_c(d: wgt::TextureDimension) -> WGPUTextureDimension {
    match d {
        wgt::TextureDimension::D1 => WGPUTextureDimension::_1D,
        wgt::TextureDimension::D2 => WGPUTextureDimension::_2D,
        wgt::TextureDimension::D3 => WGPUTextureDimension::_3D,
    }
}

pub fn compare_function(f: WGPUCompareFunction) -> Result<Option<wgt::CompareFunction>> {
    use wgt::CompareFunction as C;
    Ok(Some(match f {
        WGPUCompareFunction::Undefined => return Ok(None),
        WGPUCompareFunction::Never => C::Never,
        WGPUCompareFunction::Less => C::Less,
        WGPUCompareFunction::Equal => C::Equal,
        WGPUCompareFunction::LessEqual => C::LessEqual,
        WGPUCompareFunction::Greater => C::Greater,
        WGPUCompareFunction::NotEqual => C::NotEqual,
        WGPUCompareFunction::GreaterEqual => C::GreaterEqual,
        WGPUCompareFunction::Always => C::Always,
        other => return unknown(other.0, "WGPUCompareFunction"),
    }))
}

/// One bind group layout entry. Exactly one of buffer, sampler, texture and storage
/// texture must be used.
pub fn bind_group_layout_entry(e: &WGPUBindGroupLayoutEntry) -> Result<wgt::BindGroupLayoutEntry> {
    let what = format!("binding {}", e.binding);
    let mut ty = Vec::new();
    match e.buffer.r#type {
        WGPUBufferBindingType::BindingNotUsed => {}
        t => {
            let buffer_ty = match t {
                WGPUBufferBindingType::Undefined | WGPUBufferBindingType::Uniform => {
                    wgt::BufferBindingType::Uniform
                }
                WGPUBufferBindingType::Storage => {
                    wgt::BufferBindingType::Storage { read_only: false }
                }
                WGPUBufferBindingType::ReadOnlyStorage => {
                    wgt::BufferBindingType::Storage { read_only: true }
                }
                other => return unknown(other.0, "WGPUBufferBindingType"),
            };
            ty.push(wgt::BindingType::Buffer {
                ty: buffer_ty,
                has_dynamic_offset: bool(e.buffer.hasDynamicOffset, &what)?,
                min_binding_size: std::num::NonZeroU64::new(e.buffer.minBindingSize),
            });
        }
    }
    match e.sampler.r#type {
        WGPUSamplerBindingType::BindingNotUsed => {}
        t => ty.push(wgt::BindingType::Sampler(match t {
            WGPUSamplerBindingType::Undefined | WGPUSamplerBindingType::Filtering => {
                wgt::SamplerBindingType::Filtering
            }
            WGPUSamplerBindingType::NonFiltering => wgt::SamplerBindingType::NonFiltering,
            WGPUSamplerBindingType::Comparison => wgt::SamplerBindingType::Comparison,
            other => return unknown(other.0, "WGPUSamplerBindingType"),
        })),
    }
    match e.texture.sampleType {
        WGPUTextureSampleType::BindingNotUsed => {}
        t => ty.push(wgt::BindingType::Texture {
            sample_type: match t {
                WGPUTextureSampleType::Undefined | WGPUTextureSampleType::Float => {
                    wgt::TextureSampleType::Float { filterable: true }
                }
                WGPUTextureSampleType::UnfilterableFloat => {
                    wgt::TextureSampleType::Float { filterable: false }
                }
                WGPUTextureSampleType::Depth => wgt::TextureSampleType::Depth,
                WGPUTextureSampleType::Sint => wgt::TextureSampleType::Sint,
                WGPUTextureSampleType::Uint => wgt::TextureSampleType::Uint,
                other => return unknown(other.0, "WGPUTextureSampleType"),
            },
            view_dimension: texture_view_dimension(e.texture.viewDimension)?
                .unwrap_or(wgt::TextureViewDimension::D2),
            multisampled: bool(e.texture.multisampled, &what)?,
        }),
    }
    match e.storageTexture.access {
        WGPUStorageTextureAccess::BindingNotUsed => {}
        a => ty.push(wgt::BindingType::StorageTexture {
            access: match a {
                WGPUStorageTextureAccess::Undefined | WGPUStorageTextureAccess::WriteOnly => {
                    wgt::StorageTextureAccess::WriteOnly
                }
                WGPUStorageTextureAccess::ReadOnly => wgt::StorageTextureAccess::ReadOnly,
                WGPUStorageTextureAccess::ReadWrite => wgt::StorageTextureAccess::ReadWrite,
                other => return unknown(other.0, "WGPUStorageTextureAccess"),
            },
            format: texture_format(e.storageTexture.format)?
                .ok_or_else(|| format!("{what}: a storage texture needs a format"))?,
            view_dimension: texture_view_dimension(e.storageTexture.viewDimension)?
                .unwrap_or(wgt::TextureViewDimension::D2),
        }),
    }
    if ty.len() != 1 {
        return Err(format!(
            "{what}: exactly one of buffer, sampler, texture and storageTexture must be set ({} are)",
            ty.len()
        ));
    }
    Ok(wgt::BindGroupLayoutEntry {
        binding: e.binding,
        visibility: shader_stage(e.visibility)?,
        ty: ty.pop().unwrap(),
        count: std::num::NonZeroU32::new(e.bindingArraySize),
    })
}

/// Pipeline-overridable constants.
///
/// # Safety
/// `entries` must be valid for `count` elements, with valid string views.
pub unsafe fn constants(
    entries: *const WGPUConstantEntry,
    count: usize,
) -> Result<std::collections::HashMap<String, f64>> {
    let mut out = std::collections::HashMap::new();
    // SAFETY: the caller's promises for the array and its keys, passed on.
    for c in unsafe { slice(entries, count, "constants") }? {
        // SAFETY: as above.
        let key = unsafe { string_view(c.key) }?.ok_or("a constant's key is NULL")?;
        out.insert(key.to_string(), c.value);
    }
    Ok(out)
}
