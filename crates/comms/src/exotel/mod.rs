//! Exotel telephony: click-to-call and SMS for sales users, and the call status callback.

pub mod client;
pub mod routes;
pub mod service;
pub mod webhook;

pub use client::{ExotelClient, ProviderCall, ProviderSms};
