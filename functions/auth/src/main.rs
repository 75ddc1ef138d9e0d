#[tokio::main]
async fn main() -> std::process::ExitCode {
    lambda::run(auth::router).await
}
