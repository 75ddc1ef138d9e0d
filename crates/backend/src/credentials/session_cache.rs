use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use uuid::Uuid;

use store::UserRecord;

/// Entries beyond this are swept of expired ones, and dropped wholesale if that is
/// not enough, so a flood of distinct tokens cannot grow memory without bound.
const MAX_ENTRIES: usize = 10_000;

/// Live sessions seen in the last few seconds, so a busy user's requests skip the
/// session lookup. Revocation through this process forgets at once; revocation
/// through another instance takes effect within `ttl`.
pub struct SessionCache {
    ttl: Duration,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<Uuid, (UserRecord, Instant)>,
    /// Moves on at every revocation, so a lookup that began before one cannot put what
    /// it read back afterwards.
    epoch: u64,
}

/// Taken before a session is looked up in the database, and shown when caching it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u64);

impl SessionCache {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, inner: Mutex::new(Inner::default()) }
    }

    pub fn get(&self, session_id: Uuid, user_id: Uuid) -> Option<UserRecord> {
        let inner = self.lock();
        let (user, at) = inner.entries.get(&session_id)?;
        (user.id == user_id && at.elapsed() < self.ttl).then(|| user.clone())
    }

    pub fn ticket(&self) -> Ticket {
        Ticket(self.lock().epoch)
    }

    /// Caches what a lookup read, unless a revocation happened since its `ticket`.
    pub fn put(&self, session_id: Uuid, user: &UserRecord, ticket: Ticket) {
        if self.ttl.is_zero() {
            return;
        }
        let mut inner = self.lock();
        if inner.epoch != ticket.0 {
            return;
        }
        if inner.entries.len() >= MAX_ENTRIES {
            let ttl = self.ttl;
            inner.entries.retain(|_, (_, at)| at.elapsed() < ttl);
            if inner.entries.len() >= MAX_ENTRIES {
                inner.entries.clear();
            }
        }
        inner.entries.insert(session_id, (user.clone(), Instant::now()));
    }

    pub fn forget(&self, session_id: Uuid) {
        let mut inner = self.lock();
        inner.epoch += 1;
        inner.entries.remove(&session_id);
    }

    /// After a profile or password change: every cached session of the user.
    pub fn forget_user(&self, user_id: Uuid) {
        let mut inner = self.lock();
        inner.epoch += 1;
        inner.entries.retain(|_, (user, _)| user.id != user_id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Entries are plain values, valid even if a holder panicked.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn user() -> UserRecord {
        UserRecord {
            id: Uuid::new_v4(),
            email: "a@b.co".into(),
            name: "A".into(),
            password_hash: String::new(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn hits_expire_and_can_be_forgotten() {
        let cache = SessionCache::new(Duration::from_millis(50));
        let (ann, session) = (user(), Uuid::new_v4());
        cache.put(session, &ann, cache.ticket());
        assert_eq!(cache.get(session, ann.id).map(|u| u.id), Some(ann.id));
        assert!(cache.get(session, Uuid::new_v4()).is_none(), "the token's user must match");
        cache.forget(session);
        assert!(cache.get(session, ann.id).is_none());
        cache.put(session, &ann, cache.ticket());
        cache.forget_user(ann.id);
        assert!(cache.get(session, ann.id).is_none());
        cache.put(session, &ann, cache.ticket());
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.get(session, ann.id).is_none());
    }

    /// The race of issue 10: a request read the session from the database, a signout
    /// revoked it, and then the first request cached what it had read, so the revoked
    /// token kept working here for the cache's lifetime.
    #[test]
    fn a_lookup_that_began_before_a_revocation_cannot_cache_afterwards() {
        let cache = SessionCache::new(Duration::from_secs(60));
        let (ann, session) = (user(), Uuid::new_v4());
        let ticket = cache.ticket();
        cache.forget(session);
        cache.put(session, &ann, ticket);
        assert!(cache.get(session, ann.id).is_none(), "revoked by signout");
        let ticket = cache.ticket();
        cache.forget_user(ann.id);
        cache.put(session, &ann, ticket);
        assert!(cache.get(session, ann.id).is_none(), "revoked by a password change");
        cache.put(session, &ann, cache.ticket());
        assert!(cache.get(session, ann.id).is_some(), "a lookup after the revocation caches");
    }

    #[test]
    fn a_zero_ttl_caches_nothing() {
        let cache = SessionCache::new(Duration::ZERO);
        let (ann, session) = (user(), Uuid::new_v4());
        cache.put(session, &ann, cache.ticket());
        assert!(cache.get(session, ann.id).is_none());
    }

    #[test]
    fn stays_bounded() {
        let cache = SessionCache::new(Duration::from_secs(60));
        let ann = user();
        for _ in 0..MAX_ENTRIES + 10 {
            cache.put(Uuid::new_v4(), &ann, cache.ticket());
        }
        assert!(cache.lock().entries.len() <= MAX_ENTRIES);
    }
}
