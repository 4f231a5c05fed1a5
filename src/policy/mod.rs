//! The policy engine: regorus over built-in and user rules.

mod types;

pub use types::*;
