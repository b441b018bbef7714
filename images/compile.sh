#!/bin/sh
# Compiles the C images (box, hello-world) to WASI modules, bit for bit reproducibly:
# fixed flags, sorted sources compiled from a fixed relative path, no debug info, no producers
# section, no timestamps. Needs Debian's clang, lld, wasi-libc, libclang-rt-14-dev-wasm32 and
# binaryen. Usage: images/compile.sh [box|hello|all|check]   (default: all)
#   check: rebuild both into a temporary directory and fail unless they equal the committed files
set -eu
cd "$(dirname "$0")"
CC=${CC:-clang}
OUT_TMP=$(mktemp -d)
trap 'rm -rf "$OUT_TMP"' EXIT INT TERM

CFLAGS="--target=wasm32-wasi -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter
  -fno-ident -ffile-prefix-map=$PWD=. -fdebug-prefix-map=$PWD=. -fmacro-prefix-map=$PWD=."
LDFLAGS="-Wl,--strip-all -Wl,-z,stack-size=1048576 -Wl,--no-entry -Wl,--export=_start"

CHECK=0
if [ "${1:-}" = check ]; then CHECK=1; set -- all; fi
status=0

build() { # name srcdir output extra-ldflags
    name=$1; dir=$2; out=$3; extra=$4
    srcs=$(cd "$dir" && ls *.c | LC_ALL=C sort)
    (cd "$dir" && $CC $CFLAGS $srcs -o "$OUT_TMP/$name.raw.wasm" $LDFLAGS $extra)
    wasm-opt -Oz --strip-debug --strip-producers \
        "$OUT_TMP/$name.raw.wasm" -o "$OUT_TMP/$name.wasm"
    if [ $CHECK = 1 ]; then
        if cmp -s "$OUT_TMP/$name.wasm" "$out"; then echo "$out: reproduced bit for bit"
        else echo "$out: DIFFERS from a fresh build" >&2; status=1; fi
        return
    fi
    cp "$OUT_TMP/$name.wasm" "$out"
    echo "$out: $(wc -c < "$out") bytes, sha256 $(sha256sum "$out" | cut -d' ' -f1)"
}

what=${1:-all}
case $what in
box|all) build box box box/box.wasm "" ;;
esac
case $what in
hello|all) [ -d hello-world ] && [ -n "$(ls hello-world/*.c 2>/dev/null)" ] && build hello hello-world hello-world/hello.wasm "" ;;
esac
exit $status
