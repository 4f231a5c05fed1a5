//! The one error type a caller branches on. Every failure the user can act on is one of these
//! kinds; `gate.rs` maps each to its documented exit code (docs/exit-codes.md). Anything else that
//! goes wrong travels as `anyhow::Error` with context and counts as a usage error (exit 2): a
//! file that cannot be read is the user's to fix.

/// A failure drready explains to the user. The message names the thing (file and line, flag,
/// rule id) and what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad flag or flag combination.
    #[error("{0}")]
    Usage(String),
    /// A bad `drready.toml`.
    #[error("{0}")]
    Config(String),
    /// A snapshot file that cannot be used.
    #[error("{0}")]
    Snapshot(String),
    /// A policy that does not compile, has bad metadata or fails at evaluation.
    #[error("{0}")]
    Policy(String),
    /// A report file (`--previous`, `diff` input) that cannot be used.
    #[error("{0}")]
    Report(String),
    /// An output (report, snapshot, docs) could not be written: the judgement itself succeeded.
    #[error("{0}")]
    Output(String),
}

/// Shorthand for `Err(Error::Usage(..).into())`.
#[macro_export]
macro_rules! usage {
    ($($arg:tt)*) => {
        ::anyhow::Error::from($crate::error::Error::Usage(format!($($arg)*)))
    };
}
