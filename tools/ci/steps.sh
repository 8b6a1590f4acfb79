# Sourced by .ci/run: timed steps that keep going after a failure, and a summary of every step's duration and result.
# Each step reports wall time and CPU time (user + system of the processes it ran): on a shared machine the first grows
# with the load, the second does not.

STEP_NAMES=()
STEP_SECONDS=()
STEP_CPU_SECONDS=()
STEP_RESULTS=()

# step <name> <command...>: runs the command and records how long it took and whether it passed.
step() {
  local name=$1 started=$SECONDS cpu_before result=passed wall cpu
  shift
  children_cpu_seconds
  cpu_before=$CHILDREN_CPU_SECONDS
  echo "::: ${name}"
  "$@" || result=FAILED
  wall=$((SECONDS - started))
  children_cpu_seconds
  cpu=$((CHILDREN_CPU_SECONDS - cpu_before))
  STEP_NAMES+=("$name")
  STEP_SECONDS+=("$wall")
  STEP_CPU_SECONDS+=("$cpu")
  STEP_RESULTS+=("$result")
  printf '::: %s: %s in %s (CPU %s)\n' "$name" "$result" "$(duration "$wall")" "$(duration "$cpu")"
  [ "$result" = passed ]
}

# Sets CHILDREN_CPU_SECONDS: CPU used so far by this shell's finished child processes (the second line of bash's
# `times`, which must run in this shell, not in a $(…) subshell).
children_cpu_seconds() {
  local file user sys
  file=$(mktemp)
  times >"$file"
  { read -r _; read -r user sys; } <"$file"
  rm -f "$file"
  CHILDREN_CPU_SECONDS=$(awk -v user="$user" -v sys="$sys" 'function seconds(t, parts) { split(t, parts, "m"); return parts[1] * 60 + substr(parts[2], 1, length(parts[2]) - 1) }
    BEGIN { printf "%d\n", seconds(user) + seconds(sys) }')
}

duration() {
  printf '%dm%02ds' $(($1 / 60)) $(($1 % 60))
}

# summary: prints every step; fails when one did.
summary() {
  local wall=0 cpu=0 failed=0 i
  echo "::: durations (wall, CPU)"
  for i in "${!STEP_NAMES[@]}"; do
    printf '  %-72s %7s %7s  %s\n' "${STEP_NAMES[$i]}" "$(duration "${STEP_SECONDS[$i]}")" "$(duration "${STEP_CPU_SECONDS[$i]}")" "${STEP_RESULTS[$i]}"
    wall=$((wall + STEP_SECONDS[i]))
    cpu=$((cpu + STEP_CPU_SECONDS[i]))
    [ "${STEP_RESULTS[$i]}" = passed ] || failed=$((failed + 1))
  done
  printf '  %-72s %7s %7s  %s\n' "total" "$(duration "$wall")" "$(duration "$cpu")" "$failed failed"
  [ "$failed" = 0 ]
}
