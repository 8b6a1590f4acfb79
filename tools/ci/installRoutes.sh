#!/usr/bin/env bash
# The two ways README gives to install the package without the registry, run as written there, from this checkout:
# 1. `npm pack`, then `npm install <tarball>` in a copy of each example: it installs, and its program type-checks with
#    the example's own tsconfig and TypeScript; that tsconfig must be the one `pulumi new typescript` wrote for
#    TypeScript 5 (kept in test/package/consumer/tsconfig.commonjs.json);
# 2. a git dependency (`npm install git+file://…` of a clone): npm runs the package's `prepare` (the build) in the clone.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d "${TMPDIR:-/tmp}/pva-install-routes-XXXXXX")
trap 'rm -rf "$work"' EXIT

# A git repository of the working tree as it is (committed or not; ignored files such as dist/ left out).
mkdir "$work/clone"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work/clone"
git -C "$work/clone" init -q
git -C "$work/clone" add -A
git -C "$work/clone" -c user.name=ci -c user.email=ci@localhost commit -qm "working tree"

# The git dependency installs in the background: npm installs the clone's devDependencies to build it, which takes a while.
mkdir "$work/git-stack"
echo '{ "name": "git-stack", "private": true }' >"$work/git-stack/package.json"
(cd "$work/git-stack" && npm install --no-audit --no-fund --loglevel=error "git+file://$work/clone" >"$work/git-install.log" 2>&1) &
git_install=$!

tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"
installs=()
for example in examples/*/; do
  name=$(basename "$example")
  cp -r "$example" "$work/$name"
  (cd "$work/$name" && npm install --no-audit --no-fund --loglevel=error "$tarball" >"$work/$name.install.log" 2>&1) &
  installs+=("$name:$!")
done
failed=0
for example in examples/*/; do
  if ! node -e 'const [a, b] = process.argv.slice(1).map((f) => JSON.stringify(require(require("path").resolve(f)))); process.exit(a === b ? 0 : 1)' \
    "$example/tsconfig.json" test/package/consumer/tsconfig.commonjs.json; then
    echo "example $(basename "$example"): tsconfig.json is not the one \`pulumi new typescript\` wrote for TypeScript 5 (test/package/consumer/tsconfig.commonjs.json)" >&2
    failed=1
  fi
done
for install in "${installs[@]}"; do
  name=${install%%:*}
  if ! wait "${install##*:}"; then
    echo "example $name: npm install $(basename "$tarball") failed:" >&2
    cat "$work/$name.install.log" >&2
    failed=1
  elif (cd "$work/$name" && npx --no-install tsc --noEmit --pretty false -p . >"$work/$name.tsc.log" 2>&1); then
    echo "example $name: installed from $(basename "$tarball"), type-checks with its own tsconfig (TypeScript $(cd "$work/$name" && npx --no-install tsc --version | cut -d' ' -f2), @pulumi/pulumi $(cd "$work/$name" && node -p 'require("@pulumi/pulumi/package.json").version'))"
  else
    echo "example $name: $(grep -c 'error TS' "$work/$name.tsc.log") type errors with its own tsconfig:" >&2
    cat "$work/$name.tsc.log" >&2
    failed=1
  fi
done

if ! wait "$git_install"; then
  cat "$work/git-install.log" >&2
  echo "npm install git+file://… failed" >&2
  exit 1
fi
(cd "$work/git-stack" && node -e '
  const pkg = require("pulumi-vm-availability");
  const twin = require("pulumi-vm-availability/simulator");
  if (typeof pkg.FtSecondary !== "function" || typeof twin.startOfflineTwin !== "function") throw new Error("the git dependency is not built");
  console.log(`git dependency: built by its prepare script, ${Object.keys(pkg).length} exports`);
')
exit "$failed"
