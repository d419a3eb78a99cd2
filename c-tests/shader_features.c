/* WGSL that the spec allows for the features a device has, where naga's front end
 * lags (the library rewrites it: ffi/shader/wgsl_source.rs), run with its values checked:
 * - with the Subgroups feature, `enable subgroups;` is accepted and subgroupAdd and
 *   subgroupElect work, and lane indexes may be i32s or literals; without the
 *   feature, the directive is a validation error naming it, and a subgroup built-in
 *   without the directive is one too;
 * - with ShaderF16, bitcast between 32-bit values and f16 vectors has the spec's
 *   types and values, members and indexes of its result included, and hexadecimal
 *   f16 literals (`0x3.2p+2h`, which naga cannot parse) have their values;
 * - members and indexes of other call results (constructors, built-ins, bitcast)
 *   have their values;
 * - a large `const` table indexed at run time (as quantized ML kernels do) reads its
 *   values, and its pipeline is made in seconds (ffi/shader/const_tables.rs: naga would copy
 *   the table at every access, which takes lavapipe minutes to compile); a table that
 *   is also used as a constant (left as it is) reads its values too. */
#include "common.h"

static Ctx base;

static WGPUDevice device_with(WGPUFeatureName feature, int with) {
    WGPUDeviceDescriptor dd = WGPU_DEVICE_DESCRIPTOR_INIT;
    dd.requiredFeatureCount = with ? 1 : 0;
    dd.requiredFeatures = &feature;
    WGPUDevice dev = NULL;
    WGPURequestDeviceCallbackInfo cb = WGPU_REQUEST_DEVICE_CALLBACK_INFO_INIT;
    cb.mode = WGPUCallbackMode_WaitAnyOnly;
    cb.callback = on_device;
    cb.userdata1 = &dev;
    futures_expected++;
    wait_for(&base, wgpuAdapterRequestDevice(base.adapter, &dd, cb));
    return dev;
}

/* Runs `main` of `code` once as `groups` workgroups on `dev`, with d: array<u32> of
 * `n` words (zeroed), and copies d to `out`. Returns the validation error, if any. */
static ScopeResult run(WGPUDevice dev, const char *code, uint32_t groups, uint32_t n, uint32_t *out) {
    Ctx c = base;
    c.device = dev;
    c.queue = wgpuDeviceGetQueue(dev);
    wgpuDevicePushErrorScope(dev, WGPUErrorFilter_Validation);
    WGPUShaderModule m = wgsl_module(&c, code);
    WGPUComputePipelineDescriptor pd = WGPU_COMPUTE_PIPELINE_DESCRIPTOR_INIT;
    pd.compute.module = m;
    WGPUComputePipeline p = wgpuDeviceCreateComputePipeline(dev, &pd);
    ScopeResult r = pop_scope(&c);
    if (r.type == WGPUErrorType_NoError) CHECK(dispatch_and_read(&c, p, groups, NULL, n, out) == WGPUMapAsyncStatus_Success);
    wgpuComputePipelineRelease(p);
    wgpuShaderModuleRelease(m);
    wgpuQueueRelease(c.queue);
    return r;
}

static const char *SUBGROUPS =
    "enable subgroups;\n"
    "@group(0) @binding(0) var<storage, read_write> d: array<atomic<u32>>;\n"
    "@compute @workgroup_size(64) fn main(@builtin(subgroup_size) size: u32) {\n"
    "    let sum = subgroupAdd(1u);\n"
    "    if subgroupElect() { atomicAdd(&d[0], sum); atomicAdd(&d[1], 1u); }\n"
    "    atomicMax(&d[2], size);\n"
    "}\n";

