#[tokio::main]
async fn main() -> std::process::ExitCode {
    shared::lambda::run(auth::router).await
}
