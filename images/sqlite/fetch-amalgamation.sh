#!/bin/sh
# Puts SQLite's amalgamation (sqlite3.c, sqlite3.h) in images/sqlite/vendor/, taken from the npm
# package better-sqlite3 at a pinned version and checked against a pinned sha256, so every machine
# compiles the same source. The vendor folder is not committed.
set -eu
cd "$(dirname "$0")"
VERSION=12.6.2
SHA256=ac3bfaa50b31d1fc878f84b64b3fa7ec1b5b6603b9be089b0501f8f5900ac7e7
[ -f vendor/sqlite3.c ] && [ -f vendor/.version ] && [ "$(cat vendor/.version)" = "$VERSION" ] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
(cd "$tmp" && npm pack "better-sqlite3@$VERSION" --silent >/dev/null)
echo "$SHA256  $tmp/better-sqlite3-$VERSION.tgz" | sha256sum -c - >/dev/null
mkdir -p vendor
tar xzf "$tmp/better-sqlite3-$VERSION.tgz" -C "$tmp" package/deps/sqlite3/sqlite3.c package/deps/sqlite3/sqlite3.h
cp "$tmp/package/deps/sqlite3/sqlite3.c" "$tmp/package/deps/sqlite3/sqlite3.h" vendor/
echo "$VERSION" > vendor/.version
