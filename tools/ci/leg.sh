#!/usr/bin/env bash
# leg.sh <node major> <@pulumi/pulumi version>: one leg of the supported matrix. The engine-protocol, installed-package
# and platform tests (the examples run in test/engine) on that Node with that SDK:
# - the leg's Node goes first on PATH, so jest, the dynamic-provider host, the serializer, the example programs and npm
#   all run on it;
# - PVA_PULUMI_VERSION names the SDK: tools/engine/stageInstall.ts installs it with the package's other dependencies
#   for the staged stacks (done here once, before jest's workers need it), and the installed-package tests add it next
#   to the packed tarball.
set -euo pipefail
cd "$(dirname "$0")/../.."
major=$1
sdk=$2
bin=$(bash tools/ci/nodeBin.sh "$major")
export PATH="$bin:$PATH" PVA_PULUMI_VERSION="$sdk"
node -e 'require("./dist/tools/engine/stageInstall").stackDependencies(process.cwd())'
echo "::: Node $(node --version) with @pulumi/pulumi $sdk, npm $(npm --version): test/engine test/package test/platform"
node node_modules/jest/bin/jest.js --ci test/engine test/package test/platform
