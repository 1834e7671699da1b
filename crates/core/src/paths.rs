//! Where Stackpilot keeps its own files for this user.

use std::path::PathBuf;

/// Stackpilot's data folder: `$XDG_DATA_HOME/stackpilot` (`~/.local/share/stackpilot`),
/// `~/Library/Application Support/stackpilot`, or `%APPDATA%\\stackpilot`.
pub fn app_data_dir() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let base = if cfg!(target_os = "macos") {
        home.map(|h| h.join("Library/Application Support"))
    } else if cfg!(windows) {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else {
        std::env::var_os("XDG_DATA_HOME").map(PathBuf::from).or_else(|| home.map(|h| h.join(".local/share")))
    };
    base.map(|b| b.join("stackpilot"))
}
