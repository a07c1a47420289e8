#!/bin/bash
# Netwright GPU benchmark, packed (npm run bench -- gpu-pack): runs on a bare x86-64 Linux machine
# with no Node. Everything it needs is in this folder.
#
#   bash gpu-bench/run.sh [flags of npm run bench -- gpu, e.g. --quick]
#
# Writes $OUT/gpu-<time>.json and $OUT/log.txt and prints the table. About 4-5 minutes by default.
# Env: OUT (default ./gpu-bench-results), GPU_WORK (scratch folder, default /tmp/netwright-gpu-bench),
#   VK_EXTRA_ICDS (more Vulkan ICD json files to try, ':'-separated), PROBE_TIMEOUT_S (30),
#   BENCH_GPU_* (see bench/README.md), BENCH_GPU_PYTHON (interpreter with torch).
#
# WebGPU comes from Dawn (dawn.node) on Vulkan. On GPU containers the NVIDIA Vulkan driver is often
# present but not where the Vulkan loader looks (no ICD json, or one naming a library the loader
# cannot open, or missing libGLdispatch/libX11 that libGLX_nvidia.so.0 links against). So this
# script tries, in order: the loader's default search; every nvidia_icd.json it finds; and ICD
# files it writes that point at the absolute paths of libGLX_nvidia.so.0 / libEGL_nvidia.so.0.
# The first hardware adapter wins; a software one (lavapipe) is used only when there is nothing
# else, and the report says so. Libraries in lib/ are used only for sonames the machine lacks.
set -u
P=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
W=${GPU_WORK:-/tmp/netwright-gpu-bench}
OUT=${OUT:-$PWD/gpu-bench-results}
PROBE_TIMEOUT=${PROBE_TIMEOUT_S:-30}
ARCHDIR=/usr/lib/x86_64-linux-gnu
LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig) # /sbin is often not on PATH

say() { echo "=== [${SECONDS}s] $*" >&2; }

# Is a soname loadable: the ld.so cache, LD_LIBRARY_PATH or the usual folders?
have_lib() {
  local d IFS=:
  "$LDCONFIG" -p 2>/dev/null | awk -v n="$1" '$1 == n { f = 1 } END { exit !f }' && return 0
  for d in ${LD_LIBRARY_PATH:-} $ARCHDIR /usr/lib64 /lib/x86_64-linux-gnu; do
    [ -e "$d/$1" ] && return 0
  done
  return 1
}
# Absolute path of a soname, or nothing.
find_lib() {
  local d IFS=:
  for d in ${LD_LIBRARY_PATH:-} /usr/local/nvidia/lib64 /usr/local/nvidia/lib $ARCHDIR /usr/lib64; do
    [ -e "$d/$1" ] && { echo "$d/$1"; return 0; }
  done
  "$LDCONFIG" -p 2>/dev/null | awk -v n="$1" '$1 == n && /x86-64/ { print $NF; exit }'
}
# xz -d, or Python's lzma where there is no xz.
unxz_to() {
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}
# probe ICD_JSON_OR_EMPTY: prints the ADAPTER/NOADAPTER line (and Vulkan loader errors).
probe() {
  if [ -n "$1" ]; then
    VK_DRIVER_FILES=$1 VK_ICD_FILENAMES=$1 VK_LOADER_DEBUG=error \
      timeout -k 5 "$PROBE_TIMEOUT" "$W/node" "$W/bench.cjs" probe 2>&1
  else
    VK_LOADER_DEBUG=error timeout -k 5 "$PROBE_TIMEOUT" "$W/node" "$W/bench.cjs" probe 2>&1
  fi | grep -v -e 'artificially reduced' -e XDG_RUNTIME_DIR
}

