# The task manager as one container (Hugging Face Spaces, or any Docker host): the
# `server` binary serving the API and the web app on port 7860, on SQLite in /app/data
# unless DATABASE_URL says otherwise. scripts/container-test.sh checks this runtime
# stage without Docker.

# The web app's tool chain, installed by the script that installs it everywhere else
# (scripts/install-frontend-tools.sh): the wasm32 target and std's source, trunk 0.21
# (0.22 needs a newer rustc), wasm-bindgen-cli equal to the crate in Cargo.lock, npm's
# binaryen 132 and esbuild, brotli and zopfli.
FROM rust:1.95-bookworm AS tools
# Unpinned: bookworm's point releases drop old package versions; the base tag pins the release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm brotli zopfli \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.lock ./
COPY scripts/lib.sh scripts/install-frontend-tools.sh scripts/
RUN scripts/install-frontend-tools.sh

FROM tools AS builder
WORKDIR /src
COPY . .
# The web app as everywhere else: std rebuilt for the bundle, the JS minified, and the
# .br and .gz copies that `server` sends to the browsers that take them.
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
