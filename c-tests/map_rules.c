/* The buffer mapping rules: the map state through a map cycle, mapped ranges outside
 * the mapped region are NULL, unmap invalidates, and each misuse fails with the right
 * callback status and a validation error. */
#include "common.h"

int main(void) {
    Ctx ctx;
    if (!setup(&ctx)) return 1;

    /* A map cycle. */
    WGPUBuffer b = make_buffer(&ctx, 64, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    uint32_t words[16];
    for (int i = 0; i < 16; i++) words[i] = 100 + i;
    wgpuQueueWriteBuffer(ctx.queue, b, 0, words, sizeof words);
    CHECK(wgpuBufferGetSize(b) == 64);
    CHECK(wgpuBufferGetUsage(b) == (WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst));
    CHECK(wgpuBufferGetMapState(b) == WGPUBufferMapState_Unmapped);
    MapResult m = {0};
    WGPUFuture f = map_buffer(b, WGPUMapMode_Read, 16, 32, &m);
    CHECK(wgpuBufferGetMapState(b) == WGPUBufferMapState_Pending);
    CHECK(wgpuBufferGetConstMappedRange(b, 16, 32) == NULL);
    wait_for(&ctx, f);
    CHECK(m.fired == 1 && m.status == WGPUMapAsyncStatus_Success);
    CHECK(wgpuBufferGetMapState(b) == WGPUBufferMapState_Mapped);

    /* Inside the mapped range [16, 48): fine. Outside, misaligned, or writable: NULL. */
    const uint32_t *p = wgpuBufferGetConstMappedRange(b, 16, 32);
    CHECK(p != NULL && p[0] == 104 && p[7] == 111);
    CHECK(wgpuBufferGetConstMappedRange(b, 16, WGPU_WHOLE_MAP_SIZE) != NULL);
    CHECK(wgpuBufferGetConstMappedRange(b, 24, 8) != NULL);
    CHECK(wgpuBufferGetConstMappedRange(b, 0, 16) == NULL);
    CHECK(wgpuBufferGetConstMappedRange(b, 16, 40) == NULL);
    CHECK(wgpuBufferGetConstMappedRange(b, 20, 4) == NULL);
    CHECK(wgpuBufferGetMappedRange(b, 16, 32) == NULL); /* mapped for reading */
    uint32_t copy[2] = {0, 0};
    CHECK(wgpuBufferReadMappedRange(b, 20, copy, 8) == WGPUStatus_Success);
    CHECK(copy[0] == 105 && copy[1] == 106);
    CHECK(wgpuBufferReadMappedRange(b, 44, copy, 8) == WGPUStatus_Error);
    CHECK(wgpuBufferWriteMappedRange(b, 16, copy, 4) == WGPUStatus_Error);

    /* Mapping again while mapped fails, with a validation error. */
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    MapResult again = {0};
    wait_for(&ctx, map_buffer(b, WGPUMapMode_Read, 0, 64, &again));
    CHECK(again.fired == 1 && again.status == WGPUMapAsyncStatus_Error);
    ScopeResult s = pop_scope(&ctx);
    CHECK(s.type == WGPUErrorType_Validation);

    /* Unmap invalidates every range. */
    wgpuBufferUnmap(b);
    CHECK(wgpuBufferGetMapState(b) == WGPUBufferMapState_Unmapped);
    CHECK(wgpuBufferGetConstMappedRange(b, 16, 32) == NULL);

    /* Unmap while pending aborts the map. */
    MapResult aborted = {0};
    WGPUFuture fa = map_buffer(b, WGPUMapMode_Read, 0, 64, &aborted);
    wgpuBufferUnmap(b);
    wait_for(&ctx, fa);
    CHECK(aborted.fired == 1 && aborted.status == WGPUMapAsyncStatus_Aborted);
    CHECK(wgpuBufferGetMapState(b) == WGPUBufferMapState_Unmapped);

    /* Mapping a buffer without MAP usage fails through the callback, not an abort. */
    WGPUBuffer storage = make_buffer(&ctx, 64, WGPUBufferUsage_Storage, 0);
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    MapResult nomap = {0};
    wait_for(&ctx, map_buffer(storage, WGPUMapMode_Read, 0, 64, &nomap));
    CHECK(nomap.fired == 1 && nomap.status == WGPUMapAsyncStatus_Error);
    ScopeResult s2 = pop_scope(&ctx);
    CHECK(s2.type == WGPUErrorType_Validation);
    printf("map without MAP usage: %s\n", s2.message);

    /* A bad mode is an error too. */
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    MapResult badmode = {0};
    wait_for(&ctx, map_buffer(b, WGPUMapMode_Read | WGPUMapMode_Write, 0, 64, &badmode));
    CHECK(badmode.status == WGPUMapAsyncStatus_Error);
    CHECK(pop_scope(&ctx).type == WGPUErrorType_Validation);

    /* mappedAtCreation: written through the mapping, read back through a copy. */
    WGPUBuffer src = make_buffer(&ctx, 16, WGPUBufferUsage_CopySrc, 1);
    CHECK(wgpuBufferGetMapState(src) == WGPUBufferMapState_Mapped);
    uint32_t *w = wgpuBufferGetMappedRange(src, 0, 16);
    CHECK(w != NULL);
    if (w) for (int i = 0; i < 4; i++) w[i] = 7 * (i + 1);
    wgpuBufferUnmap(src);
    CHECK(wgpuBufferGetMappedRange(src, 0, 16) == NULL);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    wgpuCommandEncoderCopyBufferToBuffer(enc, src, 0, b, 0, 16);
    WGPUCommandBuffer cmd = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(ctx.queue, 1, &cmd);
    MapResult back = {0};
    wait_for(&ctx, map_buffer(b, WGPUMapMode_Read, 0, 16, &back));
    const uint32_t *r = wgpuBufferGetConstMappedRange(b, 0, 16);
    CHECK(r && r[0] == 7 && r[3] == 28);
    wgpuBufferUnmap(b);

    /* A second submit of the same command buffer is a validation error. */
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    wgpuQueueSubmit(ctx.queue, 1, &cmd);
    ScopeResult twice = pop_scope(&ctx);
    CHECK(twice.type == WGPUErrorType_Validation);
    CHECK(strstr(twice.message, "already submitted") != NULL);

    /* A buffer too large to exist: the error names its size. */
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    WGPUBuffer huge = make_buffer(&ctx, 9007199254740991ull, WGPUBufferUsage_Storage, 0);
    ScopeResult big = pop_scope(&ctx);
    CHECK(big.type == WGPUErrorType_Validation);
    CHECK(strstr(big.message, "9007199254740991") != NULL);
    printf("huge buffer: %s\n", big.message);
    CHECK(ctx.uncaptured_count == 0);

    wgpuBufferRelease(huge);
    wgpuCommandBufferRelease(cmd);
    wgpuCommandEncoderRelease(enc);
    wgpuBufferRelease(src);
    wgpuBufferRelease(storage);
    wgpuBufferRelease(b);
    teardown(&ctx);
    return finish("map_rules");
}
