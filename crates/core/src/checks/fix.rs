//! Fixes that checks offer, behind stable ids.

use serde::{Deserialize, Serialize};

/// Something Stackpilot can do to make a failing check pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Fix {
    /// Write the missing keys of `.env.<env>` (user edits kept, backup made).
    GenerateEnvFile,
    /// Generate the missing secrets into the OS keychain.
    GenerateSecrets,
    /// Publish on another host port by setting the variable the Compose file reads.
    RemapPort {
        /// The variable, e.g. `POSTGRES_PORT`.
        variable: String,
        /// The port now.
        from: u16,
        /// A free port to use instead.
        to: u16,
    },
    /// Stop a container of another Stackpilot environment that holds a port.
    StopContainer {
        /// Container name.
        container: String,
        /// Its Compose project.
        project: String,
    },
    /// Remove stopped containers, dangling images and build cache (after a preview).
    ReclaimDiskSpace {
        /// Bytes it would free.
        bytes: u64,
    },
}

impl Fix {
    /// Stable id, for buttons and `--fix`.
    pub fn id(&self) -> &'static str {
        match self {
            Self::GenerateEnvFile => "env.file.generate",
            Self::GenerateSecrets => "secrets.generate",
            Self::RemapPort { .. } => "ports.remap",
            Self::StopContainer { .. } => "ports.stop-container",
            Self::ReclaimDiskSpace { .. } => "docker.reclaim",
        }
    }

    /// Button label.
    pub fn label(&self) -> String {
        match self {
            Self::GenerateEnvFile => "Write the missing variables to the env file".into(),
            Self::GenerateSecrets => "Generate the missing secrets into the keychain".into(),
            Self::RemapPort { variable, from, to } => format!("Use port {to} instead of {from} ({variable}={to})"),
            Self::StopContainer { container, project } => format!("Stop container {container} ({project})"),
            Self::ReclaimDiskSpace { bytes } => format!("Reclaim {}", crate::checks::human_bytes(*bytes)),
        }
    }

    /// Whether it removes or stops something, so it must be previewed and confirmed.
    pub fn is_destructive(&self) -> bool {
        matches!(self, Self::StopContainer { .. } | Self::ReclaimDiskSpace { .. })
    }

    /// Whether a start applies it without asking, as the seed's start script did: it only
    /// adds what is missing (env file keys, keychain secrets), keeping every value there is
    /// (and a backup of the file). Moving a port or stopping or removing anything needs a person.
    pub fn applies_without_asking(&self) -> bool {
        matches!(self, Self::GenerateEnvFile | Self::GenerateSecrets)
    }
}
