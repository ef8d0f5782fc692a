#!/usr/bin/env bash
# scripts/tls_engine.sh - a second, TLS-only Docker engine for the TLS tests.
#
#   bash scripts/tls_engine.sh up      generate the certificates (once) and start the engine
#   bash scripts/tls_engine.sh down    stop it (certificates and data stay)
#   bash scripts/tls_engine.sh status  exit 0 when it answers
#   (a second argument `plain` acts on a plain-TCP twin on 127.0.0.1:2375 instead, which only
#   benchmarks/bench_transports.py uses, to compare TLS with plain TCP on the same kind of engine)
#
# The shared engine of scripts/engine.sh (unix:///var/run/docker.sock) is never touched:
# this is a separate dockerd with its own data root, exec root (so its own containerd, which
# dockerd 20.10 starts under <exec-root>/containerd when --containerd is not given), pidfile
# and an empty config file. It listens on
#   * tcp://127.0.0.1:2376 with --tlsverify (client certificate required), and
#   * unix:///var/run/dsdk-tls.sock (plain, for set-up and for the status check).
# Its own bridge (dsdk-tls0), no iptables rules: it only answers API calls.
#
# Certificates (openssl, generated once) under /var/lib/docker-testbed/tls/:
#   ca.pem ca-key.pem            the CA the daemon trusts and the clients use
#   server.pem server-key.pem    the daemon: SAN IP:127.0.0.1, DNS:localhost
#   client.pem client-key.pem    a client certificate signed by the CA
#   other-ca.pem other-ca-key.pem   a second, unrelated CA
#   other-client.pem other-client-key.pem   a client certificate signed by the second CA
#   localhost-only.pem localhost-only-key.pem   a server certificate for DNS:localhost only
set -euo pipefail

PROG=tls_engine.sh
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
export LC_ALL=C

DOCKERD=/usr/sbin/dockerd
TLS_DIR=/var/lib/docker-testbed/tls
DATA_ROOT=/var/lib/dsdk-tls
EXEC_ROOT=/var/run/dsdk-tls
PIDFILE=/var/run/dsdk-tls.pid
SOCK=/var/run/dsdk-tls.sock
CONFIG_FILE=$TLS_DIR/daemon.json
LOG_DIR=/var/log/docker-testbed
LOG=$LOG_DIR/dsdk-tls-dockerd.log
LOCK=/run/docker-testbed/tls-engine.lock
PORT=2376
BRIDGE=dsdk-tls0
BRIDGE_CIDR=172.30.231.1/24
WAIT=60
TLS_FLAGS=(--tlsverify --tlscacert "$TLS_DIR/ca.pem" --tlscert "$TLS_DIR/server.pem" --tlskey "$TLS_DIR/server-key.pem")
SCHEME=https
KIND="TLS, client certificate required"

# `tls_engine.sh ACTION plain`: the same engine without TLS, for comparisons only
# (benchmarks/bench_transports.py): plain tcp://127.0.0.1:2375, its own data, socket and bridge.
if [ "${2:-}" = plain ]; then
    PROG="tls_engine.sh (plain)"
    DATA_ROOT=/var/lib/dsdk-plain
    EXEC_ROOT=/var/run/dsdk-plain
    PIDFILE=/var/run/dsdk-plain.pid
    SOCK=/var/run/dsdk-plain.sock
    LOG=$LOG_DIR/dsdk-plain-dockerd.log
    LOCK=/run/docker-testbed/plain-engine.lock
    PORT=2375
    BRIDGE=dsdk-plain0
    BRIDGE_CIDR=172.30.232.1/24
    TLS_FLAGS=()
    SCHEME=http
    KIND="plain TCP, benchmarks only"
fi

say()  { printf '%s: %s\n' "$PROG" "$*"; }
die()  { printf '%s: ERROR: %s\n' "$PROG" "$*" >&2; exit 1; }

