/* A 1M-element kernel: out[i] = in[i] * 2 + 1, checked element by element. */
#include "common.h"

#define N (1024 * 1024)

static const char *SHADER =
    "@group(0) @binding(0) var<storage, read> input: array<u32>;\n"
    "@group(0) @binding(1) var<storage, read_write> output: array<u32>;\n"
    "@compute @workgroup_size(64)\n"
    "fn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n"
    "    output[gid.x] = input[gid.x] * 2u + 1u;\n"
    "}\n";

int main(void) {
    Ctx ctx;
    if (!setup(&ctx)) return 1;
    const uint64_t bytes = (uint64_t)N * 4;
    uint32_t *data = malloc(bytes);
    for (uint32_t i = 0; i < N; i++) data[i] = i * 2654435761u;

    /* Input uploaded through mappedAtCreation, output read back through a copy. */
    WGPUBuffer input = make_buffer(&ctx, bytes, WGPUBufferUsage_Storage, 1);
    CHECK(wgpuBufferGetMapState(input) == WGPUBufferMapState_Mapped);
    CHECK(wgpuBufferWriteMappedRange(input, 0, data, bytes) == WGPUStatus_Success);
    wgpuBufferUnmap(input);
    WGPUBuffer output = make_buffer(&ctx, bytes, WGPUBufferUsage_Storage | WGPUBufferUsage_CopySrc, 0);
    WGPUBuffer readback = make_buffer(&ctx, bytes, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);

    /* An explicit layout this time. */
    WGPUBindGroupLayoutEntry le[2] = {WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT, WGPU_BIND_GROUP_LAYOUT_ENTRY_INIT};
    le[0].binding = 0;
    le[0].visibility = WGPUShaderStage_Compute;
    le[0].buffer.type = WGPUBufferBindingType_ReadOnlyStorage;
    le[1].binding = 1;
    le[1].visibility = WGPUShaderStage_Compute;
    le[1].buffer.type = WGPUBufferBindingType_Storage;
    WGPUBindGroupLayoutDescriptor ldesc = WGPU_BIND_GROUP_LAYOUT_DESCRIPTOR_INIT;
    ldesc.entryCount = 2;
    ldesc.entries = le;
    WGPUBindGroupLayout bgl = wgpuDeviceCreateBindGroupLayout(ctx.device, &ldesc);
    WGPUPipelineLayoutDescriptor pldesc = WGPU_PIPELINE_LAYOUT_DESCRIPTOR_INIT;
    pldesc.bindGroupLayoutCount = 1;
    pldesc.bindGroupLayouts = &bgl;
    WGPUPipelineLayout pl = wgpuDeviceCreatePipelineLayout(ctx.device, &pldesc);

    WGPUShaderModule module = wgsl_module(&ctx, SHADER);
    WGPUComputePipelineDescriptor pdesc = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    pdesc.layout = pl;
    pdesc.compute.module = module;
    WGPUComputePipeline pipeline = wgpuDeviceCreateComputePipeline(ctx.device, &pdesc);

    WGPUBindGroupEntry be[2] = {WGPU_BIND_GROUP_ENTRY_INIT, WGPU_BIND_GROUP_ENTRY_INIT};
    be[0].binding = 0;
    be[0].buffer = input;
    be[1].binding = 1;
    be[1].buffer = output;
    WGPUBindGroupDescriptor bdesc = WGPU_BIND_GROUP_DESCRIPTOR_INIT;
    bdesc.layout = bgl;
    bdesc.entryCount = 2;
    bdesc.entries = be;
    WGPUBindGroup group = wgpuDeviceCreateBindGroup(ctx.device, &bdesc);

    WGPUCommandEncoder encoder = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(encoder, NULL);
    wgpuComputePassEncoderSetPipeline(pass, pipeline);
    wgpuComputePassEncoderSetBindGroup(pass, 0, group, 0, NULL);
    wgpuComputePassEncoderDispatchWorkgroups(pass, N / 64, 1, 1);
    wgpuComputePassEncoderEnd(pass);
    wgpuCommandEncoderCopyBufferToBuffer(encoder, output, 0, readback, 0, bytes);
    WGPUCommandBuffer commands = wgpuCommandEncoderFinish(encoder, NULL);
    wgpuQueueSubmit(ctx.queue, 1, &commands);

    MapResult mapped = {0};
    wait_for(&ctx, map_buffer(readback, WGPUMapMode_Read, 0, WGPU_WHOLE_MAP_SIZE, &mapped));
    CHECK(mapped.status == WGPUMapAsyncStatus_Success);
    const uint32_t *out = wgpuBufferGetConstMappedRange(readback, 0, bytes);
    CHECK(out != NULL);
    int wrong = 0;
    for (uint32_t i = 0; out && i < N; i++)
        if (out[i] != data[i] * 2u + 1u && wrong++ < 5) fprintf(stderr, "out[%u] = %u\n", i, out[i]);
    CHECK(wrong == 0);
    printf("1M elements checked, %d wrong\n", wrong);
    wgpuBufferUnmap(readback);
    CHECK(ctx.uncaptured_count == 0);

    wgpuCommandBufferRelease(commands);
    wgpuComputePassEncoderRelease(pass);
    wgpuCommandEncoderRelease(encoder);
    wgpuBindGroupRelease(group);
    wgpuComputePipelineRelease(pipeline);
    wgpuShaderModuleRelease(module);
    wgpuPipelineLayoutRelease(pl);
    wgpuBindGroupLayoutRelease(bgl);
    wgpuBufferRelease(readback);
    wgpuBufferRelease(output);
    wgpuBufferRelease(input);
    free(data);
    teardown(&ctx);
    return finish("big_compute");
}
