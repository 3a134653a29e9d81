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

# stat_ticks <file>: user + system clock ticks of a /proc/<pid>/stat or /proc/<pid>/task/<tid>/stat file, 0 if
# it is gone. The fields are counted after the ")" that ends the name: a thread name may hold spaces
# ("C2 CompilerThre", "GC Thread#0"), which shifted awk's fields and read utime + cmajflt instead.
stat_ticks() {
  sed 's/.*) //' "$1" 2>/dev/null | awk '{ t = $12 + $13 } END { print t + 0 }' || true # a thread or process gone: 0 (pipefail)
}

# proc_ticks <pid>...: CPU clock ticks (user + system) used so far by these processes together.
proc_ticks() {
  local total=0 pid
  for pid in "$@"; do total=$((total + $(stat_ticks "/proc/$pid/stat"))); done
  echo "$total"
}

# thread_group_ticks <regex> <pid>...: the clock ticks of the threads of these processes whose name matches.
thread_group_ticks() {
  local pattern=$1 total=0 pid task
  shift
  for pid in "$@"; do
    for task in /proc/"$pid"/task/*; do
      grep -Eq "$pattern" "$task/comm" 2>/dev/null || continue
      total=$((total + $(stat_ticks "$task/stat")))
    done
  done
  echo "$total"
}

# jit_ticks <pid>...: CPU clock ticks used so far by the JIT compiler threads of these JVMs. A
# benchmark that still sees them busy measures a JVM that is compiling, not its steady state
# (on these 2 cores, three JVMs under load kept their compilers ~30 % busy each for about a minute).
jit_ticks() { thread_group_ticks 'Compiler' "$@"; }

# bench_issuer DIR ROLE SUBJECT: a throw-away token issuer for one bench run (key pair under DIR, via
# deploy/local/local-issuer.sh): exports AUTH_ISSUER/AUTH_JWKS_URL/AUTH_AUDIENCE for the services it
# starts (they trust its public key) and BENCH_TOKEN, a 24 h token of ROLE for the load generator.
bench_issuer() {
  export WAITING_ROOM_STATE=$1
  source deploy/local/local-issuer.sh
  ensure_local_issuer
  export AUTH_ISSUER=$LOCAL_ISSUER_URL AUTH_JWKS_URL=file:$LOCAL_ISSUER_PUBLIC_KEY AUTH_AUDIENCE=waiting-room
  BENCH_TOKEN=$(bash deploy/local/token.sh "$2" "$3" 86400)
  export BENCH_TOKEN
}

# service_command MODULE JVM_OPTIONS...: sets SERVICE_CMD (an array) to start MODULE as the benches
# do: `java JVM_OPTIONS -jar MODULE/target/quarkus-app/quarkus-run.jar`, or with BENCH_NATIVE=1 its
# native executable (mvn -Pnative verify -f MODULE/pom.xml builds it; -Xmx is kept, other JVM-only
# options are dropped). Exits when the artifact is missing.
service_command() {
  local module=$1; shift
  if [ "${BENCH_NATIVE:-0}" = 1 ]; then
    local runner
    runner=$(compgen -G "$module/target/*-runner" | head -1 || true)
    [ -x "$runner" ] || { echo "no native executable in $module/target: mvn -Pnative verify -f $module/pom.xml" >&2; exit 1; }
    SERVICE_CMD=("$runner")
    local option
    for option in "$@"; do case "$option" in -Xmx*|-Xms*) SERVICE_CMD+=("$option") ;; esac; done
  else
    [ -f "$module/target/quarkus-app/quarkus-run.jar" ] || { echo "no $module jar: mvn package -f $module/pom.xml" >&2; exit 1; }
    SERVICE_CMD=(java "$@" -jar "$module/target/quarkus-app/quarkus-run.jar")
  fi
}

# rss_mb PID FIELD: the process's VmRSS (now) or VmHWM (peak so far) in MB.
rss_mb() { awk -v f="$2:" '$1 == f { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "?"; }

# relayed_rows COLUMNS HAS_LOG: the rows the outbox relay has relayed, as a FROM item named "relayed". Since V23
# the relay moves them to outbox_dispatched (HAS_LOG = t when that table exists); a relay built before marks them
# 'dispatched' in the outbox itself, so both places are read.
relayed_rows() {
  local rows="SELECT $1 FROM outbox WHERE status = 'dispatched'"
  if [[ $2 == t ]]; then rows+=" UNION ALL SELECT $1 FROM outbox_dispatched"; fi
  echo "($rows) relayed"
}
