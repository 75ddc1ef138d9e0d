#!/usr/bin/env bash
# Lints everything deployment: template.yaml with cfn-lint and `sam validate --lint`
# (both offline), then tests what it promises about CloudFront (scripts/template_test.py,
# run by the venv's Python, whose cfn-lint reads the template); the Dockerfile with
# hadolint, the GitHub workflows with actionlint (which runs shellcheck on their `run:`
# scripts), and every shell script (scripts/*.sh, .ci/run) with ShellCheck; and that the
# copies of the web app's tool versions agree (scripts/check-tool-versions.sh). Installs
# the tools first (scripts/install-deploy-tools.sh). Takes seconds.
#
# Usage: scripts/deploy-checks.sh    (no arguments; exits non-zero on the first finding)
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/install-deploy-tools.sh
# `sam validate` needs a region even offline; the telemetry prompt would only add noise.
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-eu-west-1} SAM_CLI_TELEMETRY=0

step() { printf '==> %s\n' "$*"; "$@"; }

step cfn-lint template.yaml
step sam validate --lint --template-file template.yaml
step python scripts/template_test.py
step hadolint Dockerfile
step actionlint
# -x: follow `source scripts/lib.sh` and the sourced installers.
step shellcheck -x scripts/*.sh .ci/run
step scripts/check-tool-versions.sh
