#!/usr/bin/env bash
# leg.sh <node major> <@pulumi/pulumi version> [all]: one leg of the supported matrix. The engine-protocol,
# installed-package and platform tests (the examples run in test/engine) on that Node with that SDK; with `all`, the
# whole suite, built first as `npm test` does:
# - the leg's Node goes first on PATH, so the build, jest, the dynamic-provider host, the serializer, the example
#   programs and npm all run on it;
# - PVA_PULUMI_VERSION names the SDK: tools/engine/stageInstall.ts installs it with the package's other dependencies
#   for the staged stacks (done here once, before jest's workers need it), and the installed-package tests add it next
#   to the packed tarball.
set -euo pipefail
cd "$(dirname "$0")/../.."
major=$1
sdk=$2
suites=(test/engine test/package test/platform)
if [ "${3:-}" = all ]; then suites=(); fi
bin=$(bash tools/ci/nodeBin.sh "$major")
export PATH="$bin:$PATH" PVA_PULUMI_VERSION="$sdk"
if [ ${#suites[@]} = 0 ]; then npm run build --silent; fi
node -e 'require("./dist/tools/engine/stageInstall").stackDependencies(process.cwd())'
echo "::: Node $(node --version) with @pulumi/pulumi $sdk, npm $(npm --version): ${suites[*]:-every test}"
node node_modules/jest/bin/jest.js --ci "${suites[@]}"
