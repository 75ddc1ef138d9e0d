//! `server`: serve (default), `server migrate`, or `server healthcheck`.

mod healthcheck;

use std::net::SocketAddr;
use std::process::ExitCode;

use shared::AppState;
use shared::config::{Config, Runtime};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> ExitCode {
    let command = std::env::args().nth(1);
    let config = match Config::from_env(Runtime::Server) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    shared::telemetry::init(config.log_format);
    let result = match command.as_deref() {
        None | Some("serve") => serve(config).await,
        Some("migrate") => migrate(config).await,
        Some("healthcheck") => healthcheck::run(&config).await,
        Some(other) => Err(format!(
            "unknown command {other:?}; use `server`, `server serve`, `server migrate` or `server healthcheck`"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn open(config: Config) -> Result<AppState, String> {
    let state = AppState::from_config(config).map_err(|e| format!("DATABASE_URL: {e}"))?;
    state.store.migrate().await.map_err(|e| format!("migrations failed: {e}"))?;
    Ok(state)
}

async fn migrate(config: Config) -> Result<(), String> {
    open(config).await?;
    tracing::info!("migrations applied");
    Ok(())
}

async fn serve(config: Config) -> Result<(), String> {
    if let Some(path) = &config.jwt_secret.generated_at {
        tracing::warn!(path = %path.display(), "JWT_SECRET not set: using a generated secret kept in the data folder");
    }
    if config.bcrypt_cost_is_weak() {
        tracing::warn!(cost = config.bcrypt_cost, "BCRYPT_COST below 12 is for tests only");
    }
    let address = format!("{}:{}", config.host, config.port);
    let static_dir = config.static_dir.clone();
    let state = open(config).await?;
    if state.config.mail.smtp_url.is_none() {
        tracing::warn!("SMTP_URL not set: password reset links are written to this log instead of mailed");
    }
    tokio::spawn(shared::auth::sweep_periodically(state.clone()));
    let app = server::app(state, &static_dir);
    let listener =
        TcpListener::bind(&address).await.map_err(|e| format!("cannot listen on {address}: {e}"))?;
    tracing::info!(address = %address, static_dir = %static_dir.display(), "listening");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish before exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
