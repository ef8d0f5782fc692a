#!/usr/bin/env bash
# scripts/engine.sh - the project's real-engine test bed.
#
#   bash scripts/engine.sh up      install (first run only) and start everything
#   bash scripts/engine.sh status  tell what answers; exit 0 only if all of it does
#   bash scripts/engine.sh down    stop what this script started (packages and data stay)
#
# What "up" gives (Debian 12, root, no systemd, no Docker Hub):
#   * Docker Engine 20.10 (Debian's docker.io, API 1.41) on unix:///var/run/docker.sock,
#     with registry mirror http://127.0.0.1:5000
#   * registry 127.0.0.1:5000: no auth; the mirror. It holds library/alpine:3.10,
#     library/alpine:latest, library/busybox:latest and library/hello-world:latest, all
#     built offline from busybox-static, so `docker pull alpine:3.10` works offline.
#   * registry 127.0.0.1:5001: htpasswd auth, user testuser / password testpassword.
# Services run as detached background processes (setsid + nohup, all fds redirected)
# with pidfiles in /run/docker-testbed and logs in /var/log/docker-testbed.
# Running "up" again when everything answers is quick and changes nothing.
set -euo pipefail

PROG=engine.sh
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
export LC_ALL=C

STATE_DIR=/var/lib/docker-testbed
LOG_DIR=/var/log/docker-testbed
RUN_DIR=/run/docker-testbed

ENGINE_SOCK=/var/run/docker.sock
DOCKERD=/usr/sbin/dockerd
DOCKER_CLI=/usr/bin/docker          # the CLI that ships with the engine (20.10)
REGISTRY_BIN=/usr/bin/docker-registry
BUSYBOX=/bin/busybox
DAEMON_JSON=/etc/docker/daemon.json

MIRROR_PORT=5000
AUTH_PORT=5001
MIRROR_URL="http://127.0.0.1:${MIRROR_PORT}"
REG_USER=testuser
REG_PASS=testpassword
HTPASSWD_FILE="$STATE_DIR/config/htpasswd"

PACKAGES=(docker.io docker-registry busybox-static apache2-utils openssh-server openssh-client tinyproxy)
# repository:tag pushed to the mirror registry
IMAGE_REFS=(library/alpine:3.10 library/alpine:latest library/busybox:latest library/hello-world:latest)
VERIFY_IMAGE=alpine:3.10

CHANGED=0           # set to 1 when this run started or pushed something
ENGINE_WAIT=60      # seconds to wait for dockerd's _ping
REGISTRY_WAIT=30    # seconds to wait for a registry
DOCKERD_STOP_WAIT=60

# ---------------------------------------------------------------- helpers

say()  { printf '%s: %s\n' "$PROG" "$*"; }
warn() { printf '%s: WARNING: %s\n' "$PROG" "$*" >&2; }
die()  { printf '%s: ERROR: %s\n' "$PROG" "$*" >&2; exit 1; }

# Show the last lines of a log file on stderr.
show_log_tail() { # file [lines]
    local f=$1 n=${2:-30}
    if [ -s "$f" ]; then
        printf '%s: ----- last %s lines of %s -----\n' "$PROG" "$n" "$f" >&2
        tail -n "$n" "$f" >&2 || true
        printf '%s: ----- end of %s -----\n' "$PROG" "$f" >&2
    else
        printf '%s: (log %s is empty or missing)\n' "$PROG" "$f" >&2
    fi
}

# curl that never goes through a proxy and never waits long.
lcurl() { curl --noproxy '*' --max-time 5 -s "$@"; }

engine_ping() {
    [ -S "$ENGINE_SOCK" ] || return 1
    [ "$(lcurl -f --unix-socket "$ENGINE_SOCK" http://localhost/_ping 2>/dev/null)" = OK ]
}

mirror_answers() { lcurl -f -o /dev/null "http://127.0.0.1:${MIRROR_PORT}/v2/" 2>/dev/null; }

