//! `WGPUShaderModule`: a wgpu-core shader module (WGSL, or SPIR-V where the instance
//! feature allows it) and the compilation messages kept for `GetCompilationInfo`.

use std::borrow::Cow;
use std::sync::Arc;

use crate::conv;
use crate::device::Device;
use crate::future::Sendable;
use crate::generated::types::*;
use crate::handle::object;

/// One compilation message, with byte positions (webgpu.h counts UTF-8 units).
struct Message {
    ty: WGPUCompilationMessageType,
    text: String,
    line: u64,
    column: u64,
    offset: u64,
    length: u64,
}

pub struct ShaderModule {
    pub device: Arc<Device>,
    pub name: crate::label::Name,
    pub id: wgc::id::ShaderModuleId,
    messages: Vec<Message>,
    /// What WebGPU checks of each compute entry point when a pipeline is made, where
    /// this library parsed the module (WGSL).
    pub compute_checks: crate::workgroup_storage::ComputeChecks,
    /// What each fragment entry point outputs, for the color targets of pipelines.
    pub fragment_outputs: crate::fragment_outputs::FragmentOutputs,
    /// An error WebGPU makes when a pipeline is created from this module and
    /// wgpu-core makes when the module is: a binding's group index at or over the
    /// device's maxBindGroups. The module is valid; every pipeline made from it fails.
    pub pipeline_error: Option<String>,
    /// The size of its immediate data, as an automatic layout takes it (its
    /// `var<immediate>`'s type), where this library parsed the module (WGSL).
    pub immediate_size: Option<u32>,
    /// The immediate data each entry point uses (bytes), where this library parsed the
    /// module: a pipeline's explicit layout must hold it.
    pub entry_immediates: crate::immediates::EntryPoints,
    /// The storage textures each entry point uses, where this library parsed the
    /// module: an automatic layout must be able to hold them.
    pub storage_textures: crate::texture_format::EntryPoints,
    /// The texture and sampler bindings each entry point samples together, where this
    /// library parsed the module: an explicit layout's must fit (`sampling`).
    pub sampling: crate::sampling::Sampling,
    pub tally: crate::accounting::Tally,
}

object!(
    ShaderModule,
    "WGPUShaderModule",
    6,
    |s| Some(s.device.clone()),
    named,
    id = ShaderModule
);

impl Drop for ShaderModule {
    fn drop(&mut self) {
        self.name.forget(&self.device);
        self.device.ctx.global.shader_module_drop(self.id);
    }
}

pub unsafe fn create(
    device: &Arc<Device>,
    descriptor: *const WGPUShaderModuleDescriptor,
) -> conv::Result<ShaderModule> {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let desc = unsafe { conv::required(descriptor, "descriptor") }?;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    let (name, tag) = crate::label::Name::new(unsafe { conv::label(desc.label) }?);
    let label = tag.label();
    let mut source = None;
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    for (s_type, link) in unsafe { conv::Chain::new(desc.nextInChain) } {
        if source.is_some() {
            return Err("more than one shader source is chained".into());
        }
        source = Some(match s_type {
            WGPUSType::ShaderSourceWGSL => {
                // SAFETY: the sType says this link is a WGPUShaderSourceWGSL.
                let wgsl = unsafe { &*(link as *const WGPUShaderSourceWGSL) };
                let code =
                    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
                    unsafe { conv::string_view(wgsl.code) }?.ok_or("the WGSL code is NULL")?;
                wgc::pipeline::ShaderModuleSource::Wgsl(Cow::Borrowed(code))
            }
            WGPUSType::ShaderSourceSPIRV => {
                // SAFETY: the sType says this link is a WGPUShaderSourceSPIRV.
                let spirv = unsafe { &*(link as *const WGPUShaderSourceSPIRV) };
                let words =
                    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
                    unsafe { conv::slice(spirv.code, spirv.codeSize as usize, "SPIR-V code") }?;
                wgc::pipeline::ShaderModuleSource::SpirV(
                    Cow::Borrowed(words),
                    naga::front::spv::Options::default(),
                )
            }
            other => return Err(conv::unexpected_s_type(other, "WGPUShaderModuleDescriptor")),
        });
    }
    let source = source
        .ok_or("no shader source (WGPUShaderSourceWGSL or WGPUShaderSourceSPIRV) is chained")?;
    let compiled = crate::compiler_stack::run(|| match &source {
        wgc::pipeline::ShaderModuleSource::Wgsl(code) => create_wgsl(device, label, code),
        _ => create_plain(device, label, source),
    });
    // Reported here, off the compilation stack: the error callback is the host's.
    if let Some((ty, message)) = compiled.error {
        device.report(ty, message);
    }
    Ok(ShaderModule {
        name,
        device: device.clone(),
        tally: crate::accounting::Tally::new(device, crate::accounting::Kind::ShaderModule),
        id: compiled.id,
        messages: compiled.messages,
        compute_checks: compiled.compute_checks,
        fragment_outputs: compiled.fragment_outputs,
        pipeline_error: compiled.pipeline_error,
        immediate_size: compiled.immediate_size,
        entry_immediates: compiled.entry_immediates,
        storage_textures: compiled.storage_textures,
        sampling: compiled.sampling,
    })
}

