//! Linking a kernel against the device's function store: each link unit's object is placed and
//! relocated on its own, at an address in the kernel region, against the firmware and the units it
//! calls; a unit the store already holds (same key) is reused, the others get room (first fit, code
//! clear of the firmware's shadow in the instruction cache where a gap allows: `cache_shadow`;
//! evicting the least recently used unpinned units when none is left) and are uploaded.
//!
//! A unit's key is the BLAKE3 hash of its object, the addresses its undefined symbols resolve to and
//! its own address (for data: of its bytes and address): equal keys mean equal bytes at the same
//! place, so a host that never saw the store before can tell which of its units are resident.

use crate::cache_shadow::CacheShadow;
use crate::input::{parse_object, SymbolDef};
use crate::{link, Archive, InputObject, LinkConfig, LinkError, LinkedImage, Segment};
use std::collections::{BTreeMap, HashSet};

pub type UnitKey = [u8; 16];

/// Units are placed on this alignment (the largest any section asks for).
pub const UNIT_ALIGN: u32 = 16;

/// A unit the device holds, as its store listing reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resident {
    pub key: UnitKey,
    /// From the kernel region's start.
    pub offset: u32,
    pub len: u32,
    pub last_used: u32,
    pub pinned: bool,
}

/// The device's kernel region and what it holds.
#[derive(Clone, Debug)]
pub struct StoreView {
    pub base: u32,
    pub size: u32,
    pub resident: Vec<Resident>,
}

/// How a planned unit gets to the device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The store holds it.
    Resident,
    /// Every byte is sent.
    Whole,
    /// Sent as the bytes that differ from `base` (a resident unit at the same offset whose bytes
    /// the host knows).
    PatchOf { base: UnitKey },
}

#[derive(Clone, Debug)]
pub struct PlannedUnit {
    pub name: String,
    pub key: UnitKey,
    pub offset: u32,
    pub bytes: Vec<u8>,
    pub delivery: Delivery,
}

/// A kernel linked against the store: its units (each resident or to be sent), its entry and its
/// data table's address, and the image they make together (symbols, lines for fault reports).
#[derive(Clone, Debug)]
pub struct KernelPlan {
    pub units: Vec<PlannedUnit>,
    pub entry: u32,
    /// Address of the quoted-data unit, 0 without one.
    pub table: u32,
    pub image: LinkedImage,
    /// Resident units the new ones overwrite.
    pub evicted: Vec<UnitKey>,
}

/// The name of a run's quoted-data unit.
pub const DATA_UNIT: &str = "quoted host values";

impl KernelPlan {
    /// This plan again with new quoted data, its code units still resident in `view` (None when
    /// one is not: plan anew): nothing is linked again.
    pub fn with_new_data(
        &self,
        data: Option<DataUnit<'_>>,
        view: &StoreView,
    ) -> Result<Option<KernelPlan>, StoreError> {
        let code: Vec<&PlannedUnit> = self.units.iter().filter(|u| u.name != DATA_UNIT).collect();
        let mut space = Space::new(view);
        let mut units = Vec::with_capacity(code.len() + 1);
        for u in code {
            let Some(r) = view
                .resident
                .iter()
                .find(|r| r.key == u.key && r.offset == u.offset)
            else {
                return Ok(None);
            };
            space.claim(r);
            units.push(PlannedUnit {
                delivery: Delivery::Resident,
                ..u.clone()
            });
        }
        let mut table = 0;
        if let Some(data) = data {
            let unit = place_data(&data, &mut space)?;
            table = view.base + unit.offset;
            units.push(unit);
        }
        Ok(Some(KernelPlan {
            units,
            entry: self.entry,
            table,
            image: self.image.clone(),
            evicted: space.evicted,
        }))
    }

