#!/usr/bin/env bash
# scripts/workers.sh - two more Docker engines on this machine, each its own "host", for the
# multi-engine swarm test (tests/integration/test_multi_engine.py).
#
#   bash scripts/workers.sh up      start (or keep) both worker engines; idempotent; a worker
#                                   found in a swarm (left over from a crash) leaves it
#   bash scripts/workers.sh status  tell what answers; exit 0 only if both do
#   bash scripts/workers.sh down    leave any swarm, stop the engines, remove the network
#                                   (data dirs /var/lib/dsdk-wN are kept)
#
# Layout (all inside this machine; no traffic leaves it):
#   bridge dsdk-br0 198.18.0.1/24 on the host (198.18.0.0/15 is the benchmark-test range,
#   clear of docker0 172.17/16 and of Docker's default pools)
#   worker N (1, 2): network namespace dsdk-wN, veth dsdk-wN-h (host, on dsdk-br0) <->
#   eth0 198.18.0.1N/24 (in the namespace), default route via 198.18.0.1; a dockerd run in it
#   with nsenter --net (not `ip netns exec`, which remounts /sys and hides the cgroups):
#     socket unix:///var/run/dsdk-wN.sock, --data-root /var/lib/dsdk-wN,
#     --exec-root /var/run/dsdk-wN (its own containerd lives under it), --iptables=false,
#     its own docker0 172.31.N.1/24 (inside the namespace only), pid in /run/docker-testbed,
#     log /var/log/docker-testbed/dsdk-wN.log.
#   The workers cannot reach the registries on 127.0.0.1, so busybox:latest and alpine:3.10
#   are copied from the main engine (docker save | docker load), and the worker engines run
#   with DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 (swarm tasks use the local image, no pull).
#   One iptables rule (FORWARD, -i dsdk-br0 -o dsdk-br0 ACCEPT) lets the workers talk to each
#   other across the bridge (Docker's FORWARD policy is DROP and br_netfilter is on).
set -euo pipefail

PROG=workers.sh
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
export LC_ALL=C

LOG_DIR=/var/log/docker-testbed
RUN_DIR=/run/docker-testbed
DOCKERD=/usr/sbin/dockerd
MAIN_SOCK=/var/run/docker.sock
BRIDGE=dsdk-br0
BRIDGE_ADDR=198.18.0.1
PREFIX_LEN=24
WORKERS=(1 2)
IMAGES=(busybox:latest alpine:3.10)
ENGINE_WAIT=60
STOP_WAIT=30
FWD_RULE=(FORWARD -i "$BRIDGE" -o "$BRIDGE" -m comment --comment dsdk-workers -j ACCEPT)

say()  { printf '%s: %s\n' "$PROG" "$*"; }
warn() { printf '%s: WARNING: %s\n' "$PROG" "$*" >&2; }
die()  { printf '%s: ERROR: %s\n' "$PROG" "$*" >&2; exit 1; }

ns()      { printf 'dsdk-w%s' "$1"; }
sock()    { printf '/var/run/dsdk-w%s.sock' "$1"; }
pidfile() { printf '%s/dsdk-w%s.pid' "$RUN_DIR" "$1"; }
logfile() { printf '%s/dsdk-w%s.log' "$LOG_DIR" "$1"; }
addr()    { printf '198.18.0.1%s' "$1"; }

show_log_tail() { # file
    if [ -s "$1" ]; then
        printf '%s: ----- last 30 lines of %s -----\n' "$PROG" "$1" >&2
        tail -n 30 "$1" >&2 || true
        printf '%s: ----- end of %s -----\n' "$PROG" "$1" >&2
    fi
}

# The docker CLI on one engine, with a private config dir.
dkh() { # sock args...
    local s=$1; shift
    env -u DOCKER_CONTEXT -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH -u DOCKER_API_VERSION \
        DOCKER_HOST="unix://$s" DOCKER_CONFIG="$RUN_DIR/workers-cli-config" docker "$@"
}

ping_sock() { # sock
    [ -S "$1" ] || return 1
    [ "$(curl --noproxy '*' --max-time 5 -sf --unix-socket "$1" http://localhost/_ping 2>/dev/null)" = OK ]
}

