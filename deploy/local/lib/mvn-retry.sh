# Sourced by the test scripts. mvn_retry ARGS…: runs Maven, and reruns it (up to 3 times in all) only
# when Maven itself failed to download from Maven Central (a download that stalls fails after 60 s,
# .mvn/maven.config, instead of hanging for Maven's default 30 min). Never when a test failed: test
# output (broker-outage tests print "Connection reset") must not buy a flaky test another chance.
mvn_retry() {
    local - log status attempt
    set -o pipefail # Maven's status, not tee's, whatever the caller set (local -: only in here)
    log=$(mktemp)
    for attempt in 1 2 3; do
        status=0
        mvn -B -ntp ${MVN_ARGS:-} "$@" 2>&1 | tee "$log" || status=${PIPESTATUS[0]}
        if [ "$status" -eq 0 ]; then
            rm -f "$log"
            return 0
        fi
        if grep -qE 'There are test failures|Tests run:.*(Failures|Errors): [1-9]' "$log" ||
            ! grep -qE '^\[ERROR\].*(Could not resolve dependencies|Could not transfer artifact|Failed to read artifact descriptor|Could not resolve plugin|Plugin .* could not be resolved)' "$log"; then
            rm -f "$log"
            return "$status"
        fi
        echo "mvn_retry: downloading from Maven Central failed (attempt $attempt of 3)" >&2
    done
    rm -f "$log"
    return "$status"
}
