/* Remote mode: when the GPU process dies, the host does not. Every device of the
 * client is lost once (reason Unknown, a message naming the GPU process), every
 * pending future completes once (a map in flight with CallbackCancelled), also for a
 * client that is idle when the server dies, later calls
 * are harmless (NULL, an error logged), and a new instance reaches a restarted server.
 *
 *   remote_server_gone PATH_TO_webgpu-shim-server */
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

static pid_t start_server(const char *bin, const char *sock) {
    unlink(sock);
    pid_t pid = fork();
    if (pid == 0) {
        execl(bin, bin, "--listen", sock, (char *)NULL);
        _exit(127);
    }
    struct stat st;
    for (int i = 0; i < 500 && stat(sock, &st) != 0; i++) usleep(10000);
    return pid;
}

static void stop_server(pid_t pid) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: remote_server_gone PATH_TO_SERVER\n");
        return 2;
    }
    char sock[256], target[300];
    snprintf(sock, sizeof sock, "/tmp/webgpu-shim-gone-%d.sock", (int)getpid());
    snprintf(target, sizeof target, "unix:%s", sock);
    setenv("WEBGPU_SHIM_REMOTE", target, 1);
    wgpuShimSetLogCallback(on_log, WGPUShimLogLevel_Error, NULL);

    pid_t server = start_server(argv[1], sock);
    Ctx ctx;
    if (!setup(&ctx)) {
        fprintf(stderr, "remote_server_gone: no device from the GPU process\n");
        stop_server(server);
        return 1;
    }
    WGPUBuffer readback = make_buffer(&ctx, 16, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    MapResult m = {0};
    map_buffer(readback, WGPUMapMode_Read, 0, 16, &m);

    stop_server(server);
    /* An idle client learns at once: the device's lost callback (AllowSpontaneous)
     * fires without a call. */
    for (int i = 0; i < 400 && lost_fired == 0; i++) usleep(5000);
    CHECK(lost_fired == 1 && lost_reason == WGPUDeviceLostReason_Unknown);
    /* The map callback (AllowProcessEvents) fires in the next ProcessEvents. */
    CHECK(m.fired == 0);
    wgpuInstanceProcessEvents(ctx.instance);
    CHECK(lost_fired == 1 && lost_reason == WGPUDeviceLostReason_Unknown);
    CHECK(strstr(lost_message, "GPU process") != NULL);
    CHECK(m.fired == 1 && m.status == WGPUMapAsyncStatus_CallbackCancelled);
    CHECK(strstr(m.message, "GPU process") != NULL);

    /* Later calls do nothing, say so, and fire nothing again. */
    log_reset();
    WGPUBufferDescriptor bd = WGPU_BUFFER_DESCRIPTOR_INIT;
    bd.size = 16;
    bd.usage = WGPUBufferUsage_CopyDst;
    CHECK(wgpuDeviceCreateBuffer(ctx.device, &bd) == NULL);
    CHECK(logged("GPU process"));
    wgpuInstanceProcessEvents(ctx.instance);
    CHECK(lost_fired == 1 && m.fired == 1);
    wgpuBufferRelease(readback);
    teardown(&ctx);

    /* A restarted server serves a new instance: a value written is read back. */
    server = start_server(argv[1], sock);
    lost_fired = 0;
    Ctx again;
    CHECK(setup(&again));
    if (again.device) {
        WGPUBuffer src = make_buffer(&again, 4, WGPUBufferUsage_CopySrc | WGPUBufferUsage_CopyDst, 0);
        WGPUBuffer dst = make_buffer(&again, 4, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
        uint32_t value = 0xC0FFEE;
        wgpuQueueWriteBuffer(again.queue, src, 0, &value, 4);
        WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(again.device, NULL);
        wgpuCommandEncoderCopyBufferToBuffer(enc, src, 0, dst, 0, 4);
        WGPUCommandBuffer cmd = wgpuCommandEncoderFinish(enc, NULL);
        wgpuQueueSubmit(again.queue, 1, &cmd);
        MapResult r = {0};
        wait_for(&again, map_buffer(dst, WGPUMapMode_Read, 0, 4, &r));
        const uint32_t *p = wgpuBufferGetConstMappedRange(dst, 0, 4);
        CHECK(r.status == WGPUMapAsyncStatus_Success && p && *p == value);
        wgpuBufferUnmap(dst);
        wgpuCommandBufferRelease(cmd);
        wgpuCommandEncoderRelease(enc);
        wgpuBufferRelease(dst);
        wgpuBufferRelease(src);
    }
    teardown(&again);
    stop_server(server);
    unlink(sock);
    return finish("remote_server_gone");
}
