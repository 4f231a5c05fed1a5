//! SARIF 2.1.0 (placeholder while being written).
