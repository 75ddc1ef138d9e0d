#[tokio::main]
async fn main() -> std::process::ExitCode {
    shared::lambda::run(health::router).await
}