    /// The keys of every unit the kernel runs with.
    pub fn unit_keys(&self) -> Vec<UnitKey> {
        self.units.iter().map(|u| u.key).collect()
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum StoreError {
    #[error(transparent)]
    Link(#[from] LinkError),
    #[error(
        "the kernel's units do not fit the device's kernel region: {needed} bytes more are needed \
         and only {free} are free or held by unpinned units"
    )]
    Full { needed: u32, free: u32 },
    #[error(
        "link unit `{0}` changed size when placed (a section needs more than 16-byte alignment)"
    )]
    Unaligned(String),
}

/// Earlier versions of units, by unit name (a link unit's name is its root's symbol, which stays
/// when only the body changes): a new version takes the old one's place when it fits there, so the
/// units calling it stay as they are, and is sent as a patch when the old bytes are known.
pub type Versions<'a> = BTreeMap<String, (UnitKey, Option<&'a [u8]>)>;

/// The quoted data a kernel run reads, and what the host knows of an earlier one it may patch.
#[derive(Clone, Copy)]
pub struct DataUnit<'a> {
    pub bytes: &'a [u8],
    /// A resident data unit whose bytes the host has (the same kernel's last data).
    pub previous: Option<(UnitKey, &'a [u8])>,
}

fn hash_key(parts: &[&[u8]]) -> UnitKey {
    let mut h = blake3::Hasher::new();
    for p in parts {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p);
    }
    let mut key = [0u8; 16];
    key.copy_from_slice(&h.finalize().as_bytes()[..16]);
    key
}

/// What one unit is made of: a link unit's object, or the support functions of the runtime archive.
#[derive(Clone, Copy)]
enum Source<'a> {
    Object(&'a InputObject),
    Support(&'a Archive),
}

/// What one unit defines and needs.
struct ObjectInfo<'a> {
    source: Source<'a>,
    name: String,
    exports: Vec<String>,
    imports: Vec<String>,
    hash: [u8; 32],
}

/// The support unit: the functions of `support_symbols` the archive defines.
fn support_info<'a>(
    archive: &'a Archive,
    support_symbols: &[&str],
) -> Result<ObjectInfo<'a>, LinkError> {
    let index = archive.index()?;
    let exports: Vec<String> = support_symbols
        .iter()
        .filter(|s| index.definitions.contains_key(**s))
        .map(|s| s.to_string())
        .collect();
    let mut h = blake3::Hasher::new();
    h.update(&archive.bytes);
    for e in &exports {
        h.update(e.as_bytes());
        h.update(&[0]);
    }
    Ok(ObjectInfo {
        source: Source::Support(archive),
        name: "support functions".into(),
        exports,
        imports: Vec::new(),
        hash: *h.finalize().as_bytes(),
    })
}

fn object_info(o: &InputObject) -> Result<ObjectInfo<'_>, LinkError> {
    let file = parse_object(&o.name, &o.bytes)?;
    let mut exports = Vec::new();
    let mut imports = Vec::new();
    for s in &file.symbols {
        if s.name.is_empty() || !s.global {
            continue;
        }
        match s.def {
            SymbolDef::Undefined => imports.push(s.name.clone()),
            SymbolDef::Section { .. } | SymbolDef::Absolute(_) => exports.push(s.name.clone()),
            SymbolDef::Dropped => {}
        }
    }
    imports.sort();
    imports.dedup();
    Ok(ObjectInfo {
        source: Source::Object(o),
        name: o.name.clone(),
        exports,
        imports,
        hash: *blake3::hash(&o.bytes).as_bytes(),
    })
}

/// Occupied ranges of the kernel region (offsets) while a plan is made.
struct Space {
    size: u32,
    /// Resident units not (yet) evicted.
    resident: Vec<Resident>,
    /// Units this plan uses: never evicted.
    claimed: Vec<(u32, u32)>,
    protected: HashSet<UnitKey>,
    evicted: Vec<UnitKey>,
    /// The region's address, and the firmware's shadow in the instruction cache, which code is
    /// placed clear of where a gap allows (see `cache_shadow`).
    base: u32,
    shadow: Option<CacheShadow>,
}

