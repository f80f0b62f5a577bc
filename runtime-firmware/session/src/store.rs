//! The device's function store: link units (code, or a run's quoted data) resident in the kernel
//! region, each known by the key the host computed for it, its place and its CRC-checked bytes.
//!
//! Rules (docs/architecture.md, "The function store"): a unit is listed and may run only once every
//! byte arrived and the CRC matched; a new unit evicts the unpinned units it overlaps and is refused
//! over a pinned one; pins last for one host session (a `Hello` releases them); a kernel fault empties
//! the store (a wild write may have corrupted any unit, and nothing re-checks them).

use strobe_protocol::crc::Crc32;
use strobe_protocol::message::{StoreEntry, UnitKey, STORE_ENTRY_LEN};
use strobe_protocol::{ErrorCode, MAX_PAYLOAD};

/// Units the store holds at most (a listing of them all fits one frame).
pub const STORE_CAPACITY: usize = 128;
const _: () = assert!(STORE_CAPACITY * STORE_ENTRY_LEN <= MAX_PAYLOAD as usize);

/// The unit being uploaded.
#[derive(Clone, Copy)]
struct Upload {
    key: UnitKey,
    offset: u32,
    len: u32,
    crc_expected: u32,
    crc: Crc32,
    /// Bytes from the unit's start that hold the unit's content so far: a whole upload brings them
    /// in order; a patch starts from its base's length and may only extend it contiguously.
    valid_to: u32,
    patch: bool,
}

pub struct Store {
    slots: [Option<StoreEntry>; STORE_CAPACITY],
    upload: Option<Upload>,
    /// Counts runs: a unit's `last_used`.
    clock: u32,
}

impl Default for Store {
    fn default() -> Self {
        Store::new()
    }
}

impl Store {
    pub const fn new() -> Self {
        Store {
            slots: [None; STORE_CAPACITY],
            upload: None,
            clock: 0,
        }
    }

    fn find(&self, key: &UnitKey) -> Option<usize> {
        self.slots
            .iter()
            .position(|s| s.is_some_and(|e| e.key == *key))
    }

    /// The verified units, for a `StoreListing`; returns the bytes written.
    pub fn listing(&self, out: &mut [u8]) -> usize {
        let mut n = 0;
        for entry in self.slots.iter().flatten() {
            let Some(room) = out.get_mut(n..n + STORE_ENTRY_LEN) else {
                break;
            };
            entry.write(room.try_into().expect("entry-sized"));
            n += STORE_ENTRY_LEN;
        }
        n
    }

    /// A new host session: pins are released and a half-finished upload is dropped.
    pub fn new_session(&mut self) {
        self.upload = None;
        for entry in self.slots.iter_mut().flatten() {
            entry.pinned = false;
        }
    }

    /// The link dropped mid-upload.
    pub fn abandon_upload(&mut self) {
        self.upload = None;
    }

    /// After a kernel fault nothing resident can be trusted.
    pub fn clear(&mut self) {
        self.slots = [None; STORE_CAPACITY];
        self.upload = None;
    }

    /// Starts unit `key` at `offset` (see `Message::UnitBegin`), evicting what it overlaps.
    pub fn begin(
        &mut self,
        region_len: usize,
        key: UnitKey,
        offset: u32,
        len: u32,
        crc: u32,
        base: Option<UnitKey>,
    ) -> Result<(), ErrorCode> {
        self.upload = None;
        let end = offset as u64 + len as u64;
        if len == 0 || end > region_len as u64 || !offset.is_multiple_of(4) {
            return Err(ErrorCode::ImageTooLarge);
        }
        let base_len = match base {
            Some(b) => {
                let i = self.find(&b).ok_or(ErrorCode::UnknownUnit)?;
                let e = self.slots[i].expect("found");
                if e.offset != offset || e.pinned {
                    return Err(ErrorCode::UnknownUnit);
                }
                e.len.min(len)
            }
            None => 0,
        };
        let overlaps = |e: &StoreEntry| {
            (e.offset as u64) < end && (offset as u64) < e.offset as u64 + e.len as u64
        };
        if self.slots.iter().flatten().any(|e| overlaps(e) && e.pinned) {
            return Err(ErrorCode::UnitPinned);
        }
        for slot in self.slots.iter_mut() {
            if slot.is_some_and(|e| overlaps(&e) || e.key == key) {
                *slot = None;
            }
        }
        if self.slots.iter().all(|s| s.is_some()) {
            return Err(ErrorCode::StoreFull);
        }
        self.upload = Some(Upload {
            key,
            offset,
            len,
            crc_expected: crc,
            crc: Crc32::new(),
            valid_to: base_len,
            patch: base.is_some(),
        });
        Ok(())
    }