auth_answers() { # answers 401 without credentials
    local code
    code=$(lcurl -o /dev/null -w '%{http_code}' "http://127.0.0.1:${AUTH_PORT}/v2/" 2>/dev/null) || true
    [ "$code" = 401 ]
}

auth_creds_work() {
    lcurl -f -o /dev/null -u "${REG_USER}:${REG_PASS}" "http://127.0.0.1:${AUTH_PORT}/v2/" 2>/dev/null
}

registry_answers() { # port
    case $1 in
        "$MIRROR_PORT") mirror_answers ;;
        "$AUTH_PORT") auth_answers ;;
        *) return 1 ;;
    esac
}

# Is anything accepting TCP connections on 127.0.0.1:port?
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# The docker CLI matching the engine, talking to our socket only, with a private
# config dir (never touches ~/.docker).
dk() {
    env -u DOCKER_CONTEXT -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH -u DOCKER_API_VERSION \
        DOCKER_HOST="unix://${ENGINE_SOCK}" DOCKER_CONFIG="$STATE_DIR/cli-config" \
        "$DOCKER_CLI" "$@"
}

# Print the pid recorded in pidfile if that process is alive and runs exe.
pid_alive_as() { # pidfile exe
    local pf=$1 exe=$2 pid target
    [ -f "$pf" ] || return 1
    pid=$(head -n1 "$pf" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [ -d "/proc/$pid" ] || return 1
    target=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
    [[ $target == "$exe" || $target == "$exe (deleted)" ]] || return 1
    printf '%s\n' "$pid"
}

# shellcheck source=lib/procs.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/procs.sh"

# Start a service fully detached: own session, stdin from /dev/null, stdout/stderr to
# its log, every other inherited fd closed (so it never holds a caller's pipe open),
# clean environment. Writes its pid to $RUN_DIR/<name>.pid.
spawn() { # name cmd args...
    local name=$1; shift
    local logf="$LOG_DIR/$name.log" pidf="$RUN_DIR/$name.pid"
    # keep logs bounded: one previous generation, rotated at start when over 50 MB
    if [ -f "$logf" ] && [ "$(stat -c %s "$logf")" -gt 52428800 ]; then
        mv -f "$logf" "$logf.1"
    fi
    printf '\n===== %s engine.sh starting: %s =====\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$logf"
    (
        for fdpath in /proc/"$BASHPID"/fd/*; do
            fd=${fdpath##*/}
            case $fd in 0|1|2|255) ;; *) eval "exec ${fd}>&-" 2>/dev/null || true ;; esac
        done
        cd /
        # Not a process-group leader here (no job control), so setsid does not fork
        # and the pid below is the daemon's own pid.
        exec setsid nohup env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
            "$@" </dev/null >>"$logf" 2>&1
    ) &
    printf '%s\n' "$!" >"$pidf"
}


# Write content (stdin) to path only if it differs; prints "changed" when written.
write_if_changed() { # path mode
    local path=$1 mode=$2 tmp
    tmp=$(mktemp "${path}.XXXXXX")
    cat >"$tmp"
    if [ -f "$path" ] && cmp -s "$tmp" "$path"; then
        rm -f "$tmp"
        return 0
    fi
    chmod "$mode" "$tmp"
    mv -f "$tmp" "$path"
    echo changed
}

ensure_dirs() {
    mkdir -p "$STATE_DIR/config" "$LOG_DIR" "$RUN_DIR" "$STATE_DIR/cli-config"
}

# ---------------------------------------------------------------- packages

POLICY_RC=/usr/sbin/policy-rc.d
POLICY_RC_STATE=none   # none | created | replaced

restore_policy_rc() {
    case $POLICY_RC_STATE in
        created) rm -f "$POLICY_RC" ;;
        replaced) mv -f "$POLICY_RC.engine-sh-saved" "$POLICY_RC" ;;
    esac
    POLICY_RC_STATE=none
}

