//! The `stackpilot` binary as a user runs it: output, JSON and exit codes.

mod cache;
mod check;
mod ci;
mod completions;
mod diff;
mod envs;
mod json;
mod lifecycle;
mod schema_check;
mod support;
