//! The queue dashboard: a JSON API under `/api/admin/queues` and server-rendered pages under
//! `/admin/queues`, both over [`service`]. Admins only.

pub mod api;
pub mod page;
pub mod service;

use kernel::routes::ServiceConfig;

/// Mounts the JSON API and the pages.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(api::configure).configure(page::configure);
}