/// A module made by wgpu-core, what `GetCompilationInfo` says of it, and the error to
/// report on the device, if it is invalid.
struct Compiled {
    id: wgc::id::ShaderModuleId,
    messages: Vec<Message>,
    error: Option<(WGPUErrorType, String)>,
    compute_checks: crate::workgroup_storage::ComputeChecks,
    fragment_outputs: crate::fragment_outputs::FragmentOutputs,
    pipeline_error: Option<String>,
    immediate_size: Option<u32>,
    entry_immediates: crate::immediates::EntryPoints,
    storage_textures: crate::texture_format::EntryPoints,
    sampling: crate::sampling::Sampling,
}

impl Compiled {
    /// A module made without error, nothing known of its entry points.
    fn valid(id: wgc::id::ShaderModuleId) -> Self {
        Compiled {
            id,
            messages: Vec::new(),
            error: None,
            compute_checks: Default::default(),
            fragment_outputs: Default::default(),
            pipeline_error: None,
            immediate_size: None,
            entry_immediates: Default::default(),
            storage_textures: Default::default(),
            sampling: Default::default(),
        }
    }

    /// An invalid module: its compilation message and the error to report.
    fn invalid(
        id: wgc::id::ShaderModuleId,
        message: Message,
        error: Option<(WGPUErrorType, String)>,
    ) -> Self {
        Compiled {
            messages: vec![message],
            error,
            ..Compiled::valid(id)
        }
    }
}

/// A WGSL module: rejected if it goes beyond `wgsl_limits`, rewritten where naga lags
/// the spec (`wgsl_source`), then loop-bounded, or made the plain way where that does
/// not apply.
fn create_wgsl(device: &Device, label: wgc::Label<'_>, code: &str) -> Compiled {
    if let Err(e) =
        crate::wgsl_limits::check(code).and_then(|()| crate::wgsl_precedence::check(code))
    {
        return rejected(device, label, code, e);
    }
    let subgroups = device
        .ctx
        .global
        .device_features(device.id)
        .contains(wgt::Features::SUBGROUP);
    let code_before_adjust = code;
    let code = match crate::wgsl_source::adjust(code, subgroups) {
        Ok(code) => code,
        Err(e) => return rejected(device, label, code, e),
    };
    let scopes = crate::wgsl_source::diagnostic_scopes(code_before_adjust);
    let to_parsed = |offset: usize| same_place(code_before_adjust, &code, offset);
    let mut compiled = match create_loop_bounded(device, label.clone(), &code, &scopes, to_parsed) {
        Err(e) => return rejected(device, label, &code, e),
        Ok(Some(compiled)) => compiled,
        Ok(None) => create_plain(
            device,
            label,
            wgc::pipeline::ShaderModuleSource::Wgsl(Cow::Borrowed(&code)),
        ),
    };
    if compiled.error.is_none() {
        // Unknown diagnostic rules are warnings (naga says nothing of them).
        let warning = crate::uniformity::Severity::Warning;
        let unknown = crate::wgsl_source::unknown_diagnostic_rules(code_before_adjust);
        compiled.messages.extend(
            unknown
                .iter()
                .map(|e| source_message(code_before_adjust, warning, e)),
        );
    }
    compiled
}

