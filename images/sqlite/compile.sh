#!/bin/sh
# Compiles the sqlite image's shell (shell.c + SQLite's amalgamation) to a WASI module, bit for bit
# reproducibly (same flags and rules as images/compile.sh). About a minute: the amalgamation is large.
set -eu
cd "$(dirname "$0")"
./fetch-amalgamation.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# SQLite without threads, extensions or WAL (WASI has none of shared memory, dlopen, mmap'd files).
clang --target=wasm32-wasi -O2 -std=gnu11 -w -fno-ident \
  -ffile-prefix-map="$PWD"=. -fdebug-prefix-map="$PWD"=. -fmacro-prefix-map="$PWD"=. \
  -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL -DSQLITE_OMIT_SHARED_CACHE \
  -DSQLITE_DEFAULT_LOCKING_MODE=1 -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_MMAN -D_WASI_EMULATED_GETPID \
  -Ivendor shell.c vendor/sqlite3.c -o "$tmp/raw.wasm" \
  -lwasi-emulated-signal -lwasi-emulated-mman -lwasi-emulated-getpid \
  -Wl,--strip-all -Wl,-z,stack-size=1048576
wasm-opt -Oz --strip-debug --strip-producers "$tmp/raw.wasm" -o "$tmp/sqlite3.wasm"
cp "$tmp/sqlite3.wasm" sqlite3.wasm
echo "sqlite/sqlite3.wasm: $(wc -c < sqlite3.wasm) bytes, sha256 $(sha256sum sqlite3.wasm | cut -d' ' -f1)"
