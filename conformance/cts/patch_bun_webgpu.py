#!/usr/bin/env python3
"""Writes a patched copy of bun-webgpu's bundled index.js (npm bun-webgpu@0.1.7).

  patch_bun_webgpu.py IN_INDEX_JS OUT_INDEX_JS [WEBGPU_H]

Always (Dawn and webgpu.h alike): every bun-webgpu interface class becomes a global
(GPURenderPassEncoder, GPUTexture, ...: the CTS probes their prototypes and uses
instanceof; bun-webgpu sets only GPUDevice, GPUAdapterInfo, GPUSupportedLimits and the
error classes; GPUExternalTexture and GPUCanvasContext become empty classes).
GPUShaderModule.getCompilationInfo() is implemented over wgpuShaderModuleGetCompilationInfo
(bun-webgpu throws "not implemented"; every CTS shader validation test reads it). The fresh buffers bun-webgpu's struct packing passes by pointer
(nested structs, arrays, strings) are kept alive until the task ends (else a GC between
packing and the FFI call can free them: a rare random failure). And GPUSupportedLimits'
four storage-in-stage limits
(maxStorage{Buffers,Textures}In{Vertex,Fragment}Stage) read as 0 from the 2025 Dawn
layout; in core mode they equal the per-stage limits, so a 0 becomes the per-stage value.
Without that, every device the CTS requests fails in bun-webgpu's own limit check
("Value must be between 0 and 0, got 8").

With WEBGPU_H (a standard webgpu.h, e.g. webgpu-shim's): bun-webgpu's enum tables hold
2025-Dawn numbers. Each table with a webgpu.h counterpart is renumbered by name from the
header (WGPUFeatureName and WGPUTextureFormat moved; e.g. rgba8unorm 0x12 -> 0x16,
timestamp-query 0x03 -> 0x09), names the header lacks (Dawn extensions) are dropped, and
the header's feature / WGSL-language-feature names bun-webgpu does not know are added.
The WGPUSType constants bun-webgpu uses are renumbered the same way.

Struct layouts need no change: all 57 bun-webgpu structs match webgpu.h field for field,
except WGPULimits (16 bytes longer; zwgpu_shim.c fills the tail) and
WGPUBindGroupLayoutEntry (bun-webgpu's padding u32 is webgpu.h's bindingArraySize, 0).
"""
import json
import re
import sys

# bun-webgpu variable -> webgpu.h enum
ENUM_VARS = {
    "WGPUCallbackModeDef": "WGPUCallbackMode",
    "WGPUErrorTypeDef": "WGPUErrorType",
    "WGPUDeviceLostReasonDef": "WGPUDeviceLostReason",
    "WGPUCompareFunction": "WGPUCompareFunction",
    "WGPUErrorFilter": "WGPUErrorFilter",
    "PowerPreference": "WGPUPowerPreference",
    "WGPUBackendType": "WGPUBackendType",
    "WGPUFeatureLevel": "WGPUFeatureLevel",
    "WGPUFeatureNameDef": "WGPUFeatureName",
    "WGPUTextureFormat": "WGPUTextureFormat",
    "WGPUWGSLLanguageFeatureNameDef": "WGPUWGSLLanguageFeatureName",
    "WGPUTextureDimension": "WGPUTextureDimension",
    "WGPUFilterMode": "WGPUFilterMode",
    "WGPUMipmapFilterMode": "WGPUMipmapFilterMode",
    "WGPUAddressMode": "WGPUAddressMode",
    "WGPUBufferBindingType": "WGPUBufferBindingType",
    "WGPUSamplerBindingType": "WGPUSamplerBindingType",
    "WGPUTextureSampleType": "WGPUTextureSampleType",
    "WGPUTextureViewDimension": "WGPUTextureViewDimension",
    "WGPUStorageTextureAccess": "WGPUStorageTextureAccess",
    "WGPUTextureAspect": "WGPUTextureAspect",
    "WGPUVertexStepMode": "WGPUVertexStepMode",
    "WGPUPrimitiveTopology": "WGPUPrimitiveTopology",
    "WGPUIndexFormat": "WGPUIndexFormat",
    "WGPUFrontFace": "WGPUFrontFace",
    "WGPUCullMode": "WGPUCullMode",
    "WGPUStencilOperation": "WGPUStencilOperation",
    "WGPUBlendOperation": "WGPUBlendOperation",
    "WGPUBlendFactor": "WGPUBlendFactor",
    "WGPUOptionalBool": "WGPUOptionalBool",
    "WGPUVertexFormat": "WGPUVertexFormat",
    "WGPULoadOp": "WGPULoadOp",
    "WGPUStoreOp": "WGPUStoreOp",
    "WGPUQueryType": "WGPUQueryType",
}
# enums whose header-only names are added, and how a header name is spelled in JS
ADD_STYLE = {"WGPUFeatureName": "-", "WGPUWGSLLanguageFeatureName": "_"}

