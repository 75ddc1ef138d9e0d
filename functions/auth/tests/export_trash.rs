//! A task in the trash has left the export at once, as it has left the list.

use axum::http::Method;
use contract::api::CreateTaskRequest;
use testkit::store_tests;

store_tests! {
    router = auth::router;

    async fn the_export_leaves_out_the_trash(app) {
        let (user, token) = app.user("ann@example.com").await;
        let cap = app.state.config.max_tasks_per_user;
        let mut ids = Vec::new();
        for title in ["kept", "trashed"] {
            let task = CreateTaskRequest { title: title.into(), description: None }.parse().expect("valid");
            ids.push(app.store().insert_task(user.id, &task, cap).await.expect("insert").expect("room").id);
        }
        let trashed = app.store().delete_task(ids[1], user.id, None).await.expect("trash");
        assert!(matches!(trashed, store::TaskWrite::Done(_)), "{trashed:?}");
        let export = app.call(Method::GET, "/api/auth/export", None, Some(&token)).await;
        let titles: Vec<_> = export.data()["tasks"].as_array().expect("tasks").iter().map(|t| t["title"].clone()).collect();
        assert_eq!(titles, ["kept"], "{}", export.body);
    }
}
