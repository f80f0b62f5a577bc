//! Content-addressed on-disk cache of compiled link units.
//!
//! Entries are keyed by (IdentityHash, target, options): a unit whose key is present is never
//! compiled again. Writes are atomic (temporary file + rename), so a crash never leaves a torn entry.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Bump when the object format or code generation changes meaning, to ignore old entries.
const FORMAT: &str = "v1";

/// What a compiled unit is keyed by.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CacheKey {
    identity_hex: String,
    target: String,
    options: String,
}

impl CacheKey {
    pub fn new(identity: &[u8; 32], target: &str, options: &str) -> Self {
        let identity_hex = identity.iter().map(|b| format!("{b:02x}")).collect();
        CacheKey {
            identity_hex,
            target: target.to_string(),
            options: options.to_string(),
        }
    }

    fn file_name(&self) -> String {
        format!(
            "{}-{}-{}-{}.o",
            self.identity_hex, self.target, self.options, FORMAT
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cache directory {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

pub struct UnitCache {
    dir: PathBuf,
}

impl UnitCache {
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, CacheError> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(|source| CacheError::Io {
            path: dir.clone(),
            source,
        })?;
        Ok(UnitCache { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A unit's objects; an unreadable or malformed entry is a miss (the unit is compiled again).
    pub fn get(&self, key: &CacheKey) -> Option<Vec<Vec<u8>>> {
        unpack_objects(&fs::read(self.dir.join(key.file_name())).ok()?)
    }

    pub fn put(&self, key: &CacheKey, objects: &[Vec<u8>]) -> Result<(), CacheError> {
        let bytes = pack_objects(objects);
        let path = self.dir.join(key.file_name());
        let tmp = self
            .dir
            .join(format!("{}.{}.tmp", key.file_name(), std::process::id()));
        let io_err = |source| CacheError::Io {
            path: path.clone(),
            source,
        };
        fs::write(&tmp, &bytes).map_err(io_err)?;
        fs::rename(&tmp, &path).map_err(io_err)
    }
}

/// The first bytes of an entry holding several objects (one object is stored as itself).
const PARTS_MAGIC: &[u8; 8] = b"STRBPRT1";

/// A unit's objects as one entry: a single object as its own bytes; several as [`PARTS_MAGIC`], a
/// count, then each object's length and bytes (`u32`s little-endian).
fn pack_objects(objects: &[Vec<u8>]) -> Vec<u8> {
    if let [one] = objects {
        return one.clone();
    }
    let mut out = PARTS_MAGIC.to_vec();
    out.extend_from_slice(&(objects.len() as u32).to_le_bytes());
    for o in objects {
        out.extend_from_slice(&(o.len() as u32).to_le_bytes());
        out.extend_from_slice(o);
    }
    out
}

fn unpack_objects(bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    let Some(mut rest) = bytes.strip_prefix(PARTS_MAGIC) else {
        return Some(vec![bytes.to_vec()]);
    };
    let word = |rest: &mut &[u8]| -> Option<usize> {
        let (w, tail) = rest.split_first_chunk::<4>()?;
        *rest = tail;
        Some(u32::from_le_bytes(*w) as usize)
    };
    let count = word(&mut rest)?;
    let mut objects = Vec::new();
    for _ in 0..count {
        let len = word(&mut rest)?;
        let (object, tail) = rest.split_at_checked(len)?;
        objects.push(object.to_vec());
        rest = tail;
    }
    (rest.is_empty() && count > 1).then_some(objects)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_key_separation() {
        let dir = std::env::temp_dir().join(format!("strobe-cache-test-{}", std::process::id()));
        let cache = UnitCache::open(&dir).unwrap();
        let a = CacheKey::new(&[1; 32], "rv32im", "O2");
        let b = CacheKey::new(&[1; 32], "rv32im", "O0");
        assert_eq!(cache.get(&a), None);
        cache.put(&a, &[b"object".to_vec()]).unwrap();
        assert_eq!(cache.get(&a), Some(vec![b"object".to_vec()]));
        assert_eq!(cache.get(&b), None, "options are part of the key");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_split_unit_keeps_its_objects_and_a_damaged_entry_is_a_miss() {
        let objects = vec![b"\x7fELF one".to_vec(), Vec::new(), b"three".to_vec()];
        let packed = pack_objects(&objects);
        assert_eq!(unpack_objects(&packed), Some(objects));
        for cut in [9, 12, 20, packed.len() - 1] {
            assert_eq!(unpack_objects(&packed[..cut]), None, "cut at {cut}");
        }
        let mut longer = packed.clone();
        longer.push(0);
        assert_eq!(unpack_objects(&longer), None, "trailing bytes");
    }
}
