//! Facts about this workstation: memory, disk, GPUs, who holds a port.

pub mod disk;
pub mod gpu;
pub mod memory;
pub mod ports;
