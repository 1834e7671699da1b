//! Whether a host port can be published, and who holds it when it cannot: every
//! protocol Compose publishes (TCP, UDP, SCTP) on the addresses Docker binds, with
//! the kernel's own overlap rules (found by trying the bind Docker would make).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use serde::Serialize;
use socket2::{Domain, Protocol as SocketProtocol, Socket, Type};

/// A transport protocol of a published port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// TCP (Compose's default).
    Tcp,
    /// UDP.
    Udp,
    /// SCTP.
    Sctp,
}

impl Protocol {
    /// Compose's `protocol` field: `tcp` when absent; `None` for a protocol Compose does not publish.
    pub fn from_compose(text: Option<&str>) -> Option<Self> {
        match text.unwrap_or("tcp").to_ascii_lowercase().as_str() {
            "tcp" | "" => Some(Self::Tcp),
            "udp" => Some(Self::Udp),
            "sctp" => Some(Self::Sctp),
            _ => None,
        }
    }

    /// `tcp`, `udp` or `sctp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcp => "tcp",
            Self::Udp => "udp",
            Self::Sctp => "sctp",
        }
    }
}

/// Whether a port can be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortStatus {
    /// Docker can bind it.
    Free,
    /// Something holds it (on the address named).
    Taken {
        /// The address whose bind failed, e.g. `[::]` or `127.0.0.1`.
        address: String,
    },
    /// The address is not one of this machine's (Docker would fail with "cannot assign requested address").
    AddressUnavailable,
    /// The kernel cannot tell (e.g. no SCTP support): not a failure, said in the details.
    Unknown {
        /// Why.
        reason: String,
    },
}

/// The binds Docker makes for a published port on `host_ip`: an empty address means
/// every IPv4 address and every IPv6 address (when the machine has IPv6); `0.0.0.0`
/// only IPv4; `::` only IPv6; anything else that one address.
fn binds(host_ip: &str) -> Option<Vec<(IpAddr, bool)>> {
    let v4 = (IpAddr::V4(Ipv4Addr::UNSPECIFIED), false);
    let v6 = (IpAddr::V6(Ipv6Addr::UNSPECIFIED), true);
    match host_ip.trim_start_matches('[').trim_end_matches(']') {
        "" => Some(vec![v4, v6]),
        ip => ip.parse::<IpAddr>().ok().map(|ip| vec![(ip, ip.is_ipv6())]),
    }
}

fn try_bind(ip: IpAddr, port: u16, protocol: Protocol, v6_only: bool) -> std::io::Result<()> {
    let domain = if ip.is_ipv4() { Domain::IPV4 } else { Domain::IPV6 };
    let socket = match protocol {
        Protocol::Tcp => Socket::new(domain, Type::STREAM, Some(SocketProtocol::TCP))?,
        Protocol::Udp => Socket::new(domain, Type::DGRAM, Some(SocketProtocol::UDP))?,
        Protocol::Sctp => Socket::new(domain, Type::SEQPACKET, Some(SocketProtocol::from(132)))?,
    };
    if ip.is_ipv6() {
        socket.set_only_v6(v6_only)?;
    }
    if protocol == Protocol::Tcp {
        // As Docker's listeners do: a connection in TIME_WAIT does not hold the port.
        socket.set_reuse_address(true)?;
    }
    socket.bind(&SocketAddr::new(ip, port).into())?;
    if protocol == Protocol::Tcp {
        socket.listen(1)?;
    }
    Ok(())
}

/// Whether `port`/`protocol` can be published on `host_ip` (empty: all addresses).
pub fn status(host_ip: &str, port: u16, protocol: Protocol) -> PortStatus {
    let Some(binds) = binds(host_ip) else { return PortStatus::AddressUnavailable };
    for (ip, v6_only) in binds {
        match try_bind(ip, port, protocol, v6_only) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                let address = if ip.is_ipv6() { format!("[{ip}]") } else { ip.to_string() };
                return PortStatus::Taken { address };
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrNotAvailable && host_ip.is_empty() => {}
            Err(e) if e.kind() == std::io::ErrorKind::AddrNotAvailable => return PortStatus::AddressUnavailable,
            // No IPv6 on this machine: Docker publishes on IPv4 only.
            Err(e) if ip.is_ipv6() && host_ip.is_empty() && e.raw_os_error() == Some(97) => {}
            Err(e) => return PortStatus::Unknown { reason: format!("cannot test {} {port}: {e}", protocol.as_str()) },
        }
    }
    PortStatus::Free
}

/// A process listening on a port.
#[derive(Debug, Clone, Serialize)]
pub struct PortHolder {
    /// Process id.
    pub pid: u32,
    /// Process name.
    pub name: String,
    /// Command line, when readable.
    pub command: Option<String>,
    /// The address it listens on, e.g. `127.0.0.1:3000`.
    pub address: Option<String>,
}

/// The process holding a TCP or UDP port, when this user may see it (blocking).
pub fn holder(port: u16, protocol: Protocol) -> Option<PortHolder> {
    let protocol = match protocol {
        Protocol::Tcp => listeners::Protocol::TCP,
        Protocol::Udp => listeners::Protocol::UDP,
        Protocol::Sctp => return None,
    };
    let listener = listeners::get_all().ok()?.into_iter().find(|l| l.socket.port() == port && l.protocol == protocol)?;
    let process = listener.process;
    let command = std::fs::read(format!("/proc/{}/cmdline", process.pid)).ok().map(|raw| {
        raw.split(|b| *b == 0)
            .filter(|part| !part.is_empty())
            .map(|part| String::from_utf8_lossy(part).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    });
    Some(PortHolder { pid: process.pid, name: process.name, command, address: Some(listener.socket.to_string()) })
}

#[cfg(test)]
mod tests {
    use std::net::{TcpListener, UdpSocket};

    use super::{status, PortStatus, Protocol};

    fn taken(host_ip: &str, port: u16, protocol: Protocol) -> bool {
        matches!(status(host_ip, port, protocol), PortStatus::Taken { .. })
    }

    #[test]
    fn a_loopback_tcp_holder_blocks_every_address_and_loopback_but_not_another_protocol() {
        let held = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = held.local_addr().expect("addr").port();
        assert!(taken("", port, Protocol::Tcp));
        assert!(taken("0.0.0.0", port, Protocol::Tcp));
        assert!(taken("127.0.0.1", port, Protocol::Tcp));
        assert!(!taken("", port, Protocol::Udp));
    }

    #[test]
    fn a_udp_holder_is_found() {
        let held = UdpSocket::bind("0.0.0.0:0").expect("bind");
        let port = held.local_addr().expect("addr").port();
        assert!(taken("", port, Protocol::Udp));
        assert!(taken("127.0.0.1", port, Protocol::Udp));
        assert!(!taken("", port, Protocol::Tcp));
    }

    #[test]
    fn an_ipv6_wildcard_holder_blocks_a_publish_on_every_address() {
        let Ok(held) = TcpListener::bind("[::]:0") else { return };
        let port = held.local_addr().expect("addr").port();
        assert!(taken("", port, Protocol::Tcp));
        assert!(taken("::", port, Protocol::Tcp));
    }

    #[test]
    fn an_address_that_is_not_this_machines_is_named_as_such() {
        assert_eq!(status("203.0.113.7", 8080, Protocol::Tcp), PortStatus::AddressUnavailable);
        assert_eq!(status("not-an-ip", 8080, Protocol::Tcp), PortStatus::AddressUnavailable);
    }
}
