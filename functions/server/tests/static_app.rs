//! The combined app: API routes from all three functions, and the web app's files with
//! a fallback to `index.html` outside `/api` and `/health`; how it compresses and how
//! long browsers may keep what it sends.

use axum::body::{Body, Bytes};
use axum::http::header::{
    ACCEPT_ENCODING, AUTHORIZATION, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, VARY,
};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use testkit::{TEST_PASSWORD, TempDir, TestApp};
use tower::ServiceExt;
use tower_http::decompression::Decompression;

/// A name as trunk gives it: the content's hash after the file's own name.
const HASHED_JS: &str = "frontend-0123456789abcdef.js";
const ROBOTS: &str = include_str!("../../../frontend/robots.txt");
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A build's layout: each file beside its `.br` and `.gz` copies (here with contents
/// that tell them apart), and the web app's real `robots.txt`.
fn site() -> TempDir {
    let dir = TempDir::new("site");
    let files = [
        ("index.html", "<!doctype html><title>Tasks</title>"),
        ("index.html.br", "brotli index"),
        ("index.html.gz", "gzip index"),
        ("app.js", "console.log('hi')"),
        (HASHED_JS, "console.log('hashed')"),
        ("frontend-0123456789abcdef.js.br", "brotli js"),
        ("frontend-0123456789abcdef.js.gz", "gzip js"),
        ("robots.txt", ROBOTS),
    ];
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).expect("site file");
    }
    dir
}

async fn get(app: &axum::Router, path: &str) -> (StatusCode, String, String) {
    let req = Request::builder().method(Method::GET).uri(path).body(Body::empty()).expect("request");
    let res = app.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let body =
        String::from_utf8_lossy(&res.into_body().collect().await.expect("body").to_bytes()).into_owned();
    (status, content_type, body)
}

/// An app on its own database, which lives as long as the returned `TestApp`.
async fn test_app() -> TestApp {
    TestApp::sqlite(tasks::router, &[]).await
}

#[tokio::test]
async fn serves_files_and_falls_back_to_index_for_client_routes() {
    let site = site();
    let test = test_app().await;
    let app = server::app(test.state.clone(), site.path());

    let (status, content_type, body) = get(&app, "/app.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.contains("javascript"), "{content_type}");
    assert!(body.contains("console.log"));

    for deep_link in ["/", "/signin", "/profile", "/some/deep/link"] {
        let (status, content_type, body) = get(&app, deep_link).await;
        assert_eq!(status, StatusCode::OK, "{deep_link}");
        assert!(content_type.starts_with("text/html"), "{deep_link}");
        assert!(body.contains("<title>Tasks</title>"));
    }

    for api in ["/api", "/api/nothing", "/api/tasks/1/nothing", "/health/extra"] {
        let (status, content_type, body) = get(&app, api).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{api}");
        assert!(content_type.starts_with("application/json"), "{api}");
        assert!(body.contains("\"NOT_FOUND\""), "{api}: {body}");
    }
    let (status, _, body) = get(&app, "/health").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("\"connected\""));
}

#[tokio::test]
async fn without_a_built_site_every_unknown_path_is_a_json_404() {
    let missing = std::env::temp_dir().join("taskapp-no-such-site");
    let test = test_app().await;
    let app = server::app(test.state.clone(), &missing);
    let (status, _, body) = get(&app, "/signin").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("\"success\":false"));
}

