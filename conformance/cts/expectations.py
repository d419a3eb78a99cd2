#!/usr/bin/env python3
"""Writes the CTS expectations file of one query from a run.sh output folder.

  [CTS_LIBRARY='what ran'] expectations.py OUT_DIR QUERY [DAWN_OUT_DIR] > conformance/expectations/<name>.tsv

The file records what the CTS says of this library, case by case where it matters:
  - a header: the query, the run's date and library, and the counts;
  - every case that failed: its name, the cause it is filed under (see CAUSES), whether
    it fails on Dawn in the same harness (when DAWN_OUT_DIR is given: "dawn fails",
    "dawn passes", "dawn skips", or "-"), and its first message;
  - the skipped cases, grouped by test and reason (a skip is a case the CTS did not run
    here: a feature or format the adapter lacks, and the like).
Passing cases are counted, not listed. A later run compared with this file shows what
changed (diff), and each failure group names where its fix belongs.
"""
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

# (cause, pattern of the first message). First match wins; "ours" is the default: a
# failure not explained by the binding, the driver or naga is this library's to fix.
CAUSES = [
    # bun-webgpu (the JavaScript binding) decides these itself, before our library is
    # called, or cannot express them: they fail on Dawn in the same harness too.
    ("binding", r"expected early mapAsync rejection, got deferred"),
    ("binding", r"descriptor\.code is missing"),
    ("binding", r"WGPUDeviceDescriptor: WGPUSType_Surface\w+ cannot be chained here"),  # a freed chain
    ("binding", r"GPUColorWrite is not defined|Default device should not have any features"),
    # bun-webgpu reports adapters as never fallback; the JS API consumes adapters
    # (webgpu.h and Dawn's native API do not: one adapter makes many devices).
    ("binding", r"@webgpu:api,operation,adapter,requestAdapter:requestAdapter: ~ ^EXPECTATION FAILED: $"),
    ("binding", r"@webgpu:api,operation,adapter,requestDevice:invalid"),
    # bun-webgpu sets `label` = "" on the objects it makes and not the descriptor's.
    ("binding", r"@webgpu:api,operation,labels:object_has_descriptor_label"),
    # bun-webgpu keeps GPUBuffer.mapState in JavaScript, never asking the library.
    ("binding", r"@webgpu:api,operation,buffers,map:mapAsync,mapState"),
    ("binding", r"@webgpu:api,operation,buffers,map_ArrayBuffer ~ unexpectedly did not throw"),
    # WebIDL conversions and argument checks a JavaScript binding makes before the C API
    # (a negative scissor rectangle, a dynamic-offset range past its Uint32Array,
    # feature-gated BC formats, writeBuffer's OperationError), a GPUTexture given where
    # a view is expected (bun-webgpu passes its pointer as a view's), and a depthSlice
    # of 2^32-1, which webgpu.h spells "undefined".
    ("binding", r"@webgpu:api,validation,encoding,cmds,render,dynamic_state:setScissorRect,x_y_width_height_nonnegative ~ unexpectedly did not throw"),
    ("binding", r"@webgpu:api,validation,encoding,cmds,setBindGroup:u32array_start_and_length ~ unexpectedly did not throw"),
    ("binding", r"@webgpu:api,validation,capability_checks,features,texture_formats: ~ unexpectedly did not throw"),
    ("binding", r"THREW Error, instead of OperationError"),
    # bun-webgpu's writeTexture passes its own view of the data (Dawn in the same
    # harness fails these too), and keeps the map state in JavaScript.
    ("binding", r"@webgpu:api,validation,image_copy,layout_related:bound_on_(rows_per_image|offset):method=\"WriteTexture\".* ~ Validation succeeded unexpectedly"),
    ("binding", r"@webgpu:api,validation,buffer,mapping: ~ Validation succeeded unexpectedly"),
    ("binding", r"@webgpu:api,validation,render_pass, ~ BeginRenderPass returned null"),
    ("binding", r"@webgpu:api,validation,render_pass,render_pass_descriptor:color_attachments,depthSlice,definedness ~ depthSlice=4294967295"),
    # lavapipe 22.3 draws nothing for drawIndexedIndirect with the index buffer bound at
    # a non-zero offset (a C program shows it; the same draws on an NVIDIA GPU).
    ("driver", r"@webgpu:api,operation,rendering,draw:arguments:.*indexed=true;indirect=true"),
    # Making and destroying 65,536 query sets takes lavapipe on 2 cores about the CTS's
    # time limit for a test scope: one run passes, the next fails (this library before
    # and after session 9 alike).
    ("driver", r"@webgpu:api,operation,command_buffer,queries,timestampQuery:many_query_sets:numQuerySets=65536 ~ endTestScope timed out"),
    # lavapipe 22.3 resolves into layer 0 of a resolve target whatever the view's base
    # layer (a C program shows it; right on an NVIDIA GPU). Every case has such subcases.
    ("driver", r"@webgpu:api,operation,render_pass,resolve:render_pass_resolve"),
    # wgpu-core 30 has no texture-formats-tier1 (storage use of r8unorm and the like,
    # render use of the snorm formats), which the CTS's all-features device assumes.
    ("wgpu-core", r"Texture usages TextureUsages\((STORAGE_BINDING|RENDER_ATTACHMENT)\) are not allowed on a texture of type"),
    # wgpu-core 30 tracks a texture's usage per mip level and layer, not per aspect: a
    # depth-stencil attachment read-only in one aspect, the other aspect bound as a
    # texture in the same pass, conflict there (WebGPU allows it).
    ("wgpu-core", r"@webgpu:api,validation,resource_usages,texture,in_render_common:subresources,depth_stencil_attachment_and_bind_group ~ with conflicting usages"),
    # wgpu-core 30 refuses a bind group or view of a destroyed buffer or texture when it
    # is created (WebGPU checks destroyed resources at Submit), and a query set of 0.
    ("wgpu-core", r"Unexpected validation error occurred: (Buffer|Texture) with '[^']*' label has been destroyed"),
    ("wgpu-core", r"QuerySets cannot be made with zero queries"),
    # wgpu-core checks more than WebGPU does: a pipeline's sample count against each
    # target format (WebGPU checks it for textures and render passes only).
    ("wgpu-core", r"Sample count \d+ is not supported by format .*The WebGPU spec guarantees"),
    # naga's WGSL front end and validator (naga 30.0.1, wgpu 30): its messages, or the
    # test (after `@`: matched against the case's name) whose rule it does not check.
    ("naga", r"Not implemented as constant expression"),
    ("naga", r"Expression \[\d+\] is invalid: Accessing (index|\[\d+\])"),
    ("naga", r"the `\w+` language extension is not yet supported|enable-extension is not yet supported"),
    ("naga", r"expected template args end"),
    ("naga", r"cannot represent the abstract value|numeric literal not representable"),
    ("naga", r"not supported in immediates|used incorrectly as GlobalUse\(QUERY\)"),
    # The CTS (1aae5946) declares arrays as immediate data, which WGSL excludes ("excluding
    # arrays and structures containing array members"; its own decl,immediate test agrees).
    ("cts", r"@webgpu:api,validation,encoding,programmable,pipeline_immediate ~ holds no array, bool or atomic"),
    # Domain errors of constant evaluation (clamp's bounds with overrides, bitcast to a
    # NaN, inverseSqrt of a negative, ...): naga evaluates without them.
    ("naga", r"@webgpu:shader,validation,expression,call,builtin, ~ Expected validation error"),
    ("naga", r"Pipeline constant error: (Division by zero|.* overflowed|Float literal is infinite)"),
    # wgpu-core 30: no external textures on Vulkan; storage formats of 16-bit norms only
    # with the device feature that allows the textures.
    ("wgpu-core", r"Capabilities\(TEXTURE_EXTERNAL\) is required"),
    ("wgpu-core", r"STORAGE_TEXTURE_16BIT_NORM_FORMATS"),
    ("wgpu-core", r"@webgpu:api,validation,createBindGroup:external_texture"),
    ("wgpu-core", r"@webgpu:api,validation,capability_checks,limits,maxColorAttachmentBytesPerSample:createRenderPipeline,at_over: ~ REJECTED"),
]


