/* Bulk data arrives intact, whatever path it takes: WriteBuffer and WriteTexture data
 * and mapped ranges, small and large, many in a row, from several threads at once.
 * In-process this is the implementation's copies; in remote mode (ffi/remote/shm.rs)
 * data of 16 KiB and more goes through a shared ring that the client reuses once the
 * server has consumed it (and replaces with a larger one for larger data), and a
 * mapped buffer's ranges through a region shared with the server: every byte read back
 * here went through those, so a span reused too early, a region copied at the wrong
 * offset or a write-back lost shows as a wrong value. */
#include <pthread.h>

#include "common.h"

static Ctx ctx;

/* The value of byte `i` of pattern `seed`. */
static uint8_t pattern(uint32_t seed, size_t i) {
    uint32_t x = (uint32_t)i * 2654435761u + seed * 40503u;
    return (uint8_t)(x >> 13);
}

static void fill(uint8_t *p, size_t n, uint32_t seed) {
    for (size_t i = 0; i < n; i++) p[i] = pattern(seed, i);
}

/* Copies `size` bytes of `src` at `offset` into a new readback buffer and returns
 * them (malloc'd), or NULL if the map failed. */
static uint8_t *read_back(WGPUBuffer src, uint64_t offset, size_t size) {
    WGPUBuffer rb = make_buffer(&ctx, size, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
    wgpuCommandEncoderCopyBufferToBuffer(enc, src, offset, rb, 0, size);
    WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
    wgpuQueueSubmit(ctx.queue, 1, &cb);
    MapResult r;
    memset(&r, 0, sizeof r);
    wait_for(&ctx, map_buffer(rb, WGPUMapMode_Read, 0, size, &r));
    uint8_t *out = NULL;
    if (r.status == WGPUMapAsyncStatus_Success) {
        const uint8_t *p = wgpuBufferGetConstMappedRange(rb, 0, size);
        if (p) {
            out = malloc(size);
            memcpy(out, p, size);
        }
        wgpuBufferUnmap(rb);
    }
    wgpuCommandBufferRelease(cb);
    wgpuCommandEncoderRelease(enc);
    wgpuBufferRelease(rb);
    return out;
}

static int same(const uint8_t *got, size_t n, uint32_t seed) {
    if (!got) return 0;
    for (size_t i = 0; i < n; i++)
        if (got[i] != pattern(seed, i)) {
            fprintf(stderr, "byte %zu of pattern %u: %u, expected %u\n", i, seed, got[i], pattern(seed, i));
            return 0;
        }
    return 1;
}

/* WriteBuffer of sizes around the shared-memory threshold and of a large block, each
 * read back exactly. */
static void write_buffer_sizes(void) {
    static const size_t sizes[] = {4, 16380, 16384, 65536, 1u << 20, 20u << 20};
    size_t n = sizeof sizes / sizeof sizes[0];
    if (under_valgrind()) n = 5; /* 20 MiB is slow there, and adds nothing */
    for (size_t k = 0; k < n; k++) {
        size_t size = sizes[k];
        uint8_t *data = malloc(size);
        fill(data, size, (uint32_t)k + 1);
        WGPUBuffer b = make_buffer(&ctx, size, WGPUBufferUsage_CopyDst | WGPUBufferUsage_CopySrc, 0);
        wgpuQueueWriteBuffer(ctx.queue, b, 0, data, size);
        /* The caller's memory is free to change as soon as the call returns. */
        memset(data, 0xAB, size);
        uint8_t *got = read_back(b, 0, size);
        CHECK(same(got, size, (uint32_t)k + 1));
        free(got);
        free(data);
        wgpuBufferRelease(b);
    }
    printf("ok   write_buffer_sizes: WriteBuffer of 4 B to 20 MiB reads back exactly\n");
}

/* Many writes in a row, more than a ring holds, each to its own place: the last of
 * them all land, none overwritten by a later one's data. */
static void many_writes_in_a_row(void) {
    const size_t piece = 64 * 1024;
    const size_t count = under_valgrind() ? 40 : 400; /* 25 MiB: past an 8 MiB ring 3 times */
    const size_t slots = 32;
    WGPUBuffer b = make_buffer(&ctx, piece * slots, WGPUBufferUsage_CopyDst | WGPUBufferUsage_CopySrc, 0);
    uint8_t *data = malloc(piece);
    for (size_t i = 0; i < count; i++) {
        fill(data, piece, (uint32_t)(1000 + i));
        wgpuQueueWriteBuffer(ctx.queue, b, (i % slots) * piece, data, piece);
    }
    uint8_t *got = read_back(b, 0, piece * slots);
    for (size_t s = 0; s < slots; s++) {
        /* The last write to slot s. */
        size_t last = s + (count - 1 - s) / slots * slots;
        CHECK(same(got ? got + s * piece : NULL, piece, (uint32_t)(1000 + last)));
    }
    free(got);
    free(data);
    wgpuBufferRelease(b);
    printf("ok   many_writes_in_a_row: %zu writes of 64 KiB, each slot holds its last\n", count);
}

typedef struct {
    WGPUBuffer buffer;
    uint32_t seed;
    size_t piece, count;
} Writer;

static void *write_thread(void *arg) {
    Writer *w = arg;
    uint8_t *data = malloc(w->piece);
    for (size_t i = 0; i < w->count; i++) {
        fill(data, w->piece, w->seed + (uint32_t)i);
        wgpuQueueWriteBuffer(ctx.queue, w->buffer, i * w->piece, data, w->piece);
    }
    free(data);
    return NULL;
}

/* Threads writing at once (their calls reach the GPU process in any order): every
 * byte lands where its thread put it. */
static void threads_write_at_once(void) {
    enum { THREADS = 4 };
    Writer w[THREADS];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i].piece = 48 * 1024;
        w[i].count = under_valgrind() ? 8 : 64;
        w[i].seed = 5000 + 100 * (uint32_t)i;
        w[i].buffer = make_buffer(&ctx, w[i].piece * w[i].count, WGPUBufferUsage_CopyDst | WGPUBufferUsage_CopySrc, 0);
        pthread_create(&t[i], NULL, write_thread, &w[i]);
    }
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++) {
        uint8_t *got = read_back(w[i].buffer, 0, w[i].piece * w[i].count);
        for (size_t k = 0; k < w[i].count; k++)
            CHECK(same(got ? got + k * w[i].piece : NULL, w[i].piece, w[i].seed + (uint32_t)k));
        free(got);
        wgpuBufferRelease(w[i].buffer);
    }
    printf("ok   threads_write_at_once: 4 threads' writes all land\n");
}