#[tokio::test]
async fn merges_all_three_routers() {
    let site = site();
    let test = test_app().await;
    let app = server::app(test.state.clone(), site.path());
    let (status, _, _) = get(&app, "/api/auth/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = get(&app, "/api/tasks").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let req =
        Request::builder().method(Method::DELETE).uri("/api/auth/me").body(Body::empty()).expect("request");
    let res = app.clone().oneshot(req).await.expect("infallible");
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn header(&self, name: axum::http::HeaderName) -> &str {
        self.headers.get(name).map_or("", |v| v.to_str().unwrap_or_default())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

/// A request with the given `Accept-Encoding` (none when empty), a Bearer token and a
/// JSON body when given.
fn request(
    method: Method,
    path: &str,
    accept: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    if !accept.is_empty() {
        builder = builder.header(ACCEPT_ENCODING, accept);
    }
    if let Some(token) = token {
        builder = builder.header(AUTHORIZATION, format!("Bearer {token}"));
    }
    let body = match body {
        Some(json) => {
            builder = builder.header(CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    builder.body(body).expect("request")
}

/// The response as it goes over the wire, compressed or not.
async fn send(app: &axum::Router, req: Request<Body>) -> Answer {
    let res = app.clone().oneshot(req).await.expect("infallible");
    let (parts, body) = res.into_parts();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body: body.collect().await.expect("body").to_bytes(),
    }
}

/// The response as a browser reads it, decompressed.
async fn read(app: &axum::Router, req: Request<Body>) -> Bytes {
    let res = Decompression::new(app.clone()).oneshot(req).await.expect("infallible");
    res.into_body().collect().await.expect("decompressed body").to_bytes()
}

#[tokio::test]
async fn json_is_compressed_as_the_request_accepts() {
    let test = TestApp::sqlite(tasks::router, &[]).await;
    let (_, token) = test.user("press@example.com").await;
    let site = site();
    let app = server::app(test.state.clone(), site.path());
    for n in 1..=5 {
        let body = json!({"title": format!("Compressed task {n}"), "description": "Some words to squeeze."});
        let created = send(&app, request(Method::POST, "/api/tasks", "", Some(&token), Some(body))).await;
        assert_eq!(created.status, StatusCode::CREATED);
    }
    let list = || request(Method::GET, "/api/tasks", "", Some(&token), None);
    let plain = send(&app, list()).await;
    assert_eq!(plain.header(CONTENT_ENCODING), "");
    assert_eq!(plain.json()["pagination"]["total"], 5);

    for (accept, encoding) in
        [("br", "br"), ("gzip", "gzip"), ("gzip;q=0.5, br", "br"), ("br;q=0.1, gzip", "gzip")]
    {
        let res = send(&app, request(Method::GET, "/api/tasks", accept, Some(&token), None)).await;
        assert_eq!(res.status, StatusCode::OK, "{accept}");
        assert_eq!(res.header(CONTENT_ENCODING), encoding, "{accept}");
        assert!(res.header(VARY).to_ascii_lowercase().contains("accept-encoding"), "{accept}");
        assert!(
            res.body.len() < plain.body.len(),
            "{accept}: {} bytes, {} plain",
            res.body.len(),
            plain.body.len()
        );
        let body = read(&app, request(Method::GET, "/api/tasks", accept, Some(&token), None)).await;
        assert_eq!(body, plain.body, "{accept}: the same JSON once decompressed");
    }
    let identity = send(&app, request(Method::GET, "/api/tasks", "identity", Some(&token), None)).await;
    assert_eq!(identity.header(CONTENT_ENCODING), "");
    assert_eq!(identity.body, plain.body);
}

#[tokio::test]
async fn responses_that_carry_a_session_token_are_never_compressed() {
    let test = TestApp::sqlite(tasks::router, &[]).await;
    let site = site();
    let app = server::app(test.state.clone(), site.path());
    let accept = "br, gzip";
    let account = json!({"email": "breach@example.com", "name": "Bree Ach", "password": TEST_PASSWORD});

    let signup =
        send(&app, request(Method::POST, "/api/auth/signup", accept, None, Some(account.clone()))).await;
    assert_eq!(signup.status, StatusCode::CREATED);
    assert_eq!(signup.header(CONTENT_ENCODING), "", "signup");
    let token = signup.json()["data"]["token"].as_str().expect("a token in the signup body").to_owned();

    let credentials = json!({"email": account["email"], "password": TEST_PASSWORD});
    let signin = send(&app, request(Method::POST, "/api/auth/signin", accept, None, Some(credentials))).await;
    assert_eq!(signin.status, StatusCode::OK);
    assert_eq!(signin.header(CONTENT_ENCODING), "", "signin");
    assert!(signin.json()["data"]["token"].is_string());

    // The same user's own data, without a token in it, is compressed.
    let me = send(&app, request(Method::GET, "/api/auth/me", accept, Some(&token), None)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.header(CONTENT_ENCODING), "br");
}

#[tokio::test]
async fn built_files_are_sent_from_their_precompressed_copies() {
    let site = site();
    let test = test_app().await;
    let app = server::app(test.state.clone(), site.path());
    let path = format!("/{HASHED_JS}");
    for (accept, encoding, body) in [
        ("br, gzip", "br", "brotli js"),
        ("gzip", "gzip", "gzip js"),
        ("gzip;q=1, br;q=0.5", "gzip", "gzip js"),
        ("", "", "console.log('hashed')"),
        ("identity", "", "console.log('hashed')"),
    ] {
        let res = send(&app, request(Method::GET, &path, accept, None, None)).await;
        assert_eq!(res.status, StatusCode::OK, "{accept}");
        assert_eq!(res.header(CONTENT_ENCODING), encoding, "{accept}");
        assert!(res.header(CONTENT_TYPE).contains("javascript"), "{accept}");
        assert!(res.header(VARY).to_ascii_lowercase().contains("accept-encoding"), "{accept}");
        assert_eq!(res.body, body, "{accept}");
    }
    // A client-side route gets index.html the same way.
    let res = send(&app, request(Method::GET, "/signin", "br", None, None)).await;
    assert_eq!((res.header(CONTENT_ENCODING), res.body.as_ref()), ("br", b"brotli index".as_slice()));
    assert!(res.header(CONTENT_TYPE).starts_with("text/html"));
}

#[tokio::test]
async fn hashed_files_are_kept_for_a_year_and_the_rest_is_revalidated() {
    let site = site();
    let test = test_app().await;
    let app = server::app(test.state.clone(), site.path());
    for accept in ["", "gzip", "br"] {
        let res = send(&app, request(Method::GET, &format!("/{HASHED_JS}"), accept, None, None)).await;
        assert_eq!(res.header(CACHE_CONTROL), IMMUTABLE, "{accept}");
    }
    for path in ["/", "/index.html", "/signin", "/some/deep/link", "/robots.txt", "/app.js"] {
        let res = send(&app, request(Method::GET, path, "br", None, None)).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert_eq!(res.header(CACHE_CONTROL), "no-cache", "{path}");
    }
    // A hashed name that is not in this build (a page of the previous release asking)
    // gets index.html, which must not be kept under that name.
    let res = send(&app, request(Method::GET, "/frontend-fedcba9876543210.js", "", None, None)).await;
    assert!(res.header(CONTENT_TYPE).starts_with("text/html"));
    assert_eq!(res.header(CACHE_CONTROL), "no-cache");
}

#[tokio::test]
async fn robots_txt_is_the_web_apps_own() {
    let site = site();
    let test = test_app().await;
    let app = server::app(test.state.clone(), site.path());
    let res = send(&app, request(Method::GET, "/robots.txt", "", None, None)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.header(CONTENT_TYPE).starts_with("text/plain"), "{}", res.header(CONTENT_TYPE));
    assert_eq!(res.body, ROBOTS);
    assert!(ROBOTS.lines().any(|line| line == "User-agent: *"), "{ROBOTS}");
    assert!(ROBOTS.lines().any(|line| line == "Disallow: /api/"), "{ROBOTS}");
}

#[tokio::test]
async fn a_signed_in_page_names_the_calls_it_will_make_for_preloading() {
    use axum::http::header::{COOKIE, LINK};
    let site = site();
    let test = test_app().await;
    let app = server::app(test.state.clone(), site.path());
    let page = |path: &str, cookies: Option<&str>| {
        let mut req = request(Method::GET, path, "br", None, None);
        if let Some(cookies) = cookies {
            req.headers_mut().insert(COOKIE, cookies.parse().expect("cookie header"));
        }
        send(&app, req)
    };
    let me = "</api/auth/me>; rel=preload; as=fetch; crossorigin";
    let first_tasks = "</api/tasks?page=1&limit=10>; rel=preload; as=fetch; crossorigin";

    let dashboard = page("/", Some("theme=dark; signed_in=1")).await;
    assert_eq!(dashboard.header(LINK), format!("{me}, {first_tasks}"));
    let third = page("/?page=3", Some("signed_in=1")).await;
    assert_eq!(
        third.header(LINK),
        format!("{me}, </api/tasks?page=3&limit=10>; rel=preload; as=fetch; crossorigin")
    );
    for path in ["/profile", "/signin", "/some/deep/link", "/index.html"] {
        assert_eq!(page(path, Some("signed_in=1")).await.header(LINK), me, "{path}");
    }
    // The header depends on the cookie, so a shared cache must not hand one to another.
    for res in [&dashboard, &third] {
        let vary: Vec<_> = res.headers.get_all(VARY).iter().map(|v| v.to_str().unwrap_or_default()).collect();
        assert!(vary.iter().any(|v| v.eq_ignore_ascii_case("cookie")), "{vary:?}");
    }

    // A browser that stored the page under other cookies asks whether it changed; the
    // answer is the page itself, with this browser's preloads, never a 304 that would
    // keep the stored page's. A page carries no validator to revalidate with.
    let mut revalidation = request(Method::GET, "/", "br", None, None);
    revalidation
        .headers_mut()
        .insert("if-modified-since", "Fri, 01 Jan 2100 00:00:00 GMT".parse().expect("date"));
    let res = send(&app, revalidation).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.headers.get(LINK).is_none() && res.headers.get("last-modified").is_none(),
        "{:?}",
        res.headers
    );
    assert!(dashboard.headers.get("last-modified").is_none() && dashboard.headers.get("etag").is_none());

    // No hint, a near miss of it, or a file that is not a page: nothing to preload.
    for (path, cookies) in [
        ("/", None),
        ("/", Some("signed_in=")),
        ("/", Some("signed_in=0; token=abc")),
        ("/", Some("not_signed_in=1")),
        ("/app.js", Some("signed_in=1")),
        ("/robots.txt", Some("signed_in=1")),
        ("/api/tasks", Some("signed_in=1")),
    ] {
        let res = page(path, cookies).await;
        assert!(res.headers.get(LINK).is_none(), "{path} {cookies:?}: {:?}", res.headers.get(LINK));
    }
}
