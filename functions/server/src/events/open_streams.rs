//! The event streams open in this process: at most `MAX_STREAMS_PER_USER` per user, the
//! oldest closed for a new one, and every one closed at shutdown.
//!
//! The cap bounds what one account can make a process hold (a stream costs a task, a
//! bus receiver and a socket) while leaving room for a user's every tab and device. It
//! is per process: instances share no memory, and a second instance's streams cost that
//! instance.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use contract::policy::MAX_STREAMS_PER_USER;
use tokio::sync::{oneshot, watch};
use uuid::Uuid;

#[derive(Clone)]
pub struct EventStreams(Arc<Registry>);

/// Each user's open streams, oldest first, by id. Dropping a stream's sender closes it.
type Open = HashMap<Uuid, VecDeque<(u64, oneshot::Sender<()>)>>;

struct Registry {
    open: Mutex<Open>,
    next_id: AtomicU64,
    /// Set once, at shutdown: a stream that stayed open would hold the graceful shutdown
    /// for ever.
    closing: watch::Sender<bool>,
}

impl Default for EventStreams {
    fn default() -> Self {
        Self(Arc::new(Registry {
            open: Mutex::default(),
            next_id: AtomicU64::new(0),
            closing: watch::Sender::new(false),
        }))
    }
}

impl EventStreams {
    /// A place for a new stream of `user_id`, closing the user's oldest when they would
    /// hold more than the cap.
    pub fn open(&self, user_id: Uuid) -> Slot {
        let id = self.0.next_id.fetch_add(1, Ordering::Relaxed);
        let (close, closed) = oneshot::channel();
        let mut open = self.lock();
        let streams = open.entry(user_id).or_default();
        streams.push_back((id, close));
        while streams.len() > MAX_STREAMS_PER_USER {
            streams.pop_front();
        }
        Slot { streams: self.clone(), user_id, id, closed, closing: self.0.closing.subscribe() }
    }

    /// Ends every stream, and any opened from now on at once.
    pub fn close_all(&self) {
        self.0.closing.send_replace(true);
        self.lock().clear();
    }

    /// How many streams `user_id` holds open.
    pub fn count(&self, user_id: Uuid) -> usize {
        self.lock().get(&user_id).map_or(0, VecDeque::len)
    }

    /// Nothing under the lock can panic; a poisoned map is still consistent.
    fn lock(&self) -> MutexGuard<'_, Open> {
        self.0.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One open stream's place; dropping it (the client left) frees the place.
pub struct Slot {
    streams: EventStreams,
    user_id: Uuid,
    id: u64,
    closed: oneshot::Receiver<()>,
    closing: watch::Receiver<bool>,
}

impl Slot {
    /// Resolves when the stream must end: a newer one took its place, or the process is
    /// shutting down.
    pub async fn closed(&mut self) {
        tokio::select! {
            _ = &mut self.closed => {}
            _ = self.closing.wait_for(|closing| *closing) => {}
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.streams.lock();
        if let Some(streams) = open.get_mut(&self.user_id) {
            streams.retain(|(id, _)| *id != self.id);
            if streams.is_empty() {
                open.remove(&self.user_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    async fn is_closed(slot: &mut Slot) -> bool {
        tokio::time::timeout(Duration::from_millis(50), slot.closed()).await.is_ok()
    }

    #[tokio::test]
    async fn a_stream_past_the_cap_closes_the_oldest_only() {
        let streams = EventStreams::default();
        let (ann, bob) = (Uuid::new_v4(), Uuid::new_v4());
        let mut anns: Vec<Slot> = (0..MAX_STREAMS_PER_USER).map(|_| streams.open(ann)).collect();
        let mut bobs = streams.open(bob);
        assert_eq!(streams.count(ann), MAX_STREAMS_PER_USER);
        for slot in &mut anns {
            assert!(!is_closed(slot).await);
        }

        let mut newest = streams.open(ann);
        assert!(is_closed(&mut anns[0]).await, "the oldest is closed");
        for slot in &mut anns[1..] {
            assert!(!is_closed(slot).await);
        }
        assert!(!is_closed(&mut newest).await && !is_closed(&mut bobs).await);
        assert_eq!(streams.count(ann), MAX_STREAMS_PER_USER);

        drop(anns);
        assert_eq!(streams.count(ann), 1, "a stream that ends frees its place");
        drop(newest);
        assert_eq!(streams.count(ann), 0);
    }

    #[tokio::test]
    async fn shutdown_closes_every_stream_and_each_opened_after() {
        let streams = EventStreams::default();
        let mut open = streams.open(Uuid::new_v4());
        streams.close_all();
        assert!(is_closed(&mut open).await);
        assert!(is_closed(&mut streams.open(Uuid::new_v4())).await);
    }
}
