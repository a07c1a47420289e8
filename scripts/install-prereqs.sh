#!/usr/bin/env bash
# Installs the system packages that `npm test` needs (checked by scripts/prereqs.mjs); the one
# install path for users and CI (.ci/run runs it). Idempotent: when everything is there it changes
# nothing and needs no root. Runs as root, or through sudo.
#
#   Debian / Ubuntu: Chromium (end-to-end tests), Python 3 with numpy, onnx, torch, pandas
#     (generated-code tests; Debian's python3-* packages belong to /usr/bin/python3), OpenBLAS,
#     and Mesa's Vulkan drivers (lavapipe, a software Vulkan, so the WebGPU-in-Node tests get an
#     adapter without a GPU). On Debian 12 (bookworm) Mesa comes from bookworm-backports, which
#     this script enables: bookworm's own Mesa 22.3 is too old for Dawn.
#   Elsewhere (macOS, Windows, other Linux): prints what to install and exits 1.
#
#   scripts/install-prereqs.sh [--dry-run]   --dry-run prints the commands instead of running them
set -euo pipefail

DRY_RUN=0
[ "${1:-}" = "--dry-run" ] && DRY_RUN=1

APT_PACKAGES=(chromium python3 python3-numpy python3-onnx python3-torch python3-pandas
  libopenblas0-pthread libvulkan1 mesa-vulkan-drivers)
PIP_PACKAGES="numpy onnx torch pandas"

print_manual() {
  cat >&2 <<EOF
install-prereqs: this script installs packages on Debian and Ubuntu only. Install by hand:
  Node.js 22 LTS          https://nodejs.org (macOS: brew install node@22; Windows: winget install OpenJS.NodeJS.LTS)
  Chromium or Chrome      macOS: brew install --cask chromium; Windows: winget install Hibbiki.Chromium
                          then point CHROMIUM_PATH at the browser's executable
  Python 3 with packages  python3 -m pip install $PIP_PACKAGES
                          then point NETWRIGHT_PYTHON at that python3
  WebGPU in Node (optional) macOS (Metal) and Windows (Direct3D 12) need nothing more; other
                          Linux: a Vulkan driver (Mesa's vulkan drivers, lavapipe)
EOF
}

OS_RELEASE="${OS_RELEASE:-/etc/os-release}" # another file only to test this script
os_field() { # os_field ID -> value from os-release
  sed -n "s/^$1=\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" "$OS_RELEASE" 2>/dev/null | head -n 1
}

if [ "$(uname -s)" != "Linux" ] || ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
  print_manual
  exit 1
fi

OS_ID="$(os_field ID)"
CODENAME="$(os_field VERSION_CODENAME)"

installed() { # installed PKG -> 0 when dpkg has it installed
  [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

BACKPORTS=""
if [ "$OS_ID" = "debian" ] && [ "$CODENAME" = "bookworm" ]; then
  BACKPORTS="bookworm-backports"
fi

# Ubuntu ships Chromium as a snap (its apt package only installs the snap).
SNAP_CHROMIUM=0
if [ "$OS_ID" = "ubuntu" ]; then
  SNAP_CHROMIUM=1
  APT_PACKAGES=("${APT_PACKAGES[@]/chromium/}")
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  [ -n "$pkg" ] || continue
  installed "$pkg" || missing+=("$pkg")
done
# bookworm's own Mesa (22.3) gives Dawn no adapter: it must be the backport.
if [ -n "$BACKPORTS" ] && installed mesa-vulkan-drivers &&
  ! dpkg-query -W -f='${Version}' mesa-vulkan-drivers | grep -q '~bpo'; then
  missing+=(mesa-vulkan-drivers)
fi
need_snap=0
if [ "$SNAP_CHROMIUM" = 1 ] && [ ! -x /snap/bin/chromium ]; then need_snap=1; fi

if [ "${#missing[@]}" -eq 0 ] && [ "$need_snap" = 0 ]; then
  echo "install-prereqs: all system packages are installed"
  exit 0
fi

SUDO=()
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  elif [ "$DRY_RUN" = 0 ]; then
    echo "install-prereqs: needs root to install ${missing[*]}; run it as root or install sudo" >&2
    exit 1
  fi
fi

run() {
  if [ "$DRY_RUN" = 1 ]; then
    echo "$*"
  else
    "$@"
  fi
}

echo "install-prereqs: installing ${missing[*]}$([ "$need_snap" = 1 ] && echo ' chromium (snap)')"
if [ -n "$BACKPORTS" ] && ! grep -rqs "$BACKPORTS" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  if [ "$DRY_RUN" = 1 ]; then
    echo "write /etc/apt/sources.list.d/backports.sources ($BACKPORTS main)"
  else
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$BACKPORTS" | "${SUDO[@]}" tee /etc/apt/sources.list.d/backports.sources >/dev/null
  fi
fi

apt_install=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq)
if [ "${#missing[@]}" -gt 0 ]; then
  run "${SUDO[@]}" apt-get update -qq
  rest=()
  for pkg in "${missing[@]}"; do
    [ -n "$BACKPORTS" ] && [ "$pkg" = mesa-vulkan-drivers ] && continue
    rest+=("$pkg")
  done
  if [ "${#rest[@]}" -gt 0 ]; then run "${apt_install[@]}" "${rest[@]}"; fi
  if [ -n "$BACKPORTS" ] && [ "${#rest[@]}" -ne "${#missing[@]}" ]; then
    run "${apt_install[@]}" -t "$BACKPORTS" mesa-vulkan-drivers
  fi
fi
if [ "$need_snap" = 1 ]; then
  run "${SUDO[@]}" snap install chromium
  echo "install-prereqs: Chromium is /snap/bin/chromium: export CHROMIUM_PATH=/snap/bin/chromium"
fi
echo "install-prereqs: done"
