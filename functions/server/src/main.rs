//! `server`: serve (default), `server migrate`, or `server healthcheck`.

mod healthcheck;
mod jwt_secret;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use backend::AppState;
use backend::config::{Config, MailTransport, ServerSettings};
use server::events::EventStreams;
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> ExitCode {
    let command = std::env::args().nth(1);
    let (config, generated_secret) = match jwt_secret::config(|name| std::env::var(name).ok()) {
        Ok(read) => read,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    // Read for `Runtime::Server`, so the defaults are never needed.
    let settings = config.server.clone().unwrap_or_default();
    backend::startup::begin(&config);
    let result = match command.as_deref() {
        None | Some("serve") => serve(config, generated_secret, settings).await,
        Some("migrate") => migrate(config).await,
        Some("healthcheck") => healthcheck::run(&settings).await,
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

async fn serve(
    config: Config,
    generated_secret: Option<PathBuf>,
    settings: ServerSettings,
) -> Result<(), String> {
    if let Some(path) = &generated_secret {
        tracing::warn!(path = %path.display(), "JWT_SECRET not set: using a generated secret kept in the data folder");
    }
    let address = format!("{}:{}", settings.host, settings.port);
    let static_dir = settings.static_dir;
    let state = open(config).await?;
    match state.config.mail.transport {
        MailTransport::Off => {
            tracing::info!("SMTP_URL not set: password reset by email is off (forgot-password answers 503)");
        }
        MailTransport::Log => tracing::warn!(
            "SMTP_URL=log: account mail, reset links included, is written to this log instead of sent; \
             whoever reads this log can take any account over (development only)"
        ),
        MailTransport::Smtp(_) if state.config.app_origin().is_none() => tracing::warn!(
            "SMTP_URL is set but neither APP_URL nor ALLOWED_ORIGINS is: reset links have no origin, \
             so forgot-password answers 503"
        ),
        MailTransport::Smtp(_) => {}
    }
    tokio::spawn(backend::auth::sweep_periodically(state.clone()));
    server::events::listen_for_changes(&state).await?;
    let streams = EventStreams::default();
    let app = server::app_with_streams(state, &static_dir, streams.clone());
    let listener =
        TcpListener::bind(&address).await.map_err(|e| format!("cannot listen on {address}: {e}"))?;
    tracing::info!(address = %address, static_dir = %static_dir.display(), "listening");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // An event stream never ends by itself; the graceful shutdown would wait on it.
            streams.close_all();
        })
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