LIMITS_FIX = """
{ /* cts harness: core-mode storage-in-stage limits (see patch_bun_webgpu.py) */
  const __unpack = WGPULimitsStruct.unpack;
  const __pairs = [["maxStorageBuffersInVertexStage", "maxStorageBuffersPerShaderStage"],
    ["maxStorageTexturesInVertexStage", "maxStorageTexturesPerShaderStage"],
    ["maxStorageBuffersInFragmentStage", "maxStorageBuffersPerShaderStage"],
    ["maxStorageTexturesInFragmentStage", "maxStorageTexturesPerShaderStage"]];
  WGPULimitsStruct.unpack = (buf) => {
    const r = __unpack(buf);
    for (const [k, s] of __pairs) if (!r[k]) r[k] = r[s];
    return r;
  };
}
"""

KEEPALIVE = """/* cts harness: struct packing passes ptr() of fresh ArrayBuffers (nested structs, arrays,
   strings) that nothing references; a GC before the FFI call reads them frees them (seen as
   a random sType in a chain). Keep them until the current task ends. */
var __ctsKeep = [];
var __ctsKeepClear = false;
function ptr(buf, offset) {
  __ctsKeep.push(buf);
  if (!__ctsKeepClear) { __ctsKeepClear = true; setImmediate(() => { __ctsKeep = []; __ctsKeepClear = false; }); }
  return offset === undefined ? __ctsRawPtr(buf) : __ctsRawPtr(buf, offset);
}
"""

COMPILATION_INFO = """/* cts harness: GPUShaderModule.getCompilationInfo (see patch_bun_webgpu.py) */
import { CString as __ctsCString, toArrayBuffer as __ctsToAB, JSCallback as __ctsJSCallback, FFIType as __ctsFFIType } from "bun:ffi";
GPUShaderModuleImpl.prototype.getCompilationInfo = function () {
  const dev = this._ctsDevice;
  return new Promise((resolve, reject) => {
    let cb = null;
    cb = new __ctsJSCallback((status, infoPtr, u1, u2) => {
      try {
        if (dev) dev.instanceTicker.unregister();
        const messages = [];
        if (status === 1 && infoPtr) {
          const hv = new DataView(__ctsToAB(infoPtr, 0, 24));
          const n = Number(hv.getBigUint64(8, true));
          const mp = Number(hv.getBigUint64(16, true));
          if (n > 0 && mp) {
            const mv = new DataView(__ctsToAB(mp, 0, n * 64)); // WGPUCompilationMessage: 64 bytes
            for (let i = 0; i < n; i++) {
              const o = i * 64;
              const sp = Number(mv.getBigUint64(o + 8, true));
              const sl = mv.getBigUint64(o + 16, true);
              let text = "";
              if (sp) text = sl === 0xFFFFFFFFFFFFFFFFn ? new __ctsCString(sp).toString()
                : new TextDecoder().decode(__ctsToAB(sp, 0, Number(sl)));
              const t = mv.getUint32(o + 24, true);
              messages.push(Object.freeze({ message: text, type: t === 1 ? "error" : t === 2 ? "warning" : "info",
                lineNum: Number(mv.getBigUint64(o + 32, true)), linePos: Number(mv.getBigUint64(o + 40, true)),
                offset: Number(mv.getBigUint64(o + 48, true)), length: Number(mv.getBigUint64(o + 56, true)) }));
            }
          }
        }
        resolve(Object.freeze({ __brand: "GPUCompilationInfo", messages: Object.freeze(messages) }));
      } catch (e) {
        reject(e);
      } finally {
        const c = cb;
        setImmediate(() => c && c.close());
      }
    }, { args: [__ctsFFIType.u32, __ctsFFIType.pointer, __ctsFFIType.pointer, __ctsFFIType.pointer], returns: __ctsFFIType.void });
    const info = WGPUCallbackInfoStruct.pack({ mode: "AllowProcessEvents", callback: cb.ptr, userdata1: null, userdata2: null });
    if (dev) dev.instanceTicker.register();
    this.lib.wgpuShaderModuleGetCompilationInfo(this.ptr, ptr(info));
  });
};
"""