/// The byte of `to` at the line and column of byte `offset` of `from`: `wgsl_source`
/// keeps every line, and most rewrites the length of the text they replace.
fn same_place(from: &str, to: &str, offset: usize) -> usize {
    let offset = offset.min(from.len());
    let line = from.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    let column = offset - from[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_start = match line {
        0 => 0,
        n => to
            .match_indices('\n')
            .nth(n - 1)
            .map_or(to.len(), |(i, _)| i + 1),
    };
    let line_end = to[line_start..]
        .find('\n')
        .map_or(to.len(), |i| line_start + i);
    (line_start + column).min(line_end)
}

/// An invalid module, for a source this library does not accept: a validation error
/// and one compilation message, at the place `e` names.
fn rejected(
    device: &Device,
    label: wgc::Label<'_>,
    code: &str,
    e: crate::wgsl_limits::SourceError,
) -> Compiled {
    let id = invalid_module(device, label);
    let message = source_message(code, crate::uniformity::Severity::Error, &e);
    let error = format!(
        "Shader is not accepted: {} (line {}, column {})",
        message.text, message.line, message.column
    );
    Compiled::invalid(id, message, Some((WGPUErrorType::Validation, error)))
}

/// The compilation message for `e`, at its place in `code`.
fn source_message(
    code: &str,
    severity: crate::uniformity::Severity,
    e: &crate::wgsl_limits::SourceError,
) -> Message {
    let (line, column) = e.line_and_column(code);
    Message {
        ty: match severity {
            crate::uniformity::Severity::Error => WGPUCompilationMessageType::Error,
            crate::uniformity::Severity::Warning => WGPUCompilationMessageType::Warning,
            crate::uniformity::Severity::Info => WGPUCompilationMessageType::Info,
        },
        text: e.message.clone(),
        line: line as u64,
        column: column as u64,
        offset: e.offset as u64,
        length: e.length as u64,
    }
}

/// An invalid module, made by wgpu-core from text that fails at its first character
/// (wgpu-core's error for it is not the one to report).
pub fn invalid_module(device: &Device, label: wgc::Label<'_>) -> wgc::id::ShaderModuleId {
    let desc = wgc::pipeline::ShaderModuleDescriptor {
        label,
        runtime_checks: wgt::ShaderRuntimeChecks::checked(),
    };
    let failing = wgc::pipeline::ShaderModuleSource::Wgsl(Cow::Borrowed("!"));
    device
        .ctx
        .global
        .device_create_shader_module(device.id, &desc, failing, None)
        .0
}

/// The module with wgpu's own runtime checks, and its error (for compilation info
/// and the device) if it has one.
fn create_plain(
    device: &Device,
    label: wgc::Label<'_>,
    source: wgc::pipeline::ShaderModuleSource<'_>,
) -> Compiled {
    let desc = wgc::pipeline::ShaderModuleDescriptor {
        label,
        runtime_checks: device.toggles.runtime_checks(),
    };
    let (id, error) = device
        .ctx
        .global
        .device_create_shader_module(device.id, &desc, source, None);
    match error {
        None => Compiled::valid(id),
        Some(e @ wgc::pipeline::CreateShaderModuleError::InvalidGroupIndex { .. }) => Compiled {
            pipeline_error: Some(device.describe(&e)),
            ..Compiled::valid(id)
        },
        Some(e) => Compiled::invalid(id, message_of(device, &e), device.error_of(&e)),
    }
}

/// A WGSL module whose loops that may not end each carry their own counter
/// (`loop_bounds`), so that wgpu's counter on every loop can go. None where that
/// does not apply: a module that does not parse or validate takes the plain path,
/// which reports wgpu-core's own errors for it. An error where the module breaks a
/// rule naga does not check (`stage_rules`, `uniformity`: reported only for a module
/// wgpu-core accepts, whose own errors come first); the uniformity warnings otherwise.
fn create_loop_bounded(
    device: &Device,
    label: wgc::Label<'_>,
    code: &str,
    scopes: &[crate::wgsl_source::ScopedFilter<'_>],
    to_parsed: impl Fn(usize) -> usize,
) -> Result<Option<Compiled>, crate::wgsl_limits::SourceError> {
    let global = &device.ctx.global;
    // Parsed as wgpu-core would parse it, for this device's features.
    let capabilities = wgc::device::features_to_naga_capabilities(
        global.device_features(device.id),
        global.device_downlevel_properties(device.id).flags,
    );
    let parse = |code: &str| {
        let mut options = naga::front::wgsl::Options::new();
        options.capabilities = capabilities;
        naga::front::wgsl::Frontend::new_with_options(options).parse(code)
    };
    let Ok(mut module) = parse(code) else {
        return Ok(None);
    };
    crate::stage_rules::check(&module)?;
    let filters = crate::uniformity::Filters::new(&module, scopes, to_parsed);
    let uniformity = crate::uniformity::check(&module, &filters);
    if let Some(hoisted) = crate::const_tables::hoist(code, &module) {
        match parse(&hoisted) {
            Ok(m) => module = m,
            Err(e) => log::debug!("constant tables left as they are ({e})"),
        }
    }
    crate::loop_bounds::bound_loops(&mut module);
    let compute_checks = crate::workgroup_storage::ComputeChecks::of(&module);
    let immediate_size = naga::valid::ImmediateSlots::size_for_module(&module);
    let entry_immediates = crate::immediates::EntryPoints::of(&module);
    let storage_textures = crate::texture_format::EntryPoints::of(&module);
    let sampling = crate::sampling::Sampling::of(&module);
    let fragment_outputs = crate::fragment_outputs::FragmentOutputs::of(&module);
    let mut runtime_checks = device.toggles.runtime_checks();
    runtime_checks.force_loop_bounding = false;
    let desc = wgc::pipeline::ShaderModuleDescriptor {
        label,
        runtime_checks,
    };
    let source = wgc::pipeline::ShaderModuleSource::Naga(Cow::Owned(module));
    match global.device_create_shader_module(device.id, &desc, source, None) {
        (id, None) => match uniformity {
            Ok(warnings) => Ok(Some(Compiled {
                compute_checks,
                fragment_outputs,
                immediate_size: Some(immediate_size),
                entry_immediates,
                storage_textures,
                sampling,
                messages: warnings
                    .into_iter()
                    .map(|w| source_message(code, w.severity, &w.error))
                    .collect(),
                ..Compiled::valid(id)
            })),
            Err(e) => {
                global.shader_module_drop(id);
                Err(e)
            }
        },
        (id, Some(e)) => {
            log::debug!("loop-bounded module not made ({e}); taking the plain path");
            global.shader_module_drop(id);
            Ok(None)
        }
    }
}

fn message_of(device: &Device, e: &wgc::pipeline::CreateShaderModuleError) -> Message {
    use wgc::pipeline::CreateShaderModuleError as E;
    let location = match e {
        E::Parsing(p) => p.inner.location(&p.source),
        E::Validation(v) => v.inner.location(&v.source),
        _ => None,
    };
    let text = match e {
        // The short form: the position is in the fields.
        E::Parsing(p) => p.inner.message().to_string(),
        E::Validation(v) => crate::error::format(v.inner.as_inner()),
        other => device.describe(other),
    };
    let loc = location.unwrap_or(naga::SourceLocation {
        line_number: 0,
        line_position: 0,
        offset: 0,
        length: 0,
    });
    Message {
        ty: WGPUCompilationMessageType::Error,
        text,
        line: loc.line_number as u64,
        column: loc.line_position as u64,
        offset: loc.offset as u64,
        length: loc.length as u64,
    }
}

pub fn get_compilation_info(
    shader_module: WGPUShaderModule,
    callback_info: WGPUCompilationInfoCallbackInfo,
) -> WGPUFuture {
    let Some(module) = shader_module.get_or_log(crate::guard::entry_point()) else {
        return WGPUFuture { id: 0 };
    };
    let device = module.device.clone();
    let cb = Sendable(callback_info);
    let Some(pending) = device.ctx.futures.register_checked(
        crate::guard::entry_point(),
        callback_info.mode,
        Some(&device),
        None,
        move |module: Option<Arc<ShaderModule>>| {
            let cb = &cb;
            let Some(f) = cb.0.callback else {
                return;
            };
            let Some(module) = module else {
                // SAFETY: the C callback with the caller's own userdata.
                return unsafe {
                    f(
                        WGPUCompilationInfoRequestStatus::CallbackCancelled,
                        std::ptr::null(),
                        cb.0.userdata1,
                        cb.0.userdata2,
                    )
                };
            };
            let messages: Vec<WGPUCompilationMessage> = module
                .messages
                .iter()
                .map(|m| WGPUCompilationMessage {
                    nextInChain: std::ptr::null_mut(),
                    message: conv::to_string_view(&m.text),
                    r#type: m.ty,
                    lineNum: m.line,
                    linePos: m.column,
                    offset: m.offset,
                    length: m.length,
                })
                .collect();
            let info = WGPUCompilationInfo {
                nextInChain: std::ptr::null_mut(),
                messageCount: messages.len(),
                messages: messages.as_ptr(),
            };
            // SAFETY: the C callback with the caller's own userdata; `info` and what it
            // points to live for the call.
            unsafe {
                f(
                    WGPUCompilationInfoRequestStatus::Success,
                    &info,
                    cb.0.userdata1,
                    cb.0.userdata2,
                )
            }
        },
        || None,
    ) else {
        return WGPUFuture { id: 0 };
    };
    let future = pending.future();
    pending.complete(&device.ctx.futures, Some(module));
    future
}

pub unsafe fn set_label(shader_module: WGPUShaderModule, label: WGPUStringView) {
    // SAFETY: the caller's pointers (entry point's # Safety), to checked conversions.
    unsafe { crate::label::set(shader_module, label) }
}

#[cfg(test)]
mod tests {
    use std::ffi::c_void;

    use crate::generated::exports::*;
    use crate::generated::types::*;

    unsafe extern "C" fn take<S, T>(
        _: S,
        handle: T,
        _: WGPUStringView,
        out: *mut c_void,
        _: *mut c_void,
    ) {
        // SAFETY: the test passes a pointer to a T as userdata1.
        unsafe { *(out as *mut T) = handle };
    }

    unsafe extern "C" fn mapped(
        status: WGPUMapAsyncStatus,
        _: WGPUStringView,
        out: *mut c_void,
        _: *mut c_void,
    ) {
        // SAFETY: the test passes a pointer to a u32 as userdata1.
        unsafe { *(out as *mut u32) = status.0 };
    }

    fn view(s: &str) -> WGPUStringView {
        crate::conv::to_string_view(s)
    }

    /// A SPIR-V module given through the standard chain makes a pipeline that runs.
    #[test]
    fn spirv_through_the_c_api_runs() {
        let wgsl = "@group(0) @binding(0) var<storage, read_write> v: array<u32>;\n\
                    @compute @workgroup_size(1) fn main(@builtin(global_invocation_id) g: vec3<u32>) { v[g.x] = g.x * 7u; }";
        let module = naga::front::wgsl::parse_str(wgsl).unwrap();
        let info = naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::empty(),
        )
        .validate(&module)
        .unwrap();
        let words = naga::back::spv::write_vec(&module, &info, &Default::default(), None).unwrap();
        // SAFETY: the C API called as a C program would, with live locals for pointers.
        unsafe {
            let instance = wgpuCreateInstance(std::ptr::null());
            let mut adapter: WGPUAdapter = crate::handle::Handle::NULL;
            let mut acb: WGPURequestAdapterCallbackInfo = std::mem::zeroed();
            acb.mode = WGPUCallbackMode::AllowSpontaneous;
            acb.callback = Some(take::<WGPURequestAdapterStatus, WGPUAdapter>);
            acb.userdata1 = &mut adapter as *mut _ as *mut c_void;
            wgpuInstanceRequestAdapter(instance, std::ptr::null(), acb);
            if adapter.is_null() {
                eprintln!("no adapter here: skipped");
                return;
            }
            let mut device: WGPUDevice = crate::handle::Handle::NULL;
            let mut dcb: WGPURequestDeviceCallbackInfo = std::mem::zeroed();
            dcb.mode = WGPUCallbackMode::AllowSpontaneous;
            dcb.callback = Some(take::<WGPURequestDeviceStatus, WGPUDevice>);
            dcb.userdata1 = &mut device as *mut _ as *mut c_void;
            wgpuAdapterRequestDevice(adapter, std::ptr::null(), dcb);
            let queue = wgpuDeviceGetQueue(device);

            let source = WGPUShaderSourceSPIRV {
                chain: WGPUChainedStruct {
                    next: std::ptr::null_mut(),
                    sType: WGPUSType::ShaderSourceSPIRV,
                },
                codeSize: words.len() as u32,
                code: words.as_ptr(),
            };
            let desc = WGPUShaderModuleDescriptor {
                nextInChain: &source.chain as *const _ as *mut _,
                label: view("spirv"),
            };
            wgpuDevicePushErrorScope(device, WGPUErrorFilter::Validation);
            let shader = wgpuDeviceCreateShaderModule(device, &desc);
            let mut pd: WGPUComputePipelineDescriptor = std::mem::zeroed();
            pd.label = crate::conv::NULL_STRING_VIEW;
            pd.compute.module = shader;
            pd.compute.entryPoint = view("main");
            let pipeline = wgpuDeviceCreateComputePipeline(device, &pd);
            let layout = wgpuComputePipelineGetBindGroupLayout(pipeline, 0);
            let buffer_desc = |usage, size| WGPUBufferDescriptor {
                nextInChain: std::ptr::null_mut(),
                label: crate::conv::NULL_STRING_VIEW,
                usage,
                size,
                mappedAtCreation: 0,
            };
            let storage = wgpuDeviceCreateBuffer(
                device,
                &buffer_desc(WGPUBufferUsage_Storage | WGPUBufferUsage_CopySrc, 16),
            );
            let readback = wgpuDeviceCreateBuffer(
                device,
                &buffer_desc(WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 16),
            );
            let mut entry: WGPUBindGroupEntry = std::mem::zeroed();
            entry.buffer = storage;
            entry.size = WGPU_WHOLE_SIZE;
            let bgd = WGPUBindGroupDescriptor {
                nextInChain: std::ptr::null_mut(),
                label: crate::conv::NULL_STRING_VIEW,
                layout,
                entryCount: 1,
                entries: &entry,
            };
            let group = wgpuDeviceCreateBindGroup(device, &bgd);
            let encoder = wgpuDeviceCreateCommandEncoder(device, std::ptr::null());
            let pass = wgpuCommandEncoderBeginComputePass(encoder, std::ptr::null());
            wgpuComputePassEncoderSetPipeline(pass, pipeline);
            wgpuComputePassEncoderSetBindGroup(pass, 0, group, 0, std::ptr::null());
            wgpuComputePassEncoderDispatchWorkgroups(pass, 4, 1, 1);
            wgpuComputePassEncoderEnd(pass);
            wgpuCommandEncoderCopyBufferToBuffer(encoder, storage, 0, readback, 0, 16);
            let commands = wgpuCommandEncoderFinish(encoder, std::ptr::null());
            wgpuQueueSubmit(queue, 1, &commands);
            let mut status = 0u32;
            let mut mcb: WGPUBufferMapCallbackInfo = std::mem::zeroed();
            mcb.mode = WGPUCallbackMode::AllowSpontaneous;
            mcb.callback = Some(mapped);
            mcb.userdata1 = &mut status as *mut _ as *mut c_void;
            wgpuBufferMapAsync(readback, WGPUMapMode_Read, 0, 16, mcb);
            for _ in 0..100_000 {
                if status != 0 {
                    break;
                }
                wgpuInstanceProcessEvents(instance);
            }
            assert_eq!(status, WGPUMapAsyncStatus::Success.0);
            let out = std::slice::from_raw_parts(
                wgpuBufferGetConstMappedRange(readback, 0, 16) as *const u32,
                4,
            );
            assert_eq!(out, [0, 7, 14, 21]);
            wgpuBufferUnmap(readback);
            for release in [
                Box::new(move || wgpuCommandBufferRelease(commands)) as Box<dyn Fn()>,
                Box::new(move || wgpuComputePassEncoderRelease(pass)),
                Box::new(move || wgpuCommandEncoderRelease(encoder)),
                Box::new(move || wgpuBindGroupRelease(group)),
                Box::new(move || wgpuBufferRelease(readback)),
                Box::new(move || wgpuBufferRelease(storage)),
                Box::new(move || wgpuBindGroupLayoutRelease(layout)),
                Box::new(move || wgpuComputePipelineRelease(pipeline)),
                Box::new(move || wgpuShaderModuleRelease(shader)),
                Box::new(move || wgpuQueueRelease(queue)),
                Box::new(move || wgpuDeviceRelease(device)),
                Box::new(move || wgpuAdapterRelease(adapter)),
                Box::new(move || wgpuInstanceRelease(instance)),
            ] {
                release();
            }
        }
    }
}
