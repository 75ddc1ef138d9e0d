//! The requests the load runs, one kind at a time.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    List,
    GetOne,
    Create,
    Update,
    Toggle,
    Delete,
    Signin,
    Export,
    Changes,
    /// The soak's mix: 30 % creates, 70 % list reads.
    Soak,
}

impl Op {
    pub fn label(self) -> &'static str {
        match self {
            Op::List => "GET /api/tasks?limit=10",
            Op::GetOne => "GET /api/tasks/{id}",
            Op::Create => "POST /api/tasks",
            Op::Update => "PUT /api/tasks/{id}",
            Op::Toggle => "PATCH /api/tasks/{id}/complete",
            Op::Delete => "DELETE /api/tasks/{id}",
            Op::Signin => "POST /api/auth/signin",
            Op::Export => "GET /api/auth/export",
            Op::Changes => "GET /api/tasks/changes",
            Op::Soak => "30 % POST /api/tasks, 70 % GET /api/tasks?limit=10",
        }
    }

    /// The seed's p95 target: reads and deletes under 100 ms, writes under 200 ms.
    pub fn p95_target(self) -> Duration {
        match self {
            Op::List | Op::GetOne | Op::Delete | Op::Changes => Duration::from_millis(100),
            Op::Create | Op::Update | Op::Toggle | Op::Signin | Op::Export | Op::Soak => {
                Duration::from_millis(200)
            }
        }
    }

    /// The request the `n`th of this kind is: the soak's mix picks one per request.
    pub fn resolve(self, n: usize) -> Op {
        match self {
            Op::Soak if n % 10 < 3 => Op::Create,
            Op::Soak => Op::List,
            op => op,
        }
    }

    pub fn expected(self) -> u16 {
        match self {
            Op::Create => 201,
            Op::Delete => 204,
            _ => 200,
        }
    }
}