/* A buffer mapped at creation and written through its mapped range holds those bytes
 * after Unmap; so does one mapped for writing, in two ranges, whose first mapping
 * shows the buffer's contents. */
static void mapped_writes(void) {
    const size_t size = 1u << 20;
    WGPUBuffer b = make_buffer(&ctx, size, WGPUBufferUsage_CopySrc | WGPUBufferUsage_MapWrite, 1);
    uint8_t *p = wgpuBufferGetMappedRange(b, 0, size);
    CHECK(p != NULL);
    if (p) {
        CHECK(p[0] == 0 && p[size - 1] == 0);
        fill(p, size, 77);
    }
    wgpuBufferUnmap(b);
    uint8_t *got = read_back(b, 0, size);
    CHECK(same(got, size, 77));
    free(got);

    MapResult r;
    memset(&r, 0, sizeof r);
    wait_for(&ctx, map_buffer(b, WGPUMapMode_Write, 0, size, &r));
    CHECK(r.status == WGPUMapAsyncStatus_Success);
    uint8_t *lo = wgpuBufferGetMappedRange(b, 0, size / 2);
    uint8_t *hi = wgpuBufferGetMappedRange(b, size / 2, size / 2);
    CHECK(lo && hi);
    if (lo && hi) {
        /* A write mapping shows what the buffer holds. */
        CHECK(lo[5] == pattern(77, 5) && hi[5] == pattern(77, size / 2 + 5));
        uint8_t *whole = malloc(size);
        fill(whole, size, 78);
        memcpy(lo, whole, size / 2);
        memcpy(hi, whole + size / 2, size / 2);
        free(whole);
    }
    wgpuBufferUnmap(b);
    got = read_back(b, 0, size);
    CHECK(same(got, size, 78));
    free(got);
    wgpuBufferRelease(b);
    printf("ok   mapped_writes: mapped at creation and mapped for writing, in ranges, land\n");
}