block_service_starts() {
    # Package postinst scripts must not try to start services (no systemd here, and
    # a distro-started dockerd or registry would take our socket/ports).
    if [ -e "$POLICY_RC" ] && grep -qx 'exit 101' "$POLICY_RC" 2>/dev/null; then
        return 0   # already blocks everything
    fi
    if [ -e "$POLICY_RC" ]; then
        mv -f "$POLICY_RC" "$POLICY_RC.engine-sh-saved"
        POLICY_RC_STATE=replaced
    else
        POLICY_RC_STATE=created
    fi
    printf '#!/bin/sh\n# temporary, written by scripts/engine.sh during apt-get install\nexit 101\n' >"$POLICY_RC"
    chmod 0755 "$POLICY_RC"
}

pkg_installed() {
    dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | grep -q '^ii'
}

ensure_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        pkg_installed "$p" || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    local log="$LOG_DIR/apt.log"
    say "installing Debian packages: ${missing[*]} (log: $log; takes a few minutes)"
    command -v apt-get >/dev/null || die "apt-get not found: this script needs Debian 12"
    block_service_starts
    export DEBIAN_FRONTEND=noninteractive
    local aptopts=(-q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    if ! apt-get "${aptopts[@]}" update >>"$log" 2>&1; then
        show_log_tail "$log"
        die "apt-get update failed (see $log)"
    fi
    if ! apt-get "${aptopts[@]}" install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
        show_log_tail "$log"
        die "apt-get install ${missing[*]} failed (see $log)"
    fi
    restore_policy_rc
    for p in "${missing[@]}"; do
        pkg_installed "$p" || die "package $p is still not installed after apt-get install (see $log)"
    done
    say "installed: ${missing[*]}"
}

check_binaries() {
    local b
    for b in "$DOCKERD" "$REGISTRY_BIN" "$BUSYBOX" /usr/bin/containerd /usr/bin/htpasswd; do
        [ -x "$b" ] || die "$b is missing although its package is installed (reinstall it: apt-get install --reinstall ...)"
    done
    if [ ! -x "$DOCKER_CLI" ]; then
        DOCKER_CLI=$(command -v docker || true)
        [ -n "$DOCKER_CLI" ] || die "no docker CLI found (expected /usr/bin/docker from docker.io)"
    fi
}

# ---------------------------------------------------------------- registries

write_registry_config() { # port mode -> prints config path
    local port=$1 mode=$2 conf="$STATE_DIR/config/registry-$1.yml"
    mkdir -p "$STATE_DIR/registry-$port"
    {
        cat <<YAML
# written by scripts/engine.sh
version: 0.1
log:
  level: info
  fields:
    service: registry-$port
storage:
  filesystem:
    rootdirectory: $STATE_DIR/registry-$port
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: docker-testbed-registry-$port
  headers:
    X-Content-Type-Options: [nosniff]
YAML
        if [ "$mode" = auth ]; then
            cat <<YAML
auth:
  htpasswd:
    realm: docker-testbed-registry
    path: $HTPASSWD_FILE
YAML
        fi
    } | write_if_changed "$conf" 0644 >/dev/null
    printf '%s\n' "$conf"
}

ensure_htpasswd() {
    if [ -s "$HTPASSWD_FILE" ] && htpasswd -vb "$HTPASSWD_FILE" "$REG_USER" "$REG_PASS" >/dev/null 2>&1; then
        return 0
    fi
    htpasswd -Bbn "$REG_USER" "$REG_PASS" | sed '/^$/d' | write_if_changed "$HTPASSWD_FILE" 0644 >/dev/null
}

