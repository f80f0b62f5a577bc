//! The host's side of the device's function store: a mirror of what the device holds (read once per
//! connection, then kept up to date by what this host sends), the kernel plans made against it, and
//! the bytes of the data units this host sent (the bases later data is patched from).

use std::collections::HashMap;
use strobe_device::{Device, DeviceError, KernelRun, StoreEntry, UnitKey};
use strobe_driver::CompileOutput;
use strobe_link::store::{self, DataUnit, KernelPlan, Resident, StoreView};
use strobe_link::LinkedImage;

pub use store::DATA_UNIT;

/// What getting a kernel onto the device took.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Units sent whole or as a patch, and units the store held already.
    pub units_sent: usize,
    pub units_resident: usize,
    /// Unit bytes sent (a patch's changed bytes only).
    pub bytes: usize,
    /// Resident units the new ones overwrote.
    pub evicted: usize,
    /// Units sent whole (the others of `units_sent` went as patches).
    pub whole_units: usize,
}

impl Delivery {
    /// "unchanged" (nothing sent), "patched" (only patches) or "uploaded".
    pub fn kind(&self) -> &'static str {
        match (self.units_sent, self.whole_units) {
            (0, _) => "unchanged",
            (_, 0) => "patched",
            _ => "uploaded",
        }
    }
}

impl LoadedKernel {
    /// Each unit's name, size, and whether this load sent it.
    pub fn unit_sizes(&self) -> Vec<(String, usize, bool)> {
        self.units
            .iter()
            .map(|u| {
                (
                    u.name.clone(),
                    u.bytes.len(),
                    u.delivery != store::Delivery::Resident,
                )
            })
            .collect()
    }
}

/// A kernel on the device: how to run it and its linked image (symbols and lines for fault reports).
#[derive(Clone, Debug)]
pub struct LoadedKernel {
    pub run: KernelRun,
    pub image: LinkedImage,
    pub delivery: Delivery,
    /// Each unit as placed: name, key, offset, bytes, and whether this load sent it.
    pub units: Vec<store::PlannedUnit>,
    /// Host time spent linking against the store, and time spent sending (the link's).
    pub plan_time: std::time::Duration,
    pub send_time: std::time::Duration,
}

pub struct StoreMirror {
    view: StoreView,
    /// Counts this host's runs (the device's own counter goes on from the listing's largest).
    clock: u32,
    /// Data units this host sent, by key (patch bases).
    data: HashMap<UnitKey, Vec<u8>>,
    /// Each kernel's (its code's hash) last data unit.
    last_data: HashMap<[u8; 32], UnitKey>,
    /// The last version this host sent of each code unit, by name, and its bytes.
    versions: HashMap<String, (UnitKey, Vec<u8>)>,
    /// Each kernel's (its code's hash) last plan: a call with new data only relinks nothing.
    plans: HashMap<[u8; 32], KernelPlan>,
}

fn resident(e: &StoreEntry) -> Resident {
    Resident {
        key: e.key,
        offset: e.offset,
        len: e.len,
        last_used: e.last_used,
        pinned: e.pinned,
    }
}

/// How many data units' bytes the host keeps as patch bases.
const KEPT_DATA: usize = 16;
/// How many kernels' plans the host keeps (a new call with only new data reuses its plan).
const KEPT_PLANS: usize = 64;

impl StoreMirror {
    /// Reads what the device holds.
    pub fn read(device: &mut Device, base: u32, size: u32) -> Result<Self, DeviceError> {
        let mut m = StoreMirror {
            view: StoreView {
                base,
                size,
                resident: Vec::new(),
            },
            clock: 0,
            data: HashMap::new(),
            last_data: HashMap::new(),
            versions: HashMap::new(),
            plans: HashMap::new(),
        };
        m.refresh(device)?;
        Ok(m)
    }