/* A buffer mapped for reading again and again shows its current contents each time,
 * at every offset asked for. */
static void mapped_reads_again(void) {
    const size_t size = 256 * 1024;
    WGPUBuffer src = make_buffer(&ctx, size, WGPUBufferUsage_CopyDst | WGPUBufferUsage_CopySrc, 0);
    WGPUBuffer rb = make_buffer(&ctx, size, WGPUBufferUsage_MapRead | WGPUBufferUsage_CopyDst, 0);
    uint8_t *data = malloc(size);
    for (uint32_t round = 0; round < 3; round++) {
        fill(data, size, 300 + round);
        wgpuQueueWriteBuffer(ctx.queue, src, 0, data, size);
        WGPUCommandEncoder enc = wgpuDeviceCreateCommandEncoder(ctx.device, NULL);
        wgpuCommandEncoderCopyBufferToBuffer(enc, src, 0, rb, 0, size);
        WGPUCommandBuffer cb = wgpuCommandEncoderFinish(enc, NULL);
        wgpuQueueSubmit(ctx.queue, 1, &cb);
        MapResult r;
        memset(&r, 0, sizeof r);
        size_t offset = round * 4096;
        wait_for(&ctx, map_buffer(rb, WGPUMapMode_Read, offset, size - offset, &r));
        CHECK(r.status == WGPUMapAsyncStatus_Success);
        const uint8_t *p = wgpuBufferGetConstMappedRange(rb, offset, size - offset);
        CHECK(p != NULL);
        for (size_t i = 0; p && i < size - offset; i += 997)
            if (p[i] != pattern(300 + round, offset + i)) {
                CHECK(p[i] == pattern(300 + round, offset + i));
                break;
            }
        wgpuBufferUnmap(rb);
        wgpuCommandBufferRelease(cb);
        wgpuCommandEncoderRelease(enc);
    }
    free(data);
    wgpuBufferRelease(rb);
    wgpuBufferRelease(src);
    printf("ok   mapped_reads_again: each read mapping shows the current contents\n");
}

/* WriteTexture of a 512 x 512 RGBA8 image (1 MiB) reads back texel for texel. */
static void write_texture_large(void) {
    const uint32_t n = 512;
    WGPUTextureDescriptor td = WGPU_TEXTURE_DESCRIPTOR_INIT;
    td.size = (WGPUExtent3D){n, n, 1};
    td.format = WGPUTextureFormat_RGBA8Uint;
    td.usage = WGPUTextureUsage_CopyDst | WGPUTextureUsage_CopySrc;
    WGPUTexture tex = wgpuDeviceCreateTexture(ctx.device, &td);
    size_t size = (size_t)n * n * 4;
    uint8_t *data = malloc(size);
    fill(data, size, 9);
    WGPUTexelCopyTextureInfo dst = WGPU_TEXEL_COPY_TEXTURE_INFO_INIT;
    dst.texture = tex;
    WGPUTexelCopyBufferLayout layout = WGPU_TEXEL_COPY_BUFFER_LAYOUT_INIT;
    layout.bytesPerRow = n * 4;
    layout.rowsPerImage = n;
    WGPUExtent3D extent = {n, n, 1};
    wgpuQueueWriteTexture(ctx.queue, &dst, data, size, &layout, &extent);
    uint32_t *texels = malloc(size);
    CHECK(read_texels(&ctx, tex, n, n, 1, texels) == WGPUMapAsyncStatus_Success);
    CHECK(same((const uint8_t *)texels, size, 9));
    free(texels);
    free(data);
    wgpuTextureRelease(tex);
    printf("ok   write_texture_large: a 1 MiB WriteTexture reads back texel for texel\n");
}

int main(void) {
    if (!setup(&ctx)) {
        fprintf(stderr, "bulk_data: no device\n");
        return 1;
    }
    write_buffer_sizes();
    many_writes_in_a_row();
    threads_write_at_once();
    mapped_writes();
    mapped_reads_again();
    write_texture_large();
    teardown(&ctx);
    return finish("bulk_data");
}
