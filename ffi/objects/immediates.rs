//! Immediate data (`SetImmediates`) as WebGPU has it, over wgpu-core's: the one
//! implementation the compute pass, the render pass and the render bundle encoder share.
//!
//! WebGPU lets an encoder set immediate data at any time, before any pipeline is set and
//! anywhere in `[0, maxImmediateSize)`; what must hold is checked at each draw or
//! dispatch (every word the pipeline uses has been set). wgpu-core 30 takes a
//! `set_immediates` only once a pipeline is set and only within that pipeline layout's
//! immediate size. So each encoder keeps here the bytes set so far and hands wgpu-core
//! the part the current pipeline's layout covers: as they are set, and again whenever
//! a pipeline is set (each run of words set, within its layout). wgpu-core keeps which
//! words are set and makes the draw-time check, as WebGPU does.

/// Where wgpu-core should be given which bytes: (offset, bytes).
pub type Uploads = Vec<(u32, Vec<u8>)>;

/// The immediate data an encoder has set.
pub struct Immediates {
    data: Vec<u8>,
    /// One flag per 4-byte word: set since the encoder began (or its last bundles).
    set: Vec<bool>,
    pipeline: Pipeline,
}

/// What the encoder's current pipeline lets wgpu-core take.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Pipeline {
    /// None set: wgpu-core takes nothing yet.
    None,
    /// The current pipeline's layout has this immediate size.
    Layout(u32),
    /// A pipeline whose layout size this library does not know (an automatic layout of
    /// a module it did not parse): everything goes to wgpu-core as it comes.
    Unknown,
}

impl Pipeline {
    /// A pipeline's, from its explicit layout, or for an automatic layout the largest
    /// `var<immediate>` of its stages' modules (as wgpu-core derives it).
    pub fn of<const N: usize>(
        layout: Option<&crate::pipeline_layout::PipelineLayout>,
        modules: [Option<&crate::shader_module::ShaderModule>; N],
    ) -> Pipeline {
        if let Some(layout) = layout {
            return Pipeline::Layout(layout.immediate_size);
        }
        let mut size = 0;
        for module in modules.into_iter().flatten() {
            match module.immediate_size {
                Some(s) => size = size.max(s),
                None => return Pipeline::Unknown,
            }
        }
        Pipeline::Layout(size)
    }
}

impl Immediates {
    /// For a device whose `maxImmediateSize` is `max`.
    pub fn new(max: u32) -> Self {
        Immediates {
            data: vec![0; max as usize],
            set: vec![false; max.div_ceil(4) as usize],
            pipeline: Pipeline::None,
        }
    }

    /// `SetImmediates(offset, bytes)`: what to hand wgpu-core now, or why the encoder is
    /// invalid (a range past `maxImmediateSize`). A range that is not 4-byte aligned is
    /// handed on as it is, for wgpu-core's own check.
    pub fn set(&mut self, offset: u32, bytes: &[u8]) -> Result<Uploads, String> {
        if !offset.is_multiple_of(4) || !bytes.len().is_multiple_of(4) {
            return Ok(vec![(offset, bytes.to_vec())]);
        }
        let end = offset as u64 + bytes.len() as u64;
        if end > self.data.len() as u64 {
            return Err(format!(
                "SetImmediates: bytes [{offset}, {end}) are past maxImmediateSize ({})",
                self.data.len()
            ));
        }
        let (start, end) = (offset as usize, end as usize);
        self.data[start..end].copy_from_slice(bytes);
        self.set[start / 4..end / 4].fill(true);
        Ok(match self.pipeline {
            Pipeline::None => Vec::new(),
            Pipeline::Unknown => vec![(offset, bytes.to_vec())],
            Pipeline::Layout(size) => {
                let covered = end.min(size as usize);
                if start < covered {
                    vec![(offset, self.data[start..covered].to_vec())]
                } else {
                    Vec::new()
                }
            }
        })
    }

    /// A pipeline is set: the words set so far that its layout covers, for wgpu-core.
    pub fn set_pipeline(&mut self, pipeline: Pipeline) -> Uploads {
        self.pipeline = pipeline;
        let words = match pipeline {
            Pipeline::None => 0,
            Pipeline::Layout(size) => (size as usize / 4).min(self.set.len()),
            Pipeline::Unknown => self.set.len(),
        };
        let mut uploads = Vec::new();
        let mut w = 0;
        while w < words {
            if !self.set[w] {
                w += 1;
                continue;
            }
            let run = w;
            while w < words && self.set[w] {
                w += 1;
            }
            uploads.push(((run * 4) as u32, self.data[run * 4..w * 4].to_vec()));
        }
        uploads
    }

