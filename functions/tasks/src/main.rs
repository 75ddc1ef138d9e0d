#[tokio::main]
async fn main() -> std::process::ExitCode {
    lambda::run(tasks::router).await
}