ensure_registry() { # port mode(open|auth)
    local port=$1 mode=$2 name="registry-$1" pid conf i
    local pidf="$RUN_DIR/$name.pid" logf="$LOG_DIR/$name.log"
    if registry_answers "$port"; then
        if pid=$(pid_alive_as "$pidf" "$REGISTRY_BIN"); then
            say "$name: already running (pid $pid)"
        else
            say "$name: something already answers on 127.0.0.1:$port (not started by engine.sh); using it"
        fi
        return 0
    fi
    if pid=$(pid_alive_as "$pidf" "$REGISTRY_BIN"); then
        warn "$name: pid $pid (started by engine.sh) does not answer; restarting it"
        stop_pid "$pid" "$name" 10 || true
    fi
    rm -f "$pidf"
    if port_open "$port"; then
        die "$name: 127.0.0.1:$port is taken by something that does not answer like the expected registry; free the port and rerun"
    fi
    if [ "$mode" = auth ]; then
        ensure_htpasswd
    fi
    conf=$(write_registry_config "$port" "$mode")
    say "$name: starting $REGISTRY_BIN serve $conf (log: $logf)"
    spawn "$name" "$REGISTRY_BIN" serve "$conf"
    CHANGED=1
    pid=$(cat "$pidf")
    for ((i = 0; i < REGISTRY_WAIT * 5; i++)); do
        registry_answers "$port" && { say "$name: up on http://127.0.0.1:$port (pid $pid)"; return 0; }
        if ! pid_running "$pid"; then
            show_log_tail "$logf"
            rm -f "$pidf"
            die "$name: the registry process (pid $pid) exited right after start; log: $logf"
        fi
        sleep 0.2
    done
    show_log_tail "$logf"
    die "$name: no answer on http://127.0.0.1:$port/v2/ after ${REGISTRY_WAIT}s; log: $logf"
}

# ---------------------------------------------------------------- engine

ensure_daemon_json() {
    mkdir -p "$(dirname "$DAEMON_JSON")"
    if [ ! -s "$DAEMON_JSON" ]; then
        printf '{\n  "registry-mirrors": ["%s"]\n}\n' "$MIRROR_URL" >"$DAEMON_JSON"
        say "wrote $DAEMON_JSON (registry-mirrors: $MIRROR_URL)"
        return 0
    fi
    local py
    py=$(command -v python3 || true)
    [ -n "$py" ] || die "python3 is needed to merge registry-mirrors into the existing $DAEMON_JSON"
    "$py" - "$DAEMON_JSON" "$MIRROR_URL" <<'PY'
import json, os, shutil, sys
path, mirror = sys.argv[1], sys.argv[2]
with open(path) as f:
    text = f.read()
try:
    cfg = json.loads(text) if text.strip() else {}
except ValueError as e:
    sys.exit("engine.sh: ERROR: %s is not valid JSON (%s); fix or remove it" % (path, e))
if not isinstance(cfg, dict):
    sys.exit("engine.sh: ERROR: %s does not hold a JSON object; fix or remove it" % path)
mirrors = cfg.get("registry-mirrors") or []
if not isinstance(mirrors, list):
    sys.exit("engine.sh: ERROR: registry-mirrors in %s is not a list" % path)
if mirror in [str(m).rstrip("/") for m in mirrors]:
    sys.exit(0)
backup = path + ".engine-sh.bak"
if not os.path.exists(backup):
    shutil.copy2(path, backup)
cfg["registry-mirrors"] = [mirror] + mirrors
tmp = path + ".tmp"
with open(tmp, "w") as f:
    json.dump(cfg, f, indent=2)
    f.write("\n")
os.replace(tmp, path)
print("engine.sh: added %s to registry-mirrors in %s (other keys kept; backup %s)" % (mirror, path, backup))
PY
}

