/* Our extensions (webgpu_shim.h): the version query, backend selection by chained
 * struct and by environment variable, adapter enumeration, and per-device accounting.
 *
 * Usage: extensions [gl]  ("gl": the GL backend is expected to be there, on EGL)
 *        extensions expect-backend <vulkan|gl>  (the environment chose the backend) */
#include "common.h"

static WGPUInstance instance_with_backends(WGPUShimBackends backends) {
    WGPUShimInstanceBackends chained = {0};
    chained.chain.sType = (WGPUSType)WGPUShimSType_InstanceBackends;
    chained.backends = backends;
    WGPUInstanceDescriptor desc = WGPU_INSTANCE_DESCRIPTOR_INIT;
    desc.nextInChain = &chained.chain;
    return wgpuCreateInstance(&desc);
}

/* The adapter RequestAdapter picks on `instance`, or NULL. */
static WGPUAdapter request_adapter(WGPUInstance instance) {
    WGPUAdapter adapter = NULL;
    WGPURequestAdapterCallbackInfo cb = WGPU_REQUEST_ADAPTER_CALLBACK_INFO_INIT;
    cb.mode = WGPUCallbackMode_AllowProcessEvents;
    cb.callback = on_adapter;
    cb.userdata1 = &adapter;
    futures_expected++;
    wgpuInstanceRequestAdapter(instance, NULL, cb);
    wgpuInstanceProcessEvents(instance);
    return adapter;
}

static WGPUBackendType backend_of(WGPUAdapter adapter) {
    WGPUAdapterInfo info = WGPU_ADAPTER_INFO_INIT;
    wgpuAdapterGetInfo(adapter, &info);
    WGPUBackendType b = info.backendType;
    wgpuAdapterInfoFreeMembers(info);
    return b;
}

static void test_version(void) {
    uint32_t v = wgpuShimGetVersion();
    WGPUStringView s = wgpuShimGetVersionString();
    char expected[64];
    snprintf(expected, sizeof expected, "%u.%u.%u", v >> 16, (v >> 8) & 0xff, v & 0xff);
    CHECK(s.length == strlen(expected) && memcmp(s.data, expected, s.length) == 0);
}

/* A chained WGPUShimInstanceBackends picks the instance's backends (wgpu's GL backend
 * reports WGPUBackendType_OpenGL, as wgpu-native does). */
static void test_backend_chain(int gl_expected) {
    WGPUInstance vk = instance_with_backends(WGPUShimBackend_Vulkan);
    CHECK(vk != NULL);
    WGPUAdapter a = request_adapter(vk);
    CHECK(a != NULL);
    if (a) CHECK(backend_of(a) == WGPUBackendType_Vulkan);
    wgpuAdapterRelease(a);
    wgpuInstanceRelease(vk);

    if (gl_expected) {
        WGPUInstance gl = instance_with_backends(WGPUShimBackend_GL);
        WGPUAdapter g = request_adapter(gl);
        CHECK(g != NULL);
        if (g) CHECK(backend_of(g) == WGPUBackendType_OpenGL);
        wgpuAdapterRelease(g);
        wgpuInstanceRelease(gl);
    }

    /* Unknown bits: no instance, and an error saying why. */
    log_reset();
    WGPUInstance bad = instance_with_backends(1u << 20);
    CHECK(bad == NULL);
    CHECK(logged("unknown backend bits 0x100000"));
}

/* Enumeration lists every adapter of the instance's backends, each a live reference
 * the list owns. */
