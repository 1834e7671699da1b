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

/// Stackpilot's settings folder: `$XDG_CONFIG_HOME/stackpilot` (`~/.config/stackpilot`),
/// `~/Library/Application Support/stackpilot`, or `%APPDATA%\\stackpilot`.
pub fn app_config_dir() -> Option<PathBuf> {
    if cfg!(target_os = "macos") || cfg!(windows) {
        return app_data_dir();
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from).or_else(|| home.map(|h| h.join(".config"))).map(|b| b.join("stackpilot"))
}

/// Stackpilot's cache folder (`$XDG_CACHE_HOME/stackpilot`, `~/.cache/stackpilot`;
/// the platform's on macOS and Windows): what can be rebuilt at any time.
pub fn app_cache_dir() -> Option<PathBuf> {
    if cfg!(target_os = "macos") || cfg!(windows) {
        return app_data_dir().map(|d| d.join("cache"));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()).map(PathBuf::from).or_else(|| home.map(|h| h.join(".cache"))).map(|b| b.join("stackpilot"))
}

/// Creates (or checks) one of Stackpilot's own folders: private to this user (0700),
/// and refused when it is a symbolic link or belongs to someone else, so that nothing
/// planted there by another user is followed or written through.
pub fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
        match std::fs::symlink_metadata(dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
            }
            Err(e) => return Err(e),
            Ok(meta) if meta.file_type().is_symlink() || !meta.is_dir() => {
                return Err(std::io::Error::other(format!("{} is not a folder of Stackpilot's (a link or a file)", dir.display())));
            }
            Ok(_) => {}
        }
        let meta = std::fs::symlink_metadata(dir)?;
        let me = current_uid();
        if meta.uid() != me {
            return Err(std::io::Error::other(format!("{} belongs to another user (uid {})", dir.display(), meta.uid())));
        }
        if meta.mode() & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// This process's effective user id.
#[cfg(unix)]
pub fn current_uid() -> u32 {
    rustix::process::geteuid().as_raw()
}
