//! The process's copy of the user directory (ADR 0083): what identity's directory answered
//! for a user id, kept in a [`LocalCache`] so that an authenticated request needs no network
//! round trip. It is only used while the process is subscribed to the directory's
//! invalidation channel; see [`crate::local_cache`] for the rules that keep it honest.

use std::sync::Arc;

use uuid::Uuid;

use crate::{AppContext, auth::CurrentUser, local_cache::LocalCache};

/// What the directory knows about a user: the platform, the state authentication checks,
/// and the profile `/api/auth/me` answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryEntry {
    /// The user's platform.
    pub platform_id: Uuid,
    /// Role, capabilities, status and token cut-off.
    pub current: CurrentUser,
    /// Email as stored.
    pub email: String,
    /// Full name as stored.
    pub full_name: String,
}

/// A cached answer: `None` when no such user exists.
pub type Answer = Option<Arc<DirectoryEntry>>;

/// The process's copy of the user directory.
pub type UserCache = LocalCache<Uuid, Answer>;

/// The process's [`UserCache`] (one per `AppContext`, in its extensions).
pub fn users(ctx: &AppContext) -> Arc<UserCache> {
    ctx.extensions.get_or_init(UserCache::default)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::auth::Role;

    fn entry() -> Answer {
        Some(Arc::new(DirectoryEntry {
            platform_id: Uuid::nil(),
            current: CurrentUser {
                role: Role::User,
                caps: vec![],
                active: true,
                tokens_valid_after: None,
            },
            email: "a@example.com".into(),
            full_name: "A".into(),
        }))
    }

    const TTL: Duration = Duration::from_secs(60);

    #[test]
    fn nothing_is_cached_until_the_subscription_is_live() {
        let cache = UserCache::new(10);
        let id = Uuid::new_v4();
        cache.fill(id, entry(), cache.epoch());
        assert!(cache.get(&id, TTL).is_none());
        cache.set_live(true);
        cache.fill(id, entry(), cache.epoch());
        assert_eq!(cache.get(&id, TTL), Some(entry()));
        cache.set_live(false);
        assert!(cache.get(&id, TTL).is_none());
        assert!(cache.is_empty());
    }

    #[test]
    fn a_fill_that_raced_a_forget_is_discarded() {
        let cache = UserCache::new(10);
        cache.set_live(true);
        let id = Uuid::new_v4();
        let seen = cache.epoch();
        // the read began, then the user changed and was forgotten, then the read finished
        cache.forget(&id);
        cache.fill(id, entry(), seen);
        assert!(cache.get(&id, TTL).is_none());
        let seen = cache.epoch();
        cache.fill(id, entry(), seen);
        assert!(cache.get(&id, TTL).is_some());
        cache.forget(&id);
        assert!(cache.get(&id, TTL).is_none());
    }

    #[test]
    fn entries_expire_and_capacity_is_kept() {
        let cache = UserCache::new(2);
        cache.set_live(true);
        let ids = [Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4()];
        for id in ids {
            cache.fill(id, None, cache.epoch());
        }
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(&ids[0], TTL), Some(None));
        assert!(cache.get(&ids[0], Duration::ZERO).is_none());
        cache.sweep(Duration::ZERO);
        assert!(cache.is_empty());
    }
}
