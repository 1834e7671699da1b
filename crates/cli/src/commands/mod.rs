//! One module per command.

pub mod check;
pub mod completions;
pub mod envs;
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

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), crate::Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| crate::Failure::internal(format!("cannot write JSON: {e}")))?;
    outln!("{text}");
    Ok(())
}
