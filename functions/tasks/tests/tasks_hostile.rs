//! Input an attacker would send: deeply nested and odd JSON, edge integers, control
//! characters, near-miss tokens, and races on one row. Each gets a 4xx in the API's
//! format, never a 500, and nothing already stored is lost.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use testkit::{TestApp, TestResponse, store_tests};

fn raw(path: &str, method: Method, body: String, token: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(body))
        .expect("request")
}

fn assert_refused(res: &TestResponse, what: &str) {
    assert!(res.status.is_client_error(), "{what}: {} {:?}", res.status, res.body);
    assert_eq!(res.body["success"], false, "{what}");
    assert!(res.body["error"]["code"].is_string(), "{what}: {:?}", res.body);
}

async fn create(app: &TestApp, token: &str, title: &str) -> i64 {
    let res = app.call(Method::POST, "/api/tasks", Some(json!({"title": title})), Some(token)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{:?}", res.body);
    res.data()["id"].as_i64().expect("id")
}

store_tests! {
    router = tasks::router;

    async fn odd_json_bodies_are_refused_in_the_error_format(app) {
        let (_, token) = app.user("ann@example.com").await;
        let id = create(&app, &token, "Keep me").await;
        let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let deep_object = format!("{}1{}", r#"{"title":"#.repeat(5_000), "}".repeat(5_000));
        let bodies = [
            nested,
            deep_object,
            r#"{"title": "a", "title": "b"}"#.to_owned(),
            r#"{"title": 12345678901234567890123456789}"#.to_owned(),
            r#"{"title": "\ud800"}"#.to_owned(),
            "{\"ti\u{0}tle\": \"x\"}".to_owned(),
            r#"{"title": ["x"]}"#.to_owned(),
            r#"{"title": {"$ne": null}}"#.to_owned(),
            "\u{feff}{\"title\": \"bom\"}".to_owned(),
            r#"{"title": "ok"} trailing"#.to_owned(),
            "".to_owned(),
        ];
        for body in bodies {
            let what = body.chars().take(40).collect::<String>();
            let res = app.send(raw("/api/tasks", Method::POST, body.clone(), &token)).await;
            assert_refused(&res, &what);
            let res = app.send(raw(&format!("/api/tasks/{id}"), Method::PUT, body, &token)).await;
            assert_refused(&res, &what);
        }
        let kept = app.call(Method::GET, &format!("/api/tasks/{id}"), None, Some(&token)).await;
        assert_eq!(kept.data()["title"], "Keep me");
    }

    async fn control_characters_are_refused_by_field_on_every_write(app) {
        let (_, token) = app.user("ann@example.com").await;
        let id = create(&app, &token, "Keep me").await;
        let cases = [
            ("POST", json!({"title": "a\u{0}b"}), "title"),
            ("POST", json!({"title": "ok", "description": "nul \u{0} inside"}), "description"),
            ("POST", json!({"title": "bell\u{7}"}), "title"),
            ("PUT", json!({"title": "\u{0}"}), "title"),
            ("PUT", json!({"title": null}), "title"),
            ("PUT", json!({"description": "esc \u{1b}[2J"}), "description"),
        ];
        for (method, body, field) in cases {
            let (method, path) = match method {
                "POST" => (Method::POST, "/api/tasks".to_owned()),
                _ => (Method::PUT, format!("/api/tasks/{id}")),
            };
            let res = app.call(method, &path, Some(body.clone()), Some(&token)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {:?}", res.body);
            assert!(res.body["error"]["details"][field].is_string(), "{body}: {:?}", res.body);
        }
        let kept = app.call(Method::GET, &format!("/api/tasks/{id}"), None, Some(&token)).await;
        assert_eq!(kept.data()["title"], "Keep me");
        let multiline = json!({"title": "Lines", "description": "one\n\ttwo"});
        let res = app.call(Method::POST, "/api/tasks", Some(multiline), Some(&token)).await;
        assert_eq!(res.status, StatusCode::CREATED);
        assert_eq!(res.data()["description"], "one\n\ttwo");
    }

    async fn edge_integers_in_paths_and_queries(app) {
        let (_, token) = app.user("ann@example.com").await;
        for id in ["0", "-1", "9223372036854775807", "-9223372036854775808"] {
            let res = app.call(Method::GET, &format!("/api/tasks/{id}"), None, Some(&token)).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{id}");
            let res = app.call(Method::PATCH, &format!("/api/tasks/{id}/complete"), None, Some(&token)).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{id}");
        }
        for id in ["9223372036854775808", "1e3", "0x10", "%00", "1%20"] {
            let res = app.call(Method::DELETE, &format!("/api/tasks/{id}"), None, Some(&token)).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{id}");
        }
        for query in ["page=4294967295&limit=100", "page=4294967296", "limit=0", "limit=-1", "page=%00", "page=1&page=2"] {
            let res = app.call(Method::GET, &format!("/api/tasks?{query}"), None, Some(&token)).await;
            assert!(res.status == StatusCode::OK || res.status == StatusCode::UNPROCESSABLE_ENTITY, "{query}: {}", res.status);
        }
        let far = app.call(Method::GET, "/api/tasks?page=4294967295&limit=100", None, Some(&token)).await;
        assert_eq!(far.status, StatusCode::OK);
        assert_eq!(far.body["data"], json!([]));
    }

    async fn near_miss_tokens_are_refused(app) {
        let (_, token) = app.user("ann@example.com").await;
        let flip = |s: &str, at: usize| {
            let mut bytes = s.as_bytes().to_vec();
            bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
            String::from_utf8(bytes).expect("ascii")
        };
        let dots: Vec<usize> = token.match_indices('.').map(|(i, _)| i).collect();
        let near_misses = [
            flip(&token, 5),
            flip(&token, dots[0] + 3),
            flip(&token, token.len() - 2),
            token[..token.len() - 1].to_owned(),
            format!("{token}A"),
            format!("{token}."),
            token.replacen('.', "..", 1),
            token.to_uppercase(),
        ];
        for bad in near_misses {
            let res = app.send(
                Request::builder()
                    .uri("/api/tasks")
                    .header(header::AUTHORIZATION, format!("Bearer {bad}"))
                    .body(Body::empty())
                    .expect("request"),
            ).await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{bad}");
        }
        assert_eq!(app.call(Method::GET, "/api/tasks", None, Some(&token)).await.status, StatusCode::OK);
    }

    async fn racing_updates_toggles_and_a_delete_on_one_row(app) {
        let (_, token) = app.user("ann@example.com").await;
        let id = create(&app, &token, "Contended").await;
        let app = Arc::new(app);
        let racers: Vec<_> = (0..24)
            .map(|n| {
                let (app, token) = (app.clone(), token.clone());
                tokio::spawn(async move {
                    let path = format!("/api/tasks/{id}");
                    let res = match n % 4 {
                        0 => app.call(Method::PUT, &path, Some(json!({"title": format!("edit {n}")})), Some(&token)).await,
                        1 => app.call(Method::PATCH, &format!("{path}/complete"), None, Some(&token)).await,
                        2 => app.call(Method::GET, &path, None, Some(&token)).await,
                        _ if n == 23 => app.call(Method::DELETE, &path, None, Some(&token)).await,
                        _ => app.call(Method::PUT, &path, Some(json!({"description": null})), Some(&token)).await,
                    };
                    res.status
                })
            })
            .collect();
        for racer in racers {
            let status = racer.await.expect("racer");
            assert!(
                [StatusCode::OK, StatusCode::NO_CONTENT, StatusCode::NOT_FOUND].contains(&status),
                "{status}"
            );
        }
        let gone = app.call(Method::GET, &format!("/api/tasks/{id}"), None, Some(&token)).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
    }
}
