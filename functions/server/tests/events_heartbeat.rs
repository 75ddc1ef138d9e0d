//! The heartbeat of `/api/events`, at its real interval: the stream is opened in real
//! time, then the test's clock is paused and runs on only while the app is idle, so 25
//! seconds of quiet pass in an instant and the comment's timing is exact.

use std::path::Path;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, header};
use contract::policy::EVENT_HEARTBEAT_SECS;
use http_body_util::BodyExt;
use testkit::store_tests;
use tokio::time::Instant;
use tower::ServiceExt;

store_tests! {
    router = tasks::router;

    async fn a_quiet_stream_sends_a_comment_every_heartbeat(app) {
        let (_, token) = app.user("ann@example.com").await;
        let router = server::app(app.state.clone(), Path::new("/nonexistent-web-app"));
        let request = Request::builder()
            .uri("/api/events")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request");
        // Before the request: the stream's timer starts while it is being answered.
        let opened = Instant::now();
        let response = router.oneshot(request).await.expect("infallible");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "text/event-stream");
        let mut body = response.into_body();

        tokio::time::pause();
        let interval = Duration::from_secs(EVENT_HEARTBEAT_SECS);
        for beat in 1..=3u32 {
            let frame = body.frame().await.expect("a frame").expect("no error");
            let bytes = frame.into_data().expect("data");
            assert_eq!(&bytes[..], b":\n\n", "an empty comment, which every SSE client skips");
            let at = opened.elapsed();
            assert!(at >= interval * beat && at < interval * beat + Duration::from_secs(1), "beat {beat} at {at:?}");
        }
    }
}
