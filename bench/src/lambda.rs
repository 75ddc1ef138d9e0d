//! Cold start of a Lambda function binary against a stand-in for the Lambda runtime
//! API on loopback: from process start to the function posting a 200 for `/health`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const EVENT: &str = r#"{"version":"2.0","routeKey":"$default","rawPath":"/health","rawQueryString":"","headers":{"host":"bench"},"requestContext":{"accountId":"123456789012","apiId":"bench","domainName":"bench","domainPrefix":"bench","http":{"method":"GET","path":"/health","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"bench"},"requestId":"bench","routeKey":"$default","stage":"$default","time":"25/Nov/2026:13:00:00 +0000","timeEpoch":0},"isBase64Encoded":false}"#;

/// Time to the first answered `/health` invocation, or `None` if the function did not
/// answer 200 within 10 s.
pub async fn cold_start(binary: &str, database_url: &str, jwt_secret: &str) -> Option<Duration> {
    let listener = TcpListener::bind("127.0.0.1:0").await.ok()?;
    let api = listener.local_addr().ok()?;
    let started = Instant::now();
    let mut child = Command::new(binary)
        .env("AWS_LAMBDA_RUNTIME_API", api.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "health")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "bench")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .env("DATABASE_URL", database_url)
        .env("JWT_SECRET", jwt_secret)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .ok()?;
    let answered = tokio::time::timeout(Duration::from_secs(10), serve(&listener)).await.ok().flatten();
    let elapsed = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    answered.filter(|ok| *ok).map(|_| elapsed)
}

/// Hands out one event, then reports whether the posted response was a 200.
async fn serve(listener: &TcpListener) -> Option<bool> {
    loop {
        let (stream, _) = listener.accept().await.ok()?;
        let mut stream = BufReader::new(stream);
        let mut request_line = String::new();
        stream.read_line(&mut request_line).await.ok()?;
        let length = read_headers(&mut stream).await?;
        let mut body = vec![0; length];
        stream.read_exact(&mut body).await.ok()?;
        let stream = stream.get_mut();
        if request_line.contains("/invocation/next") {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: bench-1\r\n\
                 Lambda-Runtime-Deadline-Ms: 9999999999999\r\n\
                 Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:eu-west-1:123456789012:function:health\r\n\
                 Content-Length: {}\r\n\r\n",
                EVENT.len()
            );
            respond(stream, &head, EVENT).await?;
        } else {
            respond(stream, "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n", "{}").await?;
            let answer = String::from_utf8_lossy(&body);
            return Some(request_line.contains("/response") && answer.contains("\"statusCode\":200"));
        }
    }
}

async fn read_headers(stream: &mut BufReader<TcpStream>) -> Option<usize> {
    let mut length = 0;
    loop {
        let mut line = String::new();
        stream.read_line(&mut line).await.ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            return Some(length);
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok()?;
        }
    }
}

async fn respond(stream: &mut TcpStream, head: &str, body: &str) -> Option<()> {
    stream.write_all(head.as_bytes()).await.ok()?;
    stream.write_all(body.as_bytes()).await.ok()
}
