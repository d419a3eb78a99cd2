//! The benchmark suite's CPU-bound work written directly against wgpu-core, with no C
//! layer: the limit webgpu-shim is measured against. It waits as the C benchmark does
//! (non-blocking polls until the callback has run) and prints the same lines.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use wgc::global::Global;
use wgc::id::{BindGroupLayoutId, BufferId, ComputePipelineId, DeviceId, QueueId};

const SEED: &str = "@group(0) @binding(0) var<storage, read_write> result: array<f32>;\n\
    @compute @workgroup_size(1) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n\
    result[gid.x] = f32(gid.x) + result[gid.x];\n}\n";

const PASS: wgc::command::ComputePassDescriptor<'static> = wgc::command::ComputePassDescriptor {
    label: None,
    timestamp_writes: None,
};

struct Ctx {
    g: Global,
    device: DeviceId,
    queue: QueueId,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

impl Ctx {
    fn buffer(&self, size: u64, usage: wgt::BufferUsages) -> BufferId {
        let desc = wgt::BufferDescriptor {
            label: None,
            size,
            usage,
            mapped_at_creation: false,
        };
        let (id, e) = self.g.device_create_buffer(self.device, &desc, None);
        assert!(e.is_none());
        id
    }

    fn pipeline(
        &self,
        code: &str,
    ) -> (
        ComputePipelineId,
        BindGroupLayoutId,
        wgc::id::ShaderModuleId,
    ) {
        let (m, e) = self.g.device_create_shader_module(
            self.device,
            &wgc::pipeline::ShaderModuleDescriptor {
                label: None,
                runtime_checks: wgt::ShaderRuntimeChecks::checked(),
            },
            wgc::pipeline::ShaderModuleSource::Wgsl(Cow::Borrowed(code)),
            None,
        );
        assert!(e.is_none());
        let (p, e) = self.g.device_create_compute_pipeline(
            self.device,
            &wgc::pipeline::ComputePipelineDescriptor {
                label: None,
                layout: None,
                stage: wgc::pipeline::ProgrammableStageDescriptor {
                    module: m,
                    entry_point: Some(Cow::Borrowed("main")),
                    constants: Default::default(),
                    zero_initialize_workgroup_memory: true,
                },
                cache: None,
            },
            None,
        );
        assert!(e.is_none());
        let (l, e) = self.g.compute_pipeline_get_bind_group_layout(p, 0, None);
        assert!(e.is_none());
        (p, l, m)
    }

    fn bind(&self, layout: BindGroupLayoutId, buffer: BufferId) -> wgc::id::BindGroupId {
        let entries = [wgc::binding_model::BindGroupEntry {
            binding: 0,
            resource: wgc::binding_model::BindingResource::Buffer(
                wgc::binding_model::BufferBinding {
                    buffer,
                    offset: 0,
                    size: None,
                },
            ),
        }];
        let desc = wgc::binding_model::BindGroupDescriptor {
            label: None,
            layout,
            entries: Cow::Borrowed(&entries),
        };
        let (id, e) = self.g.device_create_bind_group(self.device, &desc, None);
        assert!(e.is_none());
        id
    }

    fn encoder(&self) -> wgc::id::CommandEncoderId {
        let (id, e) = self.g.device_create_command_encoder(
            self.device,
            &wgt::CommandEncoderDescriptor { label: None },
            None,
        );
        assert!(e.is_none());
        id
    }

    fn finish(&self, enc: wgc::id::CommandEncoderId) -> wgc::id::CommandBufferId {
        let (cb, e) =
            self.g
                .command_encoder_finish(enc, &wgt::CommandBufferDescriptor { label: None }, None);
        assert!(e.is_none());
        cb
    }

    fn submit(&self, enc: wgc::id::CommandEncoderId) {
        let cb = self.finish(enc);
        self.g.queue_submit(self.queue, &[cb]).unwrap();
        self.g.command_buffer_drop(cb);
        self.g.command_encoder_drop(enc);
    }

    /// Maps for reading and polls (without blocking) until the map is done.
    fn map_read(&self, buffer: BufferId, size: u64) {
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        let op = wgc::resource::BufferMapOperation {
            host: wgc::device::HostMap::Read,
            callback: Some(Box::new(move |r| {
                r.unwrap();
                flag.store(true, Ordering::Release);
            })),
        };
        self.g.buffer_map_async(buffer, 0, Some(size), op).unwrap();
        while !done.load(Ordering::Acquire) {
            let _ = self.g.device_poll(self.device, wgt::PollType::Poll);
        }
    }