# pid from the pidfile when that process is alive and is dockerd
worker_pid() { # N
    local pf pid target
    pf=$(pidfile "$1")
    [ -f "$pf" ] || return 1
    pid=$(head -n1 "$pf" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    target=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
    [[ $target == "$DOCKERD" || $target == "$DOCKERD (deleted)" ]] || return 1
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1
    printf '%s\n' "$pid"
}

# shellcheck source=lib/procs.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/procs.sh"


# The containerd that worker N's dockerd started, when it still runs (e.g. left behind by a
# dockerd that was killed): it would keep the new dockerd's containerd from starting.  The
# pidfile goes too: dockerd takes any pid that kill -0 accepts, even a zombie not yet reaped,
# for a running containerd and then times out waiting for it.
stop_worker_containerd() { # N
    local n=$1 name pid pidf
    name=$(ns "$n") pidf="/var/run/$(ns "$1")/containerd/containerd.pid"
    pid=$(head -n1 "$pidf" 2>/dev/null || true)
    if [[ $pid =~ ^[0-9]+$ ]] && pid_running "$pid" &&
        [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == /usr/bin/containerd* ]] &&
        [[ $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) == *"/var/run/$name/"* ]]; then
        sleep 1 # dockerd normally stops its containerd itself
        if pid_running "$pid"; then
            say "$name: stopping containerd (pid $pid) left by dockerd"
            stop_pid "$pid" "$name containerd" 15 || true
        fi
    fi
    rm -f "$pidf"
}

ensure_tools() {
    local missing=() pkg
    command -v ip >/dev/null || missing+=(iproute2)
    command -v nsenter >/dev/null || missing+=(util-linux)
    command -v setsid >/dev/null || missing+=(util-linux)
    command -v iptables >/dev/null || missing+=(iptables)
    command -v curl >/dev/null || missing+=(curl)
    if [ ${#missing[@]} -gt 0 ]; then
        mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
        say "installing ${missing[*]} (log: $LOG_DIR/apt.log)"
        export DEBIAN_FRONTEND=noninteractive
        { apt-get -q -o DPkg::Lock::Timeout=600 update &&
          apt-get -q -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"; } \
            >>"$LOG_DIR/apt.log" 2>&1 || { show_log_tail "$LOG_DIR/apt.log"; die "apt-get install ${missing[*]} failed"; }
    fi
    [ -x "$DOCKERD" ] || die "$DOCKERD is missing: run 'bash scripts/engine.sh up' first"
    command -v docker >/dev/null || die "the docker CLI is missing: run 'bash scripts/engine.sh up' first"
    for pkg in ip nsenter setsid iptables curl; do
        command -v "$pkg" >/dev/null || die "$pkg is still missing"
    done
}

# ---------------------------------------------------------------- network

ensure_bridge() {
    if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
        ip link add "$BRIDGE" type bridge
    fi
    [[ $(ip addr show dev "$BRIDGE") == *"inet $BRIDGE_ADDR/"* ]] ||
        ip addr add "$BRIDGE_ADDR/$PREFIX_LEN" dev "$BRIDGE"
    ip link set "$BRIDGE" up
    iptables -C "${FWD_RULE[@]}" 2>/dev/null || iptables -I "${FWD_RULE[@]}"
}

ensure_netns() { # N
    local n=$1 name host_if
    name=$(ns "$n") host_if="$(ns "$n")-h"
    [ -e "/var/run/netns/$name" ] || ip netns add "$name"
    if ! ip link show "$host_if" >/dev/null 2>&1; then
        ip link add "$host_if" type veth peer name eth0 netns "$name"
    fi
    ip link set "$host_if" master "$BRIDGE"
    ip link set "$host_if" up
    ip -n "$name" link set lo up
    [[ $(ip -n "$name" addr show dev eth0) == *"inet $(addr "$n")/"* ]] ||
        ip -n "$name" addr add "$(addr "$n")/$PREFIX_LEN" dev eth0
    ip -n "$name" link set eth0 up
    ip -n "$name" route replace default via "$BRIDGE_ADDR"
}

# ---------------------------------------------------------------- engines

start_worker() { # N
    local n=$1 name logf pidf pid i cfg
    name=$(ns "$n") logf=$(logfile "$n") pidf=$(pidfile "$n")
    if pid=$(worker_pid "$n"); then
        if ping_sock "$(sock "$n")"; then
            say "$name: already running (dockerd pid $pid)"
            return 0
        fi
        say "$name: dockerd pid $pid does not answer yet; waiting for it"
    else
        rm -f "$pidf"
        stop_worker_containerd "$n"
        mkdir -p "/var/lib/$name" "/var/run/$name"
        cfg="/var/lib/$name/daemon.json"
        [ -s "$cfg" ] || printf '{}\n' >"$cfg"
        # keep logs bounded: one previous generation, rotated at start when over 50 MB
        if [ -f "$logf" ] && [ "$(stat -c %s "$logf")" -gt 52428800 ]; then
            mv -f "$logf" "$logf.1"
        fi
        printf '\n===== %s workers.sh starting %s =====\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$name" >>"$logf"
        (
            for fdpath in /proc/"$BASHPID"/fd/*; do
                fd=${fdpath##*/}
                case $fd in 0|1|2|255) ;; *) eval "exec ${fd}>&-" 2>/dev/null || true ;; esac
            done
            cd /
            exec setsid nohup env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
                DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 \
                nsenter --net="/var/run/netns/$name" \
                "$DOCKERD" --config-file "$cfg" \
                --data-root "/var/lib/$name" --exec-root "/var/run/$name" \
                --pidfile "$pidf" -H "unix://$(sock "$n")" \
                --iptables=false --ip-masq=false --bip "172.31.$n.1/24" \
                --userland-proxy=false --log-level info \
                </dev/null >>"$logf" 2>&1
        ) &
        pid=$!
        # setsid does not fork here (not a group leader) and nsenter --net execs dockerd
        printf '%s\n' "$pid" >"$pidf.start"
    fi
    for ((i = 0; i < ENGINE_WAIT * 2; i++)); do
        if ping_sock "$(sock "$n")"; then
            rm -f "$pidf.start"
            pid=$(worker_pid "$n") || pid='?'
            say "$name: up on unix://$(sock "$n") (dockerd pid $pid, $(addr "$n")) after ~$((i / 2))s"
            return 0
        fi
        if ! pid_running "$pid"; then
            show_log_tail "$logf"
            die "$name: dockerd exited during start-up; log: $logf"
        fi
        sleep 0.5
    done
    show_log_tail "$logf"
    die "$name: dockerd did not answer _ping on $(sock "$n") within ${ENGINE_WAIT}s; log: $logf"
}

