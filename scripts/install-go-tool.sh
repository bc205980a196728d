#!/usr/bin/env bash
# Usage: install-go-tool.sh PACKAGE@VERSION DEST
#
# Builds a Go command with `go install PACKAGE@VERSION` and moves it to DEST.
# The make targets name DEST after the pinned version, so bumping a pin in
# GNUmakefile builds the new release instead of reusing the old binary.
# The build goes to a temporary GOBIN next to DEST, so an interrupted build
# never leaves a half-written DEST behind.
set -euo pipefail

if [[ $# -ne 2 || "$1" != *@* ]]; then
    echo "usage: install-go-tool.sh PACKAGE@VERSION DEST" >&2
    exit 2
fi
readonly package_version=$1 dest=$2
readonly package_path=${package_version%@*}
# go install names the binary after the last path element, skipping a major
# version suffix: github.com/goreleaser/goreleaser/v2 builds "goreleaser".
binary_name=${package_path##*/}
if [[ "$binary_name" =~ ^v[0-9]+$ ]]; then
    binary_name=$(basename -- "$(dirname -- "$package_path")")
fi
readonly binary_name

mkdir -p "$(dirname "$dest")"
build_dir=$(mktemp -d "$(dirname "$dest")/.build.XXXXXX")
trap 'rm -rf -- "$build_dir"' EXIT

echo "install-go-tool.sh: building $package_version once, which takes 1 to 2 minutes on a cold Go build cache" >&2
start=$SECONDS
# CGO_ENABLED=0 avoids needing a C toolchain. `go install PACKAGE@VERSION`
# ignores this repository's go.mod, so the tool builds with the
# dependency versions that its own go.mod pins.
if ! GOBIN="$build_dir" CGO_ENABLED=0 go install "$package_version"; then
    echo "install-go-tool.sh: go install $package_version failed; see the go output above" >&2
    exit 1
fi
mv -f -- "$build_dir/$binary_name" "$dest"
echo "install-go-tool.sh: installed $dest in $((SECONDS - start)) s" >&2
