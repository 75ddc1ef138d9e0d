//! Users and tasks written through the store (not HTTP), with a live session each.

use std::sync::Arc;

use backend::AppState;
use backend::auth::{SessionDevice, start_session};
use contract::api::CreateTaskRequest;
use contract::domain::{Email, UserName};
use store::NewUser;

use crate::op::Op;

pub const PASSWORD: &str = "benchmark password";

pub struct SeededUser {
    pub email: String,
    pub token: String,
    pub tasks: Vec<i64>,
}

pub struct Fixture {
    pub users: Vec<SeededUser>,
}

impl Fixture {
    /// The `n`th request of `op` from `worker`; `None` when a delete run has used up
    /// every seeded task.
    pub fn request(
        &self,
        op: Op,
        worker: usize,
        n: usize,
    ) -> Option<(&'static str, String, Option<&str>, Option<String>)> {
        let user = &self.users[(worker + n * 7) % self.users.len()];
        let token = Some(user.token.as_str());
        let task = user.tasks[n % user.tasks.len()];
        Some(match op.resolve(n) {
            Op::List => ("GET", "/api/tasks?limit=10".into(), token, None),
            Op::GetOne => ("GET", format!("/api/tasks/{task}"), token, None),
            Op::Create => {
                ("POST", "/api/tasks".into(), token, Some(format!(r#"{{"title":"bench task {n}"}}"#)))
            }
            Op::Update => {
                ("PUT", format!("/api/tasks/{task}"), token, Some(format!(r#"{{"title":"renamed {n}"}}"#)))
            }
            Op::Toggle => ("PATCH", format!("/api/tasks/{task}/complete"), token, None),
            Op::Delete => {
                let per_user = self.users[0].tasks.len();
                let owner = &self.users.get(n / per_user)?;
                (
                    "DELETE",
                    format!("/api/tasks/{}", owner.tasks[n % per_user]),
                    Some(owner.token.as_str()),
                    None,
                )
            }
            Op::Signin => {
                let body = format!(r#"{{"email":"{}","password":"{PASSWORD}"}}"#, user.email);
                ("POST", "/api/auth/signin".into(), None, Some(body))
            }
            Op::Export => ("GET", "/api/auth/export".into(), token, None),
            Op::Changes => ("GET", "/api/tasks/changes".into(), token, None),
            Op::Soak => unreachable!("resolved above"),
        })
    }
}

pub async fn seed(state: &AppState, users: usize, tasks_per_user: usize) -> Arc<Fixture> {
    let hash = state
        .passwords
        .hash(&contract::domain::Password::parse(PASSWORD).expect("valid"))
        .await
        .expect("hash");
    let run = uuid::Uuid::new_v4().simple().to_string();
    let mut seeded = Vec::with_capacity(users);
    for chunk in (0..users).collect::<Vec<_>>().chunks(16) {
        let batch = chunk.iter().map(|&i| {
            let (state, hash, run) = (state.clone(), hash.clone(), run.clone());
            tokio::spawn(async move {
                let email = format!("bench{i}-{}@example.com", &run[..8]);
                let parsed = Email::parse(&email).expect("valid email");
                let name = UserName::parse("Bench User").expect("valid name");
                let user = state
                    .store
                    .insert_user(NewUser { email: &parsed, name: &name, password_hash: &hash })
                    .await
                    .expect("insert user");
                let mut tasks = Vec::with_capacity(tasks_per_user);
                for t in 0..tasks_per_user {
                    let new = CreateTaskRequest { title: format!("seeded task {t}"), description: None }
                        .parse()
                        .expect("valid");
                    let cap = state.config.max_tasks_per_user;
                    let task = state.store.insert_task(user.id, &new, cap).await.expect("insert task");
                    tasks.push(task.expect("room under MAX_TASKS_PER_USER").id);
                }
                let token =
                    start_session(&state, &user, &SessionDevice::default()).await.expect("session").token;
                SeededUser { email, token, tasks }
            })
        });
        for handle in batch.collect::<Vec<_>>() {
            seeded.push(handle.await.expect("seed task"));
        }
    }
    Arc::new(Fixture { users: seeded })
}
