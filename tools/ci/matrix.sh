# Functions for .ci/run (sourced from the repo root): timed steps, Node binaries from the npm registry, matrix legs.
#
# A matrix leg runs the engine-protocol, installed-package and platform tests (the examples run in test/engine) on one
# Node major with one @pulumi/pulumi version:
# - the Node binary is the npm package node-<platform>-<arch>@<major> (it ships bin/node), installed into .tmp/node;
#   its bin directory goes first on PATH, so jest, the dynamic-provider host, the serializer, the example programs and
#   npm itself all run on it;
# - PVA_PULUMI_VERSION names the SDK: tools/engine/stageInstall.ts installs it (with the package's other dependencies)
#   for the staged stacks, and the installed-package tests add it next to the packed tarball.

LEG_NAMES=()
LEG_SECONDS=()

# step <name> <command...>: runs the command, prints and records how long it took.
step() {
  local name=$1 started=$SECONDS
  shift
  echo "::: ${name}"
  "$@"
  record "$name" $((SECONDS - started))
}

record() {
  LEG_NAMES+=("$1")
  LEG_SECONDS+=("$2")
  printf '::: %s took %dm%02ds\n' "$1" $(($2 / 60)) $(($2 % 60))
}

# node_bin <major>: installs node-<platform>-<arch>@<major> from the npm registry (once) and prints its bin directory.
node_bin() {
  local major=$1 package dir
  package="node-$(node -p 'process.platform + "-" + process.arch')"
  dir="$PWD/.tmp/node/$major"
  if [ ! -x "$dir/node_modules/$package/bin/node" ]; then
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "$package@$major" >&2
  fi
  if ! "$dir/node_modules/$package/bin/node" --version | grep -q "^v$major\."; then
    echo "$package@$major did not give a working Node $major" >&2
    return 1
  fi
  echo "$dir/node_modules/$package/bin"
}

# leg <node major> <@pulumi/pulumi version>
leg() {
  local major=$1 sdk=$2 started=$SECONDS bin
  bin=$(node_bin "$major")
  (
    export PATH="$bin:$PATH" PVA_PULUMI_VERSION="$sdk"
    node -e 'require("./dist/tools/engine/stageInstall").stackDependencies(process.cwd())'
    echo "::: leg Node $(node --version) with @pulumi/pulumi $sdk (npm $(npm --version)): test/engine test/package test/platform"
    node node_modules/jest/bin/jest.js --ci test/engine test/package test/platform
  )
  record "Node $major, @pulumi/pulumi $sdk" $((SECONDS - started))
}

# unsupported_node <major>: the built package refuses that real Node in one sentence.
unsupported_node() {
  local major=$1 started=$SECONDS bin output
  bin=$(node_bin "$major")
  echo "::: Node $("$bin/node" --version) loading dist/provider/index.js must be refused"
  if output=$("$bin/node" dist/provider/index.js 2>&1); then
    echo "Node $major loaded the package: it should have been refused" >&2
    return 1
  fi
  echo "$output"
  grep -q "but this is Node.js $major\." <<<"$output" || { echo "Node $major was refused, but not with the sentence naming it" >&2; return 1; }
  record "Node $major refused" $((SECONDS - started))
}

summary() {
  local total=0 i
  echo "::: durations"
  for i in "${!LEG_NAMES[@]}"; do
    printf '  %-45s %dm%02ds\n' "${LEG_NAMES[$i]}" $((LEG_SECONDS[i] / 60)) $((LEG_SECONDS[i] % 60))
    total=$((total + LEG_SECONDS[i]))
  done
  printf '  %-45s %dm%02ds\n' "total" $((total / 60)) $((total % 60))
}
