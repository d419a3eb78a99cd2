#!/usr/bin/env python3
"""Writes a C program that checks every fact of the upstream ABI description
(api/abi-x86_64-linux.json) against include/webgpu/webgpu.h: struct sizes, alignments
and member offsets, enum and flag values, and the exact type of every function and
callback/proc typedef (GCC's __builtin_types_compatible_p: const-ness counts).

Usage: abi_check.py ABI_JSON OUT_C
"""
import json
import re
import sys

abi = json.load(open(sys.argv[1]))
out = []
w = out.append
w('#include <stdio.h>\n#include <stddef.h>\n#include "webgpu/webgpu.h"\n')
w('static int checked, failed;\n')
w('#define CHECK(cond, what) do { checked++; if (!(cond)) { failed++; printf("MISMATCH: %s\\n", what); } } while (0)\n')
w('int main(void) {')
for name, facts in sorted(abi['structs'].items()):
    w(f'  CHECK(sizeof({name}) == {facts["size"]}, "sizeof {name} == {facts["size"]}");')
    w(f'  CHECK(_Alignof({name}) == {facts["align"]}, "alignof {name} == {facts["align"]}");')
    for member, off in sorted(facts['offsets'].items()):
        w(f'  CHECK(offsetof({name}, {member}) == {off}, "offsetof {name}.{member} == {off}");')
for kind in ('enums', 'flags'):
    for name, value in sorted(abi[kind].items()):
        w(f'  CHECK((unsigned long long){name} == {value}ULL, "{name} == {value}");')


def type_name(sig, name):
    """Turns a declaration of `name` into the type name of a function or pointer."""
    sig = sig.strip()
    if sig.startswith('typedef '):
        # typedef R (*Name)(args)  ->  R (*)(args)
        return sig[len('typedef '):].replace(f'(*{name})', '(*)', 1)
    # R name(args)  ->  R (*)(args)
    return re.sub(r'\b' + re.escape(name) + r'\(', '(*)(', sig, count=1)


for name, sig in sorted(abi['functions'].items()):
    t = type_name(sig, name)
    expr = name if sig.startswith('typedef') else f'&{name}'
    if sig.startswith('typedef'):
        w(f'  CHECK(__builtin_types_compatible_p({name}, {t}), "{name}: {sig}");')
    else:
        w(f'  CHECK(__builtin_types_compatible_p(__typeof__({expr}), {t}), "{name}: {sig}");')
w('  printf("ABI facts checked: %d, mismatches: %d\\n", checked, failed);')
w('  return failed != 0;\n}')
open(sys.argv[2], 'w').write('\n'.join(out) + '\n')
