# Sourced by .ci/run: timed steps that keep going after a failure, and a summary of every step's duration and result.

STEP_NAMES=()
STEP_SECONDS=()
STEP_RESULTS=()

# step <name> <command...>: runs the command and records how long it took and whether it passed.
step() {
  local name=$1 started=$SECONDS result=passed
  shift
  echo "::: ${name}"
  "$@" || result=FAILED
  STEP_NAMES+=("$name")
  STEP_SECONDS+=($((SECONDS - started)))
  STEP_RESULTS+=("$result")
  printf '::: %s: %s in %s\n' "$name" "$result" "$(duration $((SECONDS - started)))"
  [ "$result" = passed ]
}

duration() {
  printf '%dm%02ds' $(($1 / 60)) $(($1 % 60))
}

# summary: prints every step; fails when one did.
summary() {
  local total=0 failed=0 i
  echo "::: durations"
  for i in "${!STEP_NAMES[@]}"; do
    printf '  %-72s %7s  %s\n' "${STEP_NAMES[$i]}" "$(duration "${STEP_SECONDS[$i]}")" "${STEP_RESULTS[$i]}"
    total=$((total + STEP_SECONDS[i]))
    [ "${STEP_RESULTS[$i]}" = passed ] || failed=$((failed + 1))
  done
  printf '  %-72s %7s  %s\n' "total" "$(duration "$total")" "$failed failed"
  [ "$failed" = 0 ]
}