/// What a unit holds, for where it may go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Contents {
    Code,
    Data,
}

impl Space {
    fn new(view: &StoreView) -> Self {
        Space {
            size: view.size,
            resident: view.resident.clone(),
            claimed: Vec::new(),
            protected: HashSet::new(),
            evicted: Vec::new(),
            base: view.base,
            shadow: None,
        }
    }

    /// The first free place for `len` bytes of `contents`: code clear of the firmware's cache
    /// shadow when some gap has such a place, else (and data) the first that fits.
    fn gap(&self, len: u32, contents: Contents) -> Option<u32> {
        let clear = |from: u32, to: u32| -> Option<u32> {
            let shadow = self.shadow.filter(|_| contents == Contents::Code)?;
            let at = shadow.first_clear(self.base.checked_add(from)?, len, UNIT_ALIGN)? - self.base;
            (at.checked_add(len)? <= to).then_some(at)
        };
        let gaps = self.gaps();
        gaps.iter()
            .find_map(|&(from, to)| clear(from, to))
            .or_else(|| {
                gaps.iter()
                    .find(|&&(from, to)| to - from >= len)
                    .map(|&(from, _)| from)
            })
    }

    /// The free ranges of the region, in order (each starting on [`UNIT_ALIGN`]).
    fn gaps(&self) -> Vec<(u32, u32)> {
        let mut taken: Vec<(u32, u32)> = self
            .resident
            .iter()
            .map(|r| (r.offset, r.offset + r.len))
            .chain(self.claimed.iter().copied())
            .collect();
        taken.sort();
        let mut gaps = Vec::new();
        let mut at = 0u32;
        for (start, end) in taken {
            if start > at {
                gaps.push((at, start));
            }
            at = at.max(end.next_multiple_of(UNIT_ALIGN));
        }
        if self.size > at {
            gaps.push((at, self.size));
        }
        gaps
    }

    /// Room for `len` bytes of `contents`, evicting the least recently used unprotected units until
    /// it fits.
    fn allocate(&mut self, len: u32, contents: Contents) -> Result<u32, StoreError> {
        loop {
            if let Some(at) = self.gap(len, contents) {
                self.claimed.push((at, at + len));
                return Ok(at);
            }
            let victim = self
                .resident
                .iter()
                .enumerate()
                .filter(|(_, r)| !r.pinned && !self.protected.contains(&r.key))
                .min_by_key(|(_, r)| (r.last_used, r.offset))
                .map(|(i, _)| i);
            let Some(i) = victim else {
                let held: u32 = self
                    .resident
                    .iter()
                    .map(|r| r.len)
                    .chain(self.claimed.iter().map(|(a, b)| b - a))
                    .sum();
                return Err(StoreError::Full {
                    needed: len,
                    free: self.size.saturating_sub(held),
                });
            };
            let r = self.resident.remove(i);
            self.evicted.push(r.key);
        }
    }

    /// Keeps resident unit `r` for this plan.
    fn claim(&mut self, r: &Resident) {
        self.protected.insert(r.key);
        self.claimed.push((r.offset, r.offset + r.len));
        self.resident.retain(|x| x.key != r.key);
    }
}

/// The functions kernels call without naming them, from the runtime archive (see
/// `strobe_abi::SUPPORT_SYMBOLS`): one unit, resident once for every kernel that needs them.
#[derive(Clone, Copy)]
pub struct Support<'a> {
    pub archive: &'a Archive,
    pub symbols: &'a [&'a str],
}

