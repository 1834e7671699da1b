//! One module per command.

pub mod check;
pub mod envs;
pub mod lifecycle;
pub mod logs;
pub mod schema;
pub mod secrets;
pub mod status;
pub mod up;

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), crate::Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| crate::Failure::internal(format!("cannot write JSON: {e}")))?;
    outln!("{text}");
    Ok(())
}
