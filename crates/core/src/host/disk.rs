//! Free space on the filesystem that holds a path.

use std::path::{Path, PathBuf};

use serde::Serialize;

/// Space on one filesystem, in bytes.
#[derive(Debug, Clone, Serialize)]
pub struct DiskFacts {
    /// Where it is mounted.
    pub mount: PathBuf,
    /// Its size.
    pub total: u64,
    /// Space free for new data.
    pub available: u64,
}

/// The filesystem holding `path`: the mount point with the longest matching prefix.
pub fn disk_of(path: &Path) -> Result<DiskFacts, String> {
    let disks = sysinfo::Disks::new_with_refreshed_list().map_err(|e| e.to_string())?;
    disks
        .iter()
        .filter(|d| path.starts_with(d.mount_point()))
        .max_by_key(|d| d.mount_point().as_os_str().len())
        .map(|d| DiskFacts { mount: d.mount_point().to_path_buf(), total: d.total_space(), available: d.available_space() })
        .ok_or_else(|| format!("no mounted filesystem holds {}", path.display()))
}