/// Links `objects` (one per link unit; one defines `entry`), the support functions they call and
/// the run's quoted data against the firmware's symbols (`firmware`) and the store `view`.
pub fn plan(
    objects: &[InputObject],
    data: Option<DataUnit<'_>>,
    firmware: &BTreeMap<String, u32>,
    support: Option<Support<'_>>,
    versions: &Versions<'_>,
    entry: &str,
    view: &StoreView,
) -> Result<KernelPlan, StoreError> {
    let mut infos = objects
        .iter()
        .map(object_info)
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(support) = support {
        let info = support_info(support.archive, support.symbols)?;
        let defined: HashSet<&String> = infos.iter().flat_map(|i| &i.exports).collect();
        let needed = infos
            .iter()
            .flat_map(|i| &i.imports)
            .any(|s| !firmware.contains_key(s) && !defined.contains(s) && info.exports.contains(s));
        if needed {
            infos.push(info);
        }
    }
    let mut provider: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, info) in infos.iter().enumerate() {
        for name in &info.exports {
            if let Some(&first) = provider.get(name.as_str()) {
                return Err(LinkError::Duplicate {
                    symbol: name.clone(),
                    first: infos[first].name.clone(),
                    second: infos[i].name.clone(),
                }
                .into());
            }
            provider.insert(name, i);
        }
    }
    for (i, info) in infos.iter().enumerate() {
        if let Some(missing) = info
            .imports
            .iter()
            .find(|s| !firmware.contains_key(*s) && !provider.contains_key(s.as_str()))
        {
            return Err(LinkError::Undefined {
                symbol: missing.clone(),
                from: infos[i].name.clone(),
            }
            .into());
        }
    }
    let mut space = Space::new(view);
    space.shadow = CacheShadow::of_firmware(firmware);
    let mut symbols: BTreeMap<String, u32> = BTreeMap::new();
    let mut placed: Vec<Option<(PlannedUnit, LinkedImage)>> = vec![None; infos.len()];
    let resolve =
        |info: &ObjectInfo, symbols: &BTreeMap<String, u32>| -> Option<BTreeMap<String, u32>> {
            info.imports
                .iter()
                .map(|s| {
                    firmware
                        .get(s)
                        .or_else(|| symbols.get(s))
                        .map(|&a| (s.clone(), a))
                })
                .collect()
        };
    // Callees first: a unit is placed once every symbol it needs has an address. Units calling each
    // other in a cycle get their places first and are linked after.
    loop {
        let ready: Vec<usize> = (0..infos.len())
            .filter(|&i| placed[i].is_none() && resolve(&infos[i], &symbols).is_some())
            .collect();
        if !ready.is_empty() {
            for i in ready {
                let imports = resolve(&infos[i], &symbols).expect("ready");
                let unit = place_code(&infos[i], &imports, versions, view.base, &mut space)?;
                for name in &infos[i].exports {
                    symbols.insert(name.clone(), unit.1.symbols[name]);
                }
                placed[i] = Some(unit);
            }
            continue;
        }
        let cyclic: Vec<usize> = (0..objects.len())
            .filter(|&i| placed[i].is_none())
            .collect();
        if cyclic.is_empty() {
            break;
        }
        place_cycle(
            &infos,
            &cyclic,
            firmware,
            view.base,
            &mut space,
            &mut symbols,
            &mut placed,
        )?;
    }
    let mut units: Vec<(PlannedUnit, LinkedImage)> = placed.into_iter().flatten().collect();
    let mut table = 0;
    if let Some(data) = data {
        let unit = place_data(&data, &mut space)?;
        table = view.base + unit.offset;
        let image = LinkedImage {
            entry: 0,
            segments: vec![Segment {
                address: table,
                data: unit.bytes.clone(),
                memory_size: unit.bytes.len() as u32,
                executable: false,
                writable: false,
            }],
            symbols: BTreeMap::new(),
            sections: vec![(table, unit.bytes.len() as u32, unit.name.clone())],
            e_flags: 0,
            lines: Vec::new(),
        };
        units.push((unit, image));
    }
    let entry_address = *symbols
        .get(entry)
        .ok_or_else(|| LinkError::NoEntry(entry.to_string()))?;
    let image = merge(units.iter().map(|(_, i)| i), entry_address);
    Ok(KernelPlan {
        units: units.into_iter().map(|(u, _)| u).collect(),
        entry: entry_address,
        table,
        image,
        evicted: space.evicted,
    })
}