    /// Reads the device's listing again (after a refusal: another host or a fault changed it).
    pub fn refresh(&mut self, device: &mut Device) -> Result<(), DeviceError> {
        self.view.resident = device.store_listing()?.iter().map(resident).collect();
        self.clock = self
            .view
            .resident
            .iter()
            .map(|r| r.last_used)
            .max()
            .unwrap_or(0);
        Ok(())
    }

    pub fn resident(&self) -> &[Resident] {
        &self.view.resident
    }

    /// The device emptied its store (a kernel fault).
    pub fn forget_all(&mut self) {
        self.view.resident.clear();
    }

    /// Links `out` against the store and sends the units it lacks.
    pub fn load(
        &mut self,
        device: &mut Device,
        out: &CompileOutput,
    ) -> Result<LoadedKernel, LoadError> {
        let start = std::time::Instant::now();
        let identity = {
            let mut h = blake3::Hasher::new();
            for o in &out.objects {
                h.update(&o.bytes);
            }
            *h.finalize().as_bytes()
        };
        let previous = self
            .last_data
            .get(&identity)
            .and_then(|k| self.data.get(k).map(|b| (*k, b.as_slice())));
        let data = out
            .quoted
            .as_deref()
            .map(|bytes| DataUnit { bytes, previous });
        let known = match self.plans.get(&identity) {
            Some(p) => p.with_new_data(data, &self.view)?,
            None => None,
        };
        let plan = match known {
            Some(plan) => plan,
            None => self.plan(out, data)?,
        };
        let plan_time = start.elapsed();
        let start = std::time::Instant::now();
        let delivery = self.send(device, &plan)?;
        let send_time = start.elapsed();
        for unit in plan
            .units
            .iter()
            .filter(|u| u.delivery != store::Delivery::Resident)
        {
            if out.objects.iter().any(|o| o.name == unit.name) {
                self.versions
                    .insert(unit.name.clone(), (unit.key, unit.bytes.clone()));
            }
        }
        if out.quoted.is_some() {
            let unit = plan.units.last().expect("the data unit comes last");
            self.last_data.insert(identity, unit.key);
            self.data.insert(unit.key, unit.bytes.clone());
            if self.data.len() > KEPT_DATA {
                let live: Vec<UnitKey> = self.last_data.values().copied().collect();
                self.data.retain(|k, _| live.contains(k));
            }
        }
        let units = plan.units.clone();
        if self.plans.len() >= KEPT_PLANS {
            self.plans.clear();
        }
        self.plans.insert(identity, plan.clone());
        Ok(LoadedKernel {
            plan_time,
            send_time,
            units,
            run: KernelRun {
                entry: plan.entry,
                table: plan.table,
                units: plan.unit_keys(),
                fresh_timeline: false,
            },
            image: plan.image,
            delivery,
        })
    }

    /// A precompiled image (`strobe compile`, linked for this device's kernel region) as one unit
    /// at its own address, replacing what lies there.
    pub fn load_image(
        &mut self,
        device: &mut Device,
        image: LinkedImage,
    ) -> Result<LoadedKernel, ImageError> {
        let (address, bytes) = image.flat();
        let (base, size) = (self.view.base, self.view.size);
        let offset = address
            .checked_sub(base)
            .filter(|o| {
                o.checked_add(bytes.len() as u32)
                    .is_some_and(|end| end <= size)
            })
            .ok_or(ImageError::Outside {
                start: address,
                end: address.saturating_add(bytes.len() as u32),
                base,
                size,
            })?;
        let mut key = [0u8; 16];
        key.copy_from_slice(&blake3::hash(&bytes).as_bytes()[..16]);
        let end = offset + bytes.len() as u32;
        let evicted = self
            .view
            .resident
            .iter()
            .filter(|r| r.offset < end && r.offset + r.len > offset)
            .map(|r| r.key)
            .collect();
        let plan = KernelPlan {
            units: vec![store::PlannedUnit {
                name: "precompiled image".into(),
                key,
                offset,
                bytes,
                delivery: store::Delivery::Whole,
            }],
            entry: image.entry,
            table: image
                .symbols
                .get(strobe_abi::QUOTED_DATA)
                .copied()
                .unwrap_or(0),
            image,
            evicted,
        };
        let start = std::time::Instant::now();
        let delivery = self.send(device, &plan)?;
        Ok(LoadedKernel {
            plan_time: std::time::Duration::ZERO,
            send_time: start.elapsed(),
            run: KernelRun {
                entry: plan.entry,
                table: plan.table,
                units: plan.unit_keys(),
                fresh_timeline: false,
            },
            units: plan.units,
            image: plan.image,
            delivery,
        })
    }

