//! What a render pipeline's color targets need of its fragment shader, which WebGPU
//! checks when the pipeline is created and wgpu-core 30 does not: a target whose write
//! mask is not 0 needs a shader output at its location, and that output has at least
//! as many components as the target's format has channels (more are discarded), and
//! four where the target's color blend reads the source's alpha.
//!
//! It also says whether an entry point writes `@builtin(sample_mask)`, which a pipeline
//! with alpha-to-coverage may not use.
//!
//! The outputs of each fragment entry point are read once, from the module this library
//! parsed (WGSL), and kept with the shader module; pipelines from modules it did not
//! parse (SPIR-V) are left to wgpu-core.

use naga::{Binding, BuiltIn, Module, ShaderStage, TypeInner};

/// A fragment entry point's name, its outputs (location, component count), and
/// whether it writes the sample mask.
type EntryPoint = (String, Vec<(u32, u8)>, bool);

#[derive(Default)]
pub struct FragmentOutputs {
    entry_points: Vec<EntryPoint>,
}

impl FragmentOutputs {
    pub fn of(module: &Module) -> Self {
        let entry_points = module
            .entry_points
            .iter()
            .filter(|e| e.stage == ShaderStage::Fragment)
            .map(|e| {
                let mut outputs = Vec::new();
                let mut sample_mask = false;
                if let Some(result) = &e.function.result {
                    match (&result.binding, &module.types[result.ty].inner) {
                        (Some(Binding::Location { location, .. }), inner) => {
                            outputs.push((*location, components(inner)));
                        }
                        (Some(Binding::BuiltIn(BuiltIn::SampleMask)), _) => sample_mask = true,
                        (None, TypeInner::Struct { members, .. }) => {
                            for m in members {
                                match m.binding {
                                    Some(Binding::Location { location, .. }) => outputs
                                        .push((location, components(&module.types[m.ty].inner))),
                                    Some(Binding::BuiltIn(BuiltIn::SampleMask)) => {
                                        sample_mask = true
                                    }
                                    _ => {}
                                }
                            }
                        }
                        _ => {}
                    }
                }
                (e.name.clone(), outputs, sample_mask)
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
        let (name, outputs, _) = self.entry_point(entry_point)?;
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

    /// Whether `entry_point` (as in `error`) writes `@builtin(sample_mask)`.
    pub fn writes_sample_mask(&self, entry_point: Option<&str>) -> bool {
        self.entry_point(entry_point).is_some_and(|e| e.2)
    }

    fn entry_point(&self, entry_point: Option<&str>) -> Option<&EntryPoint> {
        match entry_point {
            Some(name) => self.entry_points.iter().find(|e| e.0 == name),
            None if self.entry_points.len() == 1 => Some(&self.entry_points[0]),
            None => None,
        }
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
