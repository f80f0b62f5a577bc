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

    pub fn get(&self, key: &CacheKey) -> Option<Vec<u8>> {
        fs::read(self.dir.join(key.file_name())).ok()
    }

    pub fn put(&self, key: &CacheKey, bytes: &[u8]) -> Result<(), CacheError> {
        let path = self.dir.join(key.file_name());
        let tmp = self
            .dir
            .join(format!("{}.{}.tmp", key.file_name(), std::process::id()));
        let io_err = |source| CacheError::Io {
            path: path.clone(),
            source,
        };
        fs::write(&tmp, bytes).map_err(io_err)?;
        fs::rename(&tmp, &path).map_err(io_err)
    }
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
        cache.put(&a, b"object").unwrap();
        assert_eq!(cache.get(&a).as_deref(), Some(&b"object"[..]));
        assert_eq!(cache.get(&b), None, "options are part of the key");
        fs::remove_dir_all(dir).unwrap();
    }
}
