//! Accounts people can recover and control: password reset through a real SMTP
//! server, the signed-in devices, export and deletion, on both stores.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use backend::auth::{MAX_SESSIONS_PER_USER, SessionDevice, start_session, sweep_if_due, sweep_now};
use backend::http::ClientIp;
use chrono::Utc;
use contract::api::CreateTaskRequest;
use serde_json::{Value, json};
use sqlx::Connection;
use store::{NewSession, UserRecord};
use testkit::reset_flow::{APP_URL, NEW_PASSWORD, forgot, mail_vars, reset};
use testkit::smtp::{Mail, SmtpServer};
use testkit::{Backend, TEST_PASSWORD, TestApp, TestResponse};
use uuid::Uuid;

async fn signin(app: &TestApp, email: &str, password: &str) -> TestResponse {
    let body = json!({ "email": email, "password": password });
    app.call(Method::POST, "/api/auth/signin", Some(body), None).await
}

/// A signin from a given browser and address, as the devices list will show it.
async fn signin_from(app: &TestApp, email: &str, user_agent: &str, ip: &str) -> String {
    let body = json!({ "email": email, "password": TEST_PASSWORD }).to_string();
    let mut request = Request::post("/api/auth/signin")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::USER_AGENT, user_agent)
        .body(Body::from(body))
        .expect("request");
    request.extensions_mut().insert(ClientIp(ip.parse().expect("an IP address")));
    let response = app.send(request).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    response.data()["token"].as_str().expect("a token").to_owned()
}

async fn me(app: &TestApp, token: &str) -> StatusCode {
    app.call(Method::GET, "/api/auth/me", None, Some(token)).await.status
}

async fn sessions(app: &TestApp, token: &str) -> Vec<Value> {
    let response = app.call(Method::GET, "/api/auth/sessions", None, Some(token)).await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
    response.data().as_array().expect("a list").clone()
}

async fn add_task(app: &TestApp, user_id: Uuid, title: &str, description: Option<&str>) {
    let request = CreateTaskRequest { title: title.into(), description: description.map(Into::into) };
    let task = request.parse().expect("a valid task");
    app.store()
        .insert_task(user_id, &task, app.state.config.max_tasks_per_user)
        .await
        .expect("insert a task")
        .expect("room for it");
}

fn token_error(response: &TestResponse) -> &str {
    response.body["error"]["details"]["token"].as_str().unwrap_or_default()
}

/// Runs `sql` with `id` bound as `$1` on the app's own database, through a connection
/// of its own: what the tests check or arrange behind the API.
async fn scalar(app: &TestApp, sql: &str, id: Uuid) -> i64 {
    let url = &app.state.config.database_url;
    match app.backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut conn).await.expect("query")
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut conn).await.expect("query")
        }
    }
}

async fn execute(app: &TestApp, sql: &str, id: Uuid) {
    let url = &app.state.config.database_url;
    match app.backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect");
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).execute(&mut conn).await.expect("statement");
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).execute(&mut conn).await.expect("statement");
        }
    }
}

/// Mail must not come: give a job that would send it time to, then count.
async fn settle(smtp: &SmtpServer, expected: usize) -> Vec<Mail> {
    let messages = smtp.wait_for(expected).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let later = smtp.messages();
    assert_eq!(later.len(), expected, "no more than {expected} messages: {:?}", later.iter().map(|m| &m.raw));
    messages
}

