# Sourced by bench scripts: waiting for a service and reading CPU time from /proc.

# wait_ready <readiness url> <pid> <log>: returns once the url answers 2xx; exits with the log's
# tail if the process dies or is not ready within 60 s.
wait_ready() {
  for _ in $(seq 1 120); do
    curl -fs "$1" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { tail -40 "$3"; exit 1; }
    sleep 0.5
  done
  echo "not ready: $1" >&2; tail -40 "$3"; exit 1
}

# proc_ticks <pid>...: CPU clock ticks (user + system) used so far by these processes together.
proc_ticks() {
  local total=0 pid
  for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0))); done
  echo "$total"
}
