//! `server healthcheck`, the container's HEALTHCHECK: exit 0 while the server in the
//! same container answers `/health` with 200, exit 1 with one clear line otherwise.

mod common;

use common::{Server, scratch, server_command};

#[test]
fn healthcheck_passes_while_the_server_is_healthy_and_fails_once_it_is_gone() {
    let scratch = scratch();
    let server = Server::start(&scratch, &[]);
    let port = server.port.to_string();
    // The image listens on 0.0.0.0; the check must then knock on loopback.
    let check =
        || server_command(&scratch).args(["healthcheck"]).env("HOST", "0.0.0.0").env("PORT", &port).output();

    let healthy = check().expect("run healthcheck");
    assert!(healthy.status.success(), "{}", String::from_utf8_lossy(&healthy.stderr));

    drop(server);
    let gone = check().expect("run healthcheck");
    assert_eq!(gone.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&gone.stderr);
    assert!(stderr.contains(&format!("http://127.0.0.1:{port}/health")), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
