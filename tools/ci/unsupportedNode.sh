#!/usr/bin/env bash
# unsupportedNode.sh <major>: a real Node older than supported (from the npm registry) loading the built package is
# refused with the one sentence that names it.
set -euo pipefail
cd "$(dirname "$0")/../.."
major=$1
node=$(bash tools/ci/nodeBin.sh "$major")/node
echo "Node $("$node" --version) loading dist/provider/index.js:"
if output=$("$node" dist/provider/index.js 2>&1); then
  echo "Node $major loaded the package: it should have been refused" >&2
  exit 1
fi
echo "$output"
if ! grep -q "but this is Node.js $major\." <<<"$output"; then
  echo "Node $major was refused, but not with the sentence that names it" >&2
  exit 1
fi
