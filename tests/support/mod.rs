//! Shared test support.

pub mod moto;
pub mod proxy;
