# shellcheck shell=bash
# The web app's build tools, each pinned here and only here; scripts/install-frontend-tools.sh
# installs these versions. Two tools' formats need a copy elsewhere, which
# scripts/check-tool-versions.sh (run by scripts/deploy-checks.sh) holds to these values:
# wasm-bindgen in Cargo.toml (`=` on the crate, so Cargo.lock takes the same one: the CLI
# must match it exactly, or the bundle fails at load) and in frontend/Trunk.toml's
# `[tools]`, and binaryen's wasm-opt in the same `[tools]` (`version_<N>`), which trunk
# reads to use the installed tools offline instead of downloading them.
# shellcheck disable=SC2034 # read by the scripts that source this file
# trunk 0.22 needs a newer rustc than 1.95; 0.21.14 builds with it.
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
# From npm: Debian's wasm-opt 108 yields a bundle that fails in the browser.
BINARYEN_VERSION=132
# Minifies wasm-bindgen's JS loader, which trunk's own minifier leaves as it is.
ESBUILD_VERSION=0.25.12