leave_stale_swarm() { # N
    local n=$1 state
    state=$(dkh "$(sock "$n")" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null) || state=unknown
    case $state in
        inactive) ;;
        *)
            say "$(ns "$n"): swarm state '$state' left over; leaving it"
            timeout 60 docker -H "unix://$(sock "$n")" swarm leave --force >/dev/null 2>&1 ||
                warn "$(ns "$n"): swarm leave --force failed"
            ;;
    esac
}

load_images() { # N
    local n=$1 img missing=()
    for img in "${IMAGES[@]}"; do
        dkh "$(sock "$n")" image inspect "$img" >/dev/null 2>&1 || missing+=("$img")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    for img in "${missing[@]}"; do
        dkh "$MAIN_SOCK" image inspect "$img" >/dev/null 2>&1 ||
            timeout 120 docker -H "unix://$MAIN_SOCK" pull -q "$img" >/dev/null ||
            die "cannot pull $img on the main engine (is 'bash scripts/engine.sh up' done?)"
    done
    dkh "$MAIN_SOCK" save "${missing[@]}" | dkh "$(sock "$n")" load -q >/dev/null ||
        die "$(ns "$n"): docker save | docker load of ${missing[*]} failed"
    say "$(ns "$n"): loaded ${missing[*]} from the main engine"
}