ensure_engine() {
    local pidf="$RUN_DIR/dockerd.pid" logf="$LOG_DIR/dockerd.log" pid i other
    if engine_ping; then
        if pid=$(pid_alive_as "$pidf" "$DOCKERD"); then
            say "engine: already running (dockerd pid $pid)"
        else
            say "engine: an engine already answers on $ENGINE_SOCK (not started by engine.sh); using it"
        fi
        return 0
    fi
    if pid=$(pid_alive_as "$pidf" "$DOCKERD"); then
        say "engine: dockerd pid $pid (started by engine.sh) does not answer yet; waiting for it"
        CHANGED=1
    else
        rm -f "$pidf"
        if other=$(pid_alive_as /var/run/docker.pid "$DOCKERD"); then
            die "engine: a dockerd (pid $other) not started by engine.sh runs but does not answer on $ENGINE_SOCK; stop it and rerun"
        fi
        ensure_daemon_json
        # A containerd pidfile left by a killed engine makes a new dockerd wait for a containerd
        # that is gone (or, if the pid was reused, for another process): drop a stale one.
        local cpidf=/var/run/docker/containerd/containerd.pid cpid
        cpid=$(head -n1 "$cpidf" 2>/dev/null || true)
        if [ -n "$cpid" ] && [[ $(readlink "/proc/$cpid/exe" 2>/dev/null) != /usr/bin/containerd* ]]; then
            rm -f "$cpidf"
        fi
        say "engine: starting $DOCKERD (log: $logf)"
        spawn dockerd "$DOCKERD"
        CHANGED=1
        pid=$(cat "$pidf")
    fi
    for ((i = 0; i < ENGINE_WAIT * 2; i++)); do
        if engine_ping; then
            say "engine: up on unix://$ENGINE_SOCK (dockerd pid $pid, after ~$((i / 2))s)"
            return 0
        fi
        if ! pid_running "$pid"; then
            show_log_tail "$logf"
            rm -f "$pidf"
            die "engine: dockerd (pid $pid) exited during start-up; log: $logf"
        fi
        sleep 0.5
    done
    show_log_tail "$logf"
    die "engine: dockerd (pid $pid) did not answer _ping on $ENGINE_SOCK within ${ENGINE_WAIT}s; log: $logf (it is left running; '$PROG down' stops it)"
}

check_engine_mirror() {
    local mirrors
    mirrors=$(dk info --format '{{json .RegistryConfig.Mirrors}}' 2>/dev/null) || mirrors=
    case $mirrors in
        *"127.0.0.1:${MIRROR_PORT}"*) return 0 ;;
    esac
    die "engine: the running engine does not use the registry mirror $MIRROR_URL (mirrors: ${mirrors:-none}); \
add it to registry-mirrors in $DAEMON_JSON and restart the engine (or '$PROG down' then '$PROG up' if engine.sh started it)"
}

# ---------------------------------------------------------------- images

