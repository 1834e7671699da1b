//! Errors as front ends show them: a stable code, a message, and a hint.

use serde::Serialize;

/// What kind of failure something is; the kind alone decides a command's exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// Wrong input: arguments, a schema, a workspace, an environment or context name (exit 2).
    Input,
    /// Stackpilot ran and found a problem to resolve: a failed check, a service not running (exit 1).
    Problem,
    /// A system component failed: Docker, Compose, the keychain (exit 4).
    System,
    /// The person interrupted it (exit 130).
    Interrupted,
}

impl Kind {
    /// The exit code of a command that ends with this kind of failure (README's table).
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Problem => 1,
            Self::Input => 2,
            Self::System => 4,
            Self::Interrupted => 130,
        }
    }

}

/// Declares [`Code`] with each code's kind: the one table of error codes.
macro_rules! codes {
    ($($kind:ident: [$($(#[$doc:meta])* $code:ident),+ $(,)?]),+ $(,)?) => {
        /// The stable code of an error; front ends match on it, never on text. Sent as its name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        pub enum Code {
            $($($(#[$doc])* $code,)+)+
        }

        impl Code {
            /// Its name, e.g. `DockerUnreachable`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($(Self::$code => stringify!($code),)+)+
                }
            }

            /// What kind of failure it is (decides the exit code).
            pub fn kind(self) -> Kind {
                match self {
                    $($(Self::$code => Kind::$kind,)+)+
                }
            }
        }
    };
}

codes! {
    Problem: [
        /// An environment or service that should run does not.
        NotRunning,
        /// The environment runs, and the operation needs it stopped.
        EnvironmentRunning,
        /// The environment has no volume with data to back up.
        NothingToBackUp,
        /// A volume is also used by containers outside the environment.
        VolumeInUse,
        /// Images a restore needs are not on the engine.
        ImagesMissing,
    ],
    Interrupted: [
        /// The person cancelled.
        Cancelled,
    ],
    System: [
        /// The Docker engine does not answer.
        DockerUnreachable,
        /// The Docker engine refused a request.
        DockerApi,
        /// A Compose command ran past its time.
        ComposeTimedOut,
        /// No Compose v2.
        ComposeMissing,
        /// Only Compose v1 was found.
        ComposeVersion1,
        /// Compose printed something unreadable.
        ComposeOutput,
        /// Another Stackpilot holds the environment.
        LockUnavailable,
        /// The keychain does not answer.
        KeychainUnavailable,
        /// The keychain is locked.
        KeychainLocked,
        /// The keychain refused a request.
        KeychainFailed,
        /// Something failed inside Stackpilot.
        Internal,
        /// A link could not be opened.
        OpenFailed,
        /// A backup could not be written.
        BackupUnwritable,
    ],
    Input: [
        /// Bad arguments.
        Usage,
        /// No workspace where one was looked for.
        WorkspaceNotFound,
        /// The schema file cannot be read.
        SchemaUnreadable,
        /// The schema has problems.
        InvalidSchema,
        /// No schema in the folder.
        NoSchema,
        /// A schema exists already (adopt).
        SchemaExists,
        /// The schema could not be written (adopt).
        SchemaUnwritable,
        /// No Compose file in the folder (adopt).
        NoComposeFile,
        /// The Compose project could not be read for adoption.
        ImportFailed,
        /// A Compose file named by the schema is missing.
        ComposeFileMissing,
        /// Compose rejected the project.
        ComposeRejected,
        /// An environment name the schema does not have.
        UnknownEnvironment,
        /// A service name the environment does not have.
        UnknownService,
        /// A service name of a command that Compose does not know.
        ServiceUnknown,
        /// A secret name the environment does not have.
        UnknownSecret,
        /// Secrets the environment needs are missing.
        SecretsMissing,
        /// The secrets manifest cannot be read.
        SecretsManifest,
        /// An env file cannot be read.
        EnvFileInvalid,
        /// An env file cannot be written.
        EnvFileUnwritable,
        /// The generated override cannot be written.
        OverrideUnwritable,
        /// A fix that the latest check run did not offer.
        FixNotOffered,
        /// A destructive fix sent without its confirmation.
        FixNeedsConfirmation,
        /// An answer that is not one of the choices.
        InvalidChoice,
        /// Another operation on the environment runs.
        OperationInProgress,
        /// A Docker context that does not exist.
        UnknownContext,
        /// A Docker context whose files cannot be read.
        BrokenContext,
        /// An engine address of an unknown scheme.
        UnsupportedHost,
        /// A link that is not http(s).
        InvalidUrl,
        /// A volume name the environment does not have.
        UnknownVolume,
        /// No backup where one was named.
        BackupNotFound,
        /// A backup whose files are damaged or not Stackpilot's.
        BackupCorrupt,
    ],
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error that knows its stable code and how to fix it.
pub trait Diagnostic: std::error::Error {
    /// Stable identifier, e.g. `DockerUnreachable`; front ends match on this, never on text.
    fn code(&self) -> Code;
    /// What the person can do about it.
    fn hint(&self) -> Option<String>;
    /// What kind of failure it is (decides the exit code).
    fn kind(&self) -> Kind {
        self.code().kind()
    }
}

/// The serialisable form of any [`Diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorReport {
    /// Stable code.
    pub code: Code,
    /// What happened.
    pub message: String,
    /// What to do.
    pub hint: Option<String>,
}


impl ErrorReport {
    /// Builds the report of an error.
    pub fn of<E: Diagnostic + ?Sized>(error: &E) -> Self {
        Self { code: error.code(), message: error.to_string(), hint: error.hint() }
    }
}

#[cfg(test)]
mod tests {
    use super::{Code, Kind};

    #[test]
    fn a_code_is_sent_as_its_name_and_its_kind_decides_the_exit() {
        assert_eq!(serde_json::to_value(Code::DockerUnreachable).expect("json"), "DockerUnreachable");
        assert_eq!(Code::KeychainLocked.to_string(), "KeychainLocked");
        let exits: Vec<u8> = [Code::NotRunning, Code::UnknownEnvironment, Code::DockerUnreachable, Code::Cancelled].map(|c| c.kind().exit_code()).into();
        assert_eq!(exits, [1, 2, 4, 130]);
        assert_eq!(Code::Usage.kind(), Kind::Input);
    }
}
