//! Whether a TCP port is free, and who holds it when it is not.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};

use serde::Serialize;

/// A process listening on a port.
#[derive(Debug, Clone, Serialize)]
pub struct PortHolder {
    /// Process id.
    pub pid: u32,
    /// Process name.
    pub name: String,
    /// Command line, when readable.
    pub command: Option<String>,
}

/// Whether `port` can be bound on `host_ip` (empty or `0.0.0.0`: all addresses).
pub fn is_free(host_ip: Option<&str>, port: u16) -> bool {
    let ip = host_ip
        .filter(|ip| !ip.is_empty())
        .and_then(|ip| ip.parse::<IpAddr>().ok())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    TcpListener::bind(SocketAddr::new(ip, port)).is_ok()
}

/// The process listening on a TCP port, when this user may see it (blocking).
pub fn holder(port: u16) -> Option<PortHolder> {
    let process = listeners::get_process_by_port(port, listeners::Protocol::TCP).ok()?;
    let command = std::fs::read(format!("/proc/{}/cmdline", process.pid)).ok().map(|raw| {
        raw.split(|b| *b == 0)
            .filter(|part| !part.is_empty())
            .map(|part| String::from_utf8_lossy(part).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    });
    Some(PortHolder { pid: process.pid, name: process.name, command })
}
