#!/usr/bin/env bash
# Prints the absolute path of the OpenTofu CLI that `make test-tofu` and
# .ci/run use.
#
# Order of preference:
#   1. $TOFU, if set (for example to test against another release).
#   2. tofu on PATH.
#   3. $HOSTWINDS_TOOLS_DIR/tofu, built once from source.
#
# The fallback builds OpenTofu instead of downloading a release because the
# build machines reach only the Go module proxy. `go install` cannot build
# recent releases because their go.mod has a replace directive, so the script
# fetches the module source with `go mod download` and runs `go build` inside
# it.
# Progress messages go to stderr so that stdout carries only the path.
set -euo pipefail

readonly pinned_version=1.12.6

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Outside the clone, so that every clone and CI run on this machine reuses one build.
readonly cache_bin="${HOSTWINDS_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-hostwinds/bin}"

if [[ -n "${TOFU:-}" ]]; then
    if ! resolved=$(command -v -- "$TOFU"); then
        echo "tofu-path.sh: TOFU=$TOFU was not found or is not executable; unset it or set it to the path of an OpenTofu CLI" >&2
        exit 1
    fi
    # Callers change directory, so a relative $TOFU must become absolute.
    realpath -- "$resolved"
    exit 0
fi

if resolved=$(command -v tofu); then
    realpath -- "$resolved"
    exit 0
fi

if [[ -x "$cache_bin/tofu" ]]; then
    echo "$cache_bin/tofu"
    exit 0
fi

if ! command -v go >/dev/null; then
    echo "tofu-path.sh: tofu is not on PATH and go is missing, so OpenTofu cannot be built; install OpenTofu or Go 1.26" >&2
    exit 1
fi

echo "tofu-path.sh: tofu is not on PATH; building OpenTofu v$pinned_version into $cache_bin (once, about 3 minutes)" >&2
mkdir -p "$cache_bin"
# Build into a temporary directory and move the binary into place afterwards,
# so an interrupted build never leaves a half-written $HOSTWINDS_TOOLS_DIR/tofu behind.
build_dir=$(mktemp -d "$cache_bin/.build.XXXXXX")
trap 'rm -rf -- "$build_dir"' EXIT

if ! module_json=$(go mod download -json "github.com/opentofu/opentofu@v$pinned_version"); then
    echo "tofu-path.sh: downloading the OpenTofu v$pinned_version source failed; see the go output above, or install OpenTofu and put it on PATH" >&2
    exit 1
fi
module_dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$module_json")
if [[ -z "$module_dir" || ! -d "$module_dir" ]]; then
    echo "tofu-path.sh: go mod download printed no module directory for OpenTofu v$pinned_version:" >&2
    echo "$module_json" >&2
    exit 1
fi

# The build runs inside the read-only module cache directory. That works
# because `go build -o` writes only to the output path and the Go build cache,
# and -mod=readonly never rewrites go.mod or go.sum.
# CGO_ENABLED=0 and the flags match OpenTofu's own .goreleaser.yaml, which
# avoids needing a C toolchain. version.dev=no drops the "-dev" suffix that
# `tofu version` reports otherwise.
if ! CGO_ENABLED=0 go build -C "$module_dir" -mod=readonly -trimpath \
    -ldflags "-s -w -X 'github.com/opentofu/opentofu/version.dev=no'" \
    -buildvcs=false -o "$build_dir/tofu" ./cmd/tofu >&2; then
    echo "tofu-path.sh: building OpenTofu v$pinned_version failed; see the go output above, or install OpenTofu and put it on PATH" >&2
    exit 1
fi
if ! "$build_dir/tofu" version >&2; then
    echo "tofu-path.sh: the built OpenTofu v$pinned_version binary failed to run \`tofu version\`; install OpenTofu and put it on PATH" >&2
    exit 1
fi
mv -f -- "$build_dir/tofu" "$cache_bin/tofu"
echo "$cache_bin/tofu"
