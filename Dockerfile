# The task manager as one container (Hugging Face Spaces, or any Docker host): the
# `server` binary serving the API and the web app on port 7860, on SQLite in /app/data
# unless DATABASE_URL says otherwise. scripts/container-test.sh checks this runtime
# stage without Docker.

# The web app's tool chain, installed by the script that installs it everywhere else
# (scripts/install-frontend-tools.sh, at the versions in scripts/tool-versions.sh): the
# wasm32 target, trunk, wasm-bindgen-cli, npm's binaryen and esbuild, brotli and zopfli.
# Plus cargo-chef, for the dependency layer below, built as light as those two.
FROM rust:1.95-bookworm AS tools
# Unpinned: bookworm's point releases drop old package versions; the base tag pins the release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm brotli zopfli \
    && rm -rf /var/lib/apt/lists/*
RUN CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo install --locked cargo-chef --version 0.1.78
WORKDIR /src
COPY scripts/lib.sh scripts/tool-versions.sh scripts/install-frontend-tools.sh scripts/
RUN scripts/install-frontend-tools.sh

# The manifests and the lock file alone, as a recipe: a change to the code leaves it the
# same, so the dependency layer below is reused.
FROM tools AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

# Every dependency built once, with the same profiles and targets as the build after it:
# `server`'s (release, full LTO) and the web app's (wasm-release on wasm32). A code
# change then rebuilds the workspace's own crates only.
FROM tools AS builder
COPY --from=planner /src/recipe.json recipe.json
RUN cargo chef cook --recipe-path recipe.json --release --locked -p server \
    && cargo chef cook --recipe-path recipe.json --profile wasm-release --target wasm32-unknown-unknown \
        --locked -p frontend
COPY . .
# The web app as everywhere else: the JS minified, and the .br and .gz copies that
# `server` sends to the browsers that take them.
RUN cargo build --release --locked -p server \
    && scripts/build-frontend.sh

# Only the binary (its migrations are compiled in) and the built web app. No curl, no
# certificates: TLS to Postgres uses the webpki roots inside the binary.
FROM debian:bookworm-slim
COPY --from=builder /src/target/release/server /usr/local/bin/server
COPY --from=builder /src/frontend/dist /app/frontend/dist
# The SQLite file and a generated JWT secret live in data/; Spaces run as uid 1000.
RUN mkdir -p /app/data && chown 1000:1000 /app/data
WORKDIR /app
USER 1000
ENV HOST=0.0.0.0 PORT=7860 TRUSTED_PROXIES=10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7
EXPOSE 7860
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["server", "healthcheck"]
CMD ["server"]