show_log_tail() {
    if [ -s "$LOG" ]; then
        printf '%s: ----- last 30 lines of %s -----\n' "$PROG" "$LOG" >&2
        tail -n 30 "$LOG" >&2 || true
        printf '%s: ----- end -----\n' "$PROG" >&2
    fi
}

ping_unix() {
    [ -S "$SOCK" ] || return 1
    [ "$(curl --noproxy '*' --max-time 5 -s -f --unix-socket "$SOCK" http://localhost/_ping 2>/dev/null)" = OK ]
}

ping_tls() {
    [ "$(curl --noproxy '*' --max-time 5 -s -f --cacert "$TLS_DIR/ca.pem" \
        --cert "$TLS_DIR/client.pem" --key "$TLS_DIR/client-key.pem" \
        "$SCHEME://127.0.0.1:$PORT/_ping" 2>/dev/null)" = OK ]
}

# The pid in the pidfile when that process is alive and is dockerd.
daemon_pid() {
    local pid
    [ -f "$PIDFILE" ] || return 1
    pid=$(head -n1 "$PIDFILE" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$DOCKERD"* ]] || return 1
    printf '%s\n' "$pid"
}

ossl() { openssl "$@" >>"$TLS_DIR/openssl.log" 2>&1 || die "openssl $* failed (see $TLS_DIR/openssl.log)"; }

make_ca() { # name cn
    ossl req -x509 -newkey rsa:2048 -nodes -keyout "$1-key.pem" -out "$1.pem" -days 3650 \
        -subj "/CN=$2" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}

make_cert() { # name cn ca extfile-content
    local name=$1 cn=$2 ca=$3 ext=$4
    printf '%s\n' "$ext" >"$name.ext"
    ossl req -newkey rsa:2048 -nodes -keyout "$name-key.pem" -out "$name.csr" -subj "/CN=$cn"
    ossl x509 -req -in "$name.csr" -CA "$ca.pem" -CAkey "$ca-key.pem" -CAcreateserial \
        -out "$name.pem" -days 3650 -extfile "$name.ext"
    rm -f "$name.csr" "$name.ext"
}

ensure_certs() {
    [ -f "$TLS_DIR/.complete" ] && return 0
    command -v openssl >/dev/null || die "openssl is not installed (apt-get install openssl)"
    say "generating certificates under $TLS_DIR"
    rm -rf "$TLS_DIR"
    mkdir -p "$TLS_DIR"
    chmod 0755 "$TLS_DIR"
    (
        cd "$TLS_DIR"
        make_ca ca dsdk-test-ca
        make_ca other-ca dsdk-other-ca
        make_cert server dsdk-tls-server ca \
            "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth"
        make_cert localhost-only localhost ca \
            "subjectAltName=DNS:localhost
extendedKeyUsage=serverAuth"
        make_cert client dsdk-client ca "extendedKeyUsage=clientAuth"
        make_cert other-client dsdk-other-client other-ca "extendedKeyUsage=clientAuth"
        chmod 0644 ./*.pem
        printf '{}\n' >daemon.json
        touch .complete
    )
}

cmd_up() {
    mkdir -p "$LOG_DIR" /run/docker-testbed
    exec 9>"$LOCK"
    flock -w 300 9 || die "another $PROG is running (lock $LOCK)"
    [ "$(id -u)" = 0 ] || die "must run as root"
    [ -x "$DOCKERD" ] || die "$DOCKERD is missing: run scripts/engine.sh up first"
    ensure_certs
    local pid i
    if pid=$(daemon_pid) && ping_unix && ping_tls; then
        say "already running (dockerd pid $pid) on tcp://127.0.0.1:$PORT ($KIND) and unix://$SOCK"
        return 0
    fi
    if ! pid=$(daemon_pid); then
        if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null; then
            die "something else already listens on 127.0.0.1:$PORT; stop it first"
        fi
        rm -f "$PIDFILE" "$SOCK"
        mkdir -p "$DATA_ROOT" "$EXEC_ROOT"
        # Its own bridge: with --bridge=none, dockerd deletes the docker0 interface at start-up,
        # which is the main engine's bridge in this (host) network namespace.
        if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
            ip link add "$BRIDGE" type bridge
            ip addr add "$BRIDGE_CIDR" dev "$BRIDGE"
        fi
        ip link set "$BRIDGE" up
        printf '\n===== %s %s starting =====\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$PROG" >>"$LOG"
        (
            for fdpath in /proc/"$BASHPID"/fd/*; do
                fd=${fdpath##*/}
                case $fd in 0|1|2|255) ;; *) eval "exec ${fd}>&-" 2>/dev/null || true ;; esac
            done
            cd /
            exec setsid nohup env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
                "$DOCKERD" \
                --config-file "$CONFIG_FILE" \
                --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" --pidfile "$PIDFILE" \
                -H "unix://$SOCK" -H "tcp://127.0.0.1:$PORT" \
                ${TLS_FLAGS[@]+"${TLS_FLAGS[@]}"} \
                --bridge="$BRIDGE" --iptables=false --ip-forward=false --ip-masq=false \
                </dev/null >>"$LOG" 2>&1
        ) &
        say "starting $DOCKERD (log: $LOG)"
    fi
    for ((i = 0; i < WAIT * 2; i++)); do
        if ping_unix && ping_tls; then
            pid=$(daemon_pid || echo '?')
            say "up: tcp://127.0.0.1:$PORT ($KIND) and unix://$SOCK (dockerd pid $pid, ~$((i / 2))s)"
            return 0
        fi
        if [ "$i" -gt 10 ] && ! daemon_pid >/dev/null && ! pgrep -f -- "--pidfile $PIDFILE" >/dev/null 2>&1; then
            show_log_tail
            die "dockerd exited during start-up; log: $LOG"
        fi
        sleep 0.5
    done
    show_log_tail
    if ping_unix; then
        die "dockerd answers on unix://$SOCK but not with TLS on 127.0.0.1:$PORT within ${WAIT}s; log: $LOG"
    fi
    die "dockerd did not answer within ${WAIT}s; log: $LOG (left running; '$PROG down' stops it)"
}

