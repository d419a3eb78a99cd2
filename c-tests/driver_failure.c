/* When the driver fails (vulkan_test_layer.c makes it return VK_ERROR_UNKNOWN):
 * - creating a pipeline: an Internal error on that pipeline naming the result, an
 *   InternalError status for the async form, and the device keeps working;
 * - anywhere else (creating a buffer): the device is lost, once, with reason Unknown
 *   and a message naming the result.
 *
 * Run with the layer's environment set (ctest does). */
#include "common.h"

static const char *SHADER =
    "@group(0) @binding(0) var<storage, read_write> d: array<u32>;\n"
    "@compute @workgroup_size(1) fn driver_fails() { d[0] = 5u; }\n"
    "@compute @workgroup_size(1) fn main() { d[0] = 7u; }\n";

static char lost_message[1024];
static void on_lost_message(const WGPUDevice *device, WGPUDeviceLostReason reason, WGPUStringView message, void *u1,
                            void *u2) {
    on_lost(device, reason, message, u1, u2);
    copy_message(lost_message, sizeof lost_message, message);
}

typedef struct {
    WGPUCreatePipelineAsyncStatus status;
    WGPUComputePipeline pipeline;
    char message[1024];
} AsyncResult;

static void on_pipeline(WGPUCreatePipelineAsyncStatus status, WGPUComputePipeline pipeline, WGPUStringView message,
                        void *u1, void *u2) {
    (void)u2;
    AsyncResult *r = (AsyncResult *)u1;
    callbacks_fired++;
    r->status = status;
    r->pipeline = pipeline;
    copy_message(r->message, sizeof r->message, message);
}

/* Runs `p` once and returns d[0]. */
static uint32_t run(Ctx *c, WGPUComputePipeline p) {
    uint32_t value = 0;
    dispatch_and_read(c, p, 1, NULL, 1, &value);
    return value;
}

int main(void) {
    if (!getenv("WEBGPU_SHIM_TEST_FAIL_ENTRY_POINT")) {
        fprintf(stderr, "the test layer's environment is not set: run through ctest\n");
        return 1;
    }
    Ctx ctx;
    if (!setup(&ctx)) return 1;
    WGPUShaderModule m = wgsl_module(&ctx, SHADER);

    /* The pipeline the driver fails: an Internal error naming the result. */
    WGPUComputePipelineDescriptor pd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    pd.compute.module = m;
    pd.compute.entryPoint = sv("driver_fails");
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Internal);
    WGPUComputePipeline failed = wgpuDeviceCreateComputePipeline(ctx.device, &pd);
    ScopeResult r = pop_scope(&ctx);
    printf("driver_failure: pipeline: type %d: %s\n", r.type, r.message);
    CHECK(failed != NULL);
    CHECK(r.type == WGPUErrorType_Internal);
    CHECK(strstr(r.message, "ERROR_UNKNOWN") != NULL);
    CHECK(lost_fired == 0);

    /* The async form: status InternalError, the same message. */
    AsyncResult ar;
    memset(&ar, 0, sizeof ar);
    WGPUCreateComputePipelineAsyncCallbackInfo acb = WGPU_CREATE_COMPUTE_PIPELINE_ASYNC_CALLBACK_INFO_INIT;
    acb.mode = WGPUCallbackMode_AllowProcessEvents;
    acb.callback = on_pipeline;
    acb.userdata1 = &ar;
    futures_expected++;
    wait_for(&ctx, wgpuDeviceCreateComputePipelineAsync(ctx.device, &pd, acb));
    printf("driver_failure: async: status %d: %s\n", ar.status, ar.message);
    CHECK(ar.status == WGPUCreatePipelineAsyncStatus_InternalError);
    CHECK(ar.pipeline == NULL);
    CHECK(strstr(ar.message, "ERROR_UNKNOWN") != NULL);
    CHECK(ctx.uncaptured_count == 0);

    /* The device works on: another pipeline of the module computes. */
    pd.compute.entryPoint = sv("main");
    WGPUComputePipeline good = wgpuDeviceCreateComputePipeline(ctx.device, &pd);
    CHECK(run(&ctx, good) == 7);
    CHECK(lost_fired == 0);

    wgpuComputePipelineRelease(good);
    wgpuComputePipelineRelease(failed);
    wgpuShaderModuleRelease(m);
    teardown(&ctx);

    /* A failure elsewhere loses the device, once, saying why. */
    CHECK(lost_fired == 1); /* ctx's device, at its teardown */
    Ctx lost;
    if (!setup(&lost)) return 1;
    WGPUDeviceDescriptor dd = WGPU_DEVICE_DESCRIPTOR_INIT;
    dd.deviceLostCallbackInfo.mode = WGPUCallbackMode_AllowSpontaneous;
    dd.deviceLostCallbackInfo.callback = on_lost_message;
    futures_expected++; /* its lost callback */
    WGPUDevice dev = NULL;
    WGPURequestDeviceCallbackInfo dcb = WGPU_REQUEST_DEVICE_CALLBACK_INFO_INIT;
    dcb.mode = WGPUCallbackMode_WaitAnyOnly;
    dcb.callback = on_device;
    dcb.userdata1 = &dev;
    futures_expected++;
    wait_for(&lost, wgpuAdapterRequestDevice(lost.adapter, &dd, dcb));
    Ctx c = lost;
    c.device = dev;
    WGPUBuffer b = make_buffer(&c, 1000004, WGPUBufferUsage_Storage, 0);
    printf("driver_failure: buffer: reason %d: %s\n", lost_reason, lost_message);
    CHECK(lost_fired == 2);
    CHECK(lost_reason == WGPUDeviceLostReason_Unknown);
    CHECK(strstr(lost_message, "ERROR_UNKNOWN") != NULL);
    /* Later calls are harmless, and the callback does not fire again. */
    WGPUBuffer after = make_buffer(&c, 16, WGPUBufferUsage_Storage, 0);
    wgpuBufferRelease(after);
    wgpuBufferRelease(b);
    wgpuDeviceRelease(dev);
    CHECK(lost_fired == 2);
    teardown(&lost);
    CHECK(lost_fired == 3);
    lost_fired = 1; /* `finish` expects one device */
    return finish("driver_failure");
}
