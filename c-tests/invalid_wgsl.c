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

    /* Popping an empty stack fails through the callback status. */
    ScopeResult empty = pop_scope(&ctx);
    CHECK(empty.status == WGPUPopErrorScopeStatus_Error);

    wgpuShaderModuleRelease(good);
    wgpuShaderModuleRelease(bad2);
    wgpuShaderModuleRelease(bad);
    teardown(&ctx);
    return finish("invalid_wgsl");
}
