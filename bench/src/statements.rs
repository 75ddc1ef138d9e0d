//! Statements per request on Postgres, counted on the wire by `testkit`'s
//! `StatementCounter` between a server of their own and the database (pg_stat_statements
//! would need a restart of the shared Postgres). Requests go one at a time, so the
//! count between two points is what the requests between them cost, background work
//! they trigger included; the throughput runs do not go through the proxy.

use backend::AppState;
use testkit::StatementCounter;

use crate::http::Connection;
use crate::op::Op;
use crate::seed::{self, Fixture};
use crate::server::Server;

/// Each endpoint's statements per request with the session in the server's cache, in
/// the order of `OPS`; `None` for an endpoint the server does not have.
pub struct Counts {
    pub cached: Vec<(Op, Option<f64>)>,
    /// GET list by sessions the server has not seen yet (the first request of each).
    pub list_first_use: f64,
}

const OPS: [Op; 9] = [
    Op::List,
    Op::GetOne,
    Op::Create,
    Op::Update,
    Op::Toggle,
    Op::Delete,
    Op::Changes,
    Op::Export,
    Op::Signin,
];

pub async fn count(binary: &str, url: &str, state: &AppState, requests: usize) -> Counts {
    let (counter, counted_url) = StatementCounter::in_front_of(url).await.expect("statement counter");
    let server = Server::start(binary, &counted_url).await;
    // One user for the cached figures, with a task for every delete.
    let one = seed::seed(state, 1, requests + 1).await;
    let mut cached = Vec::new();
    for op in OPS {
        // bcrypt at cost 12 takes a quarter second a signin.
        let requests = if op == Op::Signin { requests.min(5) } else { requests };
        cached.push((op, per_request(&server, &counter, &one, op, 0, requests).await));
    }
    // Each request from another user seeded for this count: new to this server, so none
    // is cached, and untouched by the earlier runs (a signin storm trims the sessions of
    // the users it signs in, which revokes their seeded tokens).
    let fresh = seed::seed(state, requests + 1, 1).await;
    let list_first_use = per_request(&server, &counter, &fresh, Op::List, 1, requests)
        .await
        .expect("GET list is always there");
    Counts { cached, list_first_use }
}

/// The statements `requests` requests of `op` sent, after the `warm`-th request primed
/// the session cache and the connection's statement cache; `None` when the endpoint
/// is not there (the primer is not answered as `op` expects).
async fn per_request(
    server: &Server,
    counter: &StatementCounter,
    fixture: &Fixture,
    op: Op,
    warm: usize,
    requests: usize,
) -> Option<f64> {
    let mut connection = Connection::open(server.port).await.expect("connect");
    let mut send = async |n: usize| {
        let (method, path, token, body) = fixture.request(op, 0, n).expect("a request");
        connection.send(method, &path, token, body.as_deref()).await.expect("request").status
    };
    for n in 0..warm.max(1) {
        if send(n).await != op.expected() {
            return None;
        }
    }
    let before = counter.count();
    for n in warm.max(1)..warm.max(1) + requests {
        assert_eq!(send(n).await, op.expected(), "{}", op.label());
    }
    Some((counter.count() - before) as f64 / requests.max(1) as f64)
}
