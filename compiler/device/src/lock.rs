//! One host process per core device: a lock file per device address, held while connected. A
//! second client is refused with the holder's pid, unless it takes the device over (its
//! handshake then stops the first client's kernel). The operating system releases the lock of a
//! process that dies, so a killed client never blocks the next one.

use crate::address::DeviceAddress;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::Path;

/// Held for as long as the connection lives.
#[derive(Debug)]
pub struct DeviceLock {
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "the core device at {address} is in use by another strobe process{holder}: stop that one, \
         or pass --take-over to stop its kernel and take the device"
    )]
    Busy { address: String, holder: String },
    #[error("cannot use the lock file {path}: {error}")]
    Io { path: String, error: std::io::Error },
}

/// Locks `address` with a file in `dir`. With `take_over`, a device another process holds is
/// used all the same (without the lock: `None`).
pub fn lock_device(
    address: &DeviceAddress,
    dir: &Path,
    take_over: bool,
) -> Result<Option<DeviceLock>, LockError> {
    let name: String = address
        .to_string()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let path = dir.join(format!("{name}.lock"));
    let io = |error| LockError::Io {
        path: path.display().to_string(),
        error,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {
            file.set_len(0).map_err(io)?;
            file.rewind().map_err(io)?;
            write!(file, "{}", std::process::id()).map_err(io)?;
            Ok(Some(DeviceLock { _file: file }))
        }
        Err(std::fs::TryLockError::WouldBlock) if take_over => Ok(None),
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            let holder = match pid.trim() {
                "" => String::new(),
                pid => format!(" (pid {pid})"),
            };
            Err(LockError::Busy {
                address: address.to_string(),
                holder,
            })
        }
        Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_unless_it_takes_over() {
        let dir = std::env::temp_dir().join(format!("strobe-lock-test-{}", std::process::id()));
        let address: DeviceAddress = "tcp:127.0.0.1:9".parse().expect("address");
        let first = lock_device(&address, &dir, false).expect("free");
        assert!(first.is_some());
        let second = lock_device(&address, &dir, false).expect_err("busy");
        let message = second.to_string();
        assert!(
            message.contains(&format!("(pid {})", std::process::id()))
                && message.contains("--take-over"),
            "{message}"
        );
        assert!(lock_device(&address, &dir, true).expect("taken").is_none());
        drop(first);
        assert!(lock_device(&address, &dir, false)
            .expect("free again")
            .is_some());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
