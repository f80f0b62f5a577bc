//! Where kernel code should not go: the core's instruction cache is direct-mapped
//! (`strobe_abi::ICACHE_BYTES`), so code at addresses equal modulo its size shares its lines. The
//! firmware's hot text (the RTIO calls kernels make in their loops, between the symbols
//! `strobe_abi::HOT_TEXT_START` and `HOT_TEXT_END`) casts a shadow on every cache-sized stretch of
//! the kernel region; kernel code placed outside the shadow never evicts those calls, nor they it,
//! so a loop's figures no longer depend on where its code happened to land.

use std::collections::BTreeMap;

/// The offsets within each cache-sized stretch of addresses that the firmware's hot text maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheShadow {
    start: u32,
    end: u32,
}

impl CacheShadow {
    /// The shadow of the firmware whose symbols are `firmware`; None when it does not mark its
    /// hot text (or marks more than the cache holds).
    pub fn of_firmware(firmware: &BTreeMap<String, u32>) -> Option<CacheShadow> {
        let start = *firmware.get(strobe_abi::HOT_TEXT_START)?;
        let end = *firmware.get(strobe_abi::HOT_TEXT_END)?;
        let cache = strobe_abi::ICACHE_BYTES;
        if end <= start || end - start >= cache {
            return None;
        }
        let start_in_cache = start % cache;
        Some(CacheShadow {
            start: start_in_cache,
            end: start_in_cache + (end - start),
        })
    }

    /// The first address at or after `from`, a multiple of `align`, where `len` bytes of code stay
    /// clear of the shadow; None when `len` bytes cannot (longer than the space between shadows).
    pub fn first_clear(&self, from: u32, len: u32, align: u32) -> Option<u32> {
        let cache = strobe_abi::ICACHE_BYTES as u64;
        let (from, len, align) = (from as u64, len as u64, align as u64);
        let (start, end) = (self.start as u64, self.end as u64);
        // In each stretch k (from k * cache), code may start from the shadow's end up to where it
        // would reach the next stretch's shadow.
        let first_stretch = (from / cache).saturating_sub(1);
        (first_stretch..first_stretch + 3).find_map(|k| {
            let lowest = k * cache + end;
            let highest = (k + 1) * cache + start;
            let at = from.max(lowest).next_multiple_of(align);
            (at + len <= highest).then(|| u32::try_from(at).ok())?
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shadow(start: u32, end: u32) -> CacheShadow {
        let firmware = BTreeMap::from([
            (strobe_abi::HOT_TEXT_START.to_string(), start),
            (strobe_abi::HOT_TEXT_END.to_string(), end),
        ]);
        CacheShadow::of_firmware(&firmware).expect("a shadow")
    }

    /// Whether `len` bytes at `at` share no cache line offset with the shadow.
    fn clear(s: &CacheShadow, at: u32, len: u32) -> bool {
        let cache = strobe_abi::ICACHE_BYTES;
        (at..at + len).all(|a| !(s.start..s.end).contains(&(a % cache)))
    }

    #[test]
    fn code_starts_past_the_shadow_and_ends_before_the_next() {
        let s = shadow(0x70, 0x480);
        let base = 0x4000_0000;
        assert_eq!(s.first_clear(base, 0x100, 16), Some(base + 0x480));
        assert_eq!(s.first_clear(base + 0x500, 0x100, 16), Some(base + 0x500));
        // Too long to end before the next stretch's shadow: the stretch after.
        let cache = strobe_abi::ICACHE_BYTES;
        assert_eq!(
            s.first_clear(base + cache - 0x100, 0x200, 16),
            Some(base + cache + 0x480)
        );
        for (from, len) in [(base, 0x10), (base + 0x123, 0x300), (base + 0xf00, 0xb00)] {
            let at = s.first_clear(from, len, 16).expect("room");
            assert!(
                at >= from && at.is_multiple_of(16) && clear(&s, at, len),
                "{at:#x}"
            );
        }
    }

    #[test]
    fn code_longer_than_the_space_between_shadows_has_no_clear_place() {
        let s = shadow(0x70, 0x480);
        let room = strobe_abi::ICACHE_BYTES - (0x480 - 0x70);
        assert!(s.first_clear(0, room, 16).is_some());
        assert_eq!(s.first_clear(0, room + 16, 16), None);
    }

    #[test]
    fn a_firmware_without_marks_casts_none() {
        assert_eq!(CacheShadow::of_firmware(&BTreeMap::new()), None);
    }
}