main() {
  say "netwright gpu bench $(date -u +%FT%TZ) on $(uname -m) $(grep -h '^PRETTY_NAME=' /etc/os-release 2>/dev/null)"
  command -v nvidia-smi >/dev/null && timeout 20 nvidia-smi -L
  rm -rf "$W" && mkdir -p "$W/node_modules/webgpu/dist/linux-x64" "$W/lib" "$W/icd" "$W/xdg" || exit 1
  chmod 700 "$W/xdg"
  export XDG_RUNTIME_DIR="$W/xdg"

  say "unpacking into $W"
  unxz_to "$P/node.xz" "$W/node" && chmod +x "$W/node" || { echo "cannot unpack node" >&2; exit 1; }
  unxz_to "$P/webgpu/dawn.node.xz" "$W/node_modules/webgpu/dist/linux-x64/dawn.node" || exit 1
  cp "$P/webgpu/index.js" "$P/webgpu/package.json" "$W/node_modules/webgpu/"
  unxz_to "$P/bench.cjs.xz" "$W/bench.cjs" || exit 1
  cp "$P/bench_torch.py" "$P"/*.wasm "$W/"
  "$W/node" --version >&2 || { echo "the packed node does not run here" >&2; exit 1; }

  # NVIDIA's libraries in containers; then the carried ones, only where missing.
  local d so f
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
    [ -d "$d" ] && export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  done
  for f in "$P"/lib/*.so.*.xz; do
    [ -e "$f" ] || continue
    so=$(basename "$f" .xz)
    have_lib "$so" || { echo "using the carried $so" >&2; unxz_to "$f" "$W/lib/$so"; }
  done
  [ -n "$(ls -A "$W/lib")" ] && export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$W/lib"
  for d in /usr/local/nvidia/share/glvnd/egl_vendor.d /usr/share/glvnd/egl_vendor.d /etc/glvnd/egl_vendor.d; do
    [ -d "$d" ] && export __EGL_VENDOR_LIBRARY_DIRS="${__EGL_VENDOR_LIBRARY_DIRS:+$__EGL_VENDOR_LIBRARY_DIRS:}$d"
  done

  say "looking for a WebGPU adapter"
  local cands=("") j glx egl
  for j in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
    /etc/vulkan/icd.d/nvidia_icd.json /usr/local/share/vulkan/icd.d/nvidia_icd.json; do
    [ -f "$j" ] && cands+=("$j")
  done
  glx=$(find_lib libGLX_nvidia.so.0)
  egl=$(find_lib libEGL_nvidia.so.0)
  for f in $glx $egl; do
    j="$W/icd/$(basename "$f" .so.0).json"
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$f" >"$j"
    cands+=("$j")
  done
  local IFS_OLD=$IFS
  IFS=:
  for j in ${VK_EXTRA_ICDS:-}; do [ -n "$j" ] && cands+=("$j"); done
  IFS=$IFS_OLD

  local line chosen="" chosen_set=0 fallback="" fallback_set=0 out
  for j in "${cands[@]}"; do
    out=$(probe "$j")
    line=$(printf '%s\n' "$out" | grep -E '^(ADAPTER|NOADAPTER) ' | tail -1)
    echo "probe ${j:-default Vulkan search}: ${line:-no answer}" >&2
    [ -z "$line" ] && printf '%s\n' "$out" | tail -20 >&2
    case $line in
      ADAPTER*'"software":false'*) chosen=$j; chosen_set=1; break ;;
      ADAPTER*) [ $fallback_set = 0 ] && { fallback=$j; fallback_set=1; } ;;
      *) printf '%s\n' "$out" | grep -i -e vulkan -e loader | head -10 >&2 ;;
    esac
  done
  if [ $chosen_set = 0 ] && [ $fallback_set = 1 ]; then
    echo "no hardware adapter: WebGPU runs on the software one (numbers only prove the path)" >&2
    chosen=$fallback; chosen_set=1
  fi
  [ $chosen_set = 0 ] && echo "no WebGPU adapter at all: the WebGPU rows will say why" >&2
  if [ -n "$chosen" ]; then export VK_DRIVER_FILES=$chosen VK_ICD_FILENAMES=$chosen; fi

  say "benchmark"
  export BENCH_GPU_WASM_DIR=$W
  # The whole run, set-up included, stays under 5 minutes unless --budget / BENCH_GPU_BUDGET_S says otherwise.
  [ -z "${BENCH_GPU_BUDGET_S:-}" ] && export BENCH_GPU_BUDGET_S=$((285 - SECONDS > 60 ? 285 - SECONDS : 60))
  mkdir -p "$OUT"
  "$W/node" "$W/bench.cjs" --out "$OUT" "$@"
}

mkdir -p "$OUT" || exit 1
main "$@" 2>&1 | tee "$OUT/log.txt"
exit "${PIPESTATUS[0]}"
