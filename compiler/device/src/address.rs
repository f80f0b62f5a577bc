//! `tcp:HOST:PORT` and `serial:PATH[@BAUD]`.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceAddress {
    Tcp { host: String, port: u16 },
    Serial { path: String, baud: u32 },
}

pub const DEFAULT_BAUD: u32 = 115_200;

impl std::str::FromStr for DeviceAddress {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if let Some(rest) = s.strip_prefix("tcp:") {
            let (host, port) = rest
                .rsplit_once(':')
                .ok_or_else(|| format!("`{s}`: expected tcp:HOST:PORT"))?;
            let port = port
                .parse()
                .map_err(|_| format!("`{s}`: `{port}` is not a port number"))?;
            if host.is_empty() {
                return Err(format!("`{s}`: missing host"));
            }
            return Ok(DeviceAddress::Tcp {
                host: host.to_string(),
                port,
            });
        }
        if let Some(rest) = s.strip_prefix("serial:") {
            let (path, baud) = match rest.rsplit_once('@') {
                Some((p, b)) => (
                    p,
                    b.parse()
                        .map_err(|_| format!("`{s}`: `{b}` is not a baud rate"))?,
                ),
                None => (rest, DEFAULT_BAUD),
            };
            if path.is_empty() {
                return Err(format!("`{s}`: missing device path"));
            }
            return Ok(DeviceAddress::Serial {
                path: path.to_string(),
                baud,
            });
        }
        Err(format!(
            "`{s}`: expected tcp:HOST:PORT or serial:PATH[@BAUD]"
        ))
    }
}

impl fmt::Display for DeviceAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceAddress::Tcp { host, port } => write!(f, "tcp:{host}:{port}"),
            DeviceAddress::Serial { path, baud } => write!(f, "serial:{path}@{baud}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let t: DeviceAddress = "tcp:127.0.0.1:4321".parse().unwrap();
        assert_eq!(
            t,
            DeviceAddress::Tcp {
                host: "127.0.0.1".into(),
                port: 4321
            }
        );
        let s: DeviceAddress = "serial:/dev/ttyUSB1".parse().unwrap();
        assert_eq!(s.to_string(), "serial:/dev/ttyUSB1@115200");
        let b: DeviceAddress = "serial:/dev/ttyUSB1@1000000".parse().unwrap();
        assert_eq!(
            b,
            DeviceAddress::Serial {
                path: "/dev/ttyUSB1".into(),
                baud: 1_000_000
            }
        );
        for bad in [
            "tcp:host",
            "tcp::1",
            "tcp:h:port",
            "serial:",
            "serial:/dev/x@fast",
            "usb:1",
        ] {
            assert!(bad.parse::<DeviceAddress>().is_err(), "{bad}");
        }
    }
}