MAX_DRAW_COUNT = """    if (descriptor.maxDrawCount !== undefined) { /* cts harness */
      const chain = new ArrayBuffer(24);
      const cv = new DataView(chain);
      cv.setUint32(8, 3, true);
      cv.setBigUint64(16, BigInt(descriptor.maxDrawCount), true);
      new DataView(packedDescriptorBuffer).setBigUint64(0, BigInt(ptr(chain)), true);
    }
"""

CONTENT_TIMELINE = """/* cts harness: content-timeline TypeErrors bun-webgpu leaves out (see patch_bun_webgpu.py) */
function __ctsFormatFeature(f) {
  if (f === "depth32float-stencil8") return "depth32float-stencil8";
  if (/^bc[1-7]-/.test(f)) return "texture-compression-bc";
  if (/^(etc2|eac)-/.test(f)) return "texture-compression-etc2";
  if (/^astc-/.test(f)) return "texture-compression-astc";
  if (/^(r|rg|rgba)16(unorm|snorm)$/.test(f)) return "texture-formats-tier1";
  return undefined;
}
function __ctsCheckFormat(dev, f) {
  const need = f ? __ctsFormatFeature(f) : undefined;
  if (need && !dev.features.has(need)) throw new TypeError(`format "${f}" requires the "${need}" feature`);
}
function __ctsCheckPipeline(dev, d) {
  __ctsCheckFormat(dev, d.depthStencil?.format);
  for (const t of d.fragment?.targets ?? []) __ctsCheckFormat(dev, t?.format);
}
{
  const D = GPUDeviceImpl.prototype;
  const wrap = (obj, name, check, after) => {
    const orig = obj[name];
    obj[name] = function (d) { check(this, d); const r = orig.call(this, d); if (after) after(this, r); return r; };
  };
  const wrapAsync = (obj, name, check) => {
    const orig = obj[name];
    obj[name] = function (d) { try { check(this, d); } catch (e) { return Promise.reject(e); } return orig.call(this, d); };
  };
  wrap(D, "createTexture", (dev, d) => { __ctsCheckFormat(dev, d.format); for (const v of d.viewFormats ?? []) __ctsCheckFormat(dev, v); },
    (dev, t) => { if (t) t._ctsDevice = dev; });
  wrap(GPUTextureImpl.prototype, "createView", (t, d) => { if (t._ctsDevice) __ctsCheckFormat(t._ctsDevice, d?.format); });
  wrap(D, "createBindGroupLayout", (dev, d) => { for (const e of d.entries ?? []) __ctsCheckFormat(dev, e?.storageTexture?.format); });
  wrap(D, "createRenderPipeline", __ctsCheckPipeline);
  wrapAsync(D, "createRenderPipelineAsync", __ctsCheckPipeline);
  wrap(D, "createRenderBundleEncoder", (dev, d) => { __ctsCheckFormat(dev, d.depthStencilFormat); for (const f of d.colorFormats ?? []) __ctsCheckFormat(dev, f); });
  wrap(D, "createQuerySet", (dev, d) => {
    if (d.type === "timestamp" && !dev.features.has("timestamp-query")) throw new TypeError('query type "timestamp" requires the "timestamp-query" feature');
  });
}
"""