fn code_key(info: &ObjectInfo, imports: &BTreeMap<String, u32>, offset: u32) -> UnitKey {
    let mut resolved = Vec::with_capacity(imports.len() * 24);
    for (name, address) in imports {
        resolved.extend_from_slice(name.as_bytes());
        resolved.push(0);
        resolved.extend_from_slice(&address.to_le_bytes());
    }
    hash_key(&[b"code", &info.hash, &resolved, &offset.to_le_bytes()])
}

fn data_key(hash: &[u8; 32], offset: u32) -> UnitKey {
    hash_key(&[b"data", hash, &offset.to_le_bytes()])
}

/// Links one unit at `address`, its imports at `imports`.
fn link_at(
    info: &ObjectInfo,
    imports: &BTreeMap<String, u32>,
    address: u32,
) -> Result<(LinkedImage, Vec<u8>), LinkError> {
    let config = LinkConfig {
        base: address,
        segment_align: UNIT_ALIGN,
        entry: String::new(),
        roots: info.exports.clone(),
        externals: imports.clone(),
    };
    let image = match info.source {
        Source::Object(o) => link(std::slice::from_ref(o), &[], &config)?,
        Source::Support(a) => link(&[], std::slice::from_ref(a), &config)?,
    };
    let (_, bytes) = image.flat();
    Ok((image, bytes))
}

fn place_code(
    info: &ObjectInfo,
    imports: &BTreeMap<String, u32>,
    versions: &Versions<'_>,
    base: u32,
    space: &mut Space,
) -> Result<(PlannedUnit, LinkedImage), StoreError> {
    let found = space
        .resident
        .iter()
        .find(|r| code_key(info, imports, r.offset) == r.key)
        .copied();
    let (offset, delivery) = match found {
        Some(r) => {
            space.claim(&r);
            (r.offset, Delivery::Resident)
        }
        None => {
            let (_, trial) = link_at(info, imports, base)?;
            let len = trial.len() as u32;
            let previous = versions.get(&info.name).copied();
            match previous
                .and_then(|(old, bytes)| space.take_place_of(old, len).map(|o| (o, old, bytes)))
            {
                Some((offset, old, Some(_))) => (offset, Delivery::PatchOf { base: old }),
                Some((offset, _, None)) => (offset, Delivery::Whole),
                None => (space.allocate(len, Contents::Code)?, Delivery::Whole),
            }
        }
    };
    let (image, bytes) = link_at(info, imports, base + offset)?;
    let key = code_key(info, imports, offset);
    space.protected.insert(key);
    Ok((
        PlannedUnit {
            name: info.name.clone(),
            key,
            offset,
            bytes,
            delivery,
        },
        image,
    ))
}

/// Units that call each other: each gets room (its size does not depend on where the others are),
/// then all are linked. They are never found resident (their keys depend on each other's places).
#[allow(clippy::too_many_arguments)]
fn place_cycle(
    infos: &[ObjectInfo],
    which: &[usize],
    firmware: &BTreeMap<String, u32>,
    base: u32,
    space: &mut Space,
    symbols: &mut BTreeMap<String, u32>,
    placed: &mut [Option<(PlannedUnit, LinkedImage)>],
) -> Result<(), StoreError> {
    // Sizes and export offsets from a trial link with every import at 0.
    let mut offsets = Vec::new();
    for &i in which {
        let zeros = infos[i].imports.iter().map(|s| (s.clone(), 0)).collect();
        let (trial, bytes) = link_at(&infos[i], &zeros, base)?;
        let offset = space.allocate(bytes.len() as u32, Contents::Code)?;
        for name in &infos[i].exports {
            symbols.insert(name.clone(), trial.symbols[name] + offset);
        }
        offsets.push((i, offset, bytes.len()));
    }
    for (i, offset, len) in offsets {
        let imports: BTreeMap<String, u32> = infos[i]
            .imports
            .iter()
            .map(|s| {
                (
                    s.clone(),
                    *firmware.get(s).or_else(|| symbols.get(s)).unwrap_or(&0),
                )
            })
            .collect();
        let (image, bytes) = link_at(&infos[i], &imports, base + offset)?;
        if bytes.len() != len {
            return Err(StoreError::Unaligned(infos[i].name.clone()));
        }
        let key = code_key(&infos[i], &imports, offset);
        space.protected.insert(key);
        placed[i] = Some((
            PlannedUnit {
                name: infos[i].name.clone(),
                key,
                offset,
                bytes,
                delivery: Delivery::Whole,
            },
            image,
        ));
    }
    Ok(())
}

