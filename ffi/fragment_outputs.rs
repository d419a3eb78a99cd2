//! What a render pipeline's color targets need of its fragment shader, which WebGPU
//! checks when the pipeline is created and wgpu-core 30 does not: a target whose write
//! mask is not 0 needs a shader output at its location, and that output has at least
//! as many components as the target's format has channels (more are discarded), and
//! four where the target's color blend reads the source's alpha.
//!
//! The outputs of each fragment entry point are read once, from the module this library
//! parsed (WGSL), and kept with the shader module; pipelines from modules it did not
//! parse (SPIR-V) are left to wgpu-core.

use naga::{Binding, Module, ShaderStage, TypeInner};

/// One fragment entry point's outputs: (location, component count).
#[derive(Default)]
pub struct FragmentOutputs {
    entry_points: Vec<(String, Vec<(u32, u8)>)>,
}

impl FragmentOutputs {
    pub fn of(module: &Module) -> Self {
        let entry_points = module
            .entry_points
            .iter()
            .filter(|e| e.stage == ShaderStage::Fragment)
            .map(|e| {
                let mut outputs = Vec::new();
                if let Some(result) = &e.function.result {
                    match (&result.binding, &module.types[result.ty].inner) {
                        (Some(Binding::Location { location, .. }), inner) => {
                            outputs.push((*location, components(inner)));
                        }
                        (None, TypeInner::Struct { members, .. }) => {
                            for m in members {
                                if let Some(Binding::Location { location, .. }) = m.binding {
                                    outputs.push((location, components(&module.types[m.ty].inner)));
                                }
                            }
                        }
                        _ => {}
                    }
                }
                (e.name.clone(), outputs)
            })
            .collect();
        FragmentOutputs { entry_points }
    }

    /// Why `targets` do not fit the outputs of `entry_point` (the module's only fragment
    /// entry point where None), if they do not. None where the entry point is not known
    /// here (wgpu-core reports a missing one).
    pub fn error(
        &self,
        entry_point: Option<&str>,
        targets: &[Option<wgt::ColorTargetState>],
    ) -> Option<String> {
        let (name, outputs) = match entry_point {
            Some(name) => self.entry_points.iter().find(|(n, _)| n == name)?,
            None if self.entry_points.len() == 1 => &self.entry_points[0],
            None => return None,
        };
        for (i, target) in targets.iter().enumerate() {
            let Some(target) = target else { continue };
            if target.write_mask.is_empty() {
                continue;
            }
            let channels = target.format.components();
            match outputs.iter().find(|(location, _)| *location == i as u32) {
                None => {
                    return Some(format!(
                        "color target {i} has a write mask but fragment entry point '{name}' \
                         has no output at @location({i})"
                    ))
                }
                Some((_, count)) if *count < channels => {
                    return Some(format!(
                        "fragment entry point '{name}' writes {count} component(s) to \
                         @location({i}), fewer than the {channels} of color target {i}'s \
                         format {:?}",
                        target.format
                    ))
                }
                Some((_, count)) if *count < 4 && reads_source_alpha(target) => {
                    return Some(format!(
                        "color target {i} blends with the source's alpha, but fragment entry \
                         point '{name}' writes {count} component(s) to @location({i}), not 4"
                    ))
                }
                _ => {}
            }
        }
        None
    }
}

/// Whether the color blend reads the source's alpha (which an output without a fourth
/// component does not have).
fn reads_source_alpha(target: &wgt::ColorTargetState) -> bool {
    use wgt::BlendFactor as F;
    target.blend.is_some_and(|b| {
        [b.color.src_factor, b.color.dst_factor].iter().any(|f| {
            matches!(
                f,
                F::SrcAlpha
                    | F::OneMinusSrcAlpha
                    | F::SrcAlphaSaturated
                    | F::Src1Alpha
                    | F::OneMinusSrc1Alpha
            )
        })
    })
}

fn components(inner: &TypeInner) -> u8 {
    match inner {
        TypeInner::Vector { size, .. } => *size as u8,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(format: wgt::TextureFormat, mask: wgt::ColorWrites) -> Option<wgt::ColorTargetState> {
        Some(wgt::ColorTargetState {
            format,
            blend: None,
            write_mask: mask,
        })
    }

    #[test]
    fn a_written_target_needs_an_output_with_its_channels() {
        let module = naga::front::wgsl::parse_str(
            "struct O { @location(0) a: vec2f, @location(2) b: vec4f }
             @fragment fn two() -> O { return O(vec2f(), vec4f()); }
             @fragment fn one() -> @location(0) f32 { return 1.0; }",
        )
        .unwrap();
        let outputs = FragmentOutputs::of(&module);
        let all = wgt::ColorWrites::ALL;
        let rg = wgt::TextureFormat::Rg8Unorm;
        let rgba = wgt::TextureFormat::Rgba8Unorm;
        assert_eq!(
            outputs.error(Some("two"), &[target(rg, all), None, target(rgba, all)]),
            None
        );
        let missing = outputs
            .error(Some("two"), &[target(rg, all), target(rg, all)])
            .unwrap();
        assert!(missing.contains("no output at @location(1)"));
        // A target without a write mask needs nothing.
        let masked = [target(rg, all), target(rg, wgt::ColorWrites::empty())];
        assert_eq!(outputs.error(Some("two"), &masked), None);
        let short = outputs.error(Some("one"), &[target(rg, all)]).unwrap();
        assert!(short.contains("1 component(s)") && short.contains("the 2 of color target 0"));
    }
}