cmd_down() {
    mkdir -p /run/docker-testbed
    exec 9>"$LOCK"
    flock -w 300 9 || die "another $PROG is running (lock $LOCK)"
    local pid i
    if ! pid=$(daemon_pid); then
        say "not running"
        rm -f "$PIDFILE"
        return 0
    fi
    say "stopping dockerd (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
        [ -d "/proc/$pid" ] || break
        sleep 0.2
    done
    if [ -d "/proc/$pid" ]; then
        say "dockerd (pid $pid) did not stop within 30s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    # dockerd stops the containerd it started; one left behind (after SIGKILL) is stopped here.
    local cpid
    cpid=$(head -n1 "$EXEC_ROOT/containerd/containerd.pid" 2>/dev/null || true)
    if [[ $cpid =~ ^[0-9]+$ ]] && [[ $(readlink "/proc/$cpid/exe" 2>/dev/null) == /usr/bin/containerd* ]]; then
        sleep 1
        if [ -d "/proc/$cpid" ]; then
            say "stopping containerd (pid $cpid) left by dockerd"
            kill -TERM "$cpid" 2>/dev/null || true
        fi
    fi
    rm -f "$PIDFILE"
    say "stopped (certificates in $TLS_DIR and data in $DATA_ROOT are kept)"
}

cmd_status() {
    if ping_unix && ping_tls; then
        say "UP: tcp://127.0.0.1:$PORT ($KIND) and unix://$SOCK"
        return 0
    fi
    say "DOWN"
    return 1
}

case ${1:-} in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    *) printf 'usage: %s up|down|status [plain]\n' "$PROG" >&2; exit 2 ;;
esac
