# Sourced by the test scripts. machine_state LABEL: one line on what loads this machine (load average,
# memory available, the busiest processes), printed at phase boundaries, so that a slow or failing CI run
# on a machine busy with something else can be told apart from a slow change.
machine_state() {
    local available busiest
    # a diagnostic line: it must never stop a run (set -e), whatever ps this machine has
    available=$(awk '/MemAvailable/ {printf "%d", $2 / 1024}' /proc/meminfo 2>/dev/null) || available="?"
    # ps's %CPU is the share of each process's lifetime: long-running hogs show, short bursts do not (and
    # processes younger than 10 s, this pipeline's own among them, are left out)
    busiest=$(ps -eo pcpu=,rss=,etimes=,comm= --sort=-pcpu | awk '$3 >= 10 && n < 3 {printf "%s%s %s%% %d MB", (n++ ? ", " : ""), $4, $1, $2 / 1024}' 2>/dev/null) || busiest="?"
    echo "machine ($1): load $(cut -d' ' -f1-3 /proc/loadavg), $available MB available; busiest (lifetime CPU share, memory): $busiest"
}