cmd_up() {
    local t0=$SECONDS n i out
    mkdir -p "$LOG_DIR" "$RUN_DIR" "$RUN_DIR/workers-cli-config"
    exec 8>"$RUN_DIR/workers.lock"
    flock -w 300 8 || die "another workers.sh is running (lock $RUN_DIR/workers.lock)"
    ensure_tools
    ping_sock "$MAIN_SOCK" || die "the main engine does not answer on $MAIN_SOCK: run 'bash scripts/engine.sh up' first"
    ensure_bridge
    for n in "${WORKERS[@]}"; do
        ensure_netns "$n"
        start_worker "$n"
        leave_stale_swarm "$n"
        load_images "$n"
    done
    # each namespace must reach the host side (where the main engine listens for swarm)
    for n in "${WORKERS[@]}"; do
        # a closed port answers "refused" when the address is reachable (a fresh link may
        # take a moment)
        for ((i = 0; ; i++)); do
            out=$(timeout 3 nsenter --net="/var/run/netns/$(ns "$n")" \
                bash -c "exec 3<>/dev/tcp/$BRIDGE_ADDR/9" 2>&1) || true
            [[ $out == *refused* ]] && break
            [ "$i" -lt 20 ] || die "$(ns "$n") cannot reach $BRIDGE_ADDR (no TCP answer within ~10s)"
            sleep 0.5
        done
    done
    say "UP in $((SECONDS - t0))s: workers $(for n in "${WORKERS[@]}"; do printf '%s=%s ' "$(sock "$n")" "$(addr "$n")"; done)host side $BRIDGE_ADDR on $BRIDGE"
}

cmd_down() {
    local n pid name
    mkdir -p "$RUN_DIR"
    exec 8>"$RUN_DIR/workers.lock"
    flock -w 300 8 || die "another workers.sh is running (lock $RUN_DIR/workers.lock)"
    for n in "${WORKERS[@]}"; do
        name=$(ns "$n")
        if ping_sock "$(sock "$n")"; then
            leave_stale_swarm "$n"
        fi
        if pid=$(worker_pid "$n"); then
            say "$name: stopping dockerd (pid $pid)"
            stop_pid "$pid" "$name dockerd" "$STOP_WAIT" || true
        elif [ -f "$(pidfile "$n").start" ] && pid=$(head -n1 "$(pidfile "$n").start") && pid_running "$pid" &&
            [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$DOCKERD"* ]]; then
            say "$name: stopping dockerd (pid $pid, never answered)"
            stop_pid "$pid" "$name dockerd" "$STOP_WAIT" || true
        else
            say "$name: not running"
        fi
        stop_worker_containerd "$n"
        rm -f "$(pidfile "$n")" "$(pidfile "$n").start"
        ip link del "$name-h" 2>/dev/null || true
        if [ -e "/var/run/netns/$name" ]; then
            ip netns del "$name" || warn "could not remove network namespace $name"
        fi
    done
    while iptables -C "${FWD_RULE[@]}" 2>/dev/null; do iptables -D "${FWD_RULE[@]}"; done
    if ip link show "$BRIDGE" >/dev/null 2>&1; then
        ip link del "$BRIDGE" || warn "could not remove $BRIDGE"
    fi
    say "down (data dirs /var/lib/dsdk-w1, /var/lib/dsdk-w2 are kept)"
}

cmd_status() {
    local n ok=0 pid state ver
    for n in "${WORKERS[@]}"; do
        if ping_sock "$(sock "$n")"; then
            pid=$(worker_pid "$n") || pid='?'
            state=$(dkh "$(sock "$n")" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null) || state='?'
            ver=$(dkh "$(sock "$n")" version --format '{{.Server.Version}}' 2>/dev/null) || ver='?'
            say "$(ns "$n")  UP    unix://$(sock "$n")  $(addr "$n")  Engine $ver, dockerd pid $pid, swarm: $state"
        else
            say "$(ns "$n")  DOWN  unix://$(sock "$n")  (namespace: $([ -e "/var/run/netns/$(ns "$n")" ] && echo present || echo absent); log: $(logfile "$n"))"
            ok=1
        fi
    done
    return $ok
}

main() {
    [ "$(id -u)" = 0 ] || die "must run as root"
    case ${1:-} in
        up) cmd_up ;;
        down) cmd_down ;;
        status) cmd_status ;;
        *) printf 'usage: %s up|down|status\n' "$PROG" >&2; exit 2 ;;
    esac
}

main "$@"