static void subgroups(void) {
    if (!wgpuAdapterHasFeature(base.adapter, WGPUFeatureName_Subgroups)) {
        printf("subgroups: the adapter does not have the feature; skipped\n");
        return;
    }
    WGPUDevice dev = device_with(WGPUFeatureName_Subgroups, 1);
    uint32_t d[3] = {0};
    ScopeResult r = run(dev, SUBGROUPS, 4, 3, d);
    CHECK(r.type == WGPUErrorType_NoError);
    if (r.type != WGPUErrorType_NoError) printf("    %s\n", r.message);
    /* Each subgroup adds its size once: every invocation of 4 x 64 counted. */
    printf("subgroups: %u invocations counted by %u subgroups of %u\n", d[0], d[1], d[2]);
    CHECK(d[0] == 256);
    CHECK(d[2] >= 1 && (d[2] & (d[2] - 1)) == 0 && d[1] == 256 / d[2]);

    /* A lane index may be an i32 or an abstract int (naga takes u32 only): each
     * invocation reads its neighbour's id through subgroupShuffle with an i32 index,
     * and lane 0's value through subgroupBroadcast with a literal. */
    uint32_t lanes[64] = {0};
    r = run(dev,
            "enable subgroups;\n"
            "@group(0) @binding(0) var<storage, read_write> d: array<u32>;\n"
            "@compute @workgroup_size(64) fn main(@builtin(subgroup_invocation_id) lane: u32,\n"
            "    @builtin(subgroup_size) size: u32, @builtin(local_invocation_index) i: u32) {\n"
            "    let next = i32((lane + 1u) % size);\n"
            "    let theirs = subgroupShuffle(lane * 10u, next);\n"
            "    d[i] = theirs + 1000u * subgroupBroadcast(lane + 7u, 0);\n"
            "}\n",
            1, 64, lanes);
    CHECK(r.type == WGPUErrorType_NoError);
    if (r.type != WGPUErrorType_NoError) printf("    %s\n", r.message);
    uint32_t size = d[2], wrong = 0;
    for (uint32_t i = 0; i < 64 && size; i++) wrong += lanes[i] != ((i % size + 1) % size) * 10 + 7000;
    CHECK(wrong == 0);
    printf("subgroups: subgroupShuffle by an i32 lane and subgroupBroadcast by a literal: %u of 64 wrong\n", wrong);
    /* A subgroup built-in without `enable subgroups;` is an error that names it. */
    r = run(dev,
            "@group(0) @binding(0) var<storage, read_write> d: array<u32>;\n"
            "@compute @workgroup_size(64) fn main() { d[0] = subgroupAdd(1u); }\n",
            1, 1, lanes);
    CHECK(r.type == WGPUErrorType_Validation && strstr(r.message, "subgroupAdd") && strstr(r.message, "enable subgroups"));
    wgpuDeviceRelease(dev);

    /* Without the feature, the directive is an error that names it. */
    dev = device_with(WGPUFeatureName_Subgroups, 0);
    r = run(dev, SUBGROUPS, 1, 3, d);
    CHECK(r.type == WGPUErrorType_Validation && strstr(r.message, "subgroups") && strstr(r.message, "line 1"));
    wgpuDeviceRelease(dev);
}

static const char *F16_BITCASTS =
    "enable f16;\n"
    "@group(0) @binding(0) var<storage, read_write> d: array<u32>;\n"
    "@compute @workgroup_size(1) fn main() {\n"
    "    let word = 0x3c00c000u + d[15];\n" /* halves -2.0 (low) and 1.0 (high) */
    "    d[0] = bitcast<u32>(f32(bitcast<vec2<f16>>(word).x));\n"
    "    d[1] = bitcast<u32>(f32(bitcast<vec2h>(word)[1]));\n"
    /* + d[15] (0): Mesa 22.3's lavapipe folds UnpackHalf2x16 of a constant
     * 0x44004200 to (3.0, 0.0); read from memory, the word gives (3.0, 4.0). */
    "    let four = bitcast<vec4<f16>>(vec2<u32>(word, 0x44004200u + d[15]));\n"
    "    d[2] = bitcast<u32>(f32(four.z + four.w));\n"
    "    d[3] = bitcast<u32>(vec2<f16>(1.0h, -2.0h));\n"
    "    let two = bitcast<vec2<u32>>(vec4h(1.0h, 2.0h, 3.0h, 4.0h));\n"
    "    d[4] = two.x;\n"
    "    d[5] = two.y;\n"
    "    d[6] = bitcast<u32>(f32(bitcast<vec2<f16>>(bitcast<f32>(word)).y));\n"
    "    d[7] = bitcast<u32>(f32(four.x)); d[8] = bitcast<u32>(f32(four.y)); d[9] = bitcast<u32>(f32(four.z)); d[10] = bitcast<u32>(f32(four.w));\n"
    "    d[11] = bitcast<u32>(f32(0x3.2p+2h)); d[12] = bitcast<u32>(f32(0xEp-2h));\n"
    "}\n";

static uint32_t bits(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static void f16_bitcasts(void) {
    if (!wgpuAdapterHasFeature(base.adapter, WGPUFeatureName_ShaderF16)) {
        printf("f16 bitcasts: the adapter does not have ShaderF16; skipped\n");
        return;
    }
    WGPUDevice dev = device_with(WGPUFeatureName_ShaderF16, 1);
    uint32_t d[16] = {0};
    ScopeResult r = run(dev, F16_BITCASTS, 1, 16, d);
    CHECK(r.type == WGPUErrorType_NoError);
    if (r.type != WGPUErrorType_NoError) printf("    %s\n", r.message);
    CHECK(d[0] == bits(-2.0f));
    CHECK(d[1] == bits(1.0f));
    CHECK(d[2] == bits(7.0f));
    CHECK(d[3] == 0xc0003c00u);
    CHECK(d[4] == 0x40003c00u && d[5] == 0x44004200u);
    CHECK(d[6] == bits(1.0f));
    CHECK(d[7] == bits(-2.0f) && d[8] == bits(1.0f) && d[9] == bits(3.0f) && d[10] == bits(4.0f));
    CHECK(d[11] == bits(12.5f) && d[12] == bits(3.5f));
    printf("f16 bitcasts: %08x %08x %08x %08x %08x %08x %08x; %08x %08x %08x %08x; hex literals %08x %08x\n", d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12]);
    wgpuDeviceRelease(dev);
}

