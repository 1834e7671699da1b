//! Tauri commands, one file per area; each is a traced one-liner into core.

pub mod workspace;