testkit::mail_tests! {
    router = auth::router;
    vars = mail_vars;

    async fn forgot_mail_reset_then_signin_with_the_new_password(app, smtp) {
        let (user, old_token) = app.user("ann@example.com").await;
        let response = forgot(&app, "Ann@Example.com").await;
        assert_eq!(response.status, StatusCode::ACCEPTED);
        assert_eq!(
            response.body,
            json!({"success": true, "data": {"message":
                "If an account exists for that email, we've sent a link. It expires in 30 minutes."}})
        );

        let mail = smtp.wait_for(1).await.remove(0);
        assert!(mail.header("To").unwrap().contains("ann@example.com"), "{}", mail.raw);
        assert_eq!(mail.header("Subject"), Some("Reset your Tasks password"));
        assert!(mail.header("From").unwrap().contains("no-reply@tasks.example"));
        assert!(mail.raw.contains("multipart/alternative"), "{}", mail.raw);
        let (text, html) = mail.parts();
        for part in [text, html] {
            assert!(part.contains(&format!("{APP_URL}/reset-password#token=")), "{part}");
            assert!(part.contains("expires in 30 minutes"), "{part}");
            assert!(part.contains("If you didn't ask for this, you can ignore this email"), "{part}");
        }
        let token = mail.reset_token().expect("a link with a token");
        assert_eq!(token.len(), 43, "32 bytes of base64url");
        let stored = scalar(&app, "SELECT COUNT(*) FROM password_resets WHERE user_id = $1", user.id).await;
        assert_eq!(stored, 1);

        let response = reset(&app, &token, NEW_PASSWORD).await;
        assert_eq!(response.status, StatusCode::NO_CONTENT, "{:?}", response.body);
        assert_eq!(me(&app, &old_token).await, StatusCode::UNAUTHORIZED, "every session is revoked");
        let old = signin(&app, "ann@example.com", TEST_PASSWORD).await;
        assert_eq!((old.status, old.error_code()), (StatusCode::UNAUTHORIZED, "INVALID_CREDENTIALS"));
        assert_eq!(signin(&app, "ann@example.com", NEW_PASSWORD).await.status, StatusCode::OK);

        let again = reset(&app, &token, "yet another secret").await;
        assert_eq!((again.status, again.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR"));
        assert!(token_error(&again).contains("invalid, expired or already used"), "{:?}", again.body);
        assert_eq!(signin(&app, "ann@example.com", NEW_PASSWORD).await.status, StatusCode::OK);
    }

    async fn only_the_hash_of_the_token_is_stored(app, smtp) {
        let (user, _) = app.user("ann@example.com").await;
        forgot(&app, "ann@example.com").await;
        let token = smtp.wait_for(1).await[0].reset_token().unwrap();
        let hash = backend::auth::hash_reset_token(&token);
        let sql = format!("SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND token_hash = '{hash}'");
        assert_eq!(scalar(&app, &sql, user.id).await, 1);
        let sql = format!("SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND token_hash = '{token}'");
        assert_eq!(scalar(&app, &sql, user.id).await, 0);
    }

    async fn an_expired_token_is_refused(app, smtp) {
        let (user, _) = app.user("ann@example.com").await;
        forgot(&app, "ann@example.com").await;
        let token = smtp.wait_for(1).await[0].reset_token().unwrap();
        execute(&app, "UPDATE password_resets SET expires_at = created_at WHERE user_id = $1", user.id).await;
        let response = reset(&app, &token, NEW_PASSWORD).await;
        assert_eq!((response.status, response.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR"));
        assert!(token_error(&response).contains("expired"));
        assert_eq!(signin(&app, "ann@example.com", TEST_PASSWORD).await.status, StatusCode::OK);
    }

    async fn an_unknown_email_gets_the_same_answer_and_no_mail(app, smtp) {
        app.user("ann@example.com").await;
        let unknown = forgot(&app, "nobody@example.com").await;
        let known = forgot(&app, "ann@example.com").await;
        assert_eq!(unknown.status, StatusCode::ACCEPTED);
        assert_eq!((unknown.status, &unknown.body), (known.status, &known.body));
        let mail = settle(&smtp, 1).await;
        assert!(mail[0].header("To").unwrap().contains("ann@example.com"));
    }

    async fn at_most_three_reset_emails_per_account_per_hour(app, smtp) {
        app.user("ann@example.com").await;
        app.user("bob@example.com").await;
        for _ in 0..5 {
            assert_eq!(forgot(&app, "ann@example.com").await.status, StatusCode::ACCEPTED);
        }
        let mail = settle(&smtp, 3).await;
        assert!(mail.iter().all(|m| m.header("To").unwrap().contains("ann@example.com")));
        // Another account has its own allowance.
        forgot(&app, "bob@example.com").await;
        settle(&smtp, 4).await;
        // Each of the three was live; the first completed reset ends the other two.
        let mut worked = 0;
        for message in &mail {
            let response = reset(&app, &message.reset_token().unwrap(), NEW_PASSWORD).await;
            worked += usize::from(response.status == StatusCode::NO_CONTENT);
        }
        assert_eq!(worked, 1);
    }

    async fn the_link_origin_ignores_a_forged_host(app, smtp) {
        app.user("ann@example.com").await;
        let request = Request::post("/api/auth/forgot-password")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::HOST, "evil.example")
            .header("x-forwarded-host", "evil.example")
            .header("forwarded", "host=evil.example;proto=https")
            .header(header::ORIGIN, "https://evil.example")
            .body(Body::from(json!({"email": "ann@example.com"}).to_string()))
            .unwrap();
        assert_eq!(app.send(request).await.status, StatusCode::ACCEPTED);
        let mail = smtp.wait_for(1).await.remove(0);
        let link = mail.reset_link().unwrap();
        assert!(link.starts_with("https://tasks.example/reset-password#token="), "{link}");
        assert!(!mail.decoded.contains("evil.example"), "{}", mail.decoded);
    }

    async fn deleting_the_account_takes_its_reset_links_too(app, smtp) {
        let (user, token) = app.user("ann@example.com").await;
        forgot(&app, "ann@example.com").await;
        let link = smtp.wait_for(1).await[0].reset_token().unwrap();
        let body = json!({"current_password": TEST_PASSWORD});
        let response = app.call(Method::DELETE, "/api/auth/account", Some(body), Some(&token)).await;
        assert_eq!(response.status, StatusCode::NO_CONTENT);
        assert_eq!(scalar(&app, "SELECT COUNT(*) FROM password_resets WHERE user_id = $1", user.id).await, 0);
        assert_eq!(reset(&app, &link, NEW_PASSWORD).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

testkit::store_tests! {
    router = auth::router;

    async fn the_mail_is_sent_off_the_request_path(app) {
        // An SMTP server that accepts connections and never says a word.
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", silent.local_addr().unwrap());
        let app = match app.backend {
            Backend::Sqlite => TestApp::sqlite(auth::router, &mail_vars(&url)).await,
            Backend::Postgres => TestApp::postgres(auth::router, &mail_vars(&url)).await.unwrap(),
        };
        app.user("ann@example.com").await;
        for email in ["ann@example.com", "nobody@example.com"] {
            let started = Instant::now();
            assert_eq!(forgot(&app, email).await.status, StatusCode::ACCEPTED);
            assert!(started.elapsed() < Duration::from_millis(500), "{email}: {:?}", started.elapsed());
        }
    }

    async fn reset_and_forgot_refuse_bad_input(app) {
        let response = forgot(&app, "not an email").await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.body["error"]["details"]["email"].is_string());
        let response = reset(&app, "", "short").await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(token_error(&response).contains("invalid"));
        assert!(response.body["error"]["details"]["password"].is_string());
        let response = reset(&app, "unknown-token", NEW_PASSWORD).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(token_error(&response).contains("invalid, expired or already used"));
        let response = reset(&app, "unknown-token", "password").await;
        assert!(response.body["error"]["details"]["password"].is_string(), "a common password: {:?}", response.body);
    }

    async fn the_session_list_shows_each_device_newest_first(app) {
        app.user("ann@example.com").await;
        let laptop = signin_from(&app, "ann@example.com", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", "198.51.100.7").await;
        let phone = signin_from(&app, "ann@example.com", &"Phone ".repeat(60), "2001:db8::7").await;
        let list = sessions(&app, &laptop).await;
        // The one from `TestApp::user`, then these two, newest first.
        assert_eq!(list.len(), 3, "{list:?}");
        assert_eq!(list[0]["user_agent"].as_str().unwrap().chars().count(), 200);
        assert_eq!(list[0]["ip"], "2001:db8::7");
        assert_eq!(list[0]["current"], false);
        assert_eq!(list[1]["user_agent"], "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0");
        assert_eq!(list[1]["ip"], "198.51.100.7");
        assert_eq!(list[1]["current"], true);
        for session in &list {
            for field in ["id", "created_at", "last_seen_at"] {
                assert!(session[field].is_string(), "{field}: {session}");
            }
        }
        assert!(list[0]["created_at"].as_str() >= list[1]["created_at"].as_str());
        let from_phone = sessions(&app, &phone).await;
        assert_eq!(from_phone[0]["current"], true);
        assert_eq!(from_phone[1]["current"], false);
    }

    async fn ending_another_session_keeps_it_out(app) {
        let (_, first) = app.user("ann@example.com").await;
        let second = signin_from(&app, "ann@example.com", "Second", "198.51.100.8").await;
        assert_eq!(me(&app, &second).await, StatusCode::OK, "cached now");
        let id = sessions(&app, &first).await.iter().find(|s| s["current"] == false).unwrap()["id"].clone();
        let path = format!("/api/auth/sessions/{}", id.as_str().unwrap());
        let response = app.call(Method::DELETE, &path, None, Some(&first)).await;
        assert_eq!(response.status, StatusCode::NO_CONTENT);
        assert!(response.set_cookie().is_none(), "the caller stays signed in");
        assert_eq!(me(&app, &second).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me(&app, &first).await, StatusCode::OK);
        assert_eq!(sessions(&app, &first).await.len(), 1);
        let again = app.call(Method::DELETE, &path, None, Some(&first)).await;
        assert_eq!((again.status, again.error_code()), (StatusCode::NOT_FOUND, "NOT_FOUND"));
    }

    async fn ending_the_current_session_signs_out(app) {
        let (_, token) = app.user("ann@example.com").await;
        let id = sessions(&app, &token).await[0]["id"].as_str().unwrap().to_owned();
        let response = app.call(Method::DELETE, &format!("/api/auth/sessions/{id}"), None, Some(&token)).await;
        assert_eq!(response.status, StatusCode::NO_CONTENT);
        let cookies: Vec<_> = response.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
        assert!(cookies.iter().any(|c| c.starts_with("token=;") && c.contains("Max-Age=0")), "{cookies:?}");
        assert!(cookies.iter().any(|c| c.starts_with("signed_in=;") && c.contains("Max-Age=0")), "{cookies:?}");
        assert_eq!(me(&app, &token).await, StatusCode::UNAUTHORIZED);
    }

    async fn ending_every_other_session(app) {
        let (_, keep) = app.user("ann@example.com").await;
        let others = [
            signin_from(&app, "ann@example.com", "B", "198.51.100.2").await,
            signin_from(&app, "ann@example.com", "C", "198.51.100.3").await,
        ];
        for other in &others {
            assert_eq!(me(&app, other).await, StatusCode::OK);
        }
        let response = app.call(Method::DELETE, "/api/auth/sessions", None, Some(&keep)).await;
        assert_eq!(response.status, StatusCode::NO_CONTENT);
        for other in &others {
            assert_eq!(me(&app, other).await, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(me(&app, &keep).await, StatusCode::OK);
        let list = sessions(&app, &keep).await;
        assert_eq!((list.len(), &list[0]["current"]), (1, &json!(true)));
    }

    async fn another_users_session_is_not_found(app) {
        let (_, ann) = app.user("ann@example.com").await;
        let (_, bob) = app.user("bob@example.com").await;
        let bobs = sessions(&app, &bob).await[0]["id"].as_str().unwrap().to_owned();
        let response = app.call(Method::DELETE, &format!("/api/auth/sessions/{bobs}"), None, Some(&ann)).await;
        assert_eq!((response.status, response.error_code()), (StatusCode::NOT_FOUND, "NOT_FOUND"));
        assert_eq!(me(&app, &bob).await, StatusCode::OK);
        let missing = app.call(Method::DELETE, &format!("/api/auth/sessions/{}", Uuid::new_v4()), None, Some(&ann)).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        let bad = app.call(Method::DELETE, "/api/auth/sessions/not-a-uuid", None, Some(&ann)).await;
        assert_eq!((bad.status, bad.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR"));
        assert_eq!(app.call(Method::GET, "/api/auth/sessions", None, None).await.status, StatusCode::UNAUTHORIZED);
    }

    async fn last_seen_is_written_at_most_every_five_minutes(app) {
        let (user, token) = app.user("ann@example.com").await;
        let stale = match app.backend {
            Backend::Sqlite => "UPDATE sessions SET last_seen_at = '2026-01-01T00:00:00+00:00' WHERE user_id = $1",
            Backend::Postgres => "UPDATE sessions SET last_seen_at = now() - INTERVAL '10 minutes' WHERE user_id = $1",
        };
        let seen_lately = match app.backend {
            Backend::Sqlite => "SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND last_seen_at > '2026-06-01'",
            Backend::Postgres => "SELECT COUNT(*) FROM sessions WHERE user_id = $1 AND last_seen_at > now() - INTERVAL '1 minute'",
        };
        execute(&app, stale, user.id).await;
        assert_eq!(me(&app, &token).await, StatusCode::OK);
        assert_eq!(scalar(&app, seen_lately, user.id).await, 1, "a stale time is brought up to date");
        execute(&app, stale, user.id).await;
        for _ in 0..3 {
            assert_eq!(me(&app, &token).await, StatusCode::OK);
        }
        assert_eq!(scalar(&app, seen_lately, user.id).await, 0, "written less than 5 minutes ago: not again");
    }

    async fn live_sessions_are_capped_per_user(app) {
        let (user, oldest) = app.user("ann@example.com").await;
        let record = UserRecord {
            id: user.id, email: user.email.clone(), name: user.name.clone(),
            password_hash: String::new(), created_at: user.created_at, updated_at: user.updated_at,
        };
        let mut newest = String::new();
        for _ in 0..MAX_SESSIONS_PER_USER {
            newest = start_session(&app.state, &record, &SessionDevice::default()).await.unwrap().token;
        }
        assert_eq!(me(&app, &oldest).await, StatusCode::UNAUTHORIZED, "the oldest is revoked");
        assert_eq!(me(&app, &newest).await, StatusCode::OK);
        let count = scalar(&app, "SELECT COUNT(*) FROM sessions WHERE user_id = $1", user.id).await;
        assert_eq!(count, i64::from(MAX_SESSIONS_PER_USER));
    }

    async fn the_sweep_purges_expired_sessions(app) {
        let (user, token) = app.user("ann@example.com").await;
        let (other, _) = app.user("bob@example.com").await;
        let expired = NewSession {
            id: Uuid::new_v4(), user_id: other.id, expires_at: Utc::now() - chrono::Duration::minutes(1),
            user_agent: None, ip: None,
        };
        app.store().insert_session(&expired).await.unwrap();
        let all = "SELECT COUNT(*) FROM sessions WHERE user_id = $1";
        assert_eq!(scalar(&app, all, other.id).await, 2);
        sweep_if_due(&app.state).await;
        assert_eq!(scalar(&app, all, other.id).await, 2, "starting a session swept moments ago");
        sweep_now(&app.state).await;
        assert_eq!(scalar(&app, all, other.id).await, 1, "the expired one is gone");
        assert_eq!(scalar(&app, all, user.id).await, 1);
        assert_eq!(me(&app, &token).await, StatusCode::OK);
    }

    async fn the_export_holds_the_user_and_every_task(app) {
        let (user, token) = app.user("ann@example.com").await;
        let (bob, _) = app.user("bob@example.com").await;
        for title in ["first", "second", "third"] {
            add_task(&app, user.id, title, Some(&format!("about {title}"))).await;
        }
        add_task(&app, bob.id, "bob's", None).await;

        let response = app.call(Method::GET, "/api/auth/export", None, Some(&token)).await;
        assert_eq!(response.status, StatusCode::OK);
        let today = Utc::now().format("%Y-%m-%d");
        assert_eq!(
            response.headers.get(header::CONTENT_DISPOSITION).unwrap(),
            &format!("attachment; filename=\"tasks-export-{today}.json\"")
        );
        assert_eq!(response.body["success"], true);
        let data = response.data();
        assert_eq!(data["user"]["email"], "ann@example.com");
        assert_eq!(data["user"]["id"], user.id.to_string());
        assert!(data["user"].get("password_hash").is_none());
        let titles: Vec<_> = data["tasks"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
        assert_eq!(titles, ["first", "second", "third"]);
        assert_eq!(data["tasks"][1]["description"], "about second");
        assert!(chrono::DateTime::parse_from_rfc3339(data["exported_at"].as_str().unwrap()).is_ok());
        assert!(!response.body.to_string().contains("bob"), "nobody else's data");
    }

    async fn deleting_the_account_needs_the_password_and_leaves_nothing(app) {
        let (user, token) = app.user("ann@example.com").await;
        let (bob, bob_token) = app.user("bob@example.com").await;
        add_task(&app, user.id, "mine", None).await;
        add_task(&app, bob.id, "mine", None).await;
        signin_from(&app, "ann@example.com", "Other device", "198.51.100.9").await;
        assert_eq!(me(&app, &token).await, StatusCode::OK, "a signed-in request, counted per user");
        let buckets = format!("SELECT COUNT(*) FROM rate_limits WHERE bucket LIKE '%{}' AND $1 IS NOT NULL", user.id);
        assert!(scalar(&app, &buckets, user.id).await > 0, "the user's rate-limit bucket is there to delete");

        let wrong = json!({"current_password": "not my password"});
        let response = app.call(Method::DELETE, "/api/auth/account", Some(wrong), Some(&token)).await;
        assert_eq!((response.status, response.error_code()), (StatusCode::UNAUTHORIZED, "INVALID_CREDENTIALS"));
        assert_eq!(me(&app, &token).await, StatusCode::OK, "a wrong password deletes nothing");
        let empty = app.call(Method::DELETE, "/api/auth/account", Some(json!({})), Some(&token)).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(empty.body["error"]["details"]["current_password"].is_string());

        let right = json!({"current_password": TEST_PASSWORD});
        let response = app.call(Method::DELETE, "/api/auth/account", Some(right), Some(&token)).await;
        assert_eq!(response.status, StatusCode::NO_CONTENT, "{:?}", response.body);
        let cookies: Vec<_> = response.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
        assert!(cookies.iter().any(|c| c.starts_with("token=;") && c.contains("Max-Age=0")), "{cookies:?}");

        for (table, column) in [("users", "id"), ("tasks", "user_id"), ("sessions", "user_id"), ("password_resets", "user_id")] {
            let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1");
            assert_eq!(scalar(&app, &sql, user.id).await, 0, "{table}");
            assert_eq!(scalar(&app, &sql, bob.id).await, i64::from(table != "password_resets"), "bob's {table}");
        }
        assert_eq!(scalar(&app, &buckets, user.id).await, 0, "rate_limits");
        assert_eq!(me(&app, &token).await, StatusCode::UNAUTHORIZED);
        assert_eq!(signin(&app, "ann@example.com", TEST_PASSWORD).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(me(&app, &bob_token).await, StatusCode::OK);
    }
}