static const char *POSTFIX =
    "struct S { a: u32, b: u32 }\n"
    "@group(0) @binding(0) var<storage, read_write> d: array<u32>;\n"
    "@compute @workgroup_size(1) fn main() {\n"
    "    let k = d[7];\n" /* 0, from memory */
    "    d[0] = vec2<u32>(3u + k, 4u).y;\n"
    "    d[1] = array<u32, 3>(5u, 6u, 7u + k)[2];\n"
    "    d[2] = max(vec2<u32>(1u, 9u + k), vec2<u32>(2u, 3u)).y;\n"
    "    d[3] = bitcast<vec2<u32>>(vec2<f32>(1.0, f32(k) + 2.0)).x;\n"
    "    d[4] = S(8u, 9u + k).b;\n"
    "    d[5] = vec4<u32>(1u, 2u, 3u, 4u + k).wzyx.x;\n"
    "}\n";

static void postfix_on_call_results(void) {
    WGPUDevice dev = device_with(WGPUFeatureName_ShaderF16, 0);
    uint32_t d[8] = {0};
    ScopeResult r = run(dev, POSTFIX, 1, 8, d);
    CHECK(r.type == WGPUErrorType_NoError);
    if (r.type != WGPUErrorType_NoError) printf("    %s\n", r.message);
    CHECK(d[0] == 4 && d[1] == 7 && d[2] == 9 && d[3] == bits(1.0f) && d[4] == 9 && d[5] == 4);
    printf("postfix forms: %u %u %u %08x %u %u\n", d[0], d[1], d[2], d[3], d[4], d[5]);
    wgpuDeviceRelease(dev);
}

/* A table of `words` words, as `const t = array<u32, words>(...)`, its words TABLE(i),
 * read four at a time by a helper called in nested loops; with `also_constant`, the
 * table is used in a constant expression as well. */
#define TABLE(i) ((uint32_t)(i) * 2654435761u)
static char *table_shader(uint32_t words, int also_constant) {
    size_t cap = (size_t)words * 16 + 4096;
    char *code = malloc(cap);
    size_t n = (size_t)snprintf(code, cap, "const t = array<u32, %u>(", words);
    for (uint32_t i = 0; i < words; i++)
        n += (size_t)snprintf(code + n, cap - n, "%uu%s", TABLE(i), i + 1 < words ? ", " : ");\n");
    snprintf(code + n, cap - n,
             "%s"
             "@group(0) @binding(0) var<storage, read_write> d: array<u32>;\n"
             "fn four(i: u32) -> u32 { return t[i] ^ t[(i + 1u) %% %uu] ^ t[(i + 2u) %% %uu] ^ t[(i + 3u) %% %uu]; }\n"
             "@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) {\n"
             "    var acc = 0u;\n"
             "    for (var j = 0u; j < 8u; j++) { for (var k = 0u; k < 4u; k++) { acc += four((g.x * 31u + j * 7u + k) %% %uu); } }\n"
             "    d[g.x] = acc%s;\n"
             "}\n",
             also_constant ? "const first = t[1];\n" : "", words, words, words, words, also_constant ? " + first" : "");
    return code;
}

static void const_table(WGPUDevice dev, uint32_t words, int also_constant) {
    char *code = table_shader(words, also_constant);
    uint32_t d[128] = {0};
    double start = now_seconds();
    ScopeResult r = run(dev, code, 2, 128, d);
    double seconds = now_seconds() - start;
    CHECK(r.type == WGPUErrorType_NoError);
    int right = 0;
    for (uint32_t x = 0; x < 128; x++) {
        uint32_t acc = 0;
        for (uint32_t j = 0; j < 8; j++)
            for (uint32_t k = 0; k < 4; k++) {
                uint32_t i = (x * 31 + j * 7 + k) % words;
                acc += TABLE(i) ^ TABLE((i + 1) % words) ^ TABLE((i + 2) % words) ^ TABLE((i + 3) % words);
            }
        right += d[x] == acc + (also_constant ? TABLE(1) : 0);
    }
    CHECK(right == 128);
    printf("const table of %u words indexed at run time%s: %d of 128 values right, %.2f s\n", words,
           also_constant ? ", also used as a constant" : "", right, seconds);
    free(code);
    if (!also_constant && !under_valgrind()) CHECK(seconds < 30.0);
}

static void const_tables(void) {
    WGPUDevice dev = device_with(WGPUFeatureName_ShaderF16, 0);
    /* ggml's size; smaller under valgrind, which makes everything many times slower. */
    const_table(dev, under_valgrind() ? 256 : 2048, 0);
    const_table(dev, 16, 1);
    wgpuDeviceRelease(dev);
}

int main(void) {
    if (!setup(&base)) return 1;
    subgroups();
    f16_bitcasts();
    postfix_on_call_results();
    const_tables();
    teardown(&base);
    return finish("shader_features");
}
