//! Byte transports to the device. Both can reconnect, so a session survives a dropped link.

use crate::address::DeviceAddress;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A bidirectional byte stream to the device.
pub trait Transport: Read + Write + Send {
    /// Reads wait at most this long.
    fn set_read_timeout(&mut self, timeout: Duration) -> io::Result<()>;
    /// Re-establishes the link after it dropped.
    fn reconnect(&mut self) -> io::Result<()>;
}

impl dyn Transport {
    /// Opens the transport `address` names.
    pub fn open(address: &DeviceAddress) -> io::Result<Box<dyn Transport>> {
        Ok(match address {
            DeviceAddress::Tcp { host, port } => Box::new(TcpTransport::connect(host, *port)?),
            DeviceAddress::Serial { path, baud } => Box::new(SerialTransport::open(path, *baud)?),
        })
    }
}

/// Retries `op` while it is interrupted by a signal (EINTR: a Ctrl-C the host turns into a termination
/// request, a Ctrl-Z and `fg`), so a signal never breaks the link.
fn retrying<T>(mut op: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    loop {
        match op() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// `Read` and `Write` for a transport, by its inner stream.
macro_rules! delegate_io {
    ($transport:ty, $field:ident) => {
        impl Read for $transport {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                retrying(|| self.$field.read(buf))
            }
        }

        impl Write for $transport {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                retrying(|| self.$field.write(buf))
            }

            fn flush(&mut self) -> io::Result<()> {
                retrying(|| self.$field.flush())
            }
        }
    };
}

pub struct TcpTransport {
    address: (String, u16),
    stream: TcpStream,
    timeout: Duration,
}

impl TcpTransport {
    pub fn connect(host: &str, port: u16) -> io::Result<Self> {
        let stream = TcpStream::connect((host, port))?;
        stream.set_nodelay(true)?;
        let timeout = Duration::from_secs(10);
        stream.set_read_timeout(Some(timeout))?;
        Ok(TcpTransport {
            address: (host.to_string(), port),
            stream,
            timeout,
        })
    }
}

delegate_io!(TcpTransport, stream);

impl Transport for TcpTransport {
    fn set_read_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.timeout = timeout;
        self.stream.set_read_timeout(Some(timeout))
    }

    fn reconnect(&mut self) -> io::Result<()> {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
        let fresh = TcpTransport::connect(&self.address.0, self.address.1)?;
        self.stream = fresh.stream;
        self.stream.set_read_timeout(Some(self.timeout))
    }
}

pub struct SerialTransport {
    path: String,
    baud: u32,
    port: serialport::TTYPort,
}

impl SerialTransport {
    pub fn open(path: &str, baud: u32) -> io::Result<Self> {
        let port = serialport::new(path, baud)
            .timeout(Duration::from_secs(10))
            .open_native()
            .map_err(io::Error::from)?;
        Ok(SerialTransport {
            path: path.to_string(),
            baud,
            port,
        })
    }
}

delegate_io!(SerialTransport, port);

impl Transport for SerialTransport {
    fn set_read_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        use serialport::SerialPort;
        self.port.set_timeout(timeout).map_err(io::Error::from)
    }

    fn reconnect(&mut self) -> io::Result<()> {
        let fresh = SerialTransport::open(&self.path, self.baud)?;
        self.port = fresh.port;
        Ok(())
    }
}
