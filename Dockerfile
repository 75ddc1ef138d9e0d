# The task manager as one container (Hugging Face Spaces, or any Docker host): the
# `server` binary serving the API and the web app on port 7860, on SQLite in /app/data
# unless DATABASE_URL says otherwise. scripts/container-test.sh checks this runtime
# stage without Docker.

# The web app's tool chain, as scripts/install-frontend-tools.sh sets it up: trunk 0.21
# (0.22 needs a newer rustc), wasm-bindgen-cli equal to the crate in Cargo.lock, and
# wasm-opt from npm's binaryen 132 (Debian's wasm-opt 108 breaks the bundle).
FROM rust:1.95-bookworm AS tools
# Unpinned: bookworm's point releases drop old package versions; the base tag pins the release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
RUN rustup target add wasm32-unknown-unknown \
    && cargo install --locked trunk --version '~0.21'
COPY Cargo.lock /tmp/Cargo.lock
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# Without --locked: the registry index lacks a version its lock file pins.
RUN bindgen=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' /tmp/Cargo.lock) \
    && cargo install wasm-bindgen-cli --version "$bindgen"
RUN npm install --prefix /opt/binaryen --no-audit --no-fund --loglevel=error binaryen@132
ENV PATH=/opt/binaryen/node_modules/.bin:$PATH

FROM tools AS builder
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p server
# Offline: the pinned tools come from PATH, never from a download.
WORKDIR /src/frontend
RUN TRUNK_OFFLINE=true trunk build --release --locked

# Only the binary (its migrations are compiled in) and the built web app. No curl, no
# certificates: TLS to Postgres uses the webpki roots inside the binary.
FROM debian:bookworm-slim
COPY --from=builder /src/target/release/server /usr/local/bin/server
COPY --from=builder /src/frontend/dist /app/frontend/dist
# The SQLite file and a generated JWT secret live in data/; Spaces run as uid 1000.
RUN mkdir -p /app/data && chown 1000:1000 /app/data
WORKDIR /app
USER 1000
ENV HOST=0.0.0.0 PORT=7860
EXPOSE 7860
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["server", "healthcheck"]
CMD ["server"]
