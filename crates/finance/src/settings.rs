//! Finance's per-platform settings. The supplier's details are not system-configuration
//! keys: they live in `finance_supplier_settings` (validated together, audited) behind
//! `PUT /api/admin/finance/supplier`.

use kernel::system_config::Key;

/// Every key of this crate (none yet).
pub const KEYS: &[Key] = &[];