fn place_data(data: &DataUnit<'_>, space: &mut Space) -> Result<PlannedUnit, StoreError> {
    let hash = *blake3::hash(data.bytes).as_bytes();
    let len = (data.bytes.len() as u32).max(4);
    let mut bytes = data.bytes.to_vec();
    bytes.resize(len as usize, 0);
    let unit = |offset, delivery| PlannedUnit {
        name: DATA_UNIT.into(),
        key: data_key(&hash, offset),
        offset,
        bytes: bytes.clone(),
        delivery,
    };
    if let Some(r) = space
        .resident
        .iter()
        .find(|r| data_key(&hash, r.offset) == r.key)
        .copied()
    {
        space.claim(&r);
        return Ok(unit(r.offset, Delivery::Resident));
    }
    // In place of the previous data when it has room there: only the changed bytes travel.
    if let Some((old_key, _)) = data.previous {
        if let Some(offset) = space.take_place_of(old_key, len) {
            return Ok(unit(offset, Delivery::PatchOf { base: old_key }));
        }
    }
    let offset = space.allocate(len, Contents::Data)?;
    Ok(unit(offset, Delivery::Whole))
}

impl Space {
    /// The place of resident unit `old` (unpinned, not used by this plan) for a new unit of `len`
    /// bytes, when it fits there: `old` is evicted and the place claimed.
    fn take_place_of(&mut self, old: UnitKey, len: u32) -> Option<u32> {
        let at = self
            .resident
            .iter()
            .position(|r| r.key == old && !r.pinned && !self.protected.contains(&r.key))?;
        let r = self.resident.remove(at);
        if self.gap_at(r.offset) < len {
            self.resident.push(r);
            return None;
        }
        self.evicted.push(old);
        self.claimed.push((r.offset, r.offset + len));
        Some(r.offset)
    }

    /// Free bytes from `offset` to the next occupied range or the region's end.
    fn gap_at(&self, offset: u32) -> u32 {
        let next = self
            .resident
            .iter()
            .map(|r| (r.offset, r.offset + r.len))
            .chain(self.claimed.iter().copied())
            .filter(|&(_, end)| end > offset)
            .map(|(start, _)| start)
            .min()
            .unwrap_or(self.size);
        next.saturating_sub(offset)
    }
}

/// The units' images as one: segments, symbols, sections and line rows of all.
fn merge<'a>(images: impl Iterator<Item = &'a LinkedImage>, entry: u32) -> LinkedImage {
    let mut out = LinkedImage {
        entry,
        segments: Vec::new(),
        symbols: BTreeMap::new(),
        sections: Vec::new(),
        e_flags: 0,
        lines: Vec::new(),
    };
    for image in images {
        out.segments.extend(image.segments.iter().cloned());
        for (name, &address) in &image.symbols {
            out.symbols.entry(name.clone()).or_insert(address);
        }
        out.sections.extend(image.sections.iter().cloned());
        out.e_flags |= image.e_flags;
        out.lines.extend(image.lines.iter().cloned());
    }
    out.segments.sort_by_key(|s| s.address);
    out.sections.sort_by_key(|s| s.0);
    out.lines.sort_by_key(|r| (r.address, !r.end));
    out
}
