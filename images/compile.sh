#!/bin/sh
# Compiles the C images (box, hello-world, kv, sqlite) to WASI modules, bit for bit reproducibly:
# fixed flags, sorted sources compiled from a fixed relative path, no debug info, no producers
# section, no timestamps. Needs Debian's clang, lld, wasi-libc, libclang-rt-14-dev-wasm32 and
# binaryen. Usage: images/compile.sh [box|hello|kv|sqlite|all|check]   (default: all)
# sqlite: the SQLite amalgamation comes from the npm package better-sqlite3 (pinned version),
# fetched with `npm pack` into a cache directory; compiling it takes a few minutes.
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
    if [ "$name" = sqlite3 ]; then
        # the amalgamation is compiled from the temporary directory, under a fixed name
        (cd "$OUT_TMP" && cp "$OLDPWD/$dir"/*.c . && $CC $CFLAGS -ffile-prefix-map="$OUT_TMP"=. -Wno-extra -Wno-all $SQLITE_FLAGS -I. $srcs sqlite3.c \
            -o "$OUT_TMP/$name.raw.wasm" $LDFLAGS -lwasi-emulated-signal -lwasi-emulated-mman)
    else
        (cd "$dir" && $CC $CFLAGS $srcs -o "$OUT_TMP/$name.raw.wasm" $LDFLAGS $extra)
    fi
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

SQLITE_PKG=better-sqlite3@12.11.1
SQLITE_CACHE=${DOCKYARD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dockyard-images}/better-sqlite3-12.11.1
fetch_sqlite() {
    if [ ! -f "$SQLITE_CACHE/package/deps/sqlite3/sqlite3.c" ]; then
        mkdir -p "$SQLITE_CACHE"
        (cd "$SQLITE_CACHE" && npm pack --silent "$SQLITE_PKG" >/dev/null && tar xzf better-sqlite3-*.tgz package/deps/sqlite3)
    fi
    cp "$SQLITE_CACHE/package/deps/sqlite3/sqlite3.c" "$SQLITE_CACHE/package/deps/sqlite3/sqlite3.h" "$OUT_TMP/"
}
SQLITE_FLAGS="-DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_MMAN"

what=${1:-all}
case $what in
box|all) build box box box/box.wasm "" ;;
esac
case $what in
hello|all) [ -d hello-world ] && [ -n "$(ls hello-world/*.c 2>/dev/null)" ] && build hello hello-world hello-world/hello.wasm "" ;;
esac
case $what in
kv|all) build kv kv kv/kv.wasm "-I../box" ;;
esac
case $what in
sqlite|all) fetch_sqlite; build sqlite3 sqlite sqlite/sqlite3.wasm "" ;;
esac
exit $status
