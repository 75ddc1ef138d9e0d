//! The soak (issue 29): 64 connections, 30 % creates and 70 % list reads, in rounds,
//! so the accounts grow as it runs; a server whose cost grows with the account slows
//! down from one round to the next.

use std::sync::Arc;
use std::time::Duration;

use crate::load::{self, Stats};
use crate::op::Op;
use crate::seed::Fixture;
use crate::server::Server;

pub const ROUNDS: usize = 3;

pub struct Round {
    pub stats: Stats,
    /// The server's resident memory at the round's end.
    pub rss_mib: f64,
}

pub async fn run(server: &Server, fixture: Arc<Fixture>, connections: usize, round: Duration) -> Vec<Round> {
    let mut rounds = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let stats = load::run(server.port, fixture.clone(), Op::Soak, connections, round).await;
        rounds.push(Round { stats, rss_mib: server.rss_mib() });
    }
    rounds
}
