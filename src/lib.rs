//! drready: tells whether an AWS disaster-recovery standby region could take over.
//!
//! The pipeline is `collect → snapshot → pair → evaluate → score → report`; each stage is a module
//! with plain data in and out. [`cli::run`] is the whole program; `main.rs` only maps its outcome
//! to the exit code.

pub mod cli;
pub mod collect;
pub mod config;
pub mod error;
pub mod evidence;
pub mod findings;
pub mod fsutil;
pub mod gate;
pub mod init;
pub mod parity;
pub mod pipeline;
pub mod policy;
pub mod report;
pub mod runbook;
pub mod schema;
pub mod score;
pub mod snapshot;
pub mod verdicts;
pub mod vocab;
pub mod workload;
