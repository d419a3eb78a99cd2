#!/usr/bin/env bash
# The consumer test: build and install webgpu-shim with its top-level CMake project,
# check the installed layout and the exported symbols, then build the hello world as a
# host would (C and C++, shared and static) through find_package and through
# pkg-config, and run each.
#
# Usage: c-tests/consumer/run.sh [cargo target dir to reuse]   (debug profile)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
target=${1:-$root/target}

echo "-- build and install (cargo target dir $target)"
cmake -S "$root" -B "$work/build" -DCMAKE_BUILD_TYPE=Debug -DWEBGPU_SHIM_EXAMPLES=OFF \
    -DWEBGPU_SHIM_CARGO_TARGET_DIR="$target" >/dev/null
cmake --build "$work/build" >/dev/null
cmake --install "$work/build" --prefix "$prefix" >/dev/null

echo "-- installed layout"
lib=$prefix/lib
for f in include/webgpu/webgpu.h include/webgpu/webgpu_cpp.h include/webgpu/webgpu_shim.h \
         include/webgpu/webgpu_glfw.h \
         lib/libwebgpu_shim.so lib/libwebgpu_shim.so.0.1 lib/libwebgpu_shim.a \
         lib/cmake/WebGPUShim/WebGPUShimConfig.cmake lib/cmake/WebGPUShim/WebGPUShimConfigVersion.cmake \
         lib/cmake/Dawn/DawnConfig.cmake lib/cmake/Dawn/DawnConfigVersion.cmake \
         include/dawn/webgpu.h include/dawn/webgpu_cpp.h include/dawn/dawn_proc.h \
         include/dawn/dawn_proc_table.h include/dawn/native/DawnNative.h \
         lib/pkgconfig/webgpu-shim.pc lib/pkgconfig/webgpu-shim-static.pc bin/webgpu-shim-server; do
    [ -e "$prefix/$f" ] || { echo "missing: $f"; exit 1; }
done
[ "$(readlink "$lib/libwebgpu_shim.so")" = libwebgpu_shim.so.0.1 ] || { echo "bad dev link"; exit 1; }
real=$(readlink "$lib/libwebgpu_shim.so.0.1")
[ -f "$lib/$real" ] && [ ! -L "$lib/$real" ] || { echo "bad soname link: $real"; exit 1; }
soname=$(readelf -d "$lib/$real" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = libwebgpu_shim.so.0.1 ] || { echo "soname is '$soname'"; exit 1; }
echo "   $real, soname $soname"

echo "-- exported symbols"
python3 "$root/c-tests/exported_symbols.py" "$lib/$real" "$root/api/abi-x86_64-linux.json" \
    "$prefix/include/webgpu/webgpu_shim.h" "$prefix/include/webgpu/webgpu.h"

echo "-- find_package(WebGPUShim): C and C++, shared and static"
cmake -S "$root/c-tests/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/consumer" -j"$(nproc)" >/dev/null
ctest --test-dir "$work/consumer" --output-on-failure | tail -3

echo "-- find_package(Dawn): a Dawn-based project, changed in CMAKE_PREFIX_PATH only"
cmake -S "$root/c-tests/consumer/dawn" -B "$work/dawn" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/dawn" -j"$(nproc)" >/dev/null
out=$("$work/dawn/hello_dawn" 2>/dev/null)
[ "$out" = "[0, 1, 2, 3]" ] || { echo "hello_dawn printed '$out'"; exit 1; }
readelf -d "$work/dawn/hello_dawn" | grep -q 'NEEDED.*libwebgpu_shim.so.0.1' || { echo "hello_dawn: no NEEDED soname"; exit 1; }
echo "   hello_dawn: $out"
for t in dawn_names dawn_native_host; do
    "$work/dawn/$t" >"$work/dawn/$t.log" 2>&1 || { cat "$work/dawn/$t.log"; echo "$t failed"; exit 1; }
    echo "   $(tail -1 "$work/dawn/$t.log")"
done
if [ -x "$work/dawn/glfw_dawn" ] && command -v xvfb-run >/dev/null; then
    xvfb-run -a -s "-screen 0 640x480x24" "$work/dawn/glfw_dawn" >/dev/null || { echo "glfw_dawn failed"; exit 1; }
    echo "   glfw_dawn: a GLFW window's surface through dawn::dawn_glfw, frames shown"
fi

echo "-- add_subdirectory: the same four"
cmake -S "$root/c-tests/consumer" -B "$work/subdirectory" -DCMAKE_BUILD_TYPE=Debug \
    -DWEBGPU_SHIM_SOURCE_DIR="$root" -DWEBGPU_SHIM_CARGO_TARGET_DIR="$target" >/dev/null
cmake --build "$work/subdirectory" -j"$(nproc)" >/dev/null
ctest --test-dir "$work/subdirectory" --output-on-failure | tail -3

echo "-- pkg-config: C and C++, shared and static"
export PKG_CONFIG_PATH=$lib/pkgconfig
ex=$root/examples
cc "$ex/hello_compute.c" -o "$work/pc_c_shared" $(pkg-config --cflags --libs webgpu-shim) \
    -Wl,-rpath,"$(pkg-config --variable=libdir webgpu-shim)"
c++ -std=c++17 "$ex/hello_compute.cpp" -o "$work/pc_cpp_shared" $(pkg-config --cflags --libs webgpu-shim) \
    -Wl,-rpath,"$(pkg-config --variable=libdir webgpu-shim)"
cc "$ex/hello_compute.c" -o "$work/pc_c_static" $(pkg-config --cflags --libs webgpu-shim-static)
c++ -std=c++17 "$ex/hello_compute.cpp" -o "$work/pc_cpp_static" $(pkg-config --cflags --libs webgpu-shim-static)
for t in pc_c_shared pc_cpp_shared pc_c_static pc_cpp_static; do
    out=$("$work/$t" 2>/dev/null)
    [ "$out" = "[0, 1, 2, 3]" ] || { echo "$t printed '$out'"; exit 1; }
    if [[ $t == *static ]]; then
        ! readelf -d "$work/$t" | grep -q webgpu_shim || { echo "$t links the shared library"; exit 1; }
    else
        readelf -d "$work/$t" | grep -q 'NEEDED.*libwebgpu_shim.so.0.1' || { echo "$t: no NEEDED soname"; exit 1; }
    fi
    echo "   $t: $out"
done
echo "consumer test: ok"
