//! The fuzz harness: decodes an input into a sequence of webgpu.h calls with arbitrary
//! descriptors, enum values, sizes, offsets and handles (live, released, of another
//! type, or garbage), on one device shared by all inputs. Pointers are always valid
//! (an invalid pointer is undefined behaviour in C, not an input the library can
//! check); everything else is what a hostile tenant can send.
//!
//! A finding is anything that crashes, or a panic the library's guard caught: the
//! host survived it, but it is a bug.

use std::ffi::c_void;
use std::sync::{Mutex, OnceLock};

use webgpu_shim::*;

pub mod remote;
pub mod wgsl;

pub(crate) struct Session {
    instance: WGPUInstance,
    pub(crate) device: WGPUDevice,
    queue: WGPUQueue,
}

// SAFETY: the handles are integers naming thread-safe library objects.
unsafe impl Send for Session {}
unsafe impl Sync for Session {}

pub(crate) static SESSION: OnceLock<Session> = OnceLock::new();
/// One input at a time: the pools below are per input.
pub(crate) static LOCK: Mutex<()> = Mutex::new(());

unsafe extern "C" fn on_adapter(
    _s: WGPURequestAdapterStatus,
    adapter: WGPUAdapter,
    _m: WGPUStringView,
    u1: *mut c_void,
    _u2: *mut c_void,
) {
    unsafe { *(u1 as *mut WGPUAdapter) = adapter };
}

unsafe extern "C" fn on_device(
    _s: WGPURequestDeviceStatus,
    device: WGPUDevice,
    _m: WGPUStringView,
    u1: *mut c_void,
    _u2: *mut c_void,
) {
    unsafe { *(u1 as *mut WGPUDevice) = device };
}

fn null_view() -> WGPUStringView {
    WGPUStringView {
        data: std::ptr::null(),
        length: usize::MAX,
    }
}

pub(crate) fn session() -> &'static Session {
    SESSION.get_or_init(|| unsafe {
        let instance = wgpuCreateInstance(std::ptr::null());
        let mut adapter = std::mem::zeroed::<WGPUAdapter>();
        let mut cb: WGPURequestAdapterCallbackInfo = std::mem::zeroed();
        cb.mode = WGPUCallbackMode::AllowSpontaneous;
        cb.callback = Some(on_adapter);
        cb.userdata1 = &mut adapter as *mut _ as *mut c_void;
        wgpuInstanceRequestAdapter(instance, std::ptr::null(), cb);
        assert!(!adapter.is_null(), "the fuzzer needs an adapter (lavapipe)");
        let mut device = std::mem::zeroed::<WGPUDevice>();
        let mut dcb: WGPURequestDeviceCallbackInfo = std::mem::zeroed();
        dcb.mode = WGPUCallbackMode::AllowSpontaneous;
        dcb.callback = Some(on_device);
        dcb.userdata1 = &mut device as *mut _ as *mut c_void;
        wgpuAdapterRequestDevice(adapter, std::ptr::null(), dcb);
        assert!(!device.is_null());
        let queue = wgpuDeviceGetQueue(device);
        Session {
            instance,
            device,
            queue,
        }
    })
}

/// Reads the input; past its end every read is zero.
struct Input<'a> {
    data: &'a [u8],
}

impl Input<'_> {
    fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    fn u64(&mut self) -> u64 {
        (self.u32() as u64) | ((self.u32() as u64) << 32)
    }
    /// Mostly small numbers, sometimes anything.
    fn size(&mut self) -> u64 {
        match self.u8() % 8 {
            0 => self.u64(),
            1 => u64::MAX - self.u8() as u64,
            _ => (self.u32() % 4096) as u64,
        }
    }
    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let n = (self.u8() as usize).min(max).min(self.data.len());
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        head.to_vec()
    }
    fn done(&self) -> bool {
        self.data.is_empty()
    }
}

