#!/usr/bin/env bash
# Builds the console at an older commit (a git ref) into .cache/bench, so
# `make bench BENCH_BASE=<ref>` can run the realistic benchmark with it and
# with the current code side by side, and prints the binary's path.
set -euo pipefail
ref="$1"
root="$(cd "$(dirname "$0")/.." && pwd)"
sha="$(git -C "$root" rev-parse --short "$ref")"
out="$root/.cache/bench/arauto-$sha"
if [ ! -x "$out" ]; then
	src="$(mktemp -d)"
	trap 'rm -rf "$src"' EXIT
	git -C "$root" archive "$sha" | tar -x -C "$src"
	(cd "$src" && GOFLAGS=-buildvcs=false go build -o "$out" .) >&2
fi
echo "$out"
