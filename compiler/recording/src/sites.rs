//! Call sites between two links of the same objects: the recording's image on the device and the
//! replay's elsewhere. A site lies at the same offset from its function's symbol in both.

use std::collections::BTreeMap;

/// Translates sites (return addresses in kernel code) from the recorded image to the replayed one
/// and back, by the symbols both have.
#[derive(Clone, Debug, Default)]
pub struct SiteMap {
    /// (recorded address, replayed address) of each symbol both images have, by recorded address.
    forward: Vec<(u32, u32)>,
    /// The same pairs by replayed address.
    backward: Vec<(u32, u32)>,
}

impl SiteMap {
    pub fn new(recorded: &[(u32, String)], replayed: &BTreeMap<String, u32>) -> SiteMap {
        let mut forward: Vec<(u32, u32)> = recorded
            .iter()
            .filter_map(|(a, name)| replayed.get(name).map(|b| (*a, *b)))
            .collect();
        forward.sort_unstable();
        forward.dedup_by_key(|p| p.0);
        let mut backward: Vec<(u32, u32)> = forward.iter().map(|&(a, b)| (b, a)).collect();
        backward.sort_unstable();
        SiteMap { forward, backward }
    }

    fn translate(pairs: &[(u32, u32)], site: u32) -> u32 {
        if site == 0 {
            return 0;
        }
        match pairs.partition_point(|p| p.0 <= site).checked_sub(1) {
            Some(i) => pairs[i].1.wrapping_add(site - pairs[i].0),
            None => site,
        }
    }

    /// A recorded site in the replayed image.
    pub fn to_replayed(&self, site: u32) -> u32 {
        Self::translate(&self.forward, site)
    }

    /// A replayed site in the recorded image.
    pub fn to_recorded(&self, site: u32) -> u32 {
        Self::translate(&self.backward, site)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_keep_their_offset_from_their_function() {
        let recorded = [(0x100, "f".to_string()), (0x200, "g".to_string())];
        let replayed: BTreeMap<String, u32> =
            [("g".to_string(), 0x1000), ("f".to_string(), 0x3000)].into();
        let map = SiteMap::new(&recorded, &replayed);
        assert_eq!(map.to_replayed(0x10c), 0x300c);
        assert_eq!(map.to_replayed(0x204), 0x1004);
        assert_eq!(map.to_recorded(0x300c), 0x10c);
        assert_eq!(map.to_recorded(0x1004), 0x204);
        assert_eq!(map.to_replayed(0), 0, "the run's start has no site");
    }
}
