//! Many clients at once: no lost or doubled creates, and toggles that stay consistent.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use serde_json::json;
use testkit::TestApp;

async fn apps() -> Vec<Arc<TestApp>> {
    let mut apps = vec![Arc::new(TestApp::sqlite(tasks::router, &[]).await)];
    apps.extend(TestApp::postgres(tasks::router, &[]).await.map(Arc::new));
    apps
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_clients_times_twenty_creates_give_exactly_a_thousand_rows() {
    for app in apps().await {
        let mut users = Vec::new();
        for i in 0..50 {
            users.push(app.user(&format!("user{i}@example.com")).await);
        }
        let clients: Vec<_> = users
            .iter()
            .map(|(_, token)| {
                let (app, token) = (app.clone(), token.clone());
                tokio::spawn(async move {
                    let mut created = 0;
                    for n in 0..20 {
                        let body = json!({ "title": format!("task {n}") });
                        let res = app.call(Method::POST, "/api/tasks", Some(body), Some(&token)).await;
                        assert_eq!(res.status, StatusCode::CREATED, "{:?}", res.body);
                        created += 1;
                    }
                    created
                })
            })
            .collect();
        let mut acknowledged = 0;
        for client in clients {
            acknowledged += client.await.expect("client task");
        }
        let mut rows = 0;
        for (user, _) in &users {
            let page = contract::domain::PageRequest::parse(None, Some("100")).expect("page");
            let hit = store::BucketHit { bucket: "test", window_start: 0 };
            let listed = app.store().list_tasks(user.id, page, hit).await.expect("list");
            assert_eq!((listed.tasks.len(), listed.total), (20, 20), "{:?}", app.backend);
            rows += listed.total;
        }
        assert_eq!((acknowledged, rows), (1000, 1000), "{:?}", app.backend);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_toggles_of_one_task_stay_consistent() {
    for app in apps().await {
        let (user, token) = app.user("ann@example.com").await;
        let created =
            app.call(Method::POST, "/api/tasks", Some(json!({"title": "flip"})), Some(&token)).await;
        let id = created.data()["id"].as_i64().expect("id");
        let toggles: Vec<_> = (0..21)
            .map(|_| {
                let (app, token) = (app.clone(), token.clone());
                tokio::spawn(async move {
                    let res = app
                        .call(Method::PATCH, &format!("/api/tasks/{id}/complete"), None, Some(&token))
                        .await;
                    assert_eq!(res.status, StatusCode::OK);
                    res.data()["completed"].as_bool().expect("completed")
                })
            })
            .collect();
        let mut seen_true = 0;
        for toggle in toggles {
            seen_true += usize::from(toggle.await.expect("toggle"));
        }
        // Each toggle saw a distinct state: 11 of the 21 left it completed.
        assert_eq!(seen_true, 11, "{:?}", app.backend);
        let task = app.store().task(id, user.id).await.expect("query").expect("task");
        assert!(task.completed, "an odd number of toggles leaves it completed");
    }
}
