# Sourced by the test scripts. mvn_retry ARGS…: runs Maven, and reruns it (up to 3 times in all) only
# when it failed downloading from Maven Central. A download that stalls fails after 60 s
# (.mvn/maven.config) instead of hanging for Maven's default 30 min; such a network failure (not a
# test failure) gets the build rerun.
mvn_retry() {
    local log status attempt
    log=$(mktemp)
    for attempt in 1 2 3; do
        status=0
        mvn -B -ntp ${MVN_ARGS:-} "$@" 2>&1 | tee "$log" || status=${PIPESTATUS[0]}
        if [ "$status" -eq 0 ]; then
            rm -f "$log"
            return 0
        fi
        if ! grep -qE 'Could not (transfer|resolve|download)|Failed to read artifact descriptor|Read timed out|Connection reset' "$log"; then
            rm -f "$log"
            return "$status"
        fi
        echo "mvn_retry: downloading from Maven Central failed (attempt $attempt of 3); retrying" >&2
    done
    rm -f "$log"
    return "$status"
}