    fn mapped<'a, T>(&self, buffer: BufferId, size: u64) -> &'a [T] {
        let (ptr, _) = self
            .g
            .buffer_get_mapped_range(buffer, 0, Some(size))
            .unwrap();
        unsafe {
            std::slice::from_raw_parts(
                ptr.as_ptr() as *const T,
                size as usize / std::mem::size_of::<T>(),
            )
        }
    }
}

/// Adds one iteration's phases, the times between consecutive marks.
fn split(ph: &mut [Vec<f64>; 5], marks: [Instant; 6]) {
    for (k, w) in marks.windows(2).enumerate() {
        ph[k].push((w[1] - w[0]).as_secs_f64());
    }
}

/// Prints each phase's median as `figure.name value unit`, as bench.c does.
fn print_phases(figure: &str, names: [&str; 5], ph: [Vec<f64>; 5], scale: f64, unit: &str) {
    for (name, v) in names.iter().zip(ph) {
        println!("{figure}.{name} {:.3} {unit}", median(v) * scale);
    }
}

fn roundtrip(c: &Ctx, quick: bool) {
    let (p, l, _) = c.pipeline(SEED);
    let storage = c.buffer(
        16,
        wgt::BufferUsages::STORAGE | wgt::BufferUsages::COPY_SRC | wgt::BufferUsages::COPY_DST,
    );
    let readback = c.buffer(
        16,
        wgt::BufferUsages::MAP_READ | wgt::BufferUsages::COPY_DST,
    );
    let g = c.bind(l, storage);
    let iters = if quick { 200 } else { 2000 };
    // The whole iteration, then its parts, as bench.c splits them.
    let mut t = Vec::new();
    let mut ph: [Vec<f64>; 5] = Default::default();
    for i in 0..iters {
        let input = [i as f32; 4];
        let t0 = Instant::now();
        let bytes: Vec<u8> = input.iter().flat_map(|f| f.to_le_bytes()).collect();
        c.g.queue_write_buffer(c.queue, storage, 0, &bytes).unwrap();
        let t1 = Instant::now();
        let enc = c.encoder();
        let (mut pass, e) = c.g.command_encoder_begin_compute_pass(enc, &PASS);
        assert!(e.is_none());
        c.g.compute_pass_set_pipeline(&mut pass, p).unwrap();
        c.g.compute_pass_set_bind_group(&mut pass, 0, Some(g), &[])
            .unwrap();
        c.g.compute_pass_dispatch_workgroups(&mut pass, 4, 1, 1)
            .unwrap();
        c.g.compute_pass_end(&mut pass).unwrap();
        c.g.command_encoder_copy_buffer_to_buffer(enc, storage, 0, readback, 0, Some(16))
            .unwrap();
        let cb = c.finish(enc);
        let t2 = Instant::now();
        c.g.queue_submit(c.queue, &[cb]).unwrap();
        let t3 = Instant::now();
        c.g.command_buffer_drop(cb);
        c.g.command_encoder_drop(enc);
        c.map_read(readback, 16);
        let t4 = Instant::now();
        let out: &[f32] = c.mapped(readback, 16);
        for (k, v) in out.iter().enumerate() {
            assert_eq!(*v, (i + k) as f32);
        }
        c.g.buffer_unmap(readback).unwrap();
        let t5 = Instant::now();
        t.push((t5 - t0).as_secs_f64());
        split(&mut ph, [t0, t1, t2, t3, t4, t5]);
    }
    println!("roundtrip {:.2} us", median(t) * 1e6);
    print_phases(
        "roundtrip",
        ["write", "encode", "submit", "wait", "read"],
        ph,
        1e6,
        "us",
    );
}

fn encode(c: &Ctx, quick: bool) {
    let (p, l, _) = c.pipeline(SEED);
    let usage = wgt::BufferUsages::STORAGE | wgt::BufferUsages::COPY_SRC;
    let storage = [c.buffer(64, usage), c.buffer(64, usage)];
    let g = [c.bind(l, storage[0]), c.bind(l, storage[1])];
    let n = 20000;
    let (mut et, mut st) = (Vec::new(), Vec::new());
    for _ in 0..if quick { 3 } else { 9 } {
        let t0 = Instant::now();
        let enc = c.encoder();
        let (mut pass, _) = c.g.command_encoder_begin_compute_pass(enc, &PASS);
        c.g.compute_pass_set_pipeline(&mut pass, p).unwrap();
        for i in 0..n {
            c.g.compute_pass_set_bind_group(&mut pass, 0, Some(g[i & 1]), &[])
                .unwrap();
            c.g.compute_pass_dispatch_workgroups(&mut pass, 1, 1, 1)
                .unwrap();
        }
        c.g.compute_pass_end(&mut pass).unwrap();
        let (cb, e) =
            c.g.command_encoder_finish(enc, &wgt::CommandBufferDescriptor { label: None }, None);
        assert!(e.is_none());
        let t1 = Instant::now();
        c.g.queue_submit(c.queue, &[cb]).unwrap();
        let t2 = Instant::now();
        c.g.command_buffer_drop(cb);
        c.g.command_encoder_drop(enc);
        et.push((t1 - t0).as_secs_f64() / n as f64);
        st.push((t2 - t1).as_secs_f64() / n as f64);
        let rb = c.buffer(4, wgt::BufferUsages::MAP_READ | wgt::BufferUsages::COPY_DST);
        let e2 = c.encoder();
        c.g.command_encoder_copy_buffer_to_buffer(e2, storage[0], 0, rb, 0, Some(4))
            .unwrap();
        c.submit(e2);
        c.map_read(rb, 4);
        c.g.buffer_unmap(rb).unwrap();
        c.g.buffer_drop(rb);
    }
    let (e, s) = (median(et), median(st));
    println!("encode_per_dispatch {:.1} ns", e * 1e9);
    println!("submit_per_dispatch {:.1} ns", s * 1e9);
    println!("encode_submit_per_dispatch {:.1} ns", (e + s) * 1e9);
}

fn churn(c: &Ctx, quick: bool) {
    let (_, l, _) = c.pipeline(SEED);
    let n = if quick { 2000 } else { 20000 };
    let mut t = Vec::new();
    for _ in 0..5 {
        let t0 = Instant::now();
        for _ in 0..n {
            let b = c.buffer(256, wgt::BufferUsages::STORAGE);
            let g = c.bind(l, b);
            c.g.bind_group_drop(g);
            c.g.buffer_drop(b);
        }
        t.push(t0.elapsed().as_secs_f64() / n as f64);
        let _ = c.g.device_poll(c.device, wgt::PollType::Poll);
    }
    println!("churn_buffer_bindgroup {:.3} us", median(t) * 1e6);
}

fn bandwidth(c: &Ctx, quick: bool) {
    let size = 64u64 << 20;
    let data: Vec<u8> = (0..size as usize / 4)
        .flat_map(|i| ((i as u32).wrapping_mul(2654435761)).to_le_bytes())
        .collect();
    let mut back = vec![0u8; size as usize];
    let gpu = c.buffer(
        size,
        wgt::BufferUsages::COPY_DST | wgt::BufferUsages::COPY_SRC,
    );
    let rb = c.buffer(
        size,
        wgt::BufferUsages::MAP_READ | wgt::BufferUsages::COPY_DST,
    );
    let mut t = Vec::new();
    let mut ph: [Vec<f64>; 5] = Default::default();
    for _ in 0..if quick { 2 } else { 5 } {
        let t0 = Instant::now();
        c.g.queue_write_buffer(c.queue, gpu, 0, &data).unwrap();
        let t1 = Instant::now();
        let enc = c.encoder();
        c.g.command_encoder_copy_buffer_to_buffer(enc, gpu, 0, rb, 0, Some(size))
            .unwrap();
        c.submit(enc);
        let t2 = Instant::now();
        c.map_read(rb, size);
        let t3 = Instant::now();
        back.copy_from_slice(c.mapped::<u8>(rb, size));
        let t4 = Instant::now();
        c.g.buffer_unmap(rb).unwrap();
        let t5 = Instant::now();
        t.push((t5 - t0).as_secs_f64());
        split(&mut ph, [t0, t1, t2, t3, t4, t5]);
        assert!(back == data);
    }
    println!(
        "bandwidth_64MiB {:.2} GB/s",
        2.0 * size as f64 / median(t) / 1e9
    );
    print_phases(
        "bandwidth",
        ["write", "submit", "wait", "read", "unmap"],
        ph,
        1e3,
        "ms",
    );
}

fn pipeline_creation(c: &Ctx, quick: bool) {
    let mut src =
        String::from("@group(0) @binding(0) var<storage, read_write> data: array<f32>;\n");
    for f in 0..32 {
        src += &format!(
            "fn step{f}(x: f32, i: u32) -> f32 {{\n    var acc = x * {}.0 + 1.0;\n    for (var k = 0u; k < (i % 7u) + 1u; k = k + 1u) {{ acc = acc * 0.5 + f32(k); }}\n    if (acc > 100.0) {{ acc = sqrt(acc); }} else {{ acc = acc + sin(x); }}\n    return acc;\n}}\n",
            f + 1
        );
    }
    src += "@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3<u32>) {\n    var x = data[g.x];\n";
    for f in 0..32 {
        src += &format!("    x = step{f}(x, g.x);\n");
    }
    src += "    data[g.x] = x;\n}\n";
    let mut t = Vec::new();
    for r in 0..if quick { 3 } else { 9 } {
        let variant = format!("const salt: f32 = {r}.0;\n{src}");
        let t0 = Instant::now();
        let (p, l, m) = c.pipeline(&variant);
        t.push(t0.elapsed().as_secs_f64());
        c.g.bind_group_layout_drop(l);
        c.g.compute_pipeline_drop(p);
        c.g.shader_module_drop(m);
    }
    println!("pipeline_creation {:.2} ms", median(t) * 1e3);
}

fn scaling(c: &Arc<Ctx>, quick: bool) {
    let (p, l, _) = c.pipeline(SEED);
    let storage = c.buffer(64, wgt::BufferUsages::STORAGE);
    let g = c.bind(l, storage);
    let per_thread = if quick { 2000 } else { 10000 };
    for threads in [1usize, 2, 4, 8] {
        let mut t = Vec::new();
        for _ in 0..5 {
            let t0 = Instant::now();
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    let c = c.clone();
                    std::thread::spawn(move || {
                        let enc = c.encoder();
                        let (mut pass, _) = c.g.command_encoder_begin_compute_pass(enc, &PASS);
                        c.g.compute_pass_set_pipeline(&mut pass, p).unwrap();
                        for _ in 0..per_thread {
                            c.g.compute_pass_set_bind_group(&mut pass, 0, Some(g), &[])
                                .unwrap();
                            c.g.compute_pass_dispatch_workgroups(&mut pass, 1, 1, 1)
                                .unwrap();
                        }
                        c.g.compute_pass_end(&mut pass).unwrap();
                        let (cb, _) = c.g.command_encoder_finish(
                            enc,
                            &wgt::CommandBufferDescriptor { label: None },
                            None,
                        );
                        (cb, enc)
                    })
                })
                .collect();
            let done: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
            t.push(t0.elapsed().as_secs_f64() / (threads * per_thread) as f64);
            for (cb, enc) in done {
                c.g.command_buffer_drop(cb);
                c.g.command_encoder_drop(enc);
            }
        }
        println!("encode_threads_{threads} {:.1} ns", median(t) * 1e9);
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let desc = wgt::InstanceDescriptor {
        backends: wgt::Backends::PRIMARY,
        ..wgt::InstanceDescriptor::new_without_display_handle()
    };
    let g = Global::new("limit", desc, None);
    let options = wgc::instance::RequestAdapterOptions {
        power_preference: wgt::PowerPreference::HighPerformance,
        ..Default::default()
    };
    let adapter = g
        .request_adapter(&options, wgt::Backends::PRIMARY, None)
        .expect("an adapter");
    let info = g.adapter_get_info(adapter);
    println!("adapter {} backend {:?}", info.name, info.backend);
    let (device, queue) = g
        .adapter_request_device(adapter, &wgt::DeviceDescriptor::default(), None, None)
        .expect("a device");
    let c = Arc::new(Ctx { g, device, queue });
    // `--only NAME` runs one benchmark, as bench.c's does.
    let args: Vec<String> = std::env::args().collect();
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1));
    let wanted = |name: &str| only.is_none_or(|o| o == name);
    if wanted("roundtrip") {
        roundtrip(&c, quick);
    }
    if wanted("encode") {
        encode(&c, quick);
    }
    if wanted("churn") {
        churn(&c, quick);
    }
    if wanted("bandwidth") {
        bandwidth(&c, quick);
    }
    if wanted("pipeline") {
        pipeline_creation(&c, quick);
    }
    if wanted("scaling") {
        scaling(&c, quick);
    }
    std::process::exit(0);
}
