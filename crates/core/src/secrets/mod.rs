//! Secrets: generated from the schema's rules, kept in the OS keychain, handed to
//! Compose only through the child process environment, never written in plaintext.

mod generate;
pub mod k8s;
mod keychain;
pub mod manifest;
pub mod redact;
mod sensitive;
mod store;

pub use generate::{encode, generate};
pub use keychain::{Keychain, KeychainError};
pub use sensitive::Sensitive;
pub use store::{Generated, ImportReport, SecretStatus, SecretStore, SecretsError};
