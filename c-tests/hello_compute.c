/* The compute hello world: four workgroups write their index, a copy brings the
 * result to a MAP_READ buffer, and the host prints it. Prints [0, 1, 2, 3].
 *
 * Usage: hello_compute [waitany|process]  (how to wait for the map) */
#include "common.h"

static const char *SHADER =
    "@group(0) @binding(0) var<storage, read_write> result: array<f32>;\n"
    "@compute @workgroup_size(1)\n"
    "fn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n"
    "    result[gid.x] = f32(gid.x);\n"
    "}\n";

int main(int argc, char **argv) {
    int use_process_events = argc > 1 && strcmp(argv[1], "process") == 0;
    Ctx ctx;
    if (!setup(&ctx)) {
        fprintf(stderr, "no WebGPU device\n");
        return 1;
    }
    WGPUBuffer storage = make_buffer(&ctx, 16, WGPUBufferUsage_Storage | WGPUBufferUsage_CopySrc, 0);
    WGPUBuffer readback = make_buffer(&ctx, 16, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    WGPUShaderModule module = wgsl_module(&ctx, SHADER);

    WGPUComputePipelineDescriptor pdesc = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    pdesc.compute.module = module;
    pdesc.compute.entryPoint = sv("main");
    WGPUComputePipeline pipeline = wgpuDeviceCreateComputePipeline(ctx.device, &pdesc);
    WGPUBindGroupLayout layout = wgpuComputePipelineGetBindGroupLayout(pipeline, 0);

    WGPUBindGroupEntry entry = WGPU_BIND_GROUP_ENTRY_INIT;
    entry.binding = 0;
    entry.buffer = storage;
    WGPUBindGroupDescriptor bdesc = WGPU_BIND_GROUP_DESCRIPTOR_INIT;
    bdesc.layout = layout;
    bdesc.entryCount = 1;
    bdesc.entries = &entry;
    WGPUBindGroup group = wgpuDeviceCreateBindGroup(ctx.device, &bdesc);

    WGPUCommandEncoder encoder = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(encoder, NULL);
    wgpuComputePassEncoderSetPipeline(pass, pipeline);
    wgpuComputePassEncoderSetBindGroup(pass, 0, group, 0, NULL);
    wgpuComputePassEncoderDispatchWorkgroups(pass, 4, 1, 1);
    wgpuComputePassEncoderEnd(pass);
    wgpuCommandEncoderCopyBufferToBuffer(encoder, storage, 0, readback, 0, 16);
    WGPUCommandBuffer commands = wgpuCommandEncoderFinish(encoder, NULL);
    wgpuQueueSubmit(ctx.queue, 1, &commands);

    MapResult mapped = {0};
    WGPUFuture f = map_buffer(readback, WGPUMapMode_Read, 0, 16, &mapped);
    if (use_process_events) {
        while (!mapped.fired) wgpuInstanceProcessEvents(ctx.instance);
    } else {
        wait_for(&ctx, f);
    }
    CHECK(mapped.status == WGPUMapAsyncStatus_Success);
    const float *out = (const float *)wgpuBufferGetConstMappedRange(readback, 0, 16);
    CHECK(out != NULL);
    if (out) {
        printf("[%g, %g, %g, %g]\n", out[0], out[1], out[2], out[3]);
        for (int i = 0; i < 4; i++) CHECK(out[i] == (float)i);
    }
    wgpuBufferUnmap(readback);
    CHECK(ctx.uncaptured_count == 0);

    wgpuCommandBufferRelease(commands);
    wgpuComputePassEncoderRelease(pass);
    wgpuCommandEncoderRelease(encoder);
    wgpuBindGroupRelease(group);
    wgpuBindGroupLayoutRelease(layout);
    wgpuComputePipelineRelease(pipeline);
    wgpuShaderModuleRelease(module);
    wgpuBufferRelease(readback);
    wgpuBufferRelease(storage);
    teardown(&ctx);
    return finish(use_process_events ? "hello_compute (ProcessEvents)" : "hello_compute (WaitAny)");
}
