/* The compute hello world in C: four workgroups write their index into a storage
 * buffer, a copy brings it to a MAP_READ buffer, and the host prints it.
 * Prints [0, 1, 2, 3]. Build: see examples/CMakeLists.txt, or
 *   cc hello_compute.c $(pkg-config --cflags --libs webgpu-shim) */
#include <stdio.h>
#include <stdlib.h>

#include <webgpu/webgpu.h>

static const char *SHADER =
    "@group(0) @binding(0) var<storage, read_write> result: array<f32>;\n"
    "@compute @workgroup_size(1)\n"
    "fn main(@builtin(global_invocation_id) gid: vec3<u32>) {\n"
    "    result[gid.x] = f32(gid.x);\n"
    "}\n";

static WGPUStringView sv(const char *s) {
    WGPUStringView v = {s, WGPU_STRLEN};
    return v;
}

static void on_adapter(WGPURequestAdapterStatus status, WGPUAdapter adapter, WGPUStringView message, void *out,
                       void *unused) {
    (void)unused;
    if (status != WGPURequestAdapterStatus_Success)
        fprintf(stderr, "no adapter: %.*s\n", (int)message.length, message.data);
    *(WGPUAdapter *)out = adapter;
}

static void on_device(WGPURequestDeviceStatus status, WGPUDevice device, WGPUStringView message, void *out,
                      void *unused) {
    (void)unused;
    if (status != WGPURequestDeviceStatus_Success)
        fprintf(stderr, "no device: %.*s\n", (int)message.length, message.data);
    *(WGPUDevice *)out = device;
}

static void on_error(const WGPUDevice *device, WGPUErrorType type, WGPUStringView message, void *u1, void *u2) {
    (void)device; (void)u1; (void)u2;
    fprintf(stderr, "uncaptured error %d: %.*s\n", (int)type, (int)message.length, message.data);
}

static void on_map(WGPUMapAsyncStatus status, WGPUStringView message, void *ok, void *unused) {
    (void)unused;
    if (status != WGPUMapAsyncStatus_Success)
        fprintf(stderr, "map failed: %.*s\n", (int)message.length, message.data);
    *(int *)ok = status == WGPUMapAsyncStatus_Success;
}

/* Blocks until `future` completes (needs the TimedWaitAny instance feature). */
static void wait(WGPUInstance instance, WGPUFuture future) {
    WGPUFutureWaitInfo info = {future, WGPU_FALSE};
    wgpuInstanceWaitAny(instance, 1, &info, UINT64_MAX);
}

