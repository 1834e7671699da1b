//! Total and available memory.

use serde::Serialize;

/// Memory of this machine, in bytes.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MemoryFacts {
    /// Installed memory.
    pub total: u64,
    /// Memory available to new processes now.
    pub available: u64,
}

/// Reads the machine's memory (sysinfo).
pub fn memory() -> Result<MemoryFacts, String> {
    let mut system = sysinfo::System::new().map_err(|e| e.to_string())?;
    system.refresh_memory();
    Ok(MemoryFacts { total: system.total_memory(), available: system.available_memory() })
}
