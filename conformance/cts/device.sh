#!/usr/bin/env bash
# The CTS on the device machine (an NVIDIA GPU, Vulkan), for this library and Dawn side
# by side: `pack` here, then `run` there. Nothing it makes is committed.
#
#   device.sh pack LIB [DIR]      here: DIR (default .devrun/cts, git-ignored) gets the
#                                 setup.sh cache (bun, bun-webgpu, Dawn, the CTS) as one
#                                 archive, LIB compressed, and the FFI wrapper built with
#                                 an $ORIGIN rpath (the device has no C compiler)
#   device.sh run 'TAG|QUERY'...  there (after the Vulkan loader is unpacked, see the
#                                 device README): each job runs in parallel, on Dawn when
#                                 TAG starts with "dawn", else on LIB; results go to
#                                 $OUT/res.tar.xz and each job's summary is printed.
#                                 Env: QT (seconds per query, 400), CT (per case, 30),
#                                 DEVICE_DIR (what pack made; .devrun/cts).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
case "${1:-}" in
pack)
    LIB="$2"
    DIR="${3:-$ROOT/.devrun/cts}"
    CACHE="${CTS_CACHE:-/tmp/cts-cache}"
    mkdir -p "$DIR"
    tar -C "$CACHE" -cf - node_modules cts/src cts/.cts-commit cts/package.json cts/tsconfig.json |
        xz -6 -T2 >"$DIR/ctsbundle.tar.xz"
    strip -o "$DIR/libwebgpu_shim.so" "$LIB"
    xz -f "$DIR/libwebgpu_shim.so"
    soname="$(objdump -p "$LIB" | awk '/SONAME/{print $2}')"
    echo "$soname" >"$DIR/soname"
    w="$(mktemp -d)"
    ln -sf "$(cd "$(dirname "$LIB")" && pwd)/$(basename "$LIB")" "$w/libwebgpu_impl.so"
    cc -O2 -shared -fPIC -I"$ROOT/include" "$HERE/zwgpu_shim.c" -L"$w" -lwebgpu_impl \
        -Wl,-rpath,'$ORIGIN' -o "$DIR/libzwgpu.so"
    rm -rf "$w"
    du -sh "$DIR"
    ;;
run)
    shift
    DIR="${DEVICE_DIR:-$ROOT/.devrun/cts}"
    export CTS_CACHE=/tmp/ctsc XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
    mkdir -p "$CTS_CACHE" /tmp/lib/include
    tar -xJf "$DIR/ctsbundle.tar.xz" -C "$CTS_CACHE"
    xz -dc "$DIR/libwebgpu_shim.so.xz" >/tmp/lib/libwebgpu_shim.so
    cp -r "$ROOT/include/webgpu" /tmp/lib/include/
    for job in "$@"; do
        tag="${job%%|*}"
        q="${job#*|}"
        lib=/tmp/lib/libwebgpu_shim.so
        [ "${tag%%-*}" = dawn ] && lib=dawn
        OUT_DIR="/tmp/res/$tag" QUERY_TIMEOUT="${QT:-400}" CASE_TIMEOUT="${CT:-30}" \
            FFI_WRAPPER="$DIR/libzwgpu.so" LIB_SONAME="$(cat "$DIR/soname")" \
            bash "$HERE/run.sh" "$lib" "$q" >"/tmp/res-$tag.txt" 2>&1 &
    done
    wait
    for f in /tmp/res-*.txt; do
        echo "== $f"
        grep -v '^#' "$f" | head -"${TOPN:-12}"
    done
    tar -C /tmp/res -cJf "${OUT:-/tmp}/res.tar.xz" .
    ;;
*)
    sed -n '2,/^set -euo/p' "$0" | sed '$d'
    exit 2
    ;;
esac
