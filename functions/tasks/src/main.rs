#[tokio::main]
async fn main() -> std::process::ExitCode {
    shared::lambda::run(tasks::router).await
}
