//! Postgres' word that a user's tasks changed, on any instance, onto this process's bus.
//!
//! The trigger of `migrations/postgres/20261207000020_task_notify.sql` notifies
//! `task_changes` with `{user_id}:{task_seq}` whenever a write raises a user's
//! `task_seq`; the notification goes out when that write commits, to every connection
//! listening, on every instance. Each process listens on one connection of its own,
//! outside the store's pool: a pooled connection would be taken from requests for good,
//! and PgBouncer-style poolers (Neon's pooled endpoint) do not carry LISTEN at all.
//!
//! Notifications sent while the connection is down are lost. So after every reconnect
//! the listener publishes `Change::Resync`, and each stream reads its user's position
//! anew.
//! A connection that died silently (no reset ever arrives) is found by a probe after
//! a quiet spell.

use std::str::FromStr;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use tokio::sync::oneshot;
use tokio::time::timeout;
use uuid::Uuid;

use crate::{Change, ChangeBus};

/// The channel the trigger notifies.
const CHANNEL: &str = "task_changes";
/// The longest one connection attempt (TCP, TLS, authentication, LISTEN) may take: a
/// black-holed network would otherwise hold the attempt for the pool's 30 s default.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// After this long without a notification the connection is probed with `SELECT 1`, so
/// that one lost without a reset is replaced within about this long.
const PROBE_AFTER_IDLE: Duration = Duration::from_secs(30);
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Starts listening on `url` for the life of the process, feeding `bus`, and waits up
/// to `wait` for the first LISTEN: a stream opened before it could miss a change, so
/// start-up waits, but a database that is down does not hold start-up (the store's pool
/// does not either). `Ok(false)` when it is still connecting; the attempts go on, with
/// backoff, for as long as it takes. `Err` only when `url` is not a Postgres URL.
pub async fn start_listener(url: &str, bus: ChangeBus, wait: Duration) -> Result<bool, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?;
    let (ready, listening) = oneshot::channel();
    tokio::spawn(listen(options, bus, ready));
    Ok(matches!(timeout(wait, listening).await, Ok(Ok(()))))
}

async fn listen(options: PgConnectOptions, bus: ChangeBus, ready: oneshot::Sender<()>) {
    // Down moments ago or not, the next attempt starts from the shortest wait.
    let backoff = ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(100))
        .with_max_delay(Duration::from_secs(5))
        .with_jitter()
        .without_max_times();
    let mut ready = Some(ready);
    loop {
        let subscribed = (|| subscribe(&options))
            .retry(backoff)
            .notify(|e, delay| {
                tracing::warn!(
                    event = "listen_retry",
                    error = %e,
                    delay_ms = delay.as_millis() as u64,
                    "cannot LISTEN for task changes; retrying"
                );
            })
            .await;
        let mut listener = match subscribed {
            Ok(listener) => listener,
            // Without a limit on attempts the retry never gives up; this is unreachable.
            Err(_) => continue,
        };
        tracing::info!(event = "listening", channel = CHANNEL, "listening for task changes");
        // Streams that opened while nothing listened may have missed changes: all but a
        // first LISTEN that start-up still waited for, before any stream could open.
        let started_up_waiting = ready.take().is_some_and(|ready| ready.send(()).is_ok());
        if !started_up_waiting {
            bus.publish(Change::Resync);
        }
        let lost = forward(&mut listener, &bus).await;
        tracing::warn!(event = "listen_lost", reason = %lost, "the LISTEN connection was lost; reconnecting");
    }
}

/// A fresh connection of its own, listening. Its pool of one is the listener's alone
/// and goes with it.
async fn subscribe(options: &PgConnectOptions) -> Result<PgListener, sqlx::Error> {
    let attempt = async {
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(CONNECT_TIMEOUT)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options.clone())
            .await?;
        let mut listener = PgListener::connect_with(&pool).await?;
        // A lost connection ends `forward`, which reconnects with backoff; sqlx's own
        // immediate reconnect would hide the loss from it.
        listener.eager_reconnect(false);
        listener.listen(CHANNEL).await?;
        Ok(listener)
    };
    timeout(CONNECT_TIMEOUT, attempt).await.unwrap_or_else(|_| Err(sqlx::Error::PoolTimedOut))
}

/// Publishes every notification until the connection is lost, and says why it was.
async fn forward(listener: &mut PgListener, bus: &ChangeBus) -> String {
    loop {
        // sqlx documents its receive as cancel-safe: a probe in between loses nothing.
        match timeout(PROBE_AFTER_IDLE, listener.try_recv()).await {
            Ok(Ok(Some(notification))) => match parse_payload(notification.payload()) {
                Some(change) => bus.publish(change),
                None => tracing::warn!(
                    event = "listen_bad_payload",
                    payload = notification.payload(),
                    "ignored a task_changes notification that is not user:seq"
                ),
            },
            Ok(Ok(None)) => return "connection closed".to_owned(),
            Ok(Err(e)) => return e.to_string(),
            Err(_) => match timeout(PROBE_TIMEOUT, sqlx::query("SELECT 1").execute(&mut *listener)).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return format!("probe failed: {e}"),
                Err(_) => return format!("probe got no answer within {PROBE_TIMEOUT:?}"),
            },
        }
    }
}

/// `{user_id}:{seq}` exactly as the trigger writes it (a hyphenated lower-case uuid, a
/// non-negative decimal without padding); anything else is `None`.
fn parse_payload(payload: &str) -> Option<Change> {
    let (user, seq) = payload.split_once(':')?;
    let user_id = Uuid::try_parse(user).ok().filter(|id| id.hyphenated().to_string() == user)?;
    let seq = seq.parse::<i64>().ok().filter(|n| *n >= 0 && n.to_string() == seq)?;
    Some(Change::Tasks { user_id, seq })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use uuid::Uuid;

    use super::parse_payload;
    use crate::Change;

    proptest! {
        #[test]
        fn what_the_trigger_writes_parses_back(bytes in any::<[u8; 16]>(), seq in 0..i64::MAX) {
            let user_id = Uuid::from_bytes(bytes);
            prop_assert_eq!(parse_payload(&format!("{user_id}:{seq}")), Some(Change::Tasks { user_id, seq }));
        }

        #[test]
        fn any_text_parses_or_is_ignored_without_panicking(payload in "\\PC{0,60}") {
            if let Some(Change::Tasks { user_id, seq }) = parse_payload(&payload) {
                prop_assert_eq!(format!("{user_id}:{seq}"), payload);
            }
        }
    }

    #[test]
    fn near_misses_are_ignored() {
        let user = "67e55044-10b1-426f-9247-bb680e5fe0c8";
        for payload in [
            String::new(),
            user.to_owned(),
            format!("{user}:"),
            format!("{user}:-1"),
            format!("{user}:+1"),
            format!("{user}:01"),
            format!("{user}: 1"),
            format!("{user}:1:2"),
            format!("{user}:9223372036854775808"),
            format!("{}:1", &user[1..]),
            format!("{}:1", user.to_uppercase()),
            format!("{{{user}}}:1"),
            format!("{}:1", user.replace('-', "")),
        ] {
            assert_eq!(parse_payload(&payload), None, "{payload:?}");
        }
    }
}
