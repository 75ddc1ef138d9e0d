//! `/api/auth/*` through the in-process router, on SQLite and on Postgres.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use backend::credentials::Claims;
use serde_json::{Value, json};
use testkit::{TestApp, store_tests};

fn signup_body(email: &str) -> Value {
    json!({ "email": email, "name": "Ann Example", "password": "correct horse" })
}

async fn signup(app: &TestApp, email: &str) -> String {
    let res = app.call(Method::POST, "/api/auth/signup", Some(signup_body(email)), None).await;
    assert_eq!(res.status, StatusCode::CREATED, "{:?}", res.body);
    res.data()["token"].as_str().expect("token").to_owned()
}

fn cookie_request(method: Method, path: &str, token: &str, origin: Option<&str>) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "tasks.example")
        .header(header::COOKIE, format!("theme=dark; token={token}"));
    if let Some(origin) = origin {
        builder = builder.header(header::ORIGIN, origin);
    }
    builder.body(Body::empty()).expect("request")
}

store_tests! {
    router = auth::router;

    async fn test_register_duplicate_email(app) {
        signup(&app, "ann@example.com").await;
        for email in ["ann@example.com", "  ANN@Example.COM "] {
            let res = app.call(Method::POST, "/api/auth/signup", Some(signup_body(email)), None).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST);
            assert_eq!(res.error_code(), "EMAIL_EXISTS");
            assert_eq!(res.body["success"], false);
        }
    }

    async fn test_login_wrong_password(app) {
        signup(&app, "ann@example.com").await;
        let wrong = app
            .call(Method::POST, "/api/auth/signin", Some(json!({"email": "ann@example.com", "password": "wrong horse"})), None)
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong.error_code(), "INVALID_CREDENTIALS");
        assert!(wrong.set_cookie().is_none());
        let unknown = app
            .call(Method::POST, "/api/auth/signin", Some(json!({"email": "nobody@example.com", "password": "wrong horse"})), None)
            .await;
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.body, wrong.body, "unknown email and wrong password must look the same");
    }

    async fn test_login_valid_credentials(app) {
        signup(&app, "ann@example.com").await;
        let res = app
            .call(Method::POST, "/api/auth/signin", Some(json!({"email": "ANN@example.com", "password": "correct horse"})), None)
            .await;
        assert_eq!(res.status, StatusCode::OK);
        let token = res.data()["token"].as_str().expect("token");
        assert_eq!(res.data()["user"]["email"], "ann@example.com");
        let cookie = res.set_cookie().expect("cookie");
        assert!(cookie.starts_with(&format!("token={token};")));
        let me = app.call(Method::GET, "/api/auth/me", None, Some(token)).await;
        assert_eq!(me.status, StatusCode::OK);
        assert_eq!(me.data()["user"]["email"], "ann@example.com");
    }

    async fn signup_returns_user_token_and_contract_cookie(app) {
        let res = app.call(Method::POST, "/api/auth/signup", Some(signup_body("Ann@Example.com")), None).await;
        assert_eq!(res.status, StatusCode::CREATED);
        assert_eq!(res.body["success"], true);
        let user = &res.data()["user"];
        assert_eq!(user["email"], "ann@example.com");
        assert_eq!(user["name"], "Ann Example");
        let mut keys: Vec<_> = user.as_object().expect("object").keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["created_at", "email", "id", "name", "updated_at"]);
        assert!(user["created_at"].as_str().expect("timestamp").ends_with('Z'));
        let token = res.data()["token"].as_str().expect("token");
        assert_eq!(
            res.set_cookie().expect("cookie"),
            format!("token={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age=604800; Secure")
        );
    }

    async fn signup_validation_names_each_field(app) {
        let res = app
            .call(Method::POST, "/api/auth/signup", Some(json!({"email": "not-an-email", "name": "  ", "password": "short"})), None)
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.error_code(), "VALIDATION_ERROR");
        let details = res.body["error"]["details"].as_object().expect("details");
        for field in ["email", "name", "password"] {
            assert!(details[field].as_str().is_some_and(|m| !m.is_empty()), "{field}");
        }
        for (body, field) in [
            (json!({"email": format!("{}@example.com", "a".repeat(250)), "name": "A", "password": "correct horse"}), "email"),
            (json!({"email": "a@example.com", "name": "n".repeat(101), "password": "correct horse"}), "name"),
            (json!({"email": "a@example.com", "name": "A", "password": "p".repeat(73)}), "password"),
            (json!({"email": "a@example.com", "name": "A", "password": "1234567"}), "password"),
            (json!({"name": "A", "password": "correct horse"}), "email"),
        ] {
            let res = app.call(Method::POST, "/api/auth/signup", Some(body), None).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(res.body["error"]["details"][field].is_string(), "{field}: {:?}", res.body);
        }
        let ok = app
            .call(Method::POST, "/api/auth/signup", Some(json!({"email": "b@example.com", "name": "B", "password": "p".repeat(72)})), None)
            .await;
        assert_eq!(ok.status, StatusCode::CREATED, "72 bytes is allowed");
    }

    async fn test_unauthorized_access(app) {
        let res = app.call(Method::GET, "/api/auth/me", None, None).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert_eq!(res.error_code(), "UNAUTHORIZED");
        let res = app.call(Method::GET, "/api/auth/me", None, Some("garbage")).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }

    async fn signout_revokes_the_token_and_clears_the_cookie(app) {
        let token = signup(&app, "ann@example.com").await;
        let res = app.call(Method::POST, "/api/auth/signout", None, Some(&token)).await;
        assert!(res.status == StatusCode::NO_CONTENT || res.status == StatusCode::OK);
        let cookies: Vec<_> = res.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().expect("ascii")).collect();
        assert_eq!(cookies.len(), 2);
        assert!(cookies[0].starts_with("token=;") && cookies[0].contains("Max-Age=0"), "{cookies:?}");
        assert!(cookies[1].starts_with("signed_in=;") && cookies[1].contains("Max-Age=0"), "{cookies:?}");
        let after = app.call(Method::GET, "/api/auth/me", None, Some(&token)).await;
        assert_eq!(after.status, StatusCode::UNAUTHORIZED);
        let again = app.call(Method::POST, "/api/auth/signout", None, Some(&token)).await;
        assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    }

    async fn password_change_revokes_other_tokens_only(app) {
        let this_device = signup(&app, "ann@example.com").await;
        let signin = json!({"email": "ann@example.com", "password": "correct horse"});
        let other = app.call(Method::POST, "/api/auth/signin", Some(signin.clone()), None).await;
        let other_device = other.data()["token"].as_str().expect("token").to_owned();

        let change = json!({"password": "battery staple", "current_password": "correct horse"});
        let res = app.call(Method::PUT, "/api/auth/profile", Some(change), Some(&this_device)).await;
        assert_eq!(res.status, StatusCode::OK, "{:?}", res.body);

        assert_eq!(app.call(Method::GET, "/api/auth/me", None, Some(&this_device)).await.status, StatusCode::OK);
        assert_eq!(app.call(Method::GET, "/api/auth/me", None, Some(&other_device)).await.status, StatusCode::UNAUTHORIZED);
        let old = app.call(Method::POST, "/api/auth/signin", Some(signin), None).await;
        assert_eq!(old.status, StatusCode::UNAUTHORIZED);
        let new = json!({"email": "ann@example.com", "password": "battery staple"});
        assert_eq!(app.call(Method::POST, "/api/auth/signin", Some(new), None).await.status, StatusCode::OK);
    }

    async fn profile_rules(app) {
        let token = signup(&app, "ann@example.com").await;
        signup(&app, "bob@example.com").await;

        let rename = app.call(Method::PUT, "/api/auth/profile", Some(json!({"name": "  Annie "})), Some(&token)).await;
        assert_eq!(rename.status, StatusCode::OK);
        assert_eq!(rename.data()["user"]["name"], "Annie");
        assert_ne!(rename.data()["user"]["updated_at"], rename.data()["user"]["created_at"]);

        let no_proof = app.call(Method::PUT, "/api/auth/profile", Some(json!({"email": "new@example.com"})), Some(&token)).await;
        assert_eq!(no_proof.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(no_proof.body["error"]["details"]["current_password"].is_string());

        let wrong = json!({"email": "new@example.com", "current_password": "wrong horse"});
        let res = app.call(Method::PUT, "/api/auth/profile", Some(wrong), Some(&token)).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert_eq!(res.error_code(), "INVALID_CREDENTIALS");

        let taken = json!({"email": "BOB@example.com", "current_password": "correct horse"});
        let res = app.call(Method::PUT, "/api/auth/profile", Some(taken), Some(&token)).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert_eq!(res.error_code(), "EMAIL_EXISTS");

        let bad = app.call(Method::PUT, "/api/auth/profile", Some(json!({"name": ""})), Some(&token)).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body["error"]["details"]["name"].is_string());

        let moved = json!({"email": "New@example.com", "current_password": "correct horse"});
        let res = app.call(Method::PUT, "/api/auth/profile", Some(moved), Some(&token)).await;
        assert_eq!(res.data()["user"]["email"], "new@example.com");
        let signin = json!({"email": "new@example.com", "password": "correct horse"});
        assert_eq!(app.call(Method::POST, "/api/auth/signin", Some(signin), None).await.status, StatusCode::OK);
    }

    async fn forged_expired_unsigned_and_orphan_tokens_are_refused(app) {
        let token = signup(&app, "ann@example.com").await;
        let claims = app.state.tokens.verify(&token).expect("valid");
        let now = claims.iat;

        let expired = app.state.tokens.sign(&Claims { iat: now - 8 * 86_400, exp: now - 86_400, ..claims.clone() }).expect("sign");
        let forged = backend::credentials::TokenKeys::new(b"someone-else-s-secret-of-32-bytes!").sign(&claims).expect("sign");
        let payload = token.split('.').nth(1).expect("payload");
        let unsigned = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        let orphan = app
            .state
            .tokens
            .sign(&Claims { user_id: uuid_v4(), jti: uuid_v4(), ..claims.clone() })
            .expect("sign");
        let other_session = app.state.tokens.sign(&Claims { jti: uuid_v4(), ..claims }).expect("sign");

        for bad in [expired, forged, unsigned, orphan, other_session] {
            let res = app.call(Method::GET, "/api/auth/me", None, Some(&bad)).await;
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{bad}");
            assert_eq!(res.error_code(), "UNAUTHORIZED");
        }
    }

    async fn cookie_auth_and_the_csrf_rule(app) {
        let token = signup(&app, "ann@example.com").await;
        let me = app.send(cookie_request(Method::GET, "/api/auth/me", &token, Some("https://evil.example"))).await;
        assert_eq!(me.status, StatusCode::OK, "reads are not state-changing");

        let cross = app.send(cookie_request(Method::POST, "/api/auth/signout", &token, Some("https://evil.example"))).await;
        assert_eq!(cross.status, StatusCode::FORBIDDEN);
        assert_eq!(cross.error_code(), "FORBIDDEN");
        assert_eq!(app.send(cookie_request(Method::GET, "/api/auth/me", &token, None)).await.status, StatusCode::OK);

        let bearer = Request::builder()
            .method(Method::POST)
            .uri("/api/auth/signout")
            .header(header::ORIGIN, "https://evil.example")
            .header(header::AUTHORIZATION, format!("Bearer {}", signup(&app, "bob@example.com").await))
            .body(Body::empty())
            .expect("request");
        assert_eq!(app.send(bearer).await.status, StatusCode::NO_CONTENT, "Bearer requests are exempt");

        let same = app.send(cookie_request(Method::POST, "/api/auth/signout", &token, Some("https://tasks.example"))).await;
        assert_eq!(same.status, StatusCode::NO_CONTENT);
        assert_eq!(app.send(cookie_request(Method::GET, "/api/auth/me", &token, None)).await.status, StatusCode::UNAUTHORIZED);
    }

    async fn framework_rejections_use_the_error_format(app) {
        let not_json = Request::builder()
            .method(Method::POST)
            .uri("/api/auth/signup")
            .header(header::CONTENT_TYPE, "text/plain")
            .body(Body::from("hello"))
            .expect("request");
        let res = app.send(not_json).await;
        assert_eq!(res.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(res.error_code(), "UNSUPPORTED_MEDIA_TYPE");

        let no_type = Request::builder().method(Method::POST).uri("/api/auth/signup").body(Body::from("{}")).expect("request");
        assert_eq!(app.send(no_type).await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

        for body in ["{\"email\": ", "[1,2]", "{\"email\": 5, \"name\": \"A\", \"password\": \"password123\"}", "{} trailing"] {
            let req = Request::builder()
                .method(Method::POST)
                .uri("/api/auth/signup")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .expect("request");
            let res = app.send(req).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert_eq!(res.error_code(), "VALIDATION_ERROR");
            assert_eq!(res.body["success"], false);
        }

        // serde would fill the all-optional profile from an array of its fields.
        let token = signup(&app, "array@example.com").await;
        let res = app.call(Method::PUT, "/api/auth/profile", Some(json!([null, null])), Some(&token)).await;
        assert_eq!((res.status, res.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "VALIDATION_ERROR"));

        let huge = json!({"email": "a@example.com", "name": "x".repeat(70_000), "password": "correct horse"});
        let res = app.call(Method::POST, "/api/auth/signup", Some(huge), None).await;
        assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(res.body["success"], false);

        let res = app.call(Method::GET, "/api/auth/nothing-here", None, None).await;
        assert_eq!((res.status, res.error_code()), (StatusCode::NOT_FOUND, "NOT_FOUND"));
        let res = app.call(Method::GET, "/api/auth/signup", None, None).await;
        assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(res.body["success"], false);
    }
}

fn uuid_v4() -> uuid::Uuid {
    uuid::Uuid::new_v4()
}
