//! An app over a fresh database of either backend, with requests through the router
//! and API Gateway events through the Lambda entry.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use lambda_http::{Context, LambdaEvent, Service};
use serde_json::Value;
use sqlx::Connection;
use tower::ServiceExt;

use backend::auth::{SessionDevice, start_session};
use backend::config::{Config, Runtime};
use backend::state::AppState;
use contract::api::User;
use contract::domain::{Email, Password, UserName};
use store::{self, NewUser, Store};

use crate::{StatementCounter, TempDir};

/// The password of every user made by `TestApp::user`.
pub const TEST_PASSWORD: &str = "correct horse";
pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret!";
const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Generates, for each test, one case per backend: `name::sqlite` and `name::postgres`,
/// each on an app with the variables of `vars` (none when left out).
#[macro_export]
macro_rules! store_tests {
    (router = $router:path; $(async fn $name:ident($app:ident) $body:block)*) => {
        $crate::store_tests! { router = $router; vars = &[]; $(async fn $name($app) $body)* }
    };
    (router = $router:path; vars = $vars:expr; $(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                #[tokio::test]
                async fn sqlite() {
                    let $app = $crate::TestApp::sqlite($router, $vars).await;
                    $body
                }

                #[tokio::test]
                async fn postgres() {
                    let Some($app) = $crate::TestApp::postgres($router, $vars).await else { return };
                    $body
                }
            }
        )*
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub state: AppState,
    pub backend: Backend,
    router: Router,
    _dir: Option<TempDir>,
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl TestResponse {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }

    pub fn error_code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }

    pub fn set_cookie(&self) -> Option<&str> {
        self.headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    /// An app on a SQLite file in a fresh temporary folder.
    pub async fn sqlite(router: fn(AppState) -> Router, vars: &[(&str, &str)]) -> Self {
        let dir = TempDir::new("test");
        let url = format!("sqlite://{}/test.db", dir.path().display());
        Self::start(router, &url, vars, Backend::Sqlite, Some(dir)).await
    }

    /// An app on a fresh Postgres database, or `None` (skip) when Postgres is not
    /// reachable and `CI` is not `true`.
    pub async fn postgres(router: fn(AppState) -> Router, vars: &[(&str, &str)]) -> Option<Self> {
        let url = fresh_postgres_database().await?;
        Some(Self::start(router, &url, vars, Backend::Postgres, None).await)
    }

    /// An app on a fresh Postgres database reached through a `StatementCounter`, to
    /// count the statements its requests send.
    pub async fn postgres_counted(
        router: fn(AppState) -> Router,
        vars: &[(&str, &str)],
    ) -> Option<(Self, StatementCounter)> {
        let url = fresh_postgres_database().await?;
        let (counter, counted_url) = StatementCounter::in_front_of(&url).await.expect("statement counter");
        Some((Self::start(router, &counted_url, vars, Backend::Postgres, None).await, counter))
    }

    /// An app on a SQLite file whose configuration is read as a Lambda function reads
    /// it: no defaults invented for what Lambda must be given.
    pub async fn sqlite_lambda(router: fn(AppState) -> Router, vars: &[(&str, &str)]) -> Self {
        let dir = TempDir::new("test");
        let url = format!("sqlite://{}/test.db", dir.path().display());
        let state = AppState::from_config(runtime_test_config(Runtime::Lambda, &url, vars)).expect("open");
        state.store.migrate().await.expect("migrate test database");
        Self { router: router(state.clone()), state, backend: Backend::Sqlite, _dir: Some(dir) }
    }

    /// An app whose Postgres cannot be reached at all.
    pub fn unreachable(router: fn(AppState) -> Router) -> Self {
        let config = test_config("postgres://postgres@127.0.0.1:1/none", &[("DB_ACQUIRE_TIMEOUT_SECS", "1")]);
        let store = store::connect(&config.database_url, &config.database).expect("lazy pool");
        let state = AppState::new(config, store);
        Self { router: router(state.clone()), state, backend: Backend::Postgres, _dir: None }
    }

    async fn start(
        router: fn(AppState) -> Router,
        url: &str,
        vars: &[(&str, &str)],
        backend: Backend,
        dir: Option<TempDir>,
    ) -> Self {
        let config = test_config(url, vars);
        let state = AppState::from_config(config).expect("open test database");
        state.store.migrate().await.expect("migrate test database");
        Self { router: router(state.clone()), state, backend, _dir: dir }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.state.store
    }

    /// Sends a request through the in-process router, with the fallbacks and layers
    /// every deployment adds.
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let app =
            backend::http::finish(self.router.clone().fallback(backend::http::not_found), &self.state.config);
        let response = app.oneshot(request).await.expect("infallible");
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("read body").to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        TestResponse { status: parts.status, headers: parts.headers, body }
    }

    /// A JSON request, authenticated with a Bearer token when one is given.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> TestResponse {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(json) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.send(builder.body(body).expect("request")).await
    }

    /// Feeds an API Gateway event through the Lambda entry and returns the Lambda
    /// response as the runtime would serialize it.
    pub async fn invoke(&self, event: Value) -> Value {
        let payload = serde_json::from_value(event).expect("a valid API Gateway event");
        let mut adapter =
            lambda_http::Adapter::from(lambda::service(self.router.clone(), &self.state.config));
        let response = adapter.call(LambdaEvent::new(payload, Context::default())).await.expect("infallible");
        serde_json::to_value(response).expect("serializable response")
    }

    /// A user created through the store, with a live session token.
    pub async fn user(&self, email: &str) -> (User, String) {
        let email = Email::parse(email).expect("valid email");
        let name = UserName::parse("Test User").expect("valid name");
        let hash =
            self.state.passwords.hash(&Password::parse(TEST_PASSWORD).expect("valid")).await.expect("hash");
        let record = self
            .store()
            .insert_user(NewUser { email: &email, name: &name, password_hash: &hash })
            .await
            .expect("insert user");
        let issued = start_session(&self.state, &record, &SessionDevice::default()).await.expect("session");
        (record.into(), issued.token)
    }
}

