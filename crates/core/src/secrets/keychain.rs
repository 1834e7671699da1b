//! The OS keychain: macOS Keychain, Windows Credential Manager, Secret Service on Linux.
//!
//! Calls block (an unlock prompt may appear): run them off UI threads.

use std::sync::Arc;

use keyring_core::{CredentialStore, Error as KeyringError};

use super::Sensitive;
use crate::Diagnostic;

/// An opened OS keychain.
pub struct Keychain {
    store: Arc<CredentialStore>,
}

/// Why the keychain could not be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum KeychainError {
    /// No D-Bus session bus to reach the Secret Service on.
    #[error("the keychain cannot be reached: there is no D-Bus session bus ({detail})")]
    NoSessionBus {
        /// The underlying error, without secret data.
        detail: String,
    },
    /// No program provides the Secret Service.
    #[error("no keychain is running: nothing provides the Secret Service on the session bus")]
    NoProvider,
    /// The keychain is locked.
    #[error("the keychain is locked ({detail})")]
    Locked {
        /// The underlying error.
        detail: String,
    },
    /// The keychain refused or failed otherwise.
    #[error("the keychain failed: {detail}")]
    Failed {
        /// The underlying error.
        detail: String,
    },
}

impl Diagnostic for KeychainError {
    fn code(&self) -> crate::Code {
        match self {
            Self::NoSessionBus { .. } | Self::NoProvider => crate::Code::KeychainUnavailable,
            Self::Locked { .. } => crate::Code::KeychainLocked,
            Self::Failed { .. } => crate::Code::KeychainFailed,
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            Self::NoSessionBus { .. } => {
                "start Stackpilot from a desktop session, or run it under `dbus-run-session` with a keyring daemon".into()
            }
            Self::NoProvider => {
                "install and start a Secret Service provider: gnome-keyring (`apt-get install gnome-keyring`) or KeePassXC with Secret Service enabled".into()
            }
            Self::Locked { .. } => "unlock your login keychain (for gnome-keyring: `gnome-keyring-daemon --unlock`), then try again".into(),
            Self::Failed { .. } => "check that your keychain program is running and not denying access".into(),
        })
    }
}

fn classify(error: KeyringError) -> KeychainError {
    let detail = error.to_string();
    let debug = format!("{error:?}");
    match error {
        KeyringError::NoStorageAccess(_) => KeychainError::Locked { detail },
        _ if debug.contains("ServiceUnknown") => KeychainError::NoProvider,
        _ if debug.contains("Connection") || debug.contains("NotFound") || debug.contains("DBUS_SESSION_BUS_ADDRESS") => {
            KeychainError::NoSessionBus { detail }
        }
        _ => KeychainError::Failed { detail },
    }
}

impl Keychain {
    /// Opens the platform keychain, or says why it is not available.
    pub fn open() -> Result<Self, KeychainError> {
        #[cfg(all(unix, not(target_os = "macos")))]
        let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new().map_err(classify)?;
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        let store: Arc<CredentialStore> = {
            if let Err(e) = keyring::Entry::store_status() {
                return Err(KeychainError::Failed { detail: e.to_string() });
            }
            keyring_core::get_default_store().ok_or(KeychainError::NoProvider)?
        };
        Ok(Self { store })
    }

    /// Whether the keychain answers now: opened, and asked for an entry that does not exist
    /// (no value read, no unlock prompt for a missing entry).
    pub fn probe() -> Result<(), KeychainError> {
        Self::open()?.get("stackpilot-probe", "reachable").map(|_| ())
    }

    /// The keychain's name on this OS, for people.
    pub fn display_name() -> &'static str {
        if cfg!(target_os = "macos") {
            "macOS Keychain"
        } else if cfg!(windows) {
            "Windows Credential Manager"
        } else {
            "Secret Service (GNOME Keyring, KWallet or KeePassXC)"
        }
    }

    fn entry(&self, service: &str, account: &str) -> Result<keyring_core::Entry, KeychainError> {
        self.store.build(service, account, None).map_err(classify)
    }

    /// Stores a value, replacing any previous one.
    pub fn set(&self, service: &str, account: &str, value: &Sensitive<String>) -> Result<(), KeychainError> {
        self.entry(service, account)?.set_password(value.expose()).map_err(classify)
    }

    /// Reads a value; `None` when there is no such entry.
    pub fn get(&self, service: &str, account: &str) -> Result<Option<Sensitive<String>>, KeychainError> {
        match self.entry(service, account)?.get_password() {
            Ok(value) => Ok(Some(Sensitive::new(value))),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(classify(e)),
        }
    }

    /// Deletes a value; `false` when there was none.
    pub fn delete(&self, service: &str, account: &str) -> Result<bool, KeychainError> {
        match self.entry(service, account)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(KeyringError::NoEntry) => Ok(false),
            Err(e) => Err(classify(e)),
        }
    }
}
