//! Secrets: the OS keychain and the redacting wrapper they travel in.

mod keychain;
mod sensitive;

pub use keychain::{Keychain, KeychainError};
pub use sensitive::Sensitive;
