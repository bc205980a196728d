#!/usr/bin/env bash
# Runs examples/tenant-mail-server against the bundled mock Hostwinds API:
# terraform apply, then a second plan that must show no changes, then
# terraform destroy. Afterwards it reads the mock's state through its control
# interface (GET /_mock/state) and fails unless the destroy left no instance,
# no secondary IP, no PTR record other than the default and no firewall profile
# other than the account default.
#
# Expects bin/terraform-provider-hostwinds and bin/hostwinds-mock from
# `make build`; `make demo` builds them first. The configuration, its state and
# the mock's log live in a temporary folder, so nothing is written to the
# repository. The folder is removed on success and kept on failure for
# inspection.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly bin_dir="$repo_root/bin"
readonly provider_binary="$bin_dir/terraform-provider-hostwinds"
readonly mock_binary="$bin_dir/hostwinds-mock"
readonly api_key=test-key

# Without this, Terraform contacts checkpoint.hashicorp.com to check for updates on every run.
export CHECKPOINT_DISABLE=1

print_heading() {
    printf '\n==> %s\n\n' "$*"
}

fail() {
    echo "demo: $*" >&2
    exit 1
}

for binary in "$provider_binary" "$mock_binary"; do
    [[ -x "$binary" ]] || fail "$binary is missing; run 'make build' or use 'make demo'"
done
for tool in curl jq; do
    command -v "$tool" >/dev/null || fail "$tool is missing; install it to check the mock's state after destroy"
done

print_heading "Finding a Terraform CLI"
terraform=$("$repo_root/scripts/terraform-path.sh")
"$terraform" version

work_dir=$(mktemp -d "${TMPDIR:-/tmp}/hostwinds-demo.XXXXXX")
readonly url_file="$work_dir/mock-url"
readonly mock_log="$work_dir/mock.log"
mock_pid=""

# Stops the mock on every exit path, including failures and Ctrl-C.
cleanup() {
    local status=$?
    if [[ -n "$mock_pid" ]] && kill -0 "$mock_pid" 2>/dev/null; then
        kill -TERM "$mock_pid"
        wait "$mock_pid" 2>/dev/null || true
    fi
    if [[ $status -eq 0 ]]; then
        rm -rf -- "$work_dir"
    else
        echo >&2
        echo "demo: failed with exit status $status. Last lines of the mock API log:" >&2
        tail -n 20 "$mock_log" >&2 2>/dev/null || true
        echo "demo: kept $work_dir (configuration, state and mock.log) for inspection" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

print_heading "Starting the mock API on a free loopback port"
"$mock_binary" -listen 127.0.0.1:0 -url-file "$url_file" -api-key "$api_key" \
    -build-delay 2s -task-delay 1s >"$mock_log" 2>&1 &
mock_pid=$!

# The mock writes the URL file once its listener is open. 10 s is ample for a
# local process, and the loop stops early if the mock exits.
for _ in $(seq 100); do
    [[ -s "$url_file" ]] && break
    kill -0 "$mock_pid" 2>/dev/null || fail "the mock API exited during startup"
    sleep 0.1
done
[[ -s "$url_file" ]] || fail "the mock API did not write $url_file within 10 s"
api_url=$(head -n 1 "$url_file")
echo "Mock API: $api_url (pid $mock_pid, log $mock_log)"

# dev_overrides makes Terraform load the provider from bin/ without a registry
# or `terraform init`, which would fail offline. The warning that Terraform
# prints about the override on every command is expected.
export TF_CLI_CONFIG_FILE="$work_dir/terraform.rc"
cat >"$TF_CLI_CONFIG_FILE" <<CONFIG
provider_installation {
  dev_overrides {
    "penguinmails/hostwinds" = "$bin_dir"
  }
  direct {}
}
CONFIG

export HOSTWINDS_API_URL="$api_url"
export HOSTWINDS_API_KEY="$api_key"
export HOSTWINDS_POLL_INTERVAL=250ms
export TF_IN_AUTOMATION=1

# Only the .tf files are copied, so a state file or .terraform folder left in
# the example by an earlier manual run cannot leak into the demo.
readonly example_dir="$repo_root/examples/tenant-mail-server"
config_dir="$work_dir/config"
mkdir -p "$config_dir"
cp -- "$example_dir"/*.tf "$config_dir/"
cd "$config_dir"

# The mock accepts any SSH key name, so the demo installs one to cover ssh_keys.
# Every terraform command below gets the same value, as the re-plan requires.
export TF_VAR_ssh_key_names='["ops"]'

# Colour codes only clutter logs, so they are kept for terminals.
# TF_CLI_ARGS applies -no-color to every terraform command below.
if [[ ! -t 1 ]]; then
    export TF_CLI_ARGS="${TF_CLI_ARGS:+$TF_CLI_ARGS }-no-color"
fi

started=$SECONDS

print_heading "terraform apply"
"$terraform" apply -auto-approve -input=false
monthly_total=$("$terraform" output -raw monthly_total)
main_ip=$("$terraform" output -raw main_ip)
sending_ips=$("$terraform" output -json sending_ips)

print_heading "terraform plan -detailed-exitcode (expecting no changes)"
plan_status=0
"$terraform" plan -detailed-exitcode -input=false || plan_status=$?
case $plan_status in
0) echo "No changes: the state read back from the API matches the configuration." ;;
2) fail "terraform plan shows changes right after apply, so the provider does not read back what it wrote (see the plan above)" ;;
*) fail "terraform plan failed with exit status $plan_status" ;;
esac

print_heading "terraform destroy"
"$terraform" destroy -auto-approve -input=false

# The control interface lives on the same host and port as the API, under /_mock/.
print_heading "Checking the mock's state after destroy"
state_url="${api_url%%/cloud/api.php*}/_mock/state"
curl --silent --show-error --fail --max-time 10 "$state_url" >"$work_dir/state.json" ||
    fail "GET $state_url failed"
leftovers=$(jq -r '
    [ (.instances[] | "instance \(.serviceid) (\(.srvrname))"),
      (.ips | to_entries[] | .key as $id | .value[]
        | select(.type == "secondary") | "secondary IP \(.ip) of instance \($id)"),
      (.ips | to_entries[] | .key as $id | .value[]
        | select(.rdns != "hwsrv-\($id).hostwindsdns.com") | "PTR record \(.ip) -> \(.rdns)"),
      (.pending_ips | to_entries[] | .key as $id | .value[] | "pending IP \(.ip) of instance \($id)"),
      (.firewall_profiles[] | select(.name != "default") | "firewall profile \(.id) (\(.name))")
    ] | .[]' "$work_dir/state.json") || fail "could not parse $state_url (saved in $work_dir/state.json)"
if [[ -n "$leftovers" ]]; then
    echo "$leftovers" >&2
    fail "terraform destroy left the objects above in the mock"
fi
echo "The mock holds no instance, no secondary IP, no custom PTR record and only the default firewall profile."

elapsed=$((SECONDS - started))
print_heading "Demo finished"
printf 'demo: OK in %ds: apply (main IP %s, sending IPs %s, $%s a month), clean re-plan, destroy, nothing left in the mock\n' \
    "$elapsed" "$main_ip" "$(jq -r 'join(", ")' <<<"$sending_ips")" "$monthly_total"
