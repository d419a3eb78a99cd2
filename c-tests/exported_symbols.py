#!/usr/bin/env python3
"""The shared library exports exactly the functions of webgpu.h (the standard's, and
the Dawn extensions it declares) and our documented extensions (webgpu_shim.h),
nothing else (no Rust or dependency symbols).

Usage: exported_symbols.py <libwebgpu_shim.so> <abi-x86_64-linux.json> <webgpu_shim.h> <webgpu.h>
"""
import json
import re
import subprocess
import sys

lib, abi, ext_header, header = sys.argv[1:5]
standard = {n for n in json.load(open(abi))["functions"] if n.startswith("wgpu")}
declared = set(re.findall(r"^WGPU_EXPORT .*?\b(wgpu\w+)\(", open(header).read(), re.M))
dawn = declared - standard
extensions = set(re.findall(r"\b(wgpuShim\w+)\(", open(ext_header).read()))
expected = standard | dawn | extensions

out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True, capture_output=True, text=True).stdout
exported = {}
for line in out.splitlines():
    parts = line.split()
    if len(parts) >= 3:
        exported[parts[2].split("@")[0]] = parts[1]

missing = sorted(expected - exported.keys())
extra = sorted(exported.keys() - expected)
not_code = sorted(n for n in expected & exported.keys() if exported[n] not in "Tt")
for name in missing:
    print(f"not exported: {name}")
for name in extra:
    print(f"exported but not in webgpu.h or webgpu_shim.h: {name}")
for name in not_code:
    print(f"exported, but not as a function: {name}")
print(f"{len(exported)} symbols exported: {len(standard)} of the standard webgpu.h, {len(dawn)} of Dawn's "
      f"in webgpu.h, {len(extensions)} extensions; "
      f"{len(missing)} missing, {len(extra)} extra")
sys.exit(1 if missing or extra or not_code else 0)
