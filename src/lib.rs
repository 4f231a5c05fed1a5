//! drready: tells whether an AWS disaster-recovery standby region could take over.
//!
//! The pipeline is `collect → snapshot → pair → evaluate → score → report`; each stage is a module
//! with plain data in and out (see docs/architecture in DESIGN.md).

pub mod collect;
pub mod config;
pub mod fsutil;
pub mod policy;
pub mod snapshot;
