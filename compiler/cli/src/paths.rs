//! Where `strobe` keeps what it builds: the user's cache directory (XDG), never the checkout.

use std::path::PathBuf;

/// `$XDG_CACHE_HOME/strobe`, else `~/.cache/strobe`.
fn user_cache_root() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("strobe")
}

/// The compiled link units: `$STROBE_CACHE_DIR`, else the user cache.
pub fn unit_cache_dir() -> PathBuf {
    std::env::var_os("STROBE_CACHE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(user_cache_root)
}

/// Where simulators are built, one folder per gateware hash: `$STROBE_SIM_DIR`, else the user cache.
pub fn sim_cache_root() -> PathBuf {
    std::env::var_os("STROBE_SIM_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(user_cache_root)
}

/// The lock files of core devices in use (one per address): in the user cache.
pub fn lock_dir() -> PathBuf {
    user_cache_root().join("locks")
}

/// Linked units by key, kept for replaying recordings: under the unit cache.
pub fn linked_unit_dir() -> PathBuf {
    unit_cache_dir().join("linked-units")
}
