//! What the app was started with.

use std::{ffi::OsString, path::PathBuf};

/// State shared by every command of the app.
#[derive(Debug, Default)]
pub struct Session {
    /// Workspace given with `--workspace DIR`; otherwise core's usual resolution.
    pub workspace: Option<PathBuf>,
}

impl Session {
    /// Reads `--workspace DIR` (or `--workspace=DIR`) from the command line.
    pub fn from_args(args: impl Iterator<Item = OsString>) -> Self {
        let mut args = args.peekable();
        let mut workspace = None;
        while let Some(arg) = args.next() {
            let text = arg.to_string_lossy();
            if text == "--workspace" {
                workspace = args.next().map(PathBuf::from);
            } else if let Some(value) = text.strip_prefix("--workspace=") {
                workspace = Some(PathBuf::from(value));
            }
        }
        Self { workspace }
    }
}