    /// Records `SetPipeline` on the encoder `p` (wgpu-core's `set_pipeline`), then
    /// the data the pipeline's layout covers (its `set_immediates`).
    pub fn record_pipeline<P, E>(
        &mut self,
        p: &mut P,
        pipeline: Pipeline,
        set_pipeline: impl FnOnce(&mut P) -> Result<(), E>,
        set: impl FnMut(&mut P, u32, &[u8]) -> Result<(), E>,
    ) -> Result<(), E> {
        set_pipeline(p)?;
        upload(p, self.set_pipeline(pipeline), set)
    }

    /// Records `SetImmediates` on the encoder `p`: wgpu-core's result, or why the
    /// encoder is invalid.
    pub fn record<P, E>(
        &mut self,
        p: &mut P,
        offset: u32,
        bytes: &[u8],
        set: impl FnMut(&mut P, u32, &[u8]) -> Result<(), E>,
    ) -> Result<Result<(), E>, String> {
        Ok(upload(p, self.set(offset, bytes)?, set))
    }

    /// After `ExecuteBundles`, which resets the pass's state (wgpu-core forgets the
    /// pipeline and the words set).
    pub fn reset(&mut self) {
        self.set.fill(false);
        self.pipeline = Pipeline::None;
    }
}

/// The bytes of immediate data each entry point of a module uses (its `var<immediate>`,
/// where it statically uses one), for the check WebGPU makes at pipeline creation and
/// wgpu-core 30 does not: an explicit layout's `immediateSize` holds them.
#[derive(Default)]
pub struct EntryPoints(Vec<(String, naga::ShaderStage, u32)>);

impl EntryPoints {
    pub fn of(module: &naga::Module) -> Self {
        let gctx = module.to_ctx();
        EntryPoints(
            module
                .entry_points
                .iter()
                .map(|e| {
                    let used = crate::workgroup_storage::used_globals(module, &e.function)
                        .into_iter()
                        .map(|g| &module.global_variables[g])
                        .filter(|v| v.space == naga::AddressSpace::Immediate)
                        .map(|v| module.types[v.ty].inner.size(gctx))
                        .max()
                        .unwrap_or(0);
                    (e.name.clone(), e.stage, used)
                })
                .collect(),
        )
    }

    /// Why a pipeline whose layout has `layout_size` bytes of immediate data cannot use
    /// the entry point (`None` for the module's only one of `stage`), if it cannot.
    pub fn error(
        &self,
        stage: naga::ShaderStage,
        entry_point: Option<&str>,
        layout_size: u32,
    ) -> Option<String> {
        let (name, _, used) =
            crate::shader::entry_point(&self.0, stage, entry_point, |e| (&e.0, e.1))?;
        (*used > layout_size).then(|| {
            format!(
                "entry point '{name}' uses {used} bytes of immediate data, more than the \
                 pipeline layout's immediateSize ({layout_size})"
            )
        })
    }
}

/// Hands wgpu-core each upload through `set`: the first error.
fn upload<P, E>(
    p: &mut P,
    uploads: Uploads,
    mut set: impl FnMut(&mut P, u32, &[u8]) -> Result<(), E>,
) -> Result<(), E> {
    uploads
        .iter()
        .try_for_each(|(offset, bytes)| set(p, *offset, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_set_before_any_pipeline_reaches_wgpu_core_when_one_is_set() {
        let mut i = Immediates::new(64);
        assert_eq!(i.set(4, &[1, 2, 3, 4, 5, 6, 7, 8]).unwrap(), vec![]);
        assert_eq!(i.set(16, &[9; 4]).unwrap(), vec![]);
        let uploads = i.set_pipeline(Pipeline::Layout(16));
        assert_eq!(uploads, vec![(4, vec![1, 2, 3, 4, 5, 6, 7, 8])]);
        // A wider layout takes both runs.
        let uploads = i.set_pipeline(Pipeline::Layout(64));
        assert_eq!(uploads.len(), 2);
        assert_eq!(uploads[1], (16, vec![9; 4]));
    }

    #[test]
    fn data_past_the_layout_is_kept_and_data_past_the_limit_is_an_error() {
        let mut i = Immediates::new(32);
        i.set_pipeline(Pipeline::Layout(8));
        assert_eq!(i.set(4, &[1; 8]).unwrap(), vec![(4, vec![1; 4])]);
        assert!(i
            .set(28, &[0; 8])
            .unwrap_err()
            .contains("maxImmediateSize (32)"));
        // Unaligned ranges are wgpu-core's to refuse.
        assert_eq!(i.set(2, &[0; 4]).unwrap(), vec![(2, vec![0; 4])]);
    }

    #[test]
    fn executing_bundles_forgets_what_was_set() {
        let mut i = Immediates::new(16);
        i.set(0, &[1; 16]).unwrap();
        i.reset();
        assert_eq!(i.set_pipeline(Pipeline::Layout(16)), vec![]);
    }
}