static void test_enumerate(int gl_expected) {
    WGPUInstance instance = instance_with_backends(WGPUShimBackend_Vulkan | (gl_expected ? WGPUShimBackend_GL : 0));
    WGPUShimAdapterList list = {0};
    CHECK(wgpuShimInstanceEnumerateAdapters(instance, &list) == WGPUStatus_Success);
    CHECK(list.adapterCount >= (gl_expected ? 2u : 1u));
    int vulkan = 0, gl = 0;
    for (size_t i = 0; i < list.adapterCount; i++) {
        WGPUAdapterInfo info = WGPU_ADAPTER_INFO_INIT;
        CHECK(wgpuAdapterGetInfo(list.adapters[i], &info) == WGPUStatus_Success);
        CHECK(info.device.length > 0);
        printf("  adapter %zu: %.*s (backend %d, type %d)\n", i, (int)info.device.length, info.device.data,
               info.backendType, info.adapterType);
        vulkan += info.backendType == WGPUBackendType_Vulkan;
        gl += info.backendType == WGPUBackendType_OpenGL;
        wgpuAdapterInfoFreeMembers(info);
    }
    CHECK(vulkan >= 1);
    CHECK(gl >= (gl_expected ? 1 : 0));

    /* An adapter kept past the list's release stays usable; the others do not. */
    WGPUAdapter kept = list.adapters[0];
    WGPUAdapter dropped = list.adapterCount > 1 ? list.adapters[1] : NULL;
    wgpuAdapterAddRef(kept);
    wgpuShimAdapterListFreeMembers(list);
    WGPULimits limits = WGPU_LIMITS_INIT;
    CHECK(wgpuAdapterGetLimits(kept, &limits) == WGPUStatus_Success);
    CHECK(limits.maxBindGroups >= 4);
    if (dropped) {
        log_reset();
        CHECK(wgpuAdapterGetLimits(dropped, &limits) == WGPUStatus_Error);
        CHECK(logged("is not a live WGPUAdapter"));
    }
    wgpuAdapterRelease(kept);

    /* Misuse is an error status, not a crash. */
    log_reset();
    CHECK(wgpuShimInstanceEnumerateAdapters(instance, NULL) == WGPUStatus_Error);
    CHECK(logged("list is NULL"));
    WGPUShimAdapterList empty = {0};
    wgpuInstanceRelease(instance);
    CHECK(wgpuShimInstanceEnumerateAdapters(instance, &empty) == WGPUStatus_Error);
    CHECK(empty.adapterCount == 0 && empty.adapters == NULL);
    wgpuShimAdapterListFreeMembers(empty);
}

static WGPUShimDeviceUsage usage_of(WGPUDevice device) {
    WGPUShimDeviceUsage u;
    memset(&u, 0, sizeof u);
    CHECK(wgpuShimDeviceGetUsage(device, &u) == WGPUStatus_Success);
    return u;
}

