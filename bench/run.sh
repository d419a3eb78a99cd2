#!/usr/bin/env bash
# Builds and runs the benchmark suite for every implementation that works on this
# machine, interleaved, ROUNDS times (default 5), and prints the table of medians and
# ratios (bench/report.py). Peers come from their registries into bench/.cache (never
# committed): wgpu-native from the PyPI package `wgpu`, Dawn from the npm package
# `bun-webgpu-linux-x64`. The limit is the same work written against wgpu-core.
#
# Usage: bench/run.sh [--quick] [--big]      (OFFLINE=1: use the cache only;
#        IMPLS="ours remote": only those; REMOTE=0: no remote mode)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cache=bench/.cache
rounds=${ROUNDS:-5}
mkdir -p "$cache"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"

fetch_peers() {
    if [ ! -f "$cache/native/libwgpu_native-release.so" ]; then
        tmp=$(mktemp -d)
        python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
            --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 -d "$tmp" wgpu
        mkdir -p "$cache/native/include/webgpu"
        # A wheel is a zip: take the library and its header (Python, so no unzip needed).
        python3 - "$tmp"/wgpu-*.whl "$cache/native" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name, to in [('wgpu/resources/libwgpu_native-release.so', 'libwgpu_native-release.so'),
                     ('wgpu/resources/webgpu.h', 'include/webgpu/webgpu.h')]:
        with open(f'{out}/{to}', 'wb') as f:
            f.write(z.read(name))
PY
        ls "$tmp"/wgpu-*.whl | sed 's/.*wgpu-\([^-]*\)-.*/\1/' > "$cache/native/VERSION"
        rm -rf "$tmp"
    fi
    if [ ! -f "$cache/dawn/libwebgpu_wrapper.so" ]; then
        tmp=$(mktemp -d)
        (cd "$tmp" && npm pack --silent bun-webgpu-linux-x64 >/dev/null 2>&1 && tar xzf bun-webgpu-linux-x64-*.tgz)
        mkdir -p "$cache/dawn"
        mv "$tmp/package/libwebgpu_wrapper.so" "$cache/dawn/"
        node -e "console.log(require('$tmp/package/package.json').version)" > "$cache/dawn/VERSION"
        rm -rf "$tmp"
    fi
}

build() {
    cargo build --release --quiet
    mkdir -p "$cache/ours"
    soname=$(readelf -d target/release/libwebgpu_shim.so | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
    strip -o "$cache/ours/$soname" target/release/libwebgpu_shim.so
    # Remote mode's server (the same library, in the GPU process).
    strip -o "$cache/ours/webgpu-shim-server" target/release/webgpu-shim-server
    cargo build --release --quiet --manifest-path bench/limit/Cargo.toml --target-dir target
    strip -o "$cache/limit" target/release/webgpu-shim-limit
    local cflags="-std=c11 -O2 -Wall"
    # Ours and Dawn build against our standard header (the bench uses only what Dawn
    # shares with it, and checks every result); wgpu-native against its own.
    gcc $cflags -Iinclude bench/bench.c -o "$cache/bench-ours" \
        -L"$cache/ours" -l:"$soname" -Wl,-rpath,'$ORIGIN/ours' -lm -lpthread
    gcc $cflags -I"$cache/native/include" bench/bench.c -o "$cache/bench-native" \
        -L"$cache/native" -l:libwgpu_native-release.so -Wl,-rpath,'$ORIGIN/native' -lm -lpthread
    gcc $cflags -Iinclude bench/bench.c -o "$cache/bench-dawn" \
        -L"$cache/dawn" -l:libwebgpu_wrapper.so -Wl,-rpath,'$ORIGIN/dawn' -lm -lpthread
}

run() {
    local results="$cache/results"
    rm -rf "$results"
    mkdir -p "$results"
    # Remote mode: the same program and library, its GPU work in webgpu-shim-server.
    local sock="$results/remote.sock" server=
    if [ -x "$cache/ours/webgpu-shim-server" ] && [ "${REMOTE:-1}" = 1 ]; then
        "$cache/ours/webgpu-shim-server" --listen "$sock" </dev/null >"$results/server.log" 2>&1 &
        server=$!
        for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
    fi
    for r in $(seq "$rounds"); do
        for impl in ${IMPLS:-ours remote native dawn limit}; do
            local exe="$cache/bench-$impl" env=()
            [ "$impl" = limit ] && exe="$cache/limit"
            if [ "$impl" = remote ]; then
                [ -n "$server" ] || continue
                exe="$cache/bench-ours" env=(WEBGPU_SHIM_REMOTE="unix:$sock")
            fi
            if env "${env[@]}" timeout 900 "$exe" "$@" > "$results/$impl.$r" 2> "$results/$impl.$r.err"; then
                echo "round $r: $impl done" >&2
            else
                echo "round $r: $impl failed: $(tail -1 "$results/$impl.$r.err")" >&2
                rm -f "$results/$impl.$r"
            fi
        done
    done
    [ -z "$server" ] || kill "$server"
    python3 bench/report.py "$results" "$cache"
}

case "${1:-}" in
    --build-only) [ "${OFFLINE:-0}" = 1 ] || fetch_peers; build ;;
    --run-only) shift; run "$@" ;;
    *) [ "${OFFLINE:-0}" = 1 ] || fetch_peers; build; run "$@" ;;
esac