int main(void) {
    WGPUInstanceFeatureName features[] = {WGPUInstanceFeatureName_TimedWaitAny};
    WGPUInstanceDescriptor idesc = WGPU_INSTANCE_DESCRIPTOR_INIT;
    idesc.requiredFeatureCount = 1;
    idesc.requiredFeatures = features;
    WGPUInstance instance = wgpuCreateInstance(&idesc);

    WGPUAdapter adapter = NULL;
    WGPURequestAdapterCallbackInfo acb = WGPU_REQUEST_ADAPTER_CALLBACK_INFO_INIT;
    acb.mode = WGPUCallbackMode_WaitAnyOnly;
    acb.callback = on_adapter;
    acb.userdata1 = &adapter;
    wait(instance, wgpuInstanceRequestAdapter(instance, NULL, acb));
    if (!adapter) return 1;

    WGPUDevice device = NULL;
    WGPUDeviceDescriptor ddesc = WGPU_DEVICE_DESCRIPTOR_INIT;
    ddesc.uncapturedErrorCallbackInfo.callback = on_error;
    WGPURequestDeviceCallbackInfo dcb = WGPU_REQUEST_DEVICE_CALLBACK_INFO_INIT;
    dcb.mode = WGPUCallbackMode_WaitAnyOnly;
    dcb.callback = on_device;
    dcb.userdata1 = &device;
    wait(instance, wgpuAdapterRequestDevice(adapter, &ddesc, dcb));
    if (!device) return 1;
    WGPUQueue queue = wgpuDeviceGetQueue(device);

    WGPUBufferDescriptor bdesc = WGPU_BUFFER_DESCRIPTOR_INIT;
    bdesc.size = 16;
    bdesc.usage = WGPUBufferUsage_Storage | WGPUBufferUsage_CopySrc;
    WGPUBuffer storage = wgpuDeviceCreateBuffer(device, &bdesc);
    bdesc.usage = WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst;
    WGPUBuffer readback = wgpuDeviceCreateBuffer(device, &bdesc);

    WGPUShaderSourceWGSL wgsl = WGPU_SHADER_SOURCE_WGSL_INIT;
    wgsl.code = sv(SHADER);
    WGPUShaderModuleDescriptor mdesc = WGPU_SHADER_MODULE_DESCRIPTOR_INIT;
    mdesc.nextInChain = &wgsl.chain;
    WGPUShaderModule module = wgpuDeviceCreateShaderModule(device, &mdesc);

    WGPUComputePipelineDescriptor pdesc = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    pdesc.compute.module = module;
    pdesc.compute.entryPoint = sv("main");
    WGPUComputePipeline pipeline = wgpuDeviceCreateComputePipeline(device, &pdesc);
    WGPUBindGroupLayout layout = wgpuComputePipelineGetBindGroupLayout(pipeline, 0);

    WGPUBindGroupEntry entry = WGPU_BIND_GROUP_ENTRY_INIT;
    entry.binding = 0;
    entry.buffer = storage;
    WGPUBindGroupDescriptor gdesc = WGPU_BIND_GROUP_DESCRIPTOR_INIT;
    gdesc.layout = layout;
    gdesc.entryCount = 1;
    gdesc.entries = &entry;
    WGPUBindGroup group = wgpuDeviceCreateBindGroup(device, &gdesc);

    WGPUCommandEncoder encoder = wgpuDeviceCreateCommandEncoder(device, NULL);
    WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(encoder, NULL);
    wgpuComputePassEncoderSetPipeline(pass, pipeline);
    wgpuComputePassEncoderSetBindGroup(pass, 0, group, 0, NULL);
    wgpuComputePassEncoderDispatchWorkgroups(pass, 4, 1, 1);
    wgpuComputePassEncoderEnd(pass);
    wgpuCommandEncoderCopyBufferToBuffer(encoder, storage, 0, readback, 0, 16);
    WGPUCommandBuffer commands = wgpuCommandEncoderFinish(encoder, NULL);
    wgpuQueueSubmit(queue, 1, &commands);

    int mapped = 0;
    WGPUBufferMapCallbackInfo mcb = WGPU_BUFFER_MAP_CALLBACK_INFO_INIT;
    mcb.mode = WGPUCallbackMode_WaitAnyOnly;
    mcb.callback = on_map;
    mcb.userdata1 = &mapped;
    wait(instance, wgpuBufferMapAsync(readback, WGPUMapMode_Read, 0, 16, mcb));
    if (!mapped) return 1;
    const float *out = (const float *)wgpuBufferGetConstMappedRange(readback, 0, 16);
    printf("[%g, %g, %g, %g]\n", out[0], out[1], out[2], out[3]);
    wgpuBufferUnmap(readback);

    /* Every object holds one reference for C: release them all. */
    wgpuCommandBufferRelease(commands);
    wgpuComputePassEncoderRelease(pass);
    wgpuCommandEncoderRelease(encoder);
    wgpuBindGroupRelease(group);
    wgpuBindGroupLayoutRelease(layout);
    wgpuComputePipelineRelease(pipeline);
    wgpuShaderModuleRelease(module);
    wgpuBufferRelease(readback);
    wgpuBufferRelease(storage);
    wgpuQueueRelease(queue);
    wgpuDeviceRelease(device);
    wgpuAdapterRelease(adapter);
    wgpuInstanceRelease(instance);
    return 0;
}
