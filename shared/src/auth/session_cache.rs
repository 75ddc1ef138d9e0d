use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::store::UserRecord;

/// Entries beyond this are swept of expired ones, and dropped wholesale if that is
/// not enough, so a flood of distinct tokens cannot grow memory without bound.
const MAX_ENTRIES: usize = 10_000;

/// Live sessions seen in the last few seconds, so a busy user's requests skip the
/// session lookup. Revocation through this process forgets at once; revocation
/// through another instance takes effect within `ttl`.
pub struct SessionCache {
    ttl: Duration,
    entries: Mutex<HashMap<Uuid, (UserRecord, Instant)>>,
}

impl SessionCache {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, entries: Mutex::new(HashMap::new()) }
    }

    pub fn get(&self, session_id: Uuid, user_id: Uuid) -> Option<UserRecord> {
        let entries = self.lock();
        let (user, at) = entries.get(&session_id)?;
        (user.id == user_id && at.elapsed() < self.ttl).then(|| user.clone())
    }

    pub fn put(&self, session_id: Uuid, user: &UserRecord) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES {
            let ttl = self.ttl;
            entries.retain(|_, (_, at)| at.elapsed() < ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(session_id, (user.clone(), Instant::now()));
    }

    pub fn forget(&self, session_id: Uuid) {
        self.lock().remove(&session_id);
    }

    /// After a profile or password change: every cached session of the user.
    pub fn forget_user(&self, user_id: Uuid) {
        self.lock().retain(|_, (user, _)| user.id != user_id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, (UserRecord, Instant)>> {
        // Entries are plain values, valid even if a holder panicked.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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
        cache.put(session, &ann);
        assert_eq!(cache.get(session, ann.id).map(|u| u.id), Some(ann.id));
        assert!(cache.get(session, Uuid::new_v4()).is_none(), "the token's user must match");
        cache.forget(session);
        assert!(cache.get(session, ann.id).is_none());
        cache.put(session, &ann);
        cache.forget_user(ann.id);
        assert!(cache.get(session, ann.id).is_none());
        cache.put(session, &ann);
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.get(session, ann.id).is_none());
    }

    #[test]
    fn a_zero_ttl_caches_nothing() {
        let cache = SessionCache::new(Duration::ZERO);
        let (ann, session) = (user(), Uuid::new_v4());
        cache.put(session, &ann);
        assert!(cache.get(session, ann.id).is_none());
    }

    #[test]
    fn stays_bounded() {
        let cache = SessionCache::new(Duration::from_secs(60));
        let ann = user();
        for _ in 0..MAX_ENTRIES + 10 {
            cache.put(Uuid::new_v4(), &ann);
        }
        assert!(cache.lock().len() <= MAX_ENTRIES);
    }
}