mirror_has_images() {
    local ref repo tag
    for ref in "${IMAGE_REFS[@]}"; do
        repo=${ref%:*} tag=${ref##*:}
        lcurl -f -o /dev/null -I \
            -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
            -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
            "http://127.0.0.1:${MIRROR_PORT}/v2/${repo}/manifests/${tag}" 2>/dev/null || return 1
    done
}

build_rootfs() { # dir
    local root=$1 name path
    rm -rf "$root"
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,root,tmp,var/tmp,home/testuser,proc,sys,dev,run,mnt}
    cp "$BUSYBOX" "$root/bin/busybox"
    chmod 0755 "$root/bin/busybox"
    # one symlink in /bin per applet ...
    while read -r name; do
        case $name in ""|busybox) continue ;; esac
        [ -e "$root/bin/$name" ] || ln -s busybox "$root/bin/$name"
    done < <("$BUSYBOX" --list)
    # ... and also at busybox's own install path when that is not /bin (e.g. /usr/bin/env)
    while read -r path; do
        case $path in ""|bin/*|linuxrc) continue ;; esac
        mkdir -p "$root/$(dirname "$path")"
        [ -e "$root/$path" ] || [ -L "$root/$path" ] || ln -s /bin/busybox "$root/$path"
    done < <("$BUSYBOX" --list-full 2>/dev/null || true)
    [ -e "$root/bin/sh" ] || ln -s busybox "$root/bin/sh"

    cat >"$root/etc/passwd" <<'TXT'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
testuser:x:1000:1000:testuser:/home/testuser:/bin/sh
TXT
    cat >"$root/etc/group" <<'TXT'
root:x:0:root
daemon:x:1:
wheel:x:10:root
users:x:100:testuser
testuser:x:1000:
nogroup:x:65533:
nobody:x:65534:
TXT
    cat >"$root/etc/shadow" <<'TXT'
root:*:19000:0:::::
daemon:*:19000:0:::::
nobody:*:19000:0:::::
testuser:*:19000:0:::::
TXT
    cat >"$root/etc/os-release" <<'TXT'
NAME="docker-testbed busybox"
ID=docker-testbed
PRETTY_NAME="docker-testbed offline image (busybox-static); stands in for alpine/busybox/hello-world"
TXT
    : >"$root/etc/hosts"
    : >"$root/etc/resolv.conf"
    : >"$root/etc/hostname"
    chmod 0640 "$root/etc/shadow"
    chmod 1777 "$root/tmp" "$root/var/tmp"
    chmod 0700 "$root/root"
    chown 1000:1000 "$root/home/testuser"
    # sanity: the shell must run from the rootfs
    "$root/bin/busybox" sh -c 'true' || die "images: $root/bin/busybox does not run"
}

ensure_images() {
    local logf="$LOG_DIR/images.log" work="$STATE_DIR/image" tarball ref
    if mirror_has_images; then
        say "images: mirror already has ${IMAGE_REFS[*]}"
        return 0
    fi
    CHANGED=1
    say "images: building the offline base image from busybox-static (log: $logf)"
    mkdir -p "$work"
    build_rootfs "$work/rootfs"
    tarball="$work/rootfs.tar"
    tar --sort=name --mtime=@1577836800 --numeric-owner -C "$work/rootfs" -cf "$tarball" .
    local base="127.0.0.1:${MIRROR_PORT}"
    local envpath='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    {
        dk import --change "$envpath" --change 'CMD ["/bin/sh"]' \
            -m "docker-testbed offline base image (busybox-static)" \
            "$tarball" "$base/library/alpine:3.10" &&
        dk tag "$base/library/alpine:3.10" "$base/library/alpine:latest" &&
        dk tag "$base/library/alpine:3.10" "$base/library/busybox:latest" &&
        dk import --change "$envpath" --change 'CMD ["echo","Hello from Docker!"]' \
            -m "docker-testbed offline hello-world (busybox-static)" \
            "$tarball" "$base/library/hello-world:latest"
    } >>"$logf" 2>&1 || { show_log_tail "$logf"; die "images: docker import/tag failed; log: $logf"; }
    for ref in "${IMAGE_REFS[@]}"; do
        dk push "$base/$ref" >>"$logf" 2>&1 || {
            show_log_tail "$logf"
            die "images: docker push $base/$ref failed; log: $logf"
        }
    done
    # keep the engine's image store clean: drop the local 127.0.0.1:5000/... tags
    for ref in "${IMAGE_REFS[@]}"; do
        dk rmi "$base/$ref" >>"$logf" 2>&1 || warn "images: could not remove local tag $base/$ref"
    done
    mirror_has_images || die "images: pushed, but the mirror still lacks some of ${IMAGE_REFS[*]}; log: $logf"
    say "images: pushed ${IMAGE_REFS[*]} to $base"
}

# `docker pull alpine:3.10` must work through the mirror (Docker Hub is unreachable).
verify_pull() {
    local logf="$LOG_DIR/images.log" had=0
    dk image inspect "$VERIFY_IMAGE" >/dev/null 2>&1 && had=1
    if ! dk pull "$VERIFY_IMAGE" >>"$logf" 2>&1; then
        show_log_tail "$logf"
        die "images: 'docker pull $VERIFY_IMAGE' through the mirror $MIRROR_URL failed; logs: $logf, $LOG_DIR/dockerd.log"
    fi
    dk run --rm --network none "$VERIFY_IMAGE" /bin/sh -c 'test -x /bin/busybox' >>"$logf" 2>&1 || {
        show_log_tail "$logf"
        die "images: 'docker run --rm $VERIFY_IMAGE' failed; logs: $logf, $LOG_DIR/dockerd.log"
    }
    if [ "$had" = 0 ]; then
        dk rmi "$VERIFY_IMAGE" >>"$logf" 2>&1 || warn "images: could not remove $VERIFY_IMAGE after the check"
    fi
    say "images: 'docker pull $VERIFY_IMAGE' and 'docker run' work through the mirror"
}

# ---------------------------------------------------------------- subcommands

cmd_up() {
    local t0=$SECONDS
    ensure_dirs
    exec 9>"$RUN_DIR/lock"
    flock -w 900 9 || die "another engine.sh is running (lock $RUN_DIR/lock)"
    trap restore_policy_rc EXIT
    ensure_packages
    check_binaries
    ensure_registry "$MIRROR_PORT" open
    ensure_registry "$AUTH_PORT" auth
    auth_creds_work || die "registry-$AUTH_PORT: $REG_USER/$REG_PASS is refused on http://127.0.0.1:$AUTH_PORT/v2/; log: $LOG_DIR/registry-$AUTH_PORT.log"
    ensure_engine
    check_engine_mirror
    ensure_images
    if [ "$CHANGED" = 1 ]; then
        verify_pull
    fi
    # final check
    engine_ping || die "engine: stopped answering on $ENGINE_SOCK; log: $LOG_DIR/dockerd.log"
    mirror_answers || die "registry-$MIRROR_PORT: stopped answering; log: $LOG_DIR/registry-$MIRROR_PORT.log"
    auth_answers || die "registry-$AUTH_PORT: stopped answering; log: $LOG_DIR/registry-$AUTH_PORT.log"
    local ver api drv
    ver=$(dk version --format '{{.Server.Version}}' 2>/dev/null || echo '?')
    api=$(dk version --format '{{.Server.APIVersion}}' 2>/dev/null || echo '?')
    drv=$(dk info --format '{{.Driver}}' 2>/dev/null || echo '?')
    say "UP in $((SECONDS - t0))s:"
    say "  engine     unix://$ENGINE_SOCK  Engine $ver, API $api, storage driver $drv, mirror $MIRROR_URL"
    say "  registry   http://127.0.0.1:$MIRROR_PORT  no auth (mirror; library/alpine:3.10, alpine:latest, busybox:latest, hello-world:latest)"
    say "  registry   http://127.0.0.1:$AUTH_PORT  htpasswd auth: $REG_USER / $REG_PASS"
    say "  logs       $LOG_DIR/   pids $RUN_DIR/   data $STATE_DIR/"
}

cmd_status() {
    local ok=0 pid ver api who
    if engine_ping; then
        ver=$(lcurl --unix-socket "$ENGINE_SOCK" http://localhost/version 2>/dev/null |
            sed -n 's/.*"Version":"\([^"]*\)".*"ApiVersion":"\([^"]*\)".*/Engine \1, API \2/p' | head -n1)
        if pid=$(pid_alive_as "$RUN_DIR/dockerd.pid" "$DOCKERD"); then who="started by engine.sh, pid $pid"; else who="not started by engine.sh"; fi
        say "engine         UP    unix://$ENGINE_SOCK ${ver:+($ver) }[$who]"
    else
        say "engine         DOWN  unix://$ENGINE_SOCK (log: $LOG_DIR/dockerd.log)"
        ok=1
    fi
    if mirror_answers; then
        if pid=$(pid_alive_as "$RUN_DIR/registry-$MIRROR_PORT.pid" "$REGISTRY_BIN"); then who="started by engine.sh, pid $pid"; else who="not started by engine.sh"; fi
        say "registry $MIRROR_PORT  UP    http://127.0.0.1:$MIRROR_PORT (no auth, mirror) [$who]"
    else
        say "registry $MIRROR_PORT  DOWN  http://127.0.0.1:$MIRROR_PORT (log: $LOG_DIR/registry-$MIRROR_PORT.log)"
        ok=1
    fi
    if auth_answers; then
        if pid=$(pid_alive_as "$RUN_DIR/registry-$AUTH_PORT.pid" "$REGISTRY_BIN"); then who="started by engine.sh, pid $pid"; else who="not started by engine.sh"; fi
        say "registry $AUTH_PORT  UP    http://127.0.0.1:$AUTH_PORT (htpasswd $REG_USER/$REG_PASS) [$who]"
    else
        say "registry $AUTH_PORT  DOWN  http://127.0.0.1:$AUTH_PORT (log: $LOG_DIR/registry-$AUTH_PORT.log)"
        ok=1
    fi
    return $ok
}

