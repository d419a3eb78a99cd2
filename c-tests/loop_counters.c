/* Only loops that may not end carry a counter, also in the SPIR-V the Vulkan driver
 * receives for a module without pipeline-overridable constants (wgpu-hal could
 * translate such a module once, with the adapter's options, which put a counter in
 * every loop; wgpu-hal 30 translates every module per pipeline, with the module's
 * own checks). The SPIR-V is captured by vulkan_test_layer.c; naga's own counter is
 * a Function variable of type vec2<u32>, ours two u32 variables.
 *
 * Run with WEBGPU_SHIM_TEST_SPIRV_DIR, VK_LAYER_PATH and VK_INSTANCE_LAYERS set (ctest does). */
#include "common.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *SHADER =
    "@group(0) @binding(0) var<storage, read_write> d: array<u32>;\n"
    "@compute @workgroup_size(1) fn main() {\n"
    "    var acc = 0u;\n"
    "    for (var k = 0u; k < 16u; k++) { acc += k; }\n" /* ends: no counter */
    "    var n = d[1];\n"
    "    while n > 0u { n = n / 2u; acc += 1u; }\n" /* may not end, as far as we know */
    "    d[0] = acc;\n"
    "}\n";

/* Function-storage variables in a SPIR-V module whose pointee is u32, and vec2<u32>. */
typedef struct {
    int u32_vars, vec2_u32_vars;
} Counts;

#define IDS 65536
static Counts count_variables(const uint32_t *w, size_t words) {
    Counts c = {0, 0};
    static uint8_t kind[IDS]; /* 1: u32, 2: vec2<u32>, 3: ptr Function u32, 4: ptr Function vec2<u32> */
    memset(kind, 0, sizeof kind);
    for (size_t i = 5; i < words;) {
        uint32_t op = w[i] & 0xffff, n = w[i] >> 16;
        if (n == 0 || i + n > words) break;
        const uint32_t *a = w + i + 1;
        if (op == 21 && n >= 4 && a[0] < IDS && a[1] == 32 && a[2] == 0) kind[a[0]] = 1;          /* OpTypeInt */
        if (op == 23 && n >= 4 && a[0] < IDS && a[1] < IDS && kind[a[1]] == 1 && a[2] == 2) kind[a[0]] = 2; /* OpTypeVector */
        if (op == 32 && n >= 4 && a[0] < IDS && a[1] == 7 && a[2] < IDS && kind[a[2]]) kind[a[0]] = kind[a[2]] + 2; /* OpTypePointer Function */
        if (op == 59 && n >= 4 && a[0] < IDS && a[2] == 7) {                                         /* OpVariable Function */
            if (kind[a[0]] == 3) c.u32_vars++;
            if (kind[a[0]] == 4) c.vec2_u32_vars++;
        }
        i += n;
    }
    return c;
}

/* Sums the counts over the captured files numbered `first` and on. */
static Counts captured_since(const char *dir, int first, int *files) {
    Counts total = {0, 0};
    *files = 0;
    for (int i = first;; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%04d.spv", dir, i);
        FILE *f = fopen(path, "rb");
        if (!f) break;
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint32_t *w = malloc((size_t)size + 4);
        size_t got = fread(w, 1, (size_t)size, f);
        fclose(f);
        Counts c = count_variables(w, got / 4);
        total.u32_vars += c.u32_vars;
        total.vec2_u32_vars += c.vec2_u32_vars;
        free(w);
        (*files)++;
    }
    return total;
}

static int captured_count(const char *dir) {
    int n = 0;
    DIR *d = opendir(dir);
    if (!d) return 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strstr(e->d_name, ".spv")) n++;
    closedir(d);
    return n;
}

int main(void) {
    const char *dir = getenv("WEBGPU_SHIM_TEST_SPIRV_DIR");
    if (!dir) {
        fprintf(stderr, "WEBGPU_SHIM_TEST_SPIRV_DIR is not set: run through ctest\n");
        return 1;
    }
    mkdir(dir, 0755);
    /* Start from an empty folder: the layer numbers files from 0 in each process. */
    DIR *old = opendir(dir);
    for (struct dirent *e; old && (e = readdir(old));) {
        if (!strstr(e->d_name, ".spv")) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (old) closedir(old);

    /* The counting itself, on a module declaring u32, vec2<u32>, a pointer to each in
     * Function storage and one variable of each. */
    static const uint32_t sample[] = {
        0x07230203, 0x00010000, 0, 20, 0,
        (4u << 16) | 21, 1, 32, 0,  /* %1 = OpTypeInt 32 0 */
        (4u << 16) | 23, 2, 1, 2,   /* %2 = OpTypeVector %1 2 */
        (4u << 16) | 32, 3, 7, 1,   /* %3 = OpTypePointer Function %1 */
        (4u << 16) | 32, 4, 7, 2,   /* %4 = OpTypePointer Function %2 */
        (4u << 16) | 59, 3, 5, 7,   /* %5 = OpVariable %3 Function */
        (5u << 16) | 59, 4, 6, 7, 9 /* %6 = OpVariable %4 Function %9 */
    };
    Counts self = count_variables(sample, sizeof sample / 4);
    CHECK(self.u32_vars == 1 && self.vec2_u32_vars == 1);

    Ctx ctx;
    if (!setup(&ctx)) return 1;
    int before = captured_count(dir);

    WGPUShaderModule m = wgsl_module(&ctx, SHADER);
    WGPUComputePipelineDescriptor pd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    pd.compute.module = m;
    WGPUComputePipeline p = wgpuDeviceCreateComputePipeline(ctx.device, &pd);
    int files;
    Counts c = captured_since(dir, before, &files);
    printf("loop_counters: %d module(s) reached the driver; Function variables: %d u32, %d vec2<u32>\n", files,
           c.u32_vars, c.vec2_u32_vars);
    /* One module; acc, k, n and our counter's two halves; no counter of naga's. */
    CHECK(files == 1);
    CHECK(c.vec2_u32_vars == 0);
    CHECK(c.u32_vars == 5);

    /* And it computes: 0 + 1 + ... + 15 = 120, then 10 halvings of 1000. */
    uint32_t d[2] = {0, 1000};
    CHECK(dispatch_and_read(&ctx, p, 1, d, 2, d) == WGPUMapAsyncStatus_Success);
    CHECK(d[0] == 130);
    wgpuComputePipelineRelease(p);
    wgpuShaderModuleRelease(m);
    teardown(&ctx);
    return finish("loop_counters");
}
