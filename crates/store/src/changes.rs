//! Word that a user's tasks changed, for the event streams of this process.
//!
//! On SQLite the store's own writes publish here after they commit. On Postgres every
//! instance's writes reach every instance through LISTEN/NOTIFY, and the listener
//! publishes what it hears, this process's writes included, so that both stores feed
//! the streams the same way.

use tokio::sync::broadcast;
use uuid::Uuid;

/// How many changes a slow stream may fall behind before it hears `Resync` instead.
const CAPACITY: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The user's change sequence reached `seq` (see `contract::domain::ChangeCursor`).
    Tasks { user_id: Uuid, seq: i64 },
    /// Changes may have gone unheard (the listener reconnected, or a stream fell
    /// behind): every stream reads its user's position again.
    Resync,
}

#[derive(Clone)]
pub struct ChangeBus {
    sender: broadcast::Sender<Change>,
}

impl ChangeBus {
    pub fn new() -> Self {
        Self { sender: broadcast::channel(CAPACITY).0 }
    }

    /// Nobody listening is not an error: there is simply no stream open.
    pub fn publish(&self, change: Change) {
        let _ = self.sender.send(change);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.sender.subscribe()
    }
}

impl Default for ChangeBus {
    fn default() -> Self {
        Self::new()
    }
}
