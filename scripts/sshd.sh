#!/usr/bin/env bash
# scripts/sshd.sh - an OpenSSH server on loopback for the ssh:// transport tests.
#
#   bash scripts/sshd.sh up      generate keys (once), write the configs and start sshd
#   bash scripts/sshd.sh down    stop it (keys and configs stay)
#   bash scripts/sshd.sh status  exit 0 when it answers
#
# The server is a separate sshd (never the system's port 22 service) listening on
#   * 127.0.0.1:2222  root logs in with the generated client key; `docker` is on PATH, so
#                     `docker system dial-stdio` reaches the engine of scripts/engine.sh;
#   * 127.0.0.1:2223  the same, but sessions get PATH=/nonexistent: a "remote without docker".
# Files under /var/lib/docker-testbed/ssh/: host key, client key (authorized), a second client
# key that is not authorized, and a known_hosts file with the host key under the alias
# "dsdk-sshd".
#
# The client side is a drop-in file /etc/ssh/ssh_config.d/dsdk-testbed.conf (Debian's
# ssh_config includes that directory) with host aliases, so the library's plain `ssh` calls
# pick the right key and known_hosts without any option of ours:
#   dsdk-ssh              good key, known host key            ssh://root@dsdk-ssh:2222
#   dsdk-ssh-nodocker     the same, port 2223 (no docker)     ssh://root@dsdk-ssh-nodocker:2223
#   dsdk-ssh-badkey       a key the server does not accept
#   dsdk-ssh-unknownhost  an empty known_hosts (host key verification fails)
#   dsdk-ssh-port         like dsdk-ssh, with "Port 2222" set  ssh://root@dsdk-ssh-port
set -euo pipefail

PROG=sshd.sh
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
export LC_ALL=C

SSHD=/usr/sbin/sshd
DIR=/var/lib/docker-testbed/ssh
RUN_DIR=/run/docker-testbed
PIDFILE=$RUN_DIR/sshd.pid
LOG_DIR=/var/log/docker-testbed
LOG=$LOG_DIR/sshd.log
CONF=$DIR/sshd_config
CLIENT_CONF=/etc/ssh/ssh_config.d/dsdk-testbed.conf
PORT=2222
NODOCKER_PORT=2223
WAIT=30

say() { printf '%s: %s\n' "$PROG" "$*"; }
warn() { printf '%s: WARNING: %s\n' "$PROG" "$*" >&2; }
die() {
    printf '%s: ERROR: %s\n' "$PROG" "$*" >&2
    if [ -s "$LOG" ]; then
        printf '%s: ----- last 20 lines of %s -----\n' "$PROG" "$LOG" >&2
        tail -n 20 "$LOG" >&2 || true
    fi
    exit 1
}

# shellcheck source=lib/procs.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/procs.sh"

running() {
    [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

answers() {
    timeout 10 ssh -p "$PORT" root@dsdk-ssh true </dev/null >/dev/null 2>&1
}

ensure_installed() {
    if [ ! -x "$SSHD" ] || ! command -v ssh >/dev/null || ! command -v ssh-keygen >/dev/null; then
        # engine.sh installs openssh-server/openssh-client with the rest of the test bed
        # (without letting the package start the system's sshd on port 22).
        bash "$(dirname "$0")/engine.sh" up >/dev/null
    fi
    [ -x "$SSHD" ] || die "$SSHD is missing: apt-get install openssh-server"
}

write_files() {
    mkdir -p "$DIR" "$RUN_DIR" "$LOG_DIR" /run/sshd /etc/ssh/ssh_config.d
    chmod 0700 "$DIR"
    [ -s "$DIR/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C dsdk-sshd -f "$DIR/host_ed25519"
    [ -s "$DIR/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C dsdk-client -f "$DIR/id_ed25519"
    [ -s "$DIR/wrong_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C dsdk-wrong -f "$DIR/wrong_ed25519"
    cp "$DIR/id_ed25519.pub" "$DIR/authorized_keys"
    printf 'dsdk-sshd %s\n' "$(cut -d' ' -f1-2 "$DIR/host_ed25519.pub")" >"$DIR/known_hosts"
    cat >"$CONF" <<EOF
# written by scripts/sshd.sh
Port $PORT
Port $NODOCKER_PORT
ListenAddress 127.0.0.1
HostKey $DIR/host_ed25519
PidFile $PIDFILE
AuthorizedKeysFile $DIR/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxStartups 100
MaxSessions 50
PrintMotd no
Match LocalPort $NODOCKER_PORT
    SetEnv PATH=/nonexistent
EOF
    local common
    common="    HostName 127.0.0.1
    HostKeyAlias dsdk-sshd
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    IdentitiesOnly yes
    BatchMode yes
    LogLevel ERROR"
    cat >"$CLIENT_CONF" <<EOF
# written by scripts/sshd.sh (test bed of the docker SDK); remove with the test bed.
Host dsdk-ssh-badkey
    IdentityFile $DIR/wrong_ed25519
    UserKnownHostsFile $DIR/known_hosts
$common
Host dsdk-ssh-unknownhost
    IdentityFile $DIR/id_ed25519
    UserKnownHostsFile /dev/null
$common
Host dsdk-ssh dsdk-ssh-nodocker
    IdentityFile $DIR/id_ed25519
    UserKnownHostsFile $DIR/known_hosts
$common
Host dsdk-ssh-port
    Port $PORT
    IdentityFile $DIR/id_ed25519
    UserKnownHostsFile $DIR/known_hosts
$common
EOF
}

cmd_up() {
    ensure_installed
    write_files
    if running && answers; then
        say "UP (already running, pid $(cat "$PIDFILE")): ssh://root@dsdk-ssh:$PORT"
        return 0
    fi
    if running; then
        stop_pid "$(cat "$PIDFILE")" sshd 5 || true
    fi
    "$SSHD" -t -f "$CONF" 2>>"$LOG" || die "sshd rejected $CONF"
    "$SSHD" -f "$CONF" -E "$LOG" || die "sshd did not start"
    local i
    for ((i = 0; i < WAIT * 5; i++)); do
        if running && answers; then
            say "UP: ssh://root@dsdk-ssh:$PORT (no docker on :$NODOCKER_PORT), log $LOG"
            return 0
        fi
        sleep 0.2
    done
    die "sshd did not answer on 127.0.0.1:$PORT within ${WAIT}s (try: ssh -v -p $PORT root@dsdk-ssh true)"
}

cmd_down() {
    if running; then
        stop_pid "$(cat "$PIDFILE")" sshd 5 || true
    fi
    rm -f "$PIDFILE"
    say "DOWN"
}

cmd_status() {
    if running && answers; then
        say "UP (pid $(cat "$PIDFILE")): ssh://root@dsdk-ssh:$PORT"
        return 0
    fi
    say "DOWN"
    return 1
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
*)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
