#!/usr/bin/env bash
# nodeBin.sh <major>: installs Node <major> from the npm registry (the package node-<platform>-<arch>, which ships
# bin/node) into .tmp/node/<major> once, checks that it runs, and prints its bin directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
major=$1
package="node-$(node -p 'process.platform + "-" + process.arch')"
dir="$PWD/.tmp/node/$major"
if [ ! -x "$dir/node_modules/$package/bin/node" ]; then
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "$package@$major" >&2
fi
if ! "$dir/node_modules/$package/bin/node" --version | grep -q "^v$major\."; then
  echo "$package@$major did not give a working Node $major" >&2
  exit 1
fi
echo "$dir/node_modules/$package/bin"
