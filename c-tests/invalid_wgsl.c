/* Broken WGSL: inside a validation error scope the popped error has type Validation
 * and the compiler's message; outside any scope it reaches the uncaptured-error
 * callback; GetCompilationInfo gives the message with its line and column. */
#include "common.h"

static const char *BROKEN =
    "@compute @workgroup_size(1)\n"
    "fn main() {\n"
    "    let x: u32 = undefined_thing;\n"
    "}\n";

int main(void) {
    Ctx ctx;
    if (!setup(&ctx)) return 1;

    /* In a scope: the scope catches it, and nothing is uncaptured. */
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
    WGPUShaderModule bad = wgsl_module(&ctx, BROKEN);
    ScopeResult r = pop_scope(&ctx);
    CHECK(r.status == WGPUPopErrorScopeStatus_Success);
    CHECK(r.type == WGPUErrorType_Validation);
    CHECK(strstr(r.message, "undefined_thing") != NULL);
    printf("scope caught: %s\n", r.message);
    CHECK(ctx.uncaptured_count == 0);

    /* The compilation info says where. */
    InfoResult info = compilation_info(&ctx, bad);
    CHECK(info.status == WGPUCompilationInfoRequestStatus_Success);
    CHECK(info.count == 1);
    CHECK(info.type == WGPUCompilationMessageType_Error);
    CHECK(info.line == 3);
    CHECK(info.pos == 18);
    CHECK(info.offset == (uint64_t)(strstr(BROKEN, "undefined_thing") - BROKEN));
    CHECK(info.length == strlen("undefined_thing"));
    CHECK(strstr(info.message, "undefined_thing") != NULL);

    /* A scope for another filter does not catch it: it is uncaptured. */
    wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_OutOfMemory);
    WGPUShaderModule bad2 = wgsl_module(&ctx, BROKEN);
    ScopeResult oom = pop_scope(&ctx);
    CHECK(oom.status == WGPUPopErrorScopeStatus_Success);
    CHECK(oom.type == WGPUErrorType_NoError);
    CHECK(ctx.uncaptured_count == 1);
    CHECK(ctx.uncaptured_type == WGPUErrorType_Validation);
    CHECK(strstr(ctx.uncaptured_message, "undefined_thing") != NULL);

    /* A valid module has no messages. */
    WGPUShaderModule good = wgsl_module(&ctx, "@compute @workgroup_size(1) fn main() {}");
    InfoResult ok = compilation_info(&ctx, good);
    CHECK(ok.status == WGPUCompilationInfoRequestStatus_Success);
    CHECK(ok.count == 0);

    /* Rules of the shader stages (the CTS's decl,var:shader_stage): a vertex shader
     * that uses a read_write storage buffer, or a fragment shader that uses workgroup
     * memory, is an invalid module, its message at the variable; a read-only buffer in
     * the same vertex shader is fine. */
    static const struct {
        const char *wgsl, *variable;
        int valid;
    } stages[] = {
        {"@group(0) @binding(0) var<storage, read_write> v: u32;\n"
         "@vertex fn main() -> @builtin(position) vec4f { _ = v; return vec4f(); }\n",
         "v: u32", 0},
        {"var<workgroup> w: u32;\n@fragment fn main() { _ = w; }\n", "w: u32", 0},
        {"@group(0) @binding(0) var<storage> v: u32;\n"
         "@vertex fn main() -> @builtin(position) vec4f { _ = v; return vec4f(); }\n",
         NULL, 1},
    };
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
        wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
        WGPUShaderModule m = wgsl_module(&ctx, stages[i].wgsl);
        ScopeResult sr = pop_scope(&ctx);
        InfoResult si = compilation_info(&ctx, m);
        if (stages[i].valid) {
            CHECK(sr.type == WGPUErrorType_NoError && si.count == 0);
        } else {
            CHECK(sr.type == WGPUErrorType_Validation && si.count == 1 && si.line == 1);
            CHECK(si.offset <= (uint64_t)(strstr(stages[i].wgsl, stages[i].variable) - stages[i].wgsl));
            printf("stage rule: %s\n", si.message);
        }
        wgpuShaderModuleRelease(m);
    }

    /* Diagnostic attributes (naga parses the directive only): accepted where WGSL
     * allows them, with their severity checked; a derivative of an integer literal
     * takes the f32 it converts to; binary operators mix only as WGSL's grammar
     * allows. */
    static const struct {
        const char *wgsl, *error;
    } diagnostics[] = {
        {"@diagnostic(off, derivative_uniformity) @fragment fn main() { let x = dpdx(0); }\n", NULL},
        {"@fragment fn main() { @diagnostic(warning, derivative_uniformity) if true { let x = fwidth(1); } }\n",
         NULL},
        {"@diagnostic(sometimes, derivative_uniformity) @fragment fn main() {}\n", "unknown diagnostic severity"},
        {"@diagnostic(off, derivative_uniformity) var<private> x: u32;\n", "applies to a function or a statement"},
        /* Operators WGSL does not let mix without parentheses (naga would parse them). */
        {"fn f(a: u32, b: u32) -> u32 { return a + b & 3u; }\n", "bitwise operator"},
        {"fn f(a: u32, b: u32) -> bool { return a < b < true; }\n", "comparisons may not be chained"},
        {"fn f(a: u32, b: u32) -> u32 { return (a + b) & 3u | vec2<u32>(a, b).x; }\n", "bitwise operator"},
        {"fn f(a: u32, b: u32) -> bool { return (a + b) << 2u < a && vec2<u32>(a, b).x > 1u; }\n", NULL},
        /* Constant arguments WGSL bounds (naga does not check them). */
        {"@group(0) @binding(0) var t: texture_2d<f32>;\n@group(0) @binding(1) var s: sampler;\n"
         "@fragment fn main() -> @location(0) vec4f { return textureSample(t, s, vec2f(0.5), vec2i(8, 0)); }\n",
         "texture offset component is 8"},
        {"fn f(v: f32) -> f32 { return clamp(v, 2.0, 1.0); }\n", "low bound (2) is above its high bound (1)"},
    };
    for (size_t i = 0; i < sizeof diagnostics / sizeof diagnostics[0]; i++) {
        wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
        WGPUShaderModule m = wgsl_module(&ctx, diagnostics[i].wgsl);
        ScopeResult dr = pop_scope(&ctx);
        if (diagnostics[i].error) {
            CHECK(dr.type == WGPUErrorType_Validation && strstr(dr.message, diagnostics[i].error));
        } else {
            CHECK(dr.type == WGPUErrorType_NoError);
            if (dr.type != WGPUErrorType_NoError) printf("    %s\n", dr.message);
        }
        wgpuShaderModuleRelease(m);
    }

    /* WGSL's uniformity analysis: a derivative, barrier or subgroup operation that the
     * analysis cannot prove to run in uniform control flow makes the module invalid,
     * with the message at the call; a diagnostic filter turns the derivative rule down
     * to a warning in the compilation info; control flow is uniform again after an
     * `if` every invocation leaves by its end. */
    static const char *FRAG =
        "@group(0) @binding(0) var t: texture_2d<f32>;\n"
        "@group(0) @binding(1) var s: sampler;\n"
        "@group(0) @binding(2) var<uniform> u: vec4f;\n";
    static const struct {
        const char *body, *error;
    } uniformity[] = {
        {"@fragment fn main(@builtin(position) p: vec4f) -> @location(0) vec4f {\n"
         "  if p.x > 0.5 { return textureSample(t, s, p.xy); }\n  return vec4f(); }\n",
         "'textureSample' must only be called from uniform control flow"},
        {"@fragment fn main(@builtin(position) p: vec4f) -> @location(0) vec4f {\n"
         "  if u.x > 0.5 { return textureSample(t, s, p.xy); }\n  return vec4f(); }\n",
         NULL},
        {"@fragment fn main(@builtin(position) p: vec4f) -> @location(0) vec4f {\n"
         "  var c = 0.0; if p.x > 0.5 { c = 1.0; }\n  if u.x > 0.5 { _ = dpdx(c); }\n"
         "  if c > 0.5 { _ = dpdy(c); }\n  return vec4f(); }\n",
         "'dpdy' must only be called from uniform control flow"},
        {"fn helper() { _ = fwidth(1.0); }\n"
         "@fragment fn main(@builtin(position) p: vec4f) -> @location(0) vec4f {\n"
         "  if p.y > 0.5 { helper(); }\n  return vec4f(); }\n",
         "(in 'helper', called here)"},
        {"@compute @workgroup_size(64) fn main(@builtin(local_invocation_index) i: u32) {\n"
         "  for (var k = 0u; k < i; k++) { workgroupBarrier(); } }\n",
         "'workgroupBarrier' must only be called from uniform control flow"},
        {"@compute @workgroup_size(64) fn main(@builtin(local_invocation_index) i: u32) {\n"
         "  for (var k = 0u; k < i; k++) { } workgroupBarrier(); }\n",
         NULL},
        /* A filter on a statement covers that statement only. */
        {"@fragment fn main(@builtin(position) p: vec4f) -> @location(0) vec4f {\n"
         "  @diagnostic(off, derivative_uniformity) if p.x > 0.5 { _ = dpdx(p.x); }\n"
         "  return vec4f(); }\n",
         NULL},
        {"@fragment fn main(@builtin(position) p: vec4f) -> @location(0) vec4f {\n"
         "  @diagnostic(off, derivative_uniformity) if p.x > 0.5 { _ = dpdx(p.x); }\n"
         "  if p.y > 0.5 { _ = dpdy(p.x); }\n  return vec4f(); }\n",
         "'dpdy' must only be called from uniform control flow"},
    };
    for (size_t i = 0; i < sizeof uniformity / sizeof uniformity[0]; i++) {
        char src[1024];
        snprintf(src, sizeof src, "%s%s", FRAG, uniformity[i].body);
        wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
        WGPUShaderModule m = wgsl_module(&ctx, src);
        ScopeResult ur = pop_scope(&ctx);
        if (uniformity[i].error) {
            CHECK(ur.type == WGPUErrorType_Validation && strstr(ur.message, uniformity[i].error));
            if (!strstr(ur.message, uniformity[i].error)) printf("    uniformity %zu: %s\n", i, ur.message);
        } else {
            CHECK(ur.type == WGPUErrorType_NoError);
            if (ur.type != WGPUErrorType_NoError) printf("    uniformity %zu: %s\n", i, ur.message);
        }
        wgpuShaderModuleRelease(m);
    }
    {
        /* The message is at the call: line 5, column 9 of the first case. */
        char src[1024];
        snprintf(src, sizeof src, "%s%s", FRAG, uniformity[0].body);
        wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
        WGPUShaderModule m = wgsl_module(&ctx, src);
        pop_scope(&ctx);
        InfoResult ui = compilation_info(&ctx, m);
        CHECK(ui.count == 1 && ui.type == WGPUCompilationMessageType_Error);
        CHECK(ui.line == 5 && ui.pos == (uint64_t)(strstr(uniformity[0].body, "textureSample") - strchr(uniformity[0].body, '\n')));
        CHECK(ui.offset == (uint64_t)(strstr(src, "textureSample") - src));
        wgpuShaderModuleRelease(m);
        /* Turned down to a warning: valid, and the compilation info has the warning. */
        snprintf(src, sizeof src, "diagnostic(warning, derivative_uniformity);\n%s%s", FRAG, uniformity[0].body);
        wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
        m = wgsl_module(&ctx, src);
        CHECK(pop_scope(&ctx).type == WGPUErrorType_NoError);
        ui = compilation_info(&ctx, m);
        CHECK(ui.count == 1 && ui.type == WGPUCompilationMessageType_Warning && ui.line == 6);
        CHECK(strstr(ui.message, "'textureSample' must only be called from uniform control flow") != NULL);
        wgpuShaderModuleRelease(m);
    }

    {
        /* A diagnostic rule WGSL does not know: the module is valid, with a warning. */
        static const char *UNKNOWN = "diagnostic(info, blahblah);\n@compute @workgroup_size(1) fn main() {}\n";
        wgpuDevicePushErrorScope(ctx.device, WGPUErrorFilter_Validation);
        WGPUShaderModule m = wgsl_module(&ctx, UNKNOWN);
        CHECK(pop_scope(&ctx).type == WGPUErrorType_NoError);
        InfoResult ui = compilation_info(&ctx, m);
        CHECK(ui.count == 1 && ui.type == WGPUCompilationMessageType_Warning && ui.line == 1);
        CHECK(strstr(ui.message, "unknown diagnostic rule 'blahblah'") != NULL);
        wgpuShaderModuleRelease(m);
    }

    /* Popping an empty stack fails through the callback status. */
    ScopeResult empty = pop_scope(&ctx);
    CHECK(empty.status == WGPUPopErrorScopeStatus_Error);

    wgpuShaderModuleRelease(good);
    wgpuShaderModuleRelease(bad2);
    wgpuShaderModuleRelease(bad);
    teardown(&ctx);
    return finish("invalid_wgsl");
}
