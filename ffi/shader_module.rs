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
}

object!(
    ShaderModule,
    "WGPUShaderModule",
    6,
    |s| Some(s.device.clone()),
    named
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
    let desc = unsafe { conv::required(descriptor, "descriptor") }?;
    let (name, label) = crate::label::Name::new(unsafe { conv::label(desc.label) }?);
    let mut source = None;
    for (s_type, link) in unsafe { conv::Chain::new(desc.nextInChain) } {
        if source.is_some() {
            return Err("more than one shader source is chained".into());
        }
        source = Some(match s_type {
            WGPUSType::ShaderSourceWGSL => {
                // SAFETY: the sType says this link is a WGPUShaderSourceWGSL.
                let wgsl = unsafe { &*(link as *const WGPUShaderSourceWGSL) };
                let code =
                    unsafe { conv::string_view(wgsl.code) }?.ok_or("the WGSL code is NULL")?;
                wgc::pipeline::ShaderModuleSource::Wgsl(Cow::Borrowed(code))
            }
            WGPUSType::ShaderSourceSPIRV => {
                // SAFETY: the sType says this link is a WGPUShaderSourceSPIRV.
                let spirv = unsafe { &*(link as *const WGPUShaderSourceSPIRV) };
                let words =
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
    let wgc_desc = wgc::pipeline::ShaderModuleDescriptor {
        label,
        runtime_checks: wgt::ShaderRuntimeChecks::checked(),
    };
    let (id, error) = device
        .ctx
        .global
        .device_create_shader_module(device.id, &wgc_desc, source, None);
    let mut messages = Vec::new();
    if let Some(e) = error {
        messages.push(message_of(device, &e));
        device.report_error(&e);
    }
    Ok(ShaderModule {
        name,
        device: device.clone(),
        id,
        messages,
    })
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
    let Some(module) = shader_module.get_or_log("wgpuShaderModuleGetCompilationInfo") else {
        return WGPUFuture { id: 0 };
    };
    let device = module.device.clone();
    let mode = match conv::callback_mode(callback_info.mode) {
        Ok(m) => m,
        Err(e) => {
            device.validation(format!("wgpuShaderModuleGetCompilationInfo: {e}"));
            return WGPUFuture { id: 0 };
        }
    };
    let cb = Sendable(callback_info);
    let pending = device.ctx.futures.register_call(
        mode,
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
    );
    let future = pending.future();
    pending.complete(&device.ctx.futures, Some(module));
    future
}

pub unsafe fn set_label(shader_module: WGPUShaderModule, label: WGPUStringView) {
    unsafe { crate::label::set(shader_module, label) }
}
