#!/usr/bin/env bash
# Prints the absolute path of the Terraform CLI that the make targets, the demo
# and .ci/run use, so they all run the same binary.
#
# Order of preference:
#   1. $TERRAFORM, if set (for example to test against another release).
#   2. terraform on PATH.
#   3. $HOSTWINDS_TOOLS_DIR/terraform, built once from source with `go install`.
#
# The fallback builds Terraform instead of downloading a release because the
# build machines reach only the Go module proxy. v1.5.7 is the last release
# under MPL-2.0 and is new enough for plugin protocol 6.
# Progress messages go to stderr so that stdout carries only the path.
set -euo pipefail

readonly pinned_version=1.5.7

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Outside the clone, so that every clone and CI run on this machine reuses one build.
readonly cache_bin="${HOSTWINDS_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-hostwinds/bin}"

if [[ -n "${TERRAFORM:-}" ]]; then
    if ! resolved=$(command -v -- "$TERRAFORM"); then
        echo "terraform-path.sh: TERRAFORM=$TERRAFORM was not found or is not executable; unset it or set it to the path of a Terraform CLI" >&2
        exit 1
    fi
    # Callers change directory, so a relative $TERRAFORM must become absolute.
    realpath -- "$resolved"
    exit 0
fi

if resolved=$(command -v terraform); then
    realpath -- "$resolved"
    exit 0
fi

if [[ -x "$cache_bin/terraform" ]]; then
    echo "$cache_bin/terraform"
    exit 0
fi

if ! command -v go >/dev/null; then
    echo "terraform-path.sh: terraform is not on PATH and go is missing, so Terraform cannot be built; install Terraform or Go 1.26" >&2
    exit 1
fi

echo "terraform-path.sh: terraform is not on PATH; building Terraform v$pinned_version into $cache_bin (once, about 3 minutes)" >&2
mkdir -p "$cache_bin"
# Build into a temporary GOBIN and move the binary into place afterwards, so an
# interrupted build never leaves a half-written $HOSTWINDS_TOOLS_DIR/terraform behind.
build_dir=$(mktemp -d "$cache_bin/.build.XXXXXX")
trap 'rm -rf -- "$build_dir"' EXIT
# CGO_ENABLED=0 matches the HashiCorp release builds and avoids needing a C toolchain.
if ! GOBIN="$build_dir" CGO_ENABLED=0 go install "github.com/hashicorp/terraform@v$pinned_version" >&2; then
    echo "terraform-path.sh: building Terraform v$pinned_version failed; see the go output above, or install Terraform and put it on PATH" >&2
    exit 1
fi
mv -f -- "$build_dir/terraform" "$cache_bin/terraform"
echo "$cache_bin/terraform"
