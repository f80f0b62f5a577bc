//! The host's store of linked units by key: a recording names its code units by key only, so the
//! recorder keeps each unit's bytes here and a replay takes them from here when the device's own
//! function store no longer holds them.

use std::path::PathBuf;
use strobe_device::UnitKey;
use strobe_protocol::crc::crc32;

/// A folder of `<key in hex>` files: the unit's bytes, then their CRC-32 (a damaged file is missing).
#[derive(Clone, Debug)]
pub struct UnitStore {
    dir: PathBuf,
}

fn hex(key: &UnitKey) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

impl UnitStore {
    pub fn new(dir: PathBuf) -> UnitStore {
        UnitStore { dir }
    }

    /// Keeps `bytes` as unit `key` (once: equal keys are equal bytes). Written to a temporary
    /// file and renamed, so a reader never sees half of one.
    pub fn put(&self, key: &UnitKey, bytes: &[u8]) -> std::io::Result<()> {
        self.put_file(&hex(key), bytes)
    }

    /// Keeps the relocatable object unit `key` was linked from (a replay elsewhere links it again).
    pub fn put_object(&self, key: &UnitKey, bytes: &[u8]) -> std::io::Result<()> {
        self.put_file(&format!("{}.o", hex(key)), bytes)
    }

    /// The bytes of unit `key`, when this store holds them intact.
    pub fn get(&self, key: &UnitKey) -> Option<Vec<u8>> {
        self.get_file(&hex(key))
    }

    /// The object unit `key` was linked from, when this store holds it intact.
    pub fn get_object(&self, key: &UnitKey) -> Option<Vec<u8>> {
        self.get_file(&format!("{}.o", hex(key)))
    }

    fn put_file(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.dir.join(name);
        if path.exists() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        let mut data = bytes.to_vec();
        data.extend_from_slice(&crc32(bytes).to_le_bytes());
        let tmp = self.dir.join(format!(".{name}.{}", std::process::id()));
        std::fs::write(&tmp, &data)?;
        std::fs::rename(&tmp, &path)
    }

    fn get_file(&self, name: &str) -> Option<Vec<u8>> {
        let mut data = std::fs::read(self.dir.join(name)).ok()?;
        let split = data.len().checked_sub(4)?;
        let crc = u32::from_le_bytes(data[split..].try_into().ok()?);
        data.truncate(split);
        (crc32(&data) == crc).then_some(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_units_and_refuses_damaged_ones() {
        let dir = std::env::temp_dir().join(format!("strobe-units-{}", std::process::id()));
        let store = UnitStore::new(dir.clone());
        store.put(&[1; 16], b"code").unwrap();
        assert_eq!(store.get(&[1; 16]).as_deref(), Some(&b"code"[..]));
        assert_eq!(store.get(&[2; 16]), None);
        let path = dir.join(hex(&[1; 16]));
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[0] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(store.get(&[1; 16]), None);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