/// Handles made during one input, by type; released at its end.
#[derive(Default)]
struct Pools {
    buffers: Vec<WGPUBuffer>,
    textures: Vec<WGPUTexture>,
    views: Vec<WGPUTextureView>,
    samplers: Vec<WGPUSampler>,
    modules: Vec<WGPUShaderModule>,
    layouts: Vec<WGPUBindGroupLayout>,
    groups: Vec<WGPUBindGroup>,
    pipelines: Vec<WGPUComputePipeline>,
    encoders: Vec<WGPUCommandEncoder>,
    passes: Vec<WGPUComputePassEncoder>,
    commands: Vec<WGPUCommandBuffer>,
    query_sets: Vec<WGPUQuerySet>,
    /// Handles released mid-input: later picks may use them (use after release).
    dead: Vec<usize>,
}

/// Picks a handle: one from the pool, NULL, a released one, or garbage.
fn pick<T>(input: &mut Input, pool: &[T], dead: &[usize]) -> T
where
    T: Copy,
{
    let choice = input.u8();
    // SAFETY (all arms): handles are pointer-sized integers; any value is a valid
    // bit pattern for one, and the library checks what it names.
    unsafe {
        match choice % 8 {
            0 => std::mem::transmute_copy::<usize, T>(&0),
            1 if !dead.is_empty() => {
                std::mem::transmute_copy::<usize, T>(&dead[choice as usize % dead.len()])
            }
            2 => std::mem::transmute_copy::<usize, T>(&(input.u64() as usize)),
            _ if !pool.is_empty() => pool[input.u8() as usize % pool.len()],
            _ => std::mem::transmute_copy::<usize, T>(&0),
        }
    }
}

pub(crate) fn view(bytes: &[u8]) -> WGPUStringView {
    WGPUStringView {
        data: bytes.as_ptr() as *const _,
        length: bytes.len(),
    }
}

/// A shader module from WGSL chained under `s_type`; None if the library made none.
unsafe fn wgsl_module(
    device: WGPUDevice,
    s_type: WGPUSType,
    code: &[u8],
) -> Option<WGPUShaderModule> {
    let src = WGPUShaderSourceWGSL {
        chain: WGPUChainedStruct {
            next: std::ptr::null_mut(),
            sType: s_type,
        },
        code: view(code),
    };
    let desc = WGPUShaderModuleDescriptor {
        nextInChain: &src.chain as *const _ as *mut _,
        label: null_view(),
    };
    let m = unsafe { wgpuDeviceCreateShaderModule(device, &desc) };
    (!m.is_null()).then_some(m)
}

unsafe extern "C" fn ignore_map(
    _: WGPUMapAsyncStatus,
    _: WGPUStringView,
    _: *mut c_void,
    _: *mut c_void,
) {
}
pub(crate) unsafe extern "C" fn ignore_pop(
    _: WGPUPopErrorScopeStatus,
    _: WGPUErrorType,
    _: WGPUStringView,
    _: *mut c_void,
    _: *mut c_void,
) {
}

