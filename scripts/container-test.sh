#!/usr/bin/env bash
# Checks the Dockerfile's runtime stage without a Docker engine. It reads the stage's
# COPY, RUN, WORKDIR, USER, ENV, EXPOSE, HEALTHCHECK and CMD lines, lays the image's
# files out in a temporary root (the release `server` and frontend/dist where COPY puts
# them, plus the binary's shared libraries, which debian:bookworm-slim provides), then
# runs CMD chrooted there as the stage's USER with only the stage's ENV. It checks
# /health, the web app, a signup and the HEALTHCHECK command, then stops the server
# with SIGTERM and expects a clean exit.
#
# Usage: scripts/container-test.sh [SERVER_BINARY]
#   SERVER_BINARY: a release `server` to use instead of `cargo build --release -p server`.
#   frontend/dist is built with scripts/build-frontend.sh when it has no index.html.
# Needs root (chroot, and the switch to the image's uid), curl and python3. Port 7860
# is used when free, as in the image; otherwise a free port, and it says so.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
target_dir=${CARGO_TARGET_DIR:-$repo/target}
source scripts/lib.sh

[ "$(id -u)" -eq 0 ] || fail "run as root: it chroots and switches to the image's uid"

server_bin=${1:-}
if [ -z "$server_bin" ]; then
    log "building the release server"
    cargo build --release --locked -p server
    server_bin=$target_dir/release/server
fi
[ -x "$server_bin" ] || fail "no server binary at $server_bin"
if [ ! -f frontend/dist/index.html ]; then
    log "building the web app"
    scripts/build-frontend.sh
fi

# The runtime stage: everything after the last FROM.
stage=$(awk '/^FROM /{ stage = "" } { stage = stage $0 "\n" } END { printf "%s", stage }' Dockerfile)
instruction() { sed -n "s/^$1 //p" <<<"$stage"; }
json_words() { python3 -c 'import json, sys; print("\n".join(json.loads(sys.argv[1])))' "$1"; }

workdir=$(instruction WORKDIR | tail -n1)
uid=$(instruction USER | tail -n1)
read -r -a image_env <<<"$(instruction ENV | tr '\n' ' ')"
exposed=$(instruction EXPOSE | tail -n1)
mapfile -t cmd < <(json_words "$(instruction CMD | tail -n1)")
mapfile -t healthcheck < <(json_words "$(instruction HEALTHCHECK | sed -n 's/.*CMD //p')")
[[ "$uid" =~ ^[0-9]+$ ]] || fail "USER must be a numeric uid, got '$uid'"
[ -n "$workdir" ] && [ "${#cmd[@]}" -gt 0 ] && [ "${#healthcheck[@]}" -gt 0 ] \
    || fail "the runtime stage needs WORKDIR, CMD and HEALTHCHECK"
printf '%s\n' "${image_env[@]}" | grep -qx "PORT=$exposed" || fail "EXPOSE $exposed is not the ENV PORT"

root=$(mktemp -d /tmp/taskapp-image.XXXXXX)
chmod 755 "$root"
on_exit rm -rf "$root" "$root.log"

