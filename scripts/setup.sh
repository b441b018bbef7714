#!/usr/bin/env bash
# Installs everything the test suites need on a fresh Debian machine (run as root), then the npm packages.
# Idempotent: packages already present are not fetched again.
set -euo pipefail
cd "$(dirname "$0")/.."

# fonts-nanum: Korean glyphs for the tutorial's screenshots and e2e runs in headless Chromium.
# attr: getfattr, how the kernel service reads overlayfs's opaque-directory markers.
# gcc, libc6-dev: the kernel service compiles kernel-node/runtime/console-relay.c (-t); its tests compile static probes.
# tmux: test/kernel/tty runs `docker run -it` in a real terminal.
# docker.io, busybox-static, docker-compose: the real Docker Engine (run inside a test's own network
# namespace) and a second real API client, the reference for Docker's behaviour and messages.
# iproute2: the kernel service's network namespaces, veths and bridges (ip); curl: test/kernel/network reaches published ports.
debs=(chromium runc attr clang lld wasi-libc libclang-rt-14-dev-wasm32 skopeo binaryen wabt fonts-nanum gcc libc6-dev tmux docker.io busybox-static docker-compose iproute2 curl)
missing=()
for d in "${debs[@]}"; do
  dpkg -s "$d" >/dev/null 2>&1 || missing+=("$d")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
