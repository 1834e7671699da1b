//! One module per command.

pub mod backup;
pub mod check;
pub mod completions;
pub mod diff;
pub mod envs;
pub mod guide;
pub mod init;
pub mod lifecycle;
pub mod logs;
pub mod schema;
pub mod secrets;
pub mod status;
pub mod up;

/// Loads the environment's secret values so that what its containers print is redacted;
/// says once, on stderr, when the keychain cannot be read.
pub async fn load_redactions(env: stackpilot_core::Env<'_>) {
    if let Err(e) = stackpilot_core::stack::load_redactions(env).await {
        eprintln!("note: secret values in container output are not hidden here: {e}");
    }
}

/// A JSON document of the command line: the version of its shapes first, then the
/// document's own fields (docs/json.md).
#[derive(serde::Serialize)]
pub struct Document<'a, T: serde::Serialize> {
    /// The version of the shapes ([`stackpilot_core::WIRE_VERSION`], the app's too).
    pub version: u32,
    #[serde(flatten)]
    body: &'a T,
}

impl<'a, T: serde::Serialize> Document<'a, T> {
    /// `body`, an object, as a document of this version.
    pub fn of(body: &'a T) -> Self {
        Self { version: stackpilot_core::WIRE_VERSION, body }
    }
}

/// Prints an object as a pretty JSON document on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), crate::Failure> {
    let text = serde_json::to_string_pretty(&Document::of(value))
        .map_err(|e| crate::Failure::internal(format!("cannot write JSON: {e}")))?;
    outln!("{text}");
    Ok(())
}

/// Prints an object as one line of NDJSON on stdout (a streaming output: one document a line).
pub fn print_line<T: serde::Serialize>(value: &T) -> Result<(), crate::Failure> {
    let text = serde_json::to_string(&Document::of(value))
        .map_err(|e| crate::Failure::internal(format!("cannot write JSON: {e}")))?;
    outln!("{text}");
    Ok(())
}
