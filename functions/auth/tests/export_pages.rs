//! The export reads its tasks a page at a time; what it answers is byte for byte what
//! serializing the whole `Success<AccountExport>` at once gives.

use contract::api::{AccountExport, CreateTaskRequest, Success};
use testkit::{TestApp, store_tests, v2_event};

/// Over two of the export's pages, and not a whole number of them.
const TASKS: usize = 1_123;

async fn fill(app: &TestApp, user_id: uuid::Uuid, count: usize) {
    let cap = app.state.config.max_tasks_per_user;
    for n in 0..count {
        let description = (n % 3 == 0).then(|| format!("about \"task\" {n}"));
        let task = CreateTaskRequest { title: format!("task {n}"), description }.parse().expect("valid");
        app.store().insert_task(user_id, &task, cap).await.expect("insert").expect("room");
    }
}

/// The body as the client got it equals the one-piece serialization of what it says.
fn assert_whole(text: &str, tasks: usize) -> AccountExport {
    let parsed: Success<AccountExport> = serde_json::from_str(text).expect("the export is JSON");
    assert_eq!(serde_json::to_string(&parsed).expect("serialize"), text, "byte-compatible");
    let export = parsed.data;
    assert_eq!(export.tasks.len(), tasks);
    assert!(export.tasks.windows(2).all(|w| w[0].id < w[1].id), "oldest first, none twice");
    export
}

store_tests! {
    router = auth::router;

    async fn a_long_export_streams_every_task_in_the_same_shape(app) {
        let (user, token) = app.user("ann@example.com").await;
        let (bob, _) = app.user("bob@example.com").await;
        fill(&app, user.id, TASKS).await;
        fill(&app, bob.id, 3).await;

        let auth = format!("Bearer {token}");
        let response = app.invoke(v2_event("GET", "/api/auth/export", &[("authorization", &auth)], None)).await;
        assert_eq!(response["statusCode"], 200);
        let export = assert_whole(response["body"].as_str().expect("text body"), TASKS);
        assert_eq!(export.user.email, "ann@example.com");
        assert!(export.tasks.iter().all(|t| t.user_id == user.id), "nobody else's tasks");
        assert_eq!(export.tasks[3].description.as_deref(), Some("about \"task\" 3"));
    }

    async fn an_empty_export_keeps_its_shape(app) {
        let (_, token) = app.user("ann@example.com").await;
        let auth = format!("Bearer {token}");
        let response = app.invoke(v2_event("GET", "/api/auth/export", &[("authorization", &auth)], None)).await;
        assert_eq!(response["statusCode"], 200);
        assert_whole(response["body"].as_str().expect("text body"), 0);
    }
}
