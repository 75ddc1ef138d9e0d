#[tokio::main]
async fn main() -> std::process::ExitCode {
    lambda::run(health::router).await
}
