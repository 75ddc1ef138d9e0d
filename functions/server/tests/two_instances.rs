//! Rate limits hold across two `server` processes sharing one Postgres database, as
//! they would across Lambda instances or containers.

mod common;

use std::time::Duration;

use chrono::{Timelike, Utc};
use common::{Server, scratch, signup};

/// The limits use fixed one-minute windows; start where the whole test fits in one.
fn wait_for_a_fresh_window() {
    let second = Utc::now().second();
    if second > 45 {
        std::thread::sleep(Duration::from_secs(u64::from(61 - second)));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn limits_are_shared_by_every_instance() {
    let Some(url) = testkit::fresh_postgres_database().await else { return };
    tokio::task::spawn_blocking(move || {
        let scratch = scratch();
        let vars = [("DATABASE_URL", url.as_str())];
        let servers = [Server::start(&scratch, &vars), Server::start(&scratch, &vars)];
        wait_for_a_fresh_window();

        let ann = signup(&servers[0], "ann@example.com");
        let bob = signup(&servers[1], "bob@example.com");
        let signin = r#"{"email": "ann@example.com", "password": "correct horse"}"#;
        for (i, server) in [&servers[0], &servers[1], &servers[0]].into_iter().enumerate() {
            let res = server.call("POST", "/api/auth/signin", Some(signin), None);
            assert_eq!(res.status, 200, "credential request {} of 5", i + 3);
        }
        for server in &servers {
            let refused = server.call("POST", "/api/auth/signin", Some(signin), None);
            assert_eq!(refused.status, 429, "the 6th credential request is refused on either instance");
            assert_eq!(refused.json()["error"]["code"], "RATE_LIMITED");
            assert!(refused.header("retry-after").is_some());
        }

        for i in 0..100 {
            let res = servers[i % 2].call("GET", "/api/tasks", None, Some(&ann));
            assert_eq!(res.status, 200, "task request {} of 100", i + 1);
        }
        for server in &servers {
            let refused = server.call("GET", "/api/tasks", None, Some(&ann));
            assert_eq!(refused.status, 429, "the 101st task request is refused on either instance");
            assert_eq!(refused.header("x-ratelimit-remaining"), Some("0"));
        }
        let other = servers[1].call("GET", "/api/tasks", None, Some(&bob));
        assert_eq!(other.status, 200, "another user is still served");
    })
    .await
    .expect("test thread");
}