/// Runs one input. Panics (a finding) if the library caught a panic.
pub fn run(data: &[u8]) {
    let _one = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let s = session();
    let before = webgpu_shim::caught_panics();
    let mut input = Input { data };
    let mut p = Pools::default();
    let mut scopes = 0;
    let d = s.device;
    unsafe {
        // Errors are expected; keep them in scopes so nothing reaches a callback.
        wgpuDevicePushErrorScope(d, WGPUErrorFilter::Validation);
        wgpuDevicePushErrorScope(d, WGPUErrorFilter::OutOfMemory);
        wgpuDevicePushErrorScope(d, WGPUErrorFilter::Internal);
        let mut steps = 0;
        while !input.done() && steps < 64 {
            steps += 1;
            match input.u8() % 21 {
                0 => {
                    let label = input.bytes(16);
                    let desc = WGPUBufferDescriptor {
                        nextInChain: std::ptr::null_mut(),
                        label: view(&label),
                        usage: if input.u8() % 4 == 0 {
                            input.u64()
                        } else {
                            input.u8() as u64 & 0x3ff
                        },
                        size: input.size(),
                        mappedAtCreation: (input.u8() % 3) as u32,
                    };
                    let b = wgpuDeviceCreateBuffer(d, &desc);
                    if !b.is_null() {
                        p.buffers.push(b);
                    }
                }
                1 => {
                    let desc = WGPUTextureDescriptor {
                        nextInChain: std::ptr::null_mut(),
                        label: null_view(),
                        usage: (input.u8() & 0x3f) as u64,
                        dimension: WGPUTextureDimension(input.u8() as u32 % 5),
                        size: WGPUExtent3D {
                            width: input.u8() as u32,
                            height: input.u8() as u32 % 64,
                            depthOrArrayLayers: input.u8() as u32 % 8,
                        },
                        format: WGPUTextureFormat(input.u8() as u32 % 100),
                        mipLevelCount: input.u8() as u32 % 10,
                        sampleCount: input.u8() as u32 % 5,
                        viewFormatCount: 0,
                        viewFormats: std::ptr::null(),
                    };
                    let t = wgpuDeviceCreateTexture(d, &desc);
                    if !t.is_null() {
                        p.textures.push(t);
                    }
                }
                2 => {
                    let code = input.bytes(200);
                    p.modules
                        .extend(wgsl_module(d, WGPUSType::ShaderSourceWGSL, &code));
                }
                3 => {
                    // A known-good module, so pipelines get made too; sometimes chained
                    // with an sType that is unknown or misplaced here, never another
                    // source's: a struct whose sType names a type it is not is undefined
                    // behaviour in C, not input the library can check.
                    let code = b"@group(0) @binding(0) var<storage, read_write> v: array<u32>;\n@compute @workgroup_size(1) fn main(@builtin(global_invocation_id) g: vec3<u32>) { v[g.x] = v[g.x] + 1u; }";
                    let s_type = match input.u8() % 16 {
                        0 => WGPUSType(0x1000 + input.u32() % 0x1000),
                        1 => WGPUSType::RenderPassMaxDrawCount,
                        _ => WGPUSType::ShaderSourceWGSL,
                    };
                    p.modules.extend(wgsl_module(d, s_type, code));
                }
                19 => {
                    // SPIR-V: a valid header, then random words.
                    let mut words = vec![0x0723_0203u32, 0x0001_0000, 0, 16, 0];
                    let n = input.u8() as usize % 48;
                    words.extend((0..n).map(|_| input.u32()));
                    let src = WGPUShaderSourceSPIRV {
                        chain: WGPUChainedStruct {
                            next: std::ptr::null_mut(),
                            sType: WGPUSType::ShaderSourceSPIRV,
                        },
                        codeSize: words.len() as u32,
                        code: words.as_ptr(),
                    };
                    let desc = WGPUShaderModuleDescriptor {
                        nextInChain: &src.chain as *const _ as *mut _,
                        label: null_view(),
                    };
                    let m = wgpuDeviceCreateShaderModule(d, &desc);
                    if !m.is_null() {
                        p.modules.push(m);
                    }
                }
                4 => {
                    let n = input.u8() % 3;
                    let mut entries = Vec::new();
                    for _ in 0..n {
                        let mut e: WGPUBindGroupLayoutEntry = std::mem::zeroed();
                        e.binding = input.u8() as u32 % 4;
                        e.visibility = (input.u8() % 16) as u64;
                        e.buffer.r#type = WGPUBufferBindingType(input.u8() as u32 % 6);
                        e.buffer.hasDynamicOffset = (input.u8() % 3) as u32;
                        e.buffer.minBindingSize = input.size();
                        e.sampler.r#type = WGPUSamplerBindingType(input.u8() as u32 % 6);
                        e.texture.sampleType = WGPUTextureSampleType(input.u8() as u32 % 8);
                        e.storageTexture.access = WGPUStorageTextureAccess(input.u8() as u32 % 6);
                        e.storageTexture.format = WGPUTextureFormat(input.u8() as u32 % 100);
                        e.bindingArraySize = input.u8() as u32 % 3;
                        entries.push(e);
                    }
                    let desc = WGPUBindGroupLayoutDescriptor {
                        nextInChain: std::ptr::null_mut(),
                        label: null_view(),
                        entryCount: entries.len(),
                        entries: entries.as_ptr(),
                    };
                    let l = wgpuDeviceCreateBindGroupLayout(d, &desc);
                    if !l.is_null() {
                        p.layouts.push(l);
                    }
                }
                5 => {
                    let mut e: WGPUBindGroupEntry = std::mem::zeroed();
                    e.binding = input.u8() as u32 % 4;
                    match input.u8() % 4 {
                        0 => e.sampler = pick(&mut input, &p.samplers, &p.dead),
                        1 => e.textureView = pick(&mut input, &p.views, &p.dead),
                        _ => e.buffer = pick(&mut input, &p.buffers, &p.dead),
                    }
                    e.offset = input.size();
                    e.size = if input.u8() % 2 == 0 {
                        u64::MAX
                    } else {
                        input.size()
                    };
                    let desc = WGPUBindGroupDescriptor {
                        nextInChain: std::ptr::null_mut(),
                        label: null_view(),
                        layout: pick(&mut input, &p.layouts, &p.dead),
                        entryCount: 1,
                        entries: &e,
                    };
                    let g = wgpuDeviceCreateBindGroup(d, &desc);
                    if !g.is_null() {
                        p.groups.push(g);
                    }
                }
                6 => {
                    let entry = input.bytes(8);
                    let mut desc: WGPUComputePipelineDescriptor = std::mem::zeroed();
                    desc.label = null_view();
                    desc.compute.module = pick(&mut input, &p.modules, &p.dead);
                    desc.compute.entryPoint = if entry.is_empty() {
                        null_view()
                    } else {
                        view(&entry)
                    };
                    let pipeline = wgpuDeviceCreateComputePipeline(d, &desc);
                    if !pipeline.is_null() {
                        p.pipelines.push(pipeline);
                        let layout =
                            wgpuComputePipelineGetBindGroupLayout(pipeline, input.u8() as u32 % 3);
                        if !layout.is_null() {
                            p.layouts.push(layout);
                        }
                    }
                }
                7 => {
                    let e = wgpuDeviceCreateCommandEncoder(d, std::ptr::null());
                    if !e.is_null() {
                        p.encoders.push(e);
                    }
                }
                8 => {
                    let e = pick(&mut input, &p.encoders, &p.dead);
                    let pass = wgpuCommandEncoderBeginComputePass(e, std::ptr::null());
                    if !pass.is_null() {
                        p.passes.push(pass);
                    }
                }
                9 => {
                    let pass = pick(&mut input, &p.passes, &p.dead);
                    match input.u8() % 6 {
                        0 => wgpuComputePassEncoderSetPipeline(
                            pass,
                            pick(&mut input, &p.pipelines, &p.dead),
                        ),
                        1 => {
                            let offsets = [input.u32(), input.u32()];
                            let n = input.u8() as usize % 3;
                            let group = pick(&mut input, &p.groups, &p.dead);
                            wgpuComputePassEncoderSetBindGroup(
                                pass,
                                input.u8() as u32 % 6,
                                group,
                                n,
                                offsets.as_ptr(),
                            )
                        }
                        2 => wgpuComputePassEncoderDispatchWorkgroups(
                            pass,
                            input.u8() as u32,
                            input.u8() as u32 % 4,
                            1,
                        ),
                        3 => {
                            let b = pick(&mut input, &p.buffers, &p.dead);
                            wgpuComputePassEncoderDispatchWorkgroupsIndirect(pass, b, input.size())
                        }
                        4 => {
                            let label = input.bytes(8);
                            wgpuComputePassEncoderPushDebugGroup(pass, view(&label));
                            wgpuComputePassEncoderPopDebugGroup(pass);
                        }
                        _ => wgpuComputePassEncoderEnd(pass),
                    }
                }
                10 => {
                    let e = pick(&mut input, &p.encoders, &p.dead);
                    let (a, b) = (
                        pick(&mut input, &p.buffers, &p.dead),
                        pick(&mut input, &p.buffers, &p.dead),
                    );
                    match input.u8() % 3 {
                        0 => wgpuCommandEncoderCopyBufferToBuffer(
                            e,
                            a,
                            input.size(),
                            b,
                            input.size(),
                            input.size(),
                        ),
                        1 => wgpuCommandEncoderClearBuffer(e, a, input.size(), input.size()),
                        _ => {
                            let c = wgpuCommandEncoderFinish(e, std::ptr::null());
                            if !c.is_null() {
                                p.commands.push(c);
                            }
                        }
                    }
                }
                11 => {
                    let n = input.u8() as usize % 3;
                    let list: Vec<_> = (0..n)
                        .map(|_| pick(&mut input, &p.commands, &p.dead))
                        .collect();
                    wgpuQueueSubmit(s.queue, list.len(), list.as_ptr());
                }
                12 => {
                    let b = pick(&mut input, &p.buffers, &p.dead);
                    let mut cb: WGPUBufferMapCallbackInfo = std::mem::zeroed();
                    cb.mode = WGPUCallbackMode(input.u8() as u32 % 5);
                    cb.callback = Some(ignore_map);
                    let (offset, size) = (input.size() as usize, input.size() as usize);
                    wgpuBufferMapAsync(b, input.u8() as u64 % 4, offset, size, cb);
                    wgpuInstanceProcessEvents(s.instance);
                }
                13 => {
                    let b = pick(&mut input, &p.buffers, &p.dead);
                    let (offset, size) = (input.size() as usize, input.size() as usize);
                    let mut scratch = vec![0u8; 4096];
                    let n = size.min(scratch.len());
                    match input.u8() % 5 {
                        0 => drop(wgpuBufferGetMappedRange(b, offset, size)),
                        1 => drop(wgpuBufferGetConstMappedRange(b, offset, size)),
                        2 => drop(wgpuBufferReadMappedRange(
                            b,
                            offset,
                            scratch.as_mut_ptr() as *mut c_void,
                            n,
                        )),
                        3 => drop(wgpuBufferWriteMappedRange(
                            b,
                            offset,
                            scratch.as_ptr() as *const c_void,
                            n,
                        )),
                        _ => wgpuBufferUnmap(b),
                    }
                    // A range the library says is mapped must really be mapped.
                    let ptr = wgpuBufferGetConstMappedRange(b, offset, n);
                    if !ptr.is_null() {
                        let bytes = std::slice::from_raw_parts(ptr as *const u8, n);
                        std::hint::black_box(bytes.iter().fold(0u8, |a, b| a ^ b));
                    }
                }
                14 => {
                    let b = pick(&mut input, &p.buffers, &p.dead);
                    let data = input.bytes(255);
                    let size = if input.u8() % 4 == 0 {
                        input.u8() as usize
                    } else {
                        data.len()
                    };
                    wgpuQueueWriteBuffer(
                        s.queue,
                        b,
                        input.size(),
                        data.as_ptr() as *const c_void,
                        size.min(data.len()),
                    );
                }
                15 => {
                    // Release something (perhaps again): later picks may use it.
                    let raw = match input.u8() % 4 {
                        0 => p.buffers.pop().map(|h| {
                            wgpuBufferRelease(h);
                            h.raw()
                        }),
                        1 => p.groups.pop().map(|h| {
                            wgpuBindGroupRelease(h);
                            h.raw()
                        }),
                        2 => p.encoders.pop().map(|h| {
                            wgpuCommandEncoderRelease(h);
                            h.raw()
                        }),
                        _ => p.layouts.pop().map(|h| {
                            wgpuBindGroupLayoutRelease(h);
                            h.raw()
                        }),
                    };
                    p.dead.extend(raw);
                }
                16 => match input.u8() % 3 {
                    0 => wgpuBufferDestroy(pick(&mut input, &p.buffers, &p.dead)),
                    1 => wgpuTextureDestroy(pick(&mut input, &p.textures, &p.dead)),
                    _ => wgpuQuerySetDestroy(pick(&mut input, &p.query_sets, &p.dead)),
                },
                17 => {
                    if input.u8() % 2 == 0 {
                        wgpuDevicePushErrorScope(d, WGPUErrorFilter(input.u8() as u32 % 5));
                        scopes += 1;
                    } else if scopes > 0 {
                        let mut cb: WGPUPopErrorScopeCallbackInfo = std::mem::zeroed();
                        cb.mode = WGPUCallbackMode::AllowSpontaneous;
                        cb.callback = Some(ignore_pop);
                        wgpuDevicePopErrorScope(d, cb);
                        scopes -= 1;
                    }
                }
                18 => {
                    let t = pick(&mut input, &p.textures, &p.dead);
                    let mut desc: WGPUTextureViewDescriptor = std::mem::zeroed();
                    desc.format = WGPUTextureFormat(input.u8() as u32 % 100);
                    desc.dimension = WGPUTextureViewDimension(input.u8() as u32 % 8);
                    desc.mipLevelCount = input.u32();
                    desc.arrayLayerCount = input.u32();
                    desc.aspect = WGPUTextureAspect(input.u8() as u32 % 5);
                    let v = wgpuTextureCreateView(
                        t,
                        if input.u8() % 4 == 0 {
                            std::ptr::null()
                        } else {
                            &desc
                        },
                    );
                    if !v.is_null() {
                        p.views.push(v);
                    }
                    let mut sd: WGPUSamplerDescriptor = std::mem::zeroed();
                    sd.addressModeU = WGPUAddressMode(input.u8() as u32 % 5);
                    sd.magFilter = WGPUFilterMode(input.u8() as u32 % 4);
                    sd.lodMaxClamp = input.u8() as f32;
                    sd.compare = WGPUCompareFunction(input.u8() as u32 % 10);
                    sd.maxAnisotropy = input.u8() as u16;
                    let smp = wgpuDeviceCreateSampler(d, &sd);
                    if !smp.is_null() {
                        p.samplers.push(smp);
                    }
                }
                _ => {
                    let qd = WGPUQuerySetDescriptor {
                        nextInChain: std::ptr::null_mut(),
                        label: null_view(),
                        r#type: WGPUQueryType(input.u8() as u32 % 4),
                        count: input.u32() % 5000,
                    };
                    let q = wgpuDeviceCreateQuerySet(d, &qd);
                    if !q.is_null() {
                        p.query_sets.push(q);
                    }
                    // Getters on whatever handle comes next.
                    let b = pick(&mut input, &p.buffers, &p.dead);
                    std::hint::black_box((
                        wgpuBufferGetSize(b),
                        wgpuBufferGetUsage(b),
                        wgpuBufferGetMapState(b),
                    ));
                    let t = pick(&mut input, &p.textures, &p.dead);
                    std::hint::black_box((wgpuTextureGetWidth(t), wgpuTextureGetFormat(t)));
                }
            }
        }
        // Pending maps resolve or abort, then everything made is released.
        wgpuInstanceProcessEvents(s.instance);
        for pass in p.passes {
            wgpuComputePassEncoderRelease(pass);
        }
        for c in p.commands {
            wgpuCommandBufferRelease(c);
        }
        for e in p.encoders {
            wgpuCommandEncoderRelease(e);
        }
        for g in p.groups {
            wgpuBindGroupRelease(g);
        }
        for l in p.layouts {
            wgpuBindGroupLayoutRelease(l);
        }
        for x in p.pipelines {
            wgpuComputePipelineRelease(x);
        }
        for m in p.modules {
            wgpuShaderModuleRelease(m);
        }
        for v in p.views {
            wgpuTextureViewRelease(v);
        }
        for x in p.samplers {
            wgpuSamplerRelease(x);
        }
        for t in p.textures {
            wgpuTextureRelease(t);
        }
        for q in p.query_sets {
            wgpuQuerySetRelease(q);
        }
        for b in p.buffers {
            wgpuBufferUnmap(b);
            wgpuBufferRelease(b);
        }
        let mut cb: WGPUPopErrorScopeCallbackInfo = std::mem::zeroed();
        cb.mode = WGPUCallbackMode::AllowSpontaneous;
        cb.callback = Some(ignore_pop);
        for _ in 0..scopes + 3 {
            wgpuDevicePopErrorScope(d, cb);
        }
    }
    let caught = webgpu_shim::caught_panics() - before;
    assert_eq!(
        caught, 0,
        "the library caught {caught} panic(s): a bug even though the host survived"
    );
}

/// Whether the harness's device still answers (in remote mode: the GPU process lives).
pub fn alive() -> bool {
    let s = session();
    // SAFETY: a zeroed WGPULimits is a valid output struct (no chain).
    let mut limits: WGPULimits = unsafe { std::mem::zeroed() };
    // SAFETY: a live device and a writable struct.
    unsafe { wgpuDeviceGetLimits(s.device, &mut limits) == WGPUStatus::Success }
}