pub fn test_config(database_url: &str, vars: &[(&str, &str)]) -> Config {
    runtime_test_config(Runtime::Server, database_url, vars)
}

/// The test configuration as `runtime` reads it.
pub fn runtime_test_config(runtime: Runtime, database_url: &str, vars: &[(&str, &str)]) -> Config {
    let mut map: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".to_owned(), database_url.to_owned()),
        ("JWT_SECRET".to_owned(), TEST_SECRET.to_owned()),
        ("BCRYPT_COST".to_owned(), "4".to_owned()),
        ("COOKIE_SECURE".to_owned(), "true".to_owned()),
        // High enough to stay out of the way; the rate-limit tests set their own.
        ("AUTH_RATE_LIMIT_PER_MINUTE".to_owned(), "10000".to_owned()),
        ("TASKS_RATE_LIMIT_PER_MINUTE".to_owned(), "10000".to_owned()),
    ]);
    map.extend(vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    Config::from_lookup(runtime, |name| map.get(name).cloned()).expect("valid test config")
}

/// A new, empty database on the test Postgres, or `None` (skip) when it is not
/// reachable and `CI` is not `true`.
pub async fn fresh_postgres_database() -> Option<String> {
    let admin_url = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_owned());
    let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
        Ok(conn) => conn,
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("Postgres at {admin_url} is required in CI: {e}")
        }
        Err(e) => {
            eprintln!("skipping: Postgres at {admin_url} is not reachable: {e}");
            return None;
        }
    };
    let name = format!("taskapp_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let (base, _) = admin_url.rsplit_once('/').expect("database URL with a path");
    Some(format!("{base}/{name}"))
}