def cause_of(msg, name=""):
    for cause, pattern in CAUSES:
        if pattern.startswith("@"):
            prefix, _, msg_pattern = pattern[1:].partition(" ~ ")
            matches = re.match(prefix, name) if ".*" in prefix else name.startswith(prefix)
            if matches and (not msg_pattern or re.search(msg_pattern, msg)):
                return cause
        elif re.search(pattern, msg):
            return cause
    return "ours"


def load(out, query):
    """The cases of one query of a run.sh output folder, by name."""
    slug = re.sub(r"[^A-Za-z0-9_.=-]", "_", query)[:150]
    return compare.load(out, slug + ".jsonl")


def clean(msg):
    return re.sub(r"\s+", " ", msg or "(no message)").strip()[:300]


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    out, query = sys.argv[1], sys.argv[2]
    ours = load(out, query)
    dawn = load(sys.argv[3], query) if len(sys.argv) == 4 else None
    header = open(os.path.join(out, "header.txt")).read().splitlines()[0] if os.path.exists(
        os.path.join(out, "header.txt")) else ""
    counts = collections.Counter("pass" if compare.ok(o) else o["status"] for o in ours.values())
    failed = sorted(n for n, o in ours.items() if not compare.ok(o) and o["status"] != "skip")
    by_cause = collections.Counter(cause_of(ours[n].get("msg") or "", n) for n in failed)
    print("# CTS expectations: %s" % query)
    print("# run: %s" % header.lstrip("# "))
    if os.environ.get("CTS_LIBRARY"):
        print("# library: %s" % os.environ["CTS_LIBRARY"])
    print("# %d passed, %d failed, %d skipped; failures by cause: %s" % (
        counts["pass"], len(failed), counts["skip"],
        ", ".join("%s %d" % kv for kv in by_cause.most_common()) or "none"))
    print("# causes: ours (this library's to fix), naga (its WGSL front end), wgpu-core (stricter"
          " than WebGPU), binding (bun-webgpu; fails on Dawn too), driver (lavapipe lacks it), cts (the"
          " CTS contradicts the WGSL spec)")
    print("case\tstatus\tcause\tdawn\tmessage")
    for n in failed:
        o = ours[n]
        d = "-"
        if dawn is not None and n in dawn:
            st = dawn[n]["status"]
            d = "dawn passes" if st in ("pass", "warn") else "dawn skips" if st == "skip" else "dawn fails"
        print("%s\t%s\t%s\t%s\t%s" % (n, o["status"], cause_of(o.get("msg") or "", n), d, clean(o.get("msg"))))
    skips = collections.Counter()
    for n, o in ours.items():
        if o["status"] == "skip":
            test = n.split(":")[0] + ":" + n.split(":")[1] + ":" + n.split(":")[2] if n.count(":") >= 2 else n
            reason = re.sub(r"\d+", "N", clean(o.get("msg")))[:160]
            skips[(test, reason)] += 1
    print("# skipped, by test and reason")
    print("test\tcases\treason")
    for (test, reason), k in sorted(skips.items()):
        print("%s\t%d\t%s" % (test, k, reason))


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        pass