/* Accounting counts live objects and the memory of live buffers and textures. */
static void test_usage(void) {
    Ctx ctx;
    if (!setup(&ctx)) {
        CHECK(!"no device");
        return;
    }
    WGPUShimDeviceUsage u = usage_of(ctx.device);
    CHECK(u.buffers == 0 && u.bufferBytes == 0 && u.textures == 0 && u.textureBytes == 0);

    WGPUBuffer a = make_buffer(&ctx, 1024, WGPUBufferUsage_Storage, 0);
    WGPUBuffer b = make_buffer(&ctx, 4096, WGPUBufferUsage_Uniform | WGPUBufferUsage_CopyDst, 0);
    u = usage_of(ctx.device);
    CHECK(u.buffers == 2 && u.bufferBytes == 1024 + 4096);

    /* 64x64 RGBA8 with every mip level: 4 * (64^2 + 32^2 + ... + 1^2) bytes. */
    WGPUTextureDescriptor td = WGPU_TEXTURE_DESCRIPTOR_INIT;
    td.size = (WGPUExtent3D){64, 64, 1};
    td.format = WGPUTextureFormat_RGBA8Unorm;
    td.usage = WGPUTextureUsage_TextureBinding;
    td.mipLevelCount = 7;
    WGPUTexture tex = wgpuDeviceCreateTexture(ctx.device, &td);
    uint64_t mips = 0;
    for (uint32_t s = 64; s >= 1; s /= 2) mips += (uint64_t)s * s * 4;
    WGPUTextureView view = wgpuTextureCreateView(tex, NULL);
    u = usage_of(ctx.device);
    CHECK(u.textures == 1 && u.textureBytes == mips && u.textureViews == 1);

    /* A view keeps its texture alive: released, the texture still counts. */
    wgpuTextureRelease(tex);
    u = usage_of(ctx.device);
    CHECK(u.textures == 1 && u.textureBytes == mips);
    wgpuTextureViewRelease(view);
    u = usage_of(ctx.device);
    CHECK(u.textures == 0 && u.textureBytes == 0 && u.textureViews == 0);

    /* Destroy gives the memory back; the object lives until released. */
    wgpuBufferDestroy(b);
    u = usage_of(ctx.device);
    CHECK(u.buffers == 2 && u.bufferBytes == 1024);
    wgpuBufferRelease(b);

    /* An invalid buffer is an object but holds no memory. */
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    WGPUBuffer invalid = make_buffer(&ctx, 256, WGPUBufferUsage_MapRead | WGPUBufferUsage_MapWrite, 0);
    ScopeResult r = pop_scope(&ctx);
    CHECK(r.type == WGPUErrorType_Validation);
    u = usage_of(ctx.device);
    CHECK(u.buffers == 2 && u.bufferBytes == 1024);
    wgpuBufferRelease(invalid);

    /* Encoders, passes, command buffers, samplers and layouts are counted too. */
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    WGPUComputePassEncoder pass = wgpuCommandEncoderBeginComputePass(enc, NULL);
    WGPUSampler sampler = wgpuDeviceCreateSampler(ctx.device, NULL);
    u = usage_of(ctx.device);
    CHECK(u.commandEncoders == 1 && u.computePassEncoders == 1 && u.samplers == 1 && u.commandBuffers == 0);
    wgpuComputePassEncoderEnd(pass);
    wgpuComputePassEncoderRelease(pass);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
    wgpuCommandEncoderRelease(enc);
    u = usage_of(ctx.device);
    CHECK(u.commandEncoders == 0 && u.computePassEncoders == 0 && u.commandBuffers == 1);
    wgpuQueueSubmit(ctx.queue, 1, &cb);
    wgpuCommandBufferRelease(cb);
    wgpuSamplerRelease(sampler);
    u = usage_of(ctx.device);
    CHECK(u.commandBuffers == 0 && u.samplers == 0);

    /* A destroyed device holds no memory. */
    wgpuDeviceDestroy(ctx.device);
    u = usage_of(ctx.device);
    CHECK(u.buffers == 1 && u.bufferBytes == 0);
    wgpuBufferRelease(a);
    u = usage_of(ctx.device);
    CHECK(u.buffers == 0);

    /* Misuse is an error status. */
    log_reset();
    CHECK(wgpuShimDeviceGetUsage(ctx.device, NULL) == WGPUStatus_Error);
    CHECK(logged("usage is NULL"));
    WGPUShimDeviceUsage chained;
    memset(&chained, 0, sizeof chained);
    chained.nextInChain = (WGPUChainedStruct *)&chained;
    CHECK(wgpuShimDeviceGetUsage(ctx.device, &chained) == WGPUStatus_Error);
    teardown(&ctx);
    log_reset();
    CHECK(wgpuShimDeviceGetUsage(ctx.device, &u) == WGPUStatus_Error);
    CHECK(logged("is not a live WGPUDevice"));
}

int main(int argc, char **argv) {
    wgpuShimSetLogCallback(on_log, WGPUShimLogLevel_Error, NULL);
    if (argc > 2 && strcmp(argv[1], "expect-backend") == 0) {
        /* The environment variable alone picks the backend. */
        WGPUInstance instance = wgpuCreateInstance(NULL);
        WGPUAdapter a = request_adapter(instance);
        CHECK(a != NULL);
        WGPUBackendType want = strcmp(argv[2], "gl") == 0 ? WGPUBackendType_OpenGL : WGPUBackendType_Vulkan;
        if (a) CHECK(backend_of(a) == want);
        wgpuAdapterRelease(a);
        wgpuInstanceRelease(instance);
        printf("extensions expect-backend %s: %s\n", argv[2], test_failures ? "FAILED" : "ok");
        return test_failures ? 1 : 0;
    }
    int gl = argc > 1 && strcmp(argv[1], "gl") == 0;
    test_version();
    test_backend_chain(gl);
    test_enumerate(gl);
    test_usage();
    return finish("extensions");
}