    /// Links every unit of `out` against the store (and the runtime's support functions).
    fn plan(
        &self,
        out: &CompileOutput,
        data: Option<DataUnit<'_>>,
    ) -> Result<KernelPlan, LoadError> {
        let runtime = strobe_driver::runtime_archive();
        let support = store::Support {
            archive: &runtime,
            symbols: strobe_abi::SUPPORT_SYMBOLS,
        };
        let versions: store::Versions<'_> = self
            .versions
            .iter()
            .map(|(name, (key, bytes))| (name.clone(), (*key, Some(bytes.as_slice()))))
            .collect();
        Ok(store::plan(
            &out.objects,
            data,
            &out.externals,
            Some(support),
            &versions,
            strobe_abi::KERNEL_ENTRY,
            &self.view,
        )?)
    }

    /// Sends the plan's missing units and records what the device holds now.
    fn send(&mut self, device: &mut Device, plan: &KernelPlan) -> Result<Delivery, DeviceError> {
        let mut d = Delivery {
            evicted: plan.evicted.len(),
            ..Delivery::default()
        };
        self.view
            .resident
            .retain(|r| !plan.evicted.contains(&r.key));
        self.clock += 1;
        for unit in &plan.units {
            let base = match &unit.delivery {
                store::Delivery::Resident => {
                    d.units_resident += 1;
                    for r in self.view.resident.iter_mut().filter(|r| r.key == unit.key) {
                        r.last_used = self.clock;
                    }
                    continue;
                }
                store::Delivery::Whole => {
                    d.whole_units += 1;
                    None
                }
                store::Delivery::PatchOf { base } => Some((*base, self.bytes_of(base).to_vec())),
            };
            // Whatever the device had there is gone, even if the upload fails.
            let (start, end) = (unit.offset, unit.offset + unit.bytes.len() as u32);
            self.view
                .resident
                .retain(|r| r.offset + r.len <= start || r.offset >= end);
            let base = base.as_ref().map(|(k, b)| (*k, b.as_slice()));
            d.bytes += device.put_unit(unit.key, unit.offset, &unit.bytes, base)?;
            d.units_sent += 1;
            self.view.resident.push(Resident {
                key: unit.key,
                offset: unit.offset,
                len: unit.bytes.len() as u32,
                last_used: self.clock,
                pinned: false,
            });
        }
        Ok(d)
    }

    /// The bytes of a unit this host sent (a patch's base).
    fn bytes_of(&self, key: &UnitKey) -> &[u8] {
        self.data
            .get(key)
            .or_else(|| {
                self.versions
                    .values()
                    .find(|(k, _)| k == key)
                    .map(|(_, b)| b)
            })
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Pins or unpins resident units (a bundle's) on the device and in the mirror.
    pub fn pin(
        &mut self,
        device: &mut Device,
        keys: &[UnitKey],
        pinned: bool,
    ) -> Result<(), DeviceError> {
        for key in keys {
            device.pin(*key, pinned)?;
            for r in self.view.resident.iter_mut().filter(|r| r.key == *key) {
                r.pinned = pinned;
            }
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error(
        "the image lies at {start:#x}..{end:#x}, outside the device's kernel region \
         {base:#x} (+{size:#x}): it was compiled for another device"
    )]
    Outside {
        start: u32,
        end: u32,
        base: u32,
        size: u32,
    },
    #[error(transparent)]
    Device(#[from] DeviceError),
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Device(#[from] DeviceError),
}
