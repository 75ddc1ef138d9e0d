//! Secrets given by reference, fetched by the function's own cold start: the `health`
//! binary runs against `moto_server` (standing in for SSM and Secrets Manager through
//! `AWS_ENDPOINT_URL`) and a stand-in Lambda runtime API that hands it one event.
//!
//! `moto_server` comes from PyPI (`moto[server]`, see scripts/install-deploy-tools.sh);
//! `MOTO_SERVER` may name the executable. Without it the tests skip, unless `CI=true`.

use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_config::timeout::TimeoutConfig;
use aws_sdk_ssm::config::{Credentials, Region};
use aws_sdk_ssm::types::ParameterType;
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use serde_json::Value;
use testkit::{TempDir, free_port, v2_event};
use tokio::sync::mpsc;

const REGION: &str = "eu-west-1";
const JWT_SECRET: &str = "fetched-secret-fetched-secret-fetched!";

/// A `moto_server` on a free loopback port, stopped on drop.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    /// `None` (skip) when it cannot start here, unless `CI=true`: then the test fails.
    async fn start() -> Option<Self> {
        let program = std::env::var("MOTO_SERVER").unwrap_or_else(|_| "moto_server".into());
        let port = free_port();
        let started = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let mut moto = match started {
            Ok(child) => Self { child, endpoint: format!("http://127.0.0.1:{port}") },
            Err(e) => return skip(&format!("cannot run {program}: {e}")),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline || moto.child.try_wait().ok().flatten().is_some() {
                return skip(&format!("{program} did not listen on port {port}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        moto.warm_up().await;
        Some(moto)
    }

    /// moto loads each service on its first request, which can take longer than the
    /// function's tight start-up timeouts on a busy machine.
    async fn warm_up(&self) {
        let sdk = self.sdk().await;
        let ssm = aws_sdk_ssm::Client::new(&sdk).describe_parameters().send().await;
        ssm.expect("moto answers SSM");
        let secrets = aws_sdk_secretsmanager::Client::new(&sdk).list_secrets().send().await;
        secrets.expect("moto answers Secrets Manager");
    }

    /// The test's own client: the function's loader, with room for a slow moto.
    async fn sdk(&self) -> aws_config::SdkConfig {
        lambda::secrets::loader()
            .timeout_config(TimeoutConfig::builder().operation_timeout(Duration::from_secs(60)).build())
            .endpoint_url(&self.endpoint)
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
            .load()
            .await
    }

    async fn put_parameter(&self, name: &str, value: &str) {
        let ssm = aws_sdk_ssm::Client::new(&self.sdk().await);
        let put = ssm.put_parameter().name(name).value(value).r#type(ParameterType::SecureString);
        put.send().await.expect("put parameter");
    }

    /// Returns the new secret's ARN.
    async fn create_secret(&self, name: &str, value: &str) -> String {
        let secrets = aws_sdk_secretsmanager::Client::new(&self.sdk().await);
        let created = secrets.create_secret().name(name).secret_string(value).send().await.expect("secret");
        created.arn.expect("arn")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn skip<T>(reason: &str) -> Option<T> {
    assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "moto_server is required in CI: {reason}");
    eprintln!("skipping: {reason}");
    None
}

/// What the function sent back to the runtime API: its response, or the error it reported.
type Outcome = Result<Value, String>;

/// The Lambda runtime API's side of one invocation: hands out `event` once, then holds
/// further polls open, and reports the function's answer.
async fn runtime_api(event: Value) -> (SocketAddr, mpsc::UnboundedReceiver<Outcome>) {
    #[derive(Clone)]
    struct Api {
        event: Arc<Mutex<Option<Value>>>,
        outcomes: mpsc::UnboundedSender<Outcome>,
    }

    async fn next(State(api): State<Api>) -> (HeaderMap, String) {
        let Some(event) = api.event.lock().expect("lock").take() else {
            return std::future::pending().await;
        };
        let deadline = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock") + Duration::from_secs(30);
        let mut headers = HeaderMap::new();
        headers.insert("lambda-runtime-aws-request-id", "request-1".parse().expect("header"));
        headers
            .insert("lambda-runtime-deadline-ms", deadline.as_millis().to_string().parse().expect("header"));
        headers.insert(
            "lambda-runtime-invoked-function-arn",
            "arn:aws:lambda:eu-west-1:123456789012:function:health".parse().expect("header"),
        );
        (headers, event.to_string())
    }

    async fn response(State(api): State<Api>, body: String) {
        let _ = api.outcomes.send(Ok(serde_json::from_str(&body).expect("response json")));
    }

    async fn error(State(api): State<Api>, body: String) {
        let _ = api.outcomes.send(Err(body));
    }

    let (outcomes, received) = mpsc::unbounded_channel();
    let api = Api { event: Arc::new(Mutex::new(Some(event))), outcomes };
    let app = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route("/2018-06-01/runtime/invocation/{id}/response", post(response))
        .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
        .route("/2018-06-01/runtime/init/error", post(error))
        .with_state(api);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (address, received)
}

/// The `health` function as Lambda starts it: only the runtime's variables, the AWS
/// ones pointing at moto, and `vars`.
fn function(moto: &Moto, runtime: SocketAddr, home: &TempDir, vars: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_health"));
    command
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_LAMBDA_RUNTIME_API", runtime.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "health")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_ENDPOINT_URL", &moto.endpoint)
        .env("RUST_LOG", "warn")
        // Under coverage the binary writes its profile where this says; cleared, it
        // would write into the source tree.
        .envs(std::env::var_os("LLVM_PROFILE_FILE").map(|path| ("LLVM_PROFILE_FILE", path)))
        .envs(vars.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// Kills the function on drop: a healthy one keeps polling for events.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn references_are_fetched_at_cold_start_from_ssm_and_secrets_manager() {
    let Some(moto) = Moto::start().await else { return };
    // Each variable once from each service, over two cold starts.
    for (run, database_via, jwt_via) in [(1, "PARAMETER", "SECRET_ARN"), (2, "SECRET_ARN", "PARAMETER")] {
        // The folder for the SQLite file the fetched `DATABASE_URL` points at.
        let scratch = TempDir::new("secrets-fetched");
        let database = scratch.path().join("fetched.db");
        let database_url = format!("sqlite://{}", database.display());
        let mut vars = Vec::new();
        for (variable, via, value) in
            [("DATABASE_URL", database_via, &*database_url), ("JWT_SECRET", jwt_via, JWT_SECRET)]
        {
            let name = format!("/taskapp/test{run}/{}", variable.to_lowercase());
            let reference = if via == "PARAMETER" {
                moto.put_parameter(&name, value).await;
                name
            } else {
                moto.create_secret(&name, value).await
            };
            vars.push((format!("{variable}_{via}"), reference));
        }
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();

        let (runtime, mut outcomes) = runtime_api(v2_event("GET", "/health", &[], None)).await;
        let started = Instant::now();
        let child = function(&moto, runtime, &scratch, &vars).spawn().expect("spawn health");
        let _running = Running(child);
        let outcome = tokio::time::timeout(Duration::from_secs(30), outcomes.recv()).await;
        let Ok(Some(Ok(response))) = outcome else {
            panic!("no answer from the function with {vars:?}: {outcome:?}");
        };
        eprintln!("cold start to first answer, secrets fetched from moto: {:?}", started.elapsed());
        assert_eq!(response["statusCode"], 200, "{response}");
        let body: Value = serde_json::from_str(response["body"].as_str().expect("body")).expect("json");
        assert_eq!(body["database"], "connected", "{body}");
        assert!(database.is_file(), "the fetched DATABASE_URL was used");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_parameter_or_secret_stops_the_cold_start_with_one_line() {
    let Some(moto) = Moto::start().await else { return };
    let scratch = TempDir::new("secrets-missing");
    let missing_arn = format!("arn:aws:secretsmanager:{REGION}:123456789012:secret:taskapp/none-AbCdEf");
    let cases = [
        ("DATABASE_URL_PARAMETER", "/taskapp/none/database_url", "ParameterNotFound", "DATABASE_URL"),
        ("JWT_SECRET_SECRET_ARN", missing_arn.as_str(), "ResourceNotFoundException", "JWT_SECRET"),
    ];
    for (reference, name, code, variable) in cases {
        let (runtime, mut outcomes) = runtime_api(v2_event("GET", "/health", &[], None)).await;
        let plain = if variable == "DATABASE_URL" {
            ("JWT_SECRET", JWT_SECRET)
        } else {
            ("DATABASE_URL", "sqlite::memory:")
        };
        let output =
            function(&moto, runtime, &scratch, &[(reference, name), plain]).output().expect("run health");
        assert_eq!(output.status.code(), Some(1), "{reference}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        for expected in [variable, name, code] {
            assert!(stderr.contains(expected), "{expected:?} not in {stderr}");
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(outcomes.try_recv().is_err(), "it must not take an event half-configured");
    }
}