# containerd processes that belong to the dockerd with this pid.
dockerd_containerds() { # dockerd-pid
    local dpid=$1 p stat rest pid ppid comm
    pid=$(head -n1 /var/run/docker/containerd/containerd.pid 2>/dev/null || true)
    if [[ $pid =~ ^[0-9]+$ ]] && [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == /usr/bin/containerd* ]]; then
        printf '%s\n' "$pid"
    fi
    for p in /proc/[0-9]*; do
        stat=$(cat "$p/stat" 2>/dev/null) || continue
        comm=${stat#*(}; comm=${comm%%)*}
        rest=${stat##*) }
        ppid=$(awk '{print $2}' <<<"$rest")
        [ "$ppid" = "$dpid" ] && [ "$comm" = containerd ] && printf '%s\n' "${p#/proc/}"
    done
    return 0
}

cmd_down() {
    ensure_dirs
    exec 9>"$RUN_DIR/lock"
    flock -w 900 9 || die "another engine.sh is running (lock $RUN_DIR/lock)"
    local pid c stopped=0 containerds
    if pid=$(pid_alive_as "$RUN_DIR/dockerd.pid" "$DOCKERD"); then
        containerds=$(dockerd_containerds "$pid" | sort -u)
        say "engine: stopping dockerd (pid $pid; SIGTERM, waiting up to ${DOCKERD_STOP_WAIT}s)"
        stop_pid "$pid" dockerd "$DOCKERD_STOP_WAIT" || true
        for c in $containerds; do
            if pid_running "$c"; then
                # dockerd normally stops its containerd itself; give it a moment
                sleep 1
                pid_running "$c" && { say "engine: stopping containerd (pid $c) left by dockerd"; stop_pid "$c" containerd 15 || true; }
            fi
        done
        stopped=1
        say "engine: stopped"
    elif engine_ping; then
        say "engine: an engine answers on $ENGINE_SOCK but was not started by engine.sh; leaving it alone"
    else
        say "engine: not running"
    fi
    rm -f "$RUN_DIR/dockerd.pid"
    local port
    for port in "$AUTH_PORT" "$MIRROR_PORT"; do
        if pid=$(pid_alive_as "$RUN_DIR/registry-$port.pid" "$REGISTRY_BIN"); then
            say "registry-$port: stopping (pid $pid)"
            stop_pid "$pid" "registry-$port" 15 || true
            stopped=1
        elif registry_answers "$port"; then
            say "registry-$port: something answers on 127.0.0.1:$port but was not started by engine.sh; leaving it alone"
        else
            say "registry-$port: not running"
        fi
        rm -f "$RUN_DIR/registry-$port.pid"
    done
    [ "$stopped" = 1 ] && say "down (packages, $STATE_DIR and /var/lib/docker are kept)"
    return 0
}

usage() {
    cat <<USAGE
usage: $PROG up|down|status|restart
  up       install packages if missing; start registries 127.0.0.1:$MIRROR_PORT (mirror, no auth)
           and 127.0.0.1:$AUTH_PORT (htpasswd $REG_USER/$REG_PASS) and dockerd; seed the mirror
           with offline alpine/busybox/hello-world images. Idempotent.
  status   tell whether engine and registries answer (exit 0 only if all do)
  down     stop what '$PROG up' started (by pidfile); packages and data stay
  restart  down, then up
logs: $LOG_DIR/  pidfiles: $RUN_DIR/  data: $STATE_DIR/
USAGE
}

main() {
    [ "$(id -u)" = 0 ] || die "must run as root"
    case ${1:-} in
        up) cmd_up ;;
        down) cmd_down ;;
        status) cmd_status ;;
        restart) cmd_down; exec 9>&-; cmd_up ;;
        -h|--help|help) usage ;;
        *) usage >&2; exit 2 ;;
    esac
}

main "$@"