IMMEDIATES_FFI = """    zwgpuRenderPassEncoderSetImmediates: { args: [FFIType.pointer, FFIType.u32, FFIType.pointer, FFIType.u64], returns: FFIType.void },
    zwgpuComputePassEncoderSetImmediates: { args: [FFIType.pointer, FFIType.u32, FFIType.pointer, FFIType.u64], returns: FFIType.void },
    zwgpuRenderBundleEncoderSetImmediates: { args: [FFIType.pointer, FFIType.u32, FFIType.pointer, FFIType.u64], returns: FFIType.void },
"""

IMMEDIATES = """/* cts harness: setImmediates over webgpu.h's SetImmediates (see patch_bun_webgpu.py) */
function __ctsOperationError(message) {
  const e = new DOMException(message, "OperationError");
  if (!e.stack) Object.defineProperty(e, "stack", { value: new Error(message).stack });
  return e;
}
function __ctsSetImmediates(fn) {
  return function (rangeOffset, data, dataOffset = 0, size) {
    const whole = data instanceof ArrayBuffer || data instanceof SharedArrayBuffer;
    const elem = whole ? 1 : data.BYTES_PER_ELEMENT;
    const count = whole ? data.byteLength : data.length;
    if (dataOffset > count) throw __ctsOperationError("setImmediates: dataOffset is past the data");
    const n = size === undefined ? count - dataOffset : size;
    if (n > count - dataOffset) throw __ctsOperationError("setImmediates: size is past the data");
    const bytes = n * elem;
    if (bytes % 4 !== 0) throw __ctsOperationError("setImmediates: the contents' size is not a multiple of 4");
    const base = (whole ? 0 : data.byteOffset) + dataOffset * elem;
    const p = bytes === 0 ? null : ptr(whole ? data : data.buffer, base);
    (this.lib ?? this._lib)[fn](this.ptr, rangeOffset, p, BigInt(bytes));
  };
}
GPURenderPassEncoderImpl.prototype.setImmediates = __ctsSetImmediates("wgpuRenderPassEncoderSetImmediates");
GPUComputePassEncoderImpl.prototype.setImmediates = __ctsSetImmediates("wgpuComputePassEncoderSetImmediates");
GPURenderBundleEncoderImpl.prototype.setImmediates = __ctsSetImmediates("wgpuRenderBundleEncoderSetImmediates");
"""

REMAP_FN = """
/* cts harness: enum numbers from webgpu.h (see patch_bun_webgpu.py) */
var __ctsHeaderEnums = %s;
var __ctsAddStyle = %s;
function __ctsNorm(s) { return String(s).replace(/[-_ ]/g, "").toLowerCase(); }
function __ctsJsName(n, sep) { return n.replace(/([a-z0-9])([A-Z])/g, "$1" + sep + "$2").toLowerCase(); }
function __ctsEnum(cname, mapping, base) {
  const c = __ctsHeaderEnums[cname];
  const byNorm = {};
  for (const [n, v] of Object.entries(c)) byNorm[__ctsNorm(n)] = v;
  const out = {};
  const seen = new Set();
  for (const [k, v] of Object.entries(mapping)) {
    const n = __ctsNorm(k);
    if (n in byNorm) { out[k] = byNorm[n]; seen.add(n); }
  }
  const sep = __ctsAddStyle[cname];
  if (sep) for (const [n, v] of Object.entries(c)) {
    if (!seen.has(__ctsNorm(n)) && n !== "Force32") out[__ctsJsName(n, sep)] = v;
  }
  return base === undefined ? defineEnum(out) : defineEnum(out, base);
}
"""


