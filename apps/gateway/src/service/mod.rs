//! The queries and transactions behind the gateway's own routes (platforms, system
//! configuration, the database probe): route handlers extract, call these, and answer.

pub mod platforms;
pub mod probe;
pub mod system_config;
