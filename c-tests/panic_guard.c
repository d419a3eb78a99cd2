/* The panic guard: built against a library with the `panic-test` feature, where a
 * buffer labelled "webgpu-shim:panic" panics inside the library. The host keeps
 * running, sees an Internal error on the device, gets NULL, and the device still
 * works afterwards. */
#include "common.h"

int main(void) {
    Ctx ctx;
    if (!setup(&ctx)) return 1;

    WGPUBufferDescriptor d = WGPU_BUFFER_DESCRIPTOR_INIT;
    d.label = sv("webgpu-shim:panic");
    d.size = 16;
    d.usage = WGPUBufferUsage_Storage;
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Internal);
    WGPUBuffer b = wgpuDeviceCreateBuffer(ctx.device, &d);
    ScopeResult r = pop_scope(&ctx);
    CHECK(b == NULL);
    CHECK(r.type == WGPUErrorType_Internal);
    CHECK(strstr(r.message, "wgpuDeviceCreateBuffer") != NULL);
    CHECK(strstr(r.message, "caught panic") != NULL);
    printf("guarded: %s\n", r.message);

    /* Without a scope it reaches the uncaptured-error callback. */
    WGPUComputePipelineDescriptor pd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    WGPUShaderModule m = wgsl_module(&ctx, "@compute @workgroup_size(1) fn main() {}");
    pd.label = sv("webgpu-shim:panic");
    pd.compute.module = m;
    CHECK(wgpuDeviceCreateComputePipeline(ctx.device, &pd) == NULL);
    CHECK(ctx.uncaptured_count == 1 && ctx.uncaptured_type == WGPUErrorType_Internal);

    /* The device still works. */
    d.label = sv("fine");
    d.usage = WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst;
    WGPUBuffer ok = wgpuDeviceCreateBuffer(ctx.device, &d);
    uint32_t v[4] = {1, 2, 3, 4};
    wgpuQueueWriteBuffer(ctx.queue, ok, 0, v, sizeof v);
    MapResult mr = {0};
    wait_for(&ctx, map_buffer(ok, WGPUMapMode_Read, 0, 16, &mr));
    const uint32_t *p = wgpuBufferGetConstMappedRange(ok, 0, 16);
    CHECK(p && p[3] == 4);
    wgpuBufferUnmap(ok);
    wgpuBufferRelease(ok);
    wgpuShaderModuleRelease(m);
    teardown(&ctx);
    return finish("panic_guard");
}