def header_enums(path):
    h = open(path).read()
    out = {}
    for name, body in re.findall(r"typedef enum (WGPU\w+) \{(.*?)\} \1 WGPU_ENUM_ATTRIBUTE;", h, re.S):
        out[name] = {m.group(1): int(m.group(2), 16)
                     for m in re.finditer(r"WGPU\w+?_(\w+) = (0x[0-9A-Fa-f]+)", body)}
    return out


def must_sub(pattern, repl, text, count=1):
    new, n = re.subn(pattern, repl, text, count=count, flags=re.M)
    if n == 0:
        sys.exit("patch_bun_webgpu.py: anchor not found: %r (is this bun-webgpu 0.1.7?)" % pattern)
    return new


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    src = open(sys.argv[1]).read()
    src = must_sub(r"^(var WGPUQueueDescriptorStruct = defineStruct\()", LIMITS_FIX.replace("\\", "\\\\") + r"\1", src)
    # keep the nested buffers struct packing makes alive until the task ends
    src = must_sub(r'^import \{ ptr, toArrayBuffer as toArrayBuffer2 \} from "bun:ffi";\n',
                   'import { ptr as __ctsRawPtr, toArrayBuffer as toArrayBuffer2 } from "bun:ffi";\n'
                   + KEEPALIVE.replace("\\", "\\\\"), src)
    # globals: bun-webgpu exposes GPUDevice, GPUAdapterInfo, ... but not the other
    # interface objects the CTS probes (GPURenderPassEncoder.prototype, instanceof GPUTexture)
    have = set(re.findall(r"^\s*(GPU\w+)(?::|,)", src[src.index("var globalConstructors = {"):][:2000], re.M))
    extra = ["  %s: %sImpl," % (c, c) for c in sorted(set(re.findall(r"^class (GPU\w+)Impl\b", src, re.M)))
             if c not in have]
    for c in ("GPUExternalTexture", "GPUCanvasContext"):  # not implemented: instanceof is false
        if c not in have:
            extra.append("  %s: class %s {}," % (c, c))
    src = must_sub(r"^(var globalConstructors = \{\n)", r"\1" + "\n".join(extra).replace("\\", "\\\\") + "\n", src)
    # GPUShaderModule.getCompilationInfo (bun-webgpu throws "not implemented"; the CTS's
    # shader validation tests read it) over wgpuShaderModuleGetCompilationInfo
    src = must_sub(r'^(    return )(new GPUShaderModuleImpl\(modulePtr, this\.lib, descriptor\.label \|\| "no-label"\));',
                   r"\1Object.assign(\2, { _ctsDevice: this });", src)
    src = must_sub(r"^(export \{\n  setupGlobals,)", COMPILATION_INFO.replace("\\", "\\\\") + r"\1", src)
    # an empty string is a string, not an absent one (bun-webgpu packed "" as the null
    # view, so an entry point "" named no entry point instead of a missing one)
    src = must_sub(r"^(var WGPUStringView = defineStruct\(\[\n  \[\"data\", \"char\*\", \{ optional: true \}\],\n  \[\"length\", \"u64\"\]\n\], \{\n  mapValue: \(v\) => \{\n    if \()!v(\) \{)",
                   r"\1v === undefined || v === null\2", src)
    # sparse color attachments, targets and bundle formats keep their slots (bun-webgpu
    # filtered the nulls out, moving later attachments to lower slots: wrong results)
    src = must_sub(r'const colorAttachments = Array\.from\(descriptor\.colorAttachments \?\? \[\]\)\.filter\(\(ca\) => !!ca\);',
                   'const colorAttachments = Array.from(descriptor.colorAttachments ?? []).map((ca) => ca ?? { view: null, loadOp: "undefined", storeOp: "undefined" });', src)
    src = must_sub(r'targets: Array\.from\(descriptor\.fragment\.targets \?\? \[\]\)\.filter\(\(t\) => t !== null && t !== undefined\)',
                   'targets: Array.from(descriptor.fragment.targets ?? []).map((t) => t ?? { format: "undefined", writeMask: 0 })', src)
    src = must_sub(r'const colorFormats = Array\.from\(descriptor\.colorFormats\)\.filter\(\(f\) => f !== null && f !== undefined\);',
                   'const colorFormats = Array.from(descriptor.colorFormats).map((f) => f ?? "undefined");', src)
    # a null bind group layout keeps its index (bun-webgpu filtered nulls out, which
    # moved the later layouts to lower groups)
    src = must_sub(r'const bgls = Array\.from\(descriptor\.bindGroupLayouts\)\.map\(\(bgl\) => bgl\?\.ptr\)\.filter\(\(bgl\) => bgl !== undefined\);',
                   'const bgls = Array.from(descriptor.bindGroupLayouts).map((bgl) => bgl?.ptr ?? null);', src)
    # a pipeline layout's immediateSize is passed on (bun-webgpu dropped it: every
    # layout had none), and an empty shader source is a source ("" is valid WGSL)
    src = must_sub(r"^(    const descriptorBuffer = WGPUPipelineLayoutDescriptorStruct\.pack\(\{\n      label: descriptor\.label,\n      bindGroupLayouts: bgls\n)",
                   r"\1      , immediateSize: descriptor.immediateSize ?? 0\n", src)
    src = must_sub(r"^(    if \()!descriptor\.code(\) \{\n      fatalError\(\"descriptor\.code is missing\"\);)",
                   r"\1descriptor.code === undefined || descriptor.code === null\2", src)
    # a bundle's vertex and index buffers default to the rest of the buffer (WGPU_WHOLE_SIZE),
    # as a pass's do (bun-webgpu gave the whole buffer's size, whatever the offset)
    src = must_sub(r"BigInt\(offset \?\? 0\), BigInt\(size \?\? buffer\.size\)\);\n    return;\n  \}\n  setVertexBuffer",
                   "BigInt(offset ?? 0), BigInt(size ?? WGPU_WHOLE_SIZE));\n    return;\n  }\n  setVertexBuffer", src)
    src = must_sub(r"(this\._lib\.wgpuRenderBundleEncoderSetVertexBuffer\(this\.ptr, slot, buffer\.ptr, BigInt\(offset \?\? 0\), BigInt\()size \?\? buffer\.size",
                   r"\1size ?? WGPU_WHOLE_SIZE", src)
    # an empty bundle list is a count of 0 (bun:ffi cannot take the pointer of an empty array)
    src = must_sub(r"BigInt\(bundleArray\.length\), ptr4\(bundlesBuffer\)\)",
                   "BigInt(bundleArray.length), bundleArray.length ? ptr4(bundlesBuffer) : null)", src)
    # a hole in vertex.buffers is an unused slot, not a missing one (bun-webgpu drops
    # holes, which shifts the later layouts to lower slots): an unused slot is a layout
    # with no step mode and no attributes
    src = must_sub(r'buffers: Array\.from\(descriptor\.vertex\.buffers \?\? \[\]\)\.filter\(\(t\) => t !== null && t !== undefined\)',
                   'buffers: Array.from(descriptor.vertex.buffers ?? []).map((t) => t ?? { stepMode: "undefined", arrayStride: 0, attributes: [] })', src)
    # the device timeline's checks are the library's: bun-webgpu threw its own errors
    # for buffer usages and sizes (WebGPU: a validation error and an invalid buffer)...
    src = must_sub(r'^    if \(hasMapRead && \(usage & ~mapReadMask\) !== 0\) \{\n.*?\n    \}\n    if \(hasMapWrite && \(usage & ~mapWriteMask\) !== 0\) \{\n.*?\n    \}\n    if \(hasMapRead && hasMapWrite\) \{\n.*?\n    \}\n', '', src)
    src = must_sub(r'^    if \(descriptor\.size > this\.limits\.maxBufferSize\) \{\n.*?\n    \}\n', '', src)
    # ...for a destroyed device (WebGPU: a lost device keeps its queue, and its calls
    # succeed as no-ops; bun-webgpu dropped the queue and threw "Queue not initialized")...
    src = must_sub(r'^    this\._destroyed = true;\n    this\._features = null;\n    this\._queue\?\.destroy\(\);\n    this\._queue = null;\n',
                   '    if (this._ctsDestroyed) return;\n    this._ctsDestroyed = true;\n', src)
    # ...for a finished command encoder (WebGPU: a validation error on use; bun-webgpu
    # released it at finish() and threw on every later call)...
    src = must_sub(r'^(    this\._destroy\(\);\n)(    return new GPUCommandBufferImpl\()', r'\2', src)
    # ...and for writeTexture without bytesPerRow or rowsPerImage (WebGPU: optional;
    # bun-webgpu required the one and defaulted the other to the copy's height)
    src = must_sub(r'^    if \(!dataLayout\.bytesPerRow\) \{\n.*?\n    \}\n', '', src)
    src = must_sub(r'rowsPerImage: dataLayout\.rowsPerImage \?\? normalizedWriteSize\.height', 'rowsPerImage: dataLayout.rowsPerImage', src)
    # a render pass's maxDrawCount is chained as WGPURenderPassMaxDrawCount (sType 3 in
    # both; bun-webgpu did not pass it)
    src = must_sub(r'^(    const packedDescriptorBuffer = WGPURenderPassDescriptorStruct\.pack\(\{\n      \.\.\.descriptor,\n      colorAttachments\n    \}\);\n)',
                   r'\1' + MAX_DRAW_COUNT.replace("\\", "\\\\"), src)
    src = must_sub(r"^(export \{\n  setupGlobals,)", CONTENT_TIMELINE.replace("\\", "\\\\") + r"\1", src)
    if len(sys.argv) == 4:
        enums = header_enums(sys.argv[3])
        used = {c: enums[c] for c in ENUM_VARS.values() if c in enums}
        missing = [c for c in ENUM_VARS.values() if c not in enums]
        if missing:
            sys.exit("patch_bun_webgpu.py: header lacks enums %s" % missing)
        src = must_sub(r"^(function defineEnum\()",
                       (REMAP_FN % (json.dumps(used), json.dumps(ADD_STYLE))).replace("\\", "\\\\") + r"\1", src)
        for var, cname in ENUM_VARS.items():
            src = must_sub(r"^var %s = defineEnum\(" % re.escape(var), 'var %s = __ctsEnum("%s", ' % (var, cname), src)
        # setImmediates, which bun-webgpu lacks (the CTS skips every immediates test
        # without it), over webgpu.h's SetImmediates: three FFI symbols (zwgpu_shim.c
        # has them; Dawn's wrapper does not, so only here)
        src = must_sub(r"^(  const \{ symbols \} = dlopen\(resolvedPath, \{\n)", r"\1" + IMMEDIATES_FFI, src)
        src = must_sub(r"^(export \{\n  setupGlobals,)", IMMEDIATES.replace("\\", "\\\\") + r"\1", src)
        stype = enums["WGPUSType"]
        for name in ("ShaderSourceWGSL", "ExternalTextureBindingLayout"):
            src = must_sub(r"^(  %s: )\d+," % name, r"\g<1>%d," % stype[name], src)
    open(sys.argv[2], "w").write(src)


if __name__ == "__main__":
    main()
