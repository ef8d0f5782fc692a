# scripts/lib/procs.sh - process helpers shared by the test-bed scripts (sourced, not run).
# The sourcing script defines warn().

# True when pid $1 is a live process (not a zombie).
pid_running() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

# Send SIGTERM, wait up to `wait` seconds, then SIGKILL.
stop_pid() { # pid what wait
    local pid=$1 what=$2 wait=$3 i
    pid_running "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < wait * 5; i++)); do
        pid_running "$pid" || return 0
        sleep 0.2
    done
    warn "$what (pid $pid) did not exit within ${wait}s after SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 25; i++)); do
        pid_running "$pid" || return 0
        sleep 0.2
    done
    warn "$what (pid $pid) is still there after SIGKILL"
    return 1
}
