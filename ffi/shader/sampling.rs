//! Which texture and sampler each entry point samples together (`textureSample*`,
//! `textureGather*`, ...), by binding. WebGPU refuses a pipeline whose explicit layout
//! gives such a pair a filtering sampler and a texture that is not filterable float;
//! wgpu-core 30 checks that for unfilterable-float and integer textures, not for depth
//! ones. Pairs are found where the shader names both globals at the sampling call (a
//! texture or sampler passed as a function argument is left to wgpu-core).

use naga::{Expression, Module, ResourceBinding, ShaderStage};

/// A texture's binding and the sampler's it is sampled with.
type Pair = (ResourceBinding, ResourceBinding);

/// Each entry point's name, stage and sampling pairs.
#[derive(Default)]
pub struct Sampling(Vec<(String, ShaderStage, Vec<Pair>)>);

impl Sampling {
    pub fn of(module: &Module) -> Self {
        let entry_points = module.entry_points.iter().map(|e| {
            let mut pairs: Vec<Pair> = Vec::new();
            for f in crate::workgroup_storage::reachable(module, &e.function) {
                let binding = |h| match f.expressions[h] {
                    Expression::GlobalVariable(g) => module.global_variables[g].binding,
                    _ => None,
                };
                for (_, expr) in f.expressions.iter() {
                    if let Expression::ImageSample { image, sampler, .. } = *expr {
                        if let (Some(t), Some(s)) = (binding(image), binding(sampler)) {
                            if !pairs.contains(&(t, s)) {
                                pairs.push((t, s));
                            }
                        }
                    }
                }
            }
            (e.name.clone(), e.stage, pairs)
        });
        Sampling(entry_points.collect())
    }

    /// Why `layout` (each group's entries) cannot serve what `entry_point` samples, if
    /// it cannot: a depth texture sampled with a filtering sampler.
    pub fn error(
        &self,
        stage: ShaderStage,
        entry_point: Option<&str>,
        layout: &[Vec<wgt::BindGroupLayoutEntry>],
    ) -> Option<String> {
        let (_, _, pairs) =
            crate::shader::entry_point(&self.0, stage, entry_point, |e| (&e.0, e.1))?;
        let entry = |b: &ResourceBinding| {
            layout
                .get(b.group as usize)?
                .iter()
                .find(|e| e.binding == b.binding)
        };
        pairs.iter().find_map(|(t, s)| {
            let filtering = matches!(
                entry(s)?.ty,
                wgt::BindingType::Sampler(wgt::SamplerBindingType::Filtering)
            );
            let depth = matches!(
                entry(t)?.ty,
                wgt::BindingType::Texture {
                    sample_type: wgt::TextureSampleType::Depth,
                    ..
                }
            );
            (filtering && depth).then(|| {
                format!(
                    "the depth texture at group {} binding {} is sampled with the filtering \
                     sampler at group {} binding {}; a depth texture takes a non-filtering or \
                     comparison sampler",
                    t.group, t.binding, s.group, s.binding
                )
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(
        sample_type: wgt::TextureSampleType,
        sampler: wgt::SamplerBindingType,
    ) -> Vec<Vec<wgt::BindGroupLayoutEntry>> {
        let entry = |binding, ty| wgt::BindGroupLayoutEntry {
            binding,
            visibility: wgt::ShaderStages::COMPUTE,
            ty,
            count: None,
        };
        vec![vec![
            entry(
                0,
                wgt::BindingType::Texture {
                    sample_type,
                    view_dimension: wgt::TextureViewDimension::D2,
                    multisampled: false,
                },
            ),
            entry(1, wgt::BindingType::Sampler(sampler)),
        ]]
    }

    #[test]
    fn a_depth_texture_gathered_with_a_filtering_sampler_through_a_helper_is_refused() {
        let module = naga::front::wgsl::parse_str(
            "@group(0) @binding(0) var t: texture_depth_2d;\n\
             @group(0) @binding(1) var s: sampler;\n\
             fn test() { _ = textureGather(t, s, vec2f(0)); }\n\
             @compute @workgroup_size(1) fn cs() { test(); }",
        )
        .unwrap();
        let sampling = Sampling::of(&module);
        let error = |t, s| sampling.error(ShaderStage::Compute, None, &layout(t, s));
        use wgt::{SamplerBindingType as S, TextureSampleType as T};
        let refused = error(T::Depth, S::Filtering).expect("refused");
        assert!(refused.contains("group 0 binding 0") && refused.contains("binding 1"));
        assert_eq!(error(T::Depth, S::NonFiltering), None);
        assert_eq!(error(T::Float { filterable: true }, S::Filtering), None);
    }
}
