/* Remote mode: clients of one GPU process are apart. Each sees only its own objects
 * (another's handle is "not a live" object to it), one's validation errors and device
 * loss reach it alone, and a client that sends garbage is disconnected while the
 * others keep working. Runs against the server WEBGPU_SHIM_REMOTE names. */
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common.h"

/* A value written to a new buffer and read back through a copy, on ctx's device. */
static int round_trip_value(Ctx *ctx, uint32_t value) {
    WGPUBuffer src = make_buffer(ctx, 4, WGPUBufferUsage_CopySrc | WGPUBufferUsage_CopyDst, 0);
    WGPUBuffer dst = make_buffer(ctx, 4, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    wgpuQueueWriteBuffer(ctx->queue, src, 0, &value, 4);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx->device, NULL);
    wgpuCommandEncoderCopyBufferToBuffer(enc, src, 0, dst, 0, 4);
    WGPUCommandBuffer cmd = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(ctx->queue, 1, &cmd);
    MapResult r = {0};
    wait_for(ctx, map_buffer(dst, WGPUMapMode_Read, 0, 4, &r));
    const uint32_t *p = wgpuBufferGetConstMappedRange(dst, 0, 4);
    int ok = r.status == WGPUMapAsyncStatus_Success && p && *p == value;
    wgpuBufferUnmap(dst);
    wgpuCommandBufferRelease(cmd);
    wgpuCommandEncoderRelease(enc);
    wgpuBufferRelease(dst);
    wgpuBufferRelease(src);
    return ok;
}

/* A client that is no client: a hello of the wrong shape, then bytes. */
static void garbage_client(const char *path) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        CHECK(!"the garbage client connects");
        return;
    }
    unsigned char junk[512];
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (unsigned char)(i * 131 + 7);
    junk[0] = 16; junk[1] = junk[2] = junk[3] = 0; /* a 16-byte frame of kind 2 (a call)... */
    junk[4] = 2;                                    /* ...before any hello */
    ssize_t sent = send(fd, junk, sizeof junk, MSG_NOSIGNAL);
    (void)sent;
    char reply[256];
    /* The server answers with why, then hangs up. */
    while (recv(fd, reply, sizeof reply, 0) > 0) {}
    close(fd);
}

int main(void) {
    const char *target = getenv("WEBGPU_SHIM_REMOTE");
    if (!target || strncmp(target, "unix:", 5) != 0) {
        fprintf(stderr, "remote_two_clients: set WEBGPU_SHIM_REMOTE=unix:PATH\n");
        return 2;
    }
    Ctx a, b;
    CHECK(setup(&a) && setup(&b));
    if (!a.device || !b.device) return 1;

    /* Each works on its own. */
    CHECK(round_trip_value(&a, 0xA) && round_trip_value(&b, 0xB));

    /* A's buffer means nothing to B: B's copy of it is B's validation error. */
    WGPUBuffer a_buf = make_buffer(&a, 4, WGPUBufferUsage_CopySrc, 0);
    WGPUBuffer b_buf = make_buffer(&b, 4, WGPUBufferUsage_CopyDst, 0);
    wgpuDevicePushErrorScope(b.device, WGPUErrorFilter_Validation);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(b.device, NULL);
    wgpuCommandEncoderCopyBufferToBuffer(enc, a_buf, 0, b_buf, 0, 4);
    WGPUCommandBuffer cmd = wgpuCommandEncoderFinish(enc, NULL);
    ScopeResult s = pop_scope(&b);
    CHECK(s.type == WGPUErrorType_Validation && strstr(s.message, "not a live WGPUBuffer"));
    wgpuCommandBufferRelease(cmd);
    wgpuCommandEncoderRelease(enc);

    /* A's validation error reaches A's callback alone. */
    WGPUBuffer bad = make_buffer(&a, 4, WGPUBufferUsage_MapRead | WGPUBufferUsage_Storage, 0);
    wgpuInstanceProcessEvents(a.instance);
    wgpuInstanceProcessEvents(b.instance);
    CHECK(a.uncaptured_count == 1 && a.uncaptured_type == WGPUErrorType_Validation);
    CHECK(b.uncaptured_count == 0);
    wgpuBufferRelease(bad);

    /* A's device destroyed: A's loss, not B's. */
    wgpuDeviceDestroy(a.device);
    wgpuInstanceProcessEvents(a.instance);
    CHECK(lost_fired == 1 && lost_reason == WGPUDeviceLostReason_Destroyed);
    CHECK(round_trip_value(&b, 0xBB));

    /* A client that sends garbage is cut off; B keeps working. */
    garbage_client(target + 5);
    CHECK(round_trip_value(&b, 0xBBB));
    CHECK(b.uncaptured_count == 0 && lost_fired == 1);

    wgpuBufferRelease(a_buf);
    wgpuBufferRelease(b_buf);
    teardown(&a);
    teardown(&b);
    CHECK(lost_fired == 2);
    if (callbacks_fired != futures_expected) {
        fprintf(stderr, "%d callbacks fired for %d futures\n", callbacks_fired, futures_expected);
        test_failures++;
    }
    printf("remote_two_clients: %s\n", test_failures ? "FAILED" : "ok");
    return test_failures ? 1 : 0;
}