# COPY --from=builder: the builder works in /src, so a source is a path in this repo.
while read -r source dest; do
    case "$source" in
        /src/target/release/server) from=$server_bin ;;
        /src/*) from=$repo/${source#/src/} ;;
        *) fail "unexpected COPY source $source" ;;
    esac
    mkdir -p "$root$(dirname "$dest")"
    cp -a "$from" "$root$dest"
done < <(instruction 'COPY --from=builder')

# RUN: only the data-folder step is expected; anything new must be taught here.
data_step='^mkdir -p (/[^ ]+) && chown ([0-9]+):([0-9]+) (/[^ ]+)$'
while read -r run; do
    if [[ "$run" =~ $data_step ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[4]}" ]; then
        data_dir=${BASH_REMATCH[1]}
        mkdir -p "$root$data_dir"
        chown "${BASH_REMATCH[2]}:${BASH_REMATCH[3]}" "$root$data_dir"
    else
        fail "scripts/container-test.sh cannot replay this RUN of the runtime stage: $run"
    fi
done < <(instruction RUN)
[ -n "${data_dir:-}" ] || fail "the runtime stage creates no data folder"
mkdir -p "$root$workdir"

# What the base image brings: the C library and the loader the binary links against.
while read -r lib; do
    cp -L --parents "$lib" "$root"
done < <(ldd "$root/usr/local/bin/server" | grep -o '/[^ ]*')

port=$exposed
# SO_REUSEADDR as the server sets it, so connections still in TIME_WAIT do not count.
free='import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))'
if ! python3 -c "$free" "$port" 2>/dev/null; then
    port=$(free_port)
    log "port $exposed is busy on this machine; using $port instead"
fi

# Like `docker run`: chroot into the layout, cd to WORKDIR, drop to USER, exec with only
# the image's ENV (PORT moved when 7860 is taken) and Docker's default PATH. It execs,
# so that in the background $! is the server itself; run it in a subshell otherwise.
in_image() {
    exec python3 - "$root" "$workdir" "$uid" "$@" <<'PY'
import os, sys
# os.execvpe imports `warnings` lazily; after the chroot the standard library is gone.
import warnings  # noqa: F401
root, workdir, uid, *argv = sys.argv[1:]
env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/"}
env.update(item.split("=", 1) for item in os.environ["IMAGE_ENV"].split("\n") if item)
os.chroot(root)
os.chdir(workdir)
os.setgroups([])
os.setgid(int(uid))
os.setuid(int(uid))
os.execvpe(argv[0], argv, env)
PY
}
export IMAGE_ENV
IMAGE_ENV=$(printf '%s\n' "${image_env[@]}" "PORT=$port")

log "starting ${cmd[*]} as uid $uid in $workdir on port $port"
fail_log=$root.log
in_image "${cmd[@]}" >"$fail_log" 2>&1 &
server_pid=$!
on_exit stop_process "$server_pid"
base=http://127.0.0.1:$port
wait_for "the server" "$server_pid" 10 curl -fsS "$base/health"

health=$(curl -sS "$base/health")
grep -q '"database":"connected"' <<<"$health" || fail "/health: $health"
log "ok: /health says $health"

curl -fsS "$base/" | grep -qi '<html' || fail "/ did not serve the web app"
curl -fsS "$base/tasks" | grep -qi '<html' || fail "a client-side route did not get index.html"
log "ok: the web app and its client-side routes are served"

signup=$(curl -sS -i -X POST "$base/api/auth/signup" -H 'content-type: application/json' \
    -d '{"email":"container@example.com","name":"Container","password":"correct horse"}')
grep -q '^HTTP/1.1 201' <<<"$signup" || fail "signup: $signup"
grep -qi '^set-cookie: token=' <<<"$signup" || fail "signup set no cookie"
log "ok: signup answered 201 with the auth cookie"

# The image sets no SMTP_URL: reset by email is off, and no link can reach the log.
forgot=$(curl -sS -i -X POST "$base/api/auth/forgot-password" -H 'content-type: application/json' \
    -d '{"email":"container@example.com"}')
grep -q '^HTTP/1.1 503' <<<"$forgot" || fail "forgot-password without SMTP_URL: $forgot"
grep -q '"MAIL_UNAVAILABLE"' <<<"$forgot" || fail "forgot-password without SMTP_URL: $forgot"
if grep -q 'reset-password' "$fail_log"; then fail "a reset link reached the server's log"; fi
log "ok: without SMTP_URL, forgot-password answers 503 MAIL_UNAVAILABLE and logs no link"

owner=$(stat -c %u "$root$data_dir/tasks.db")
[ "$owner" = "$uid" ] || fail "the database file belongs to uid $owner, not $uid"
[ "$(stat -c %a "$root$data_dir/jwt_secret")" = 600 ] || fail "the generated JWT secret is not mode 0600"
log "ok: $data_dir holds the database and a 0600 JWT secret, owned by uid $uid"

(in_image "${healthcheck[@]}") || fail "HEALTHCHECK (${healthcheck[*]}) failed on a healthy server"
log "ok: HEALTHCHECK ${healthcheck[*]} passes"

kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
[ "$status" -eq 0 ] || fail "the server exited with $status on SIGTERM"
if (in_image "${healthcheck[@]}") >/dev/null 2>&1; then
    fail "HEALTHCHECK passed with the server stopped"
fi
log "ok: graceful stop on SIGTERM, and HEALTHCHECK fails once it is down"
log "passed"