    /// Bytes of the unit under way, at `at` from its start; `region` is the kernel region.
    pub fn chunk(&mut self, region: &mut [u8], at: u32, data: &[u8]) -> Result<(), ErrorCode> {
        let Some(mut u) = self.upload else {
            return Err(ErrorCode::OutOfOrder);
        };
        let end = at as u64 + data.len() as u64;
        // A whole upload arrives in order; a patch never leaves a gap of stale bytes.
        let in_order = if u.patch {
            at <= u.valid_to
        } else {
            at == u.valid_to
        };
        if !in_order || end > u.len as u64 {
            self.upload = None;
            return Err(ErrorCode::OutOfOrder);
        }
        let start = (u.offset + at) as usize;
        region[start..start + data.len()].copy_from_slice(data);
        u.crc.update(data);
        u.valid_to = u.valid_to.max(end as u32);
        self.upload = Some(u);
        Ok(())
    }

    /// Completes the unit under way: it joins the store only if every byte is there and the CRC
    /// matches.
    pub fn end(&mut self) -> Result<(), ErrorCode> {
        let u = self.upload.take().ok_or(ErrorCode::OutOfOrder)?;
        if u.valid_to != u.len || u.crc.finish() != u.crc_expected {
            return Err(ErrorCode::IncompleteImage);
        }
        let free = self.slots.iter_mut().find(|s| s.is_none());
        let slot = free.ok_or(ErrorCode::StoreFull)?;
        *slot = Some(StoreEntry {
            key: u.key,
            offset: u.offset,
            len: u.len,
            last_used: self.clock,
            pinned: false,
        });
        Ok(())
    }

    pub fn pin(&mut self, key: &UnitKey, pinned: bool) -> Result<(), ErrorCode> {
        let i = self.find(key).ok_or(ErrorCode::UnknownUnit)?;
        if let Some(e) = self.slots[i].as_mut() {
            e.pinned = pinned;
        }
        Ok(())
    }

    /// Checks a run's units (all resident, `entry` inside one, `table` 0 or one's start) and marks
    /// them used. Returns where the arena may start: past every resident unit (offset from the
    /// region's start).
    pub fn prepare_run(
        &mut self,
        base: u32,
        entry: u32,
        table: u32,
        keys: impl Iterator<Item = UnitKey> + Clone,
    ) -> Result<u32, ErrorCode> {
        let mut any = false;
        let mut entry_ok = false;
        let mut table_ok = table == 0;
        for key in keys.clone() {
            let i = self.find(&key).ok_or(ErrorCode::NoKernel)?;
            let e = self.slots[i].expect("found");
            let start = base as u64 + e.offset as u64;
            let range = start..start + e.len as u64;
            entry_ok |= range.contains(&(entry as u64)) && entry.is_multiple_of(4);
            table_ok |= table as u64 == start;
            any = true;
        }
        if !any {
            return Err(ErrorCode::NoKernel);
        }
        if !entry_ok || !table_ok {
            return Err(ErrorCode::BadEntry);
        }
        self.clock = self.clock.wrapping_add(1);
        for key in keys {
            if let Some(i) = self.find(&key) {
                if let Some(e) = self.slots[i].as_mut() {
                    e.last_used = self.clock;
                }
            }
        }
        let end = self
            .slots
            .iter()
            .flatten()
            .map(|e| e.offset + e.len)
            .max()
            .unwrap_or(0);
        Ok(end)
    }
}
