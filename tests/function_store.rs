//! Linking kernels against the device's function store (`strobe_link::store::plan`), without a
//! device: what is reused, what is sent, where new units go and what is evicted when the region is
//! full. The simulated device's side is in `experiments.rs` and `device_sim.rs`.

use std::collections::BTreeMap;
use strobe_driver::{CompileOutput, Compiler, Platform};
use strobe_link::store::{
    plan, DataUnit, Delivery, KernelPlan, Resident, StoreError, StoreView, Support, Versions,
};
use strobe_syntax::SourceFile;

const BASE: u32 = 0x4000_0000;

/// Every symbol of the kernel ABI at a made-up firmware address.
fn firmware() -> BTreeMap<String, u32> {
    strobe_abi::RUNTIME_SYMBOLS
        .iter()
        .chain(strobe_abi::DEVICE_SYMBOLS)
        .map(|s| s.name)
        .chain([strobe_abi::PENDING_EXCEPTION, strobe_abi::NOW])
        .enumerate()
        .map(|(i, name)| (name.to_string(), 0x1000 + 16 * i as u32))
        .collect()
}

/// The runtime archive's support functions (soft float for `gain`).
fn support() -> Option<Support<'static>> {
    static ARCHIVE: std::sync::OnceLock<strobe_link::Archive> = std::sync::OnceLock::new();
    Some(Support {
        archive: ARCHIVE.get_or_init(strobe_driver::runtime_archive),
        symbols: strobe_abi::SUPPORT_SYMBOLS,
    })
}

fn compile(compiler: &mut Compiler, text: &str) -> CompileOutput {
    compiler
        .compile(&SourceFile::new("k.py", text))
        .unwrap_or_else(|e| panic!("{}", e.render()))
}

/// Plans `out`'s units (and `data`) against `view`, with the support unit.
fn try_plan(
    out: &CompileOutput,
    data: Option<DataUnit<'_>>,
    versions: &Versions<'_>,
    view: &StoreView,
) -> Result<KernelPlan, StoreError> {
    plan(
        &out.objects,
        data,
        &out.externals,
        support(),
        versions,
        strobe_abi::KERNEL_ENTRY,
        view,
    )
}

fn plan_for(
    out: &CompileOutput,
    data: Option<DataUnit<'_>>,
    versions: &Versions<'_>,
    view: &StoreView,
) -> KernelPlan {
    try_plan(out, data, versions, view).expect("plans")
}

fn compiler() -> Compiler {
    Compiler::for_platform(
        None,
        Platform::for_device(125_000_000, BASE, &firmware(), None),
    )
}

const PROGRAM: &str = r#"
def gain(x: float) -> float:
    return x * 2.0

def offset(x: int) -> int:
    return x + 1

def main():
    print(gain(1.5), offset(2))
"#;

/// What the device holds after `p` was sent, at run counter `clock`.
fn after(view: &StoreView, p: &KernelPlan, clock: u32) -> StoreView {
    let mut resident: Vec<Resident> = view
        .resident
        .iter()
        .filter(|r| !p.evicted.contains(&r.key))
        .copied()
        .collect();
    for u in &p.units {
        if let Some(r) = resident.iter_mut().find(|r| r.key == u.key) {
            r.last_used = clock;
        } else {
            resident.push(Resident {
                key: u.key,
                offset: u.offset,
                len: u.bytes.len() as u32,
                last_used: clock,
                pinned: false,
            });
        }
    }
    StoreView {
        resident,
        ..view.clone()
    }
}

fn deliveries(p: &KernelPlan) -> Vec<(String, &'static str)> {
    p.units
        .iter()
        .map(|u| {
            let how = match u.delivery {
                Delivery::Resident => "resident",
                Delivery::Whole => "whole",
                Delivery::PatchOf { .. } => "patch",
            };
            (u.name.clone(), how)
        })
        .collect()
}

fn empty(size: u32) -> StoreView {
    StoreView {
        base: BASE,
        size,
        resident: Vec::new(),
    }
}

#[test]
fn a_resident_kernel_is_reused_and_an_edit_sends_only_its_unit() {
    let mut c = compiler();
    let out = compile(&mut c, PROGRAM);
    let view = empty(1 << 20);
    let first = plan_for(&out, None, &Default::default(), &view);
    assert_eq!(
        first.units.len(),
        4,
        "main, gain, offset and the support functions"
    );
    assert!(first.units.iter().all(|u| u.delivery == Delivery::Whole));
    assert!(first.image.symbols.contains_key("__strobe_kernel_entry"));
    // The units' line tables together map code addresses back to the source (fault reports).
    let gain_code = first
        .image
        .lines
        .iter()
        .find(|r| r.line == 3 && !r.end)
        .expect("line 3 (gain's body)");
    let row = first.image.source_line(gain_code.address).expect("a line");
    assert_eq!((row.file.as_str(), row.line), ("k.py", 3));
    // Units do not overlap, and are aligned.
    let mut spans: Vec<(u32, u32)> = first
        .units
        .iter()
        .map(|u| (u.offset, u.offset + u.bytes.len() as u32))
        .collect();
    spans.sort();
    assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "{spans:?}");
    assert!(spans.iter().all(|s| s.0 % 16 == 0));
    // A host that knows nothing but the listing finds everything resident.
    let view = after(&view, &first, 1);
    let again = plan_for(&out, None, &Default::default(), &view);
    assert!(again.units.iter().all(|u| u.delivery == Delivery::Resident));
    assert_eq!(again.entry, first.entry);
    // Editing an annotated function's body: only its unit is new (its callers link by address).
    let edited = compile(&mut c, &PROGRAM.replace("x * 2.0", "x * 4.0"));
    assert_eq!(edited.units_compiled, 1);
    let p = plan_for(&edited, None, &Default::default(), &view);
    let sent: Vec<_> = deliveries(&p)
        .into_iter()
        .filter(|(_, how)| *how != "resident")
        .collect();
    assert_eq!(
        sent.len(),
        2,
        "without its old version known: gain's unit, and main's (gain moved): {sent:?}"
    );
    // Knowing the old version, the new one takes its place: only gain's changed bytes travel.
    let gain = first
        .units
        .iter()
        .find(|u| sent.iter().any(|(name, _)| *name == u.name) && u.name.starts_with("_strobe_sig"))
        .expect("gain's old unit");
    let versions = Versions::from([(gain.name.clone(), (gain.key, Some(gain.bytes.as_slice())))]);
    let p = plan_for(&edited, None, &versions, &view);
    let sent: Vec<_> = deliveries(&p)
        .into_iter()
        .filter(|(_, how)| *how != "resident")
        .collect();
    assert_eq!(sent, [(gain.name.clone(), "patch")]);
    assert_eq!(p.evicted, [gain.key]);
}

#[test]
fn data_is_its_own_unit_patched_in_place() {
    let mut c = compiler();
    let out = compile(&mut c, PROGRAM);
    let view = empty(1 << 20);
    let old = vec![7u8; 4000];
    let data = DataUnit {
        bytes: &old,
        previous: None,
    };
    let first = plan_for(&out, Some(data), &Default::default(), &view);
    let table_unit = first.units.last().unwrap();
    assert_eq!(first.table, BASE + table_unit.offset);
    let view = after(&view, &first, 1);
    // New values of the same size: the code stays, the data is a patch of the old unit in place.
    let mut new = old.clone();
    new[100] = 8;
    let data = DataUnit {
        bytes: &new,
        previous: Some((table_unit.key, &old)),
    };
    let second = plan_for(&out, Some(data), &Default::default(), &view);
    let how = deliveries(&second);
    assert_eq!(how.iter().filter(|(_, h)| *h == "resident").count(), 4);
    assert_eq!(how.last().unwrap().1, "patch");
    assert_eq!(second.table, first.table);
    // The same values again: resident.
    let view = after(&view, &second, 2);
    let data = DataUnit {
        bytes: &new,
        previous: None,
    };
    let third = plan_for(&out, Some(data), &Default::default(), &view);
    assert!(third.units.iter().all(|u| u.delivery == Delivery::Resident));
}

#[test]
fn a_full_store_evicts_the_least_recently_used_unpinned_units() {
    let mut c = compiler();
    let a = compile(&mut c, PROGRAM);
    let b = compile(
        &mut c,
        &PROGRAM
            .replace("x + 1", "x + 2")
            .replace("x * 2.0", "x * 3.0"),
    );
    let size_of = |p: &KernelPlan| {
        p.units
            .iter()
            .map(|u| u.bytes.len() as u32 + 16)
            .sum::<u32>()
    };
    let first = plan_for(&a, None, &Default::default(), &empty(1 << 20));
    // Room for one kernel and half of its own units (the support unit is shared): the second
    // evicts what the first does not share with it.
    let own: u32 = first
        .units
        .iter()
        .filter(|u| u.name != "support functions")
        .map(|u| u.bytes.len() as u32 + 16)
        .sum();
    let size = size_of(&first) + own / 2;
    let view = after(&empty(size), &first, 1);
    let second = plan_for(&b, None, &Default::default(), &view);
    assert!(!second.evicted.is_empty());
    let view = after(&view, &second, 2);
    assert!(view.resident.iter().all(|r| r.offset + r.len <= size));
    // Pinned units are never evicted: with everything pinned, a new kernel does not fit.
    let mut pinned = view.clone();
    pinned.resident.iter_mut().for_each(|r| r.pinned = true);
    let third = try_plan(&a, None, &Default::default(), &pinned);
    assert!(matches!(third, Err(StoreError::Full { .. })), "{third:?}");
    // The least recently used go first: of two foreign units filling the region, the older one.
    let need = size_of(&first);
    let foreign = |key: u8, offset, last_used| Resident {
        key: [key; 16],
        offset,
        len: need,
        last_used,
        pinned: false,
    };
    let full = StoreView {
        base: BASE,
        size: 2 * need,
        resident: vec![foreign(1, 0, 5), foreign(2, need, 3)],
    };
    let p = plan_for(&a, None, &Default::default(), &full);
    assert_eq!(p.evicted, [[2; 16]]);
    assert!(p.units.iter().all(|u| u.offset >= need));
}

/// With the firmware's hot text marked, code units go clear of its shadow in the direct-mapped
/// instruction cache (no code byte at an address equal, modulo the cache's size, to a hot byte),
/// those too long to fit between two shadows first fit, as data.
#[test]
fn code_is_placed_clear_of_the_firmware_hot_text() {
    let (hot_start, hot_end) = (0x70u32, 0x480u32);
    let mut marked = firmware();
    marked.insert(strobe_abi::HOT_TEXT_START.to_string(), hot_start);
    marked.insert(strobe_abi::HOT_TEXT_END.to_string(), hot_end);
    let mut c =
        Compiler::for_platform(None, Platform::for_device(125_000_000, BASE, &marked, None));
    // Integers only: no support unit, the kernel's own units would go first fit from offset 0.
    let out = compile(
        &mut c,
        &PROGRAM
            .replace("float", "int")
            .replace("1.5", "1")
            .replace("2.0", "2"),
    );
    let data = vec![7u8; 64];
    let data = DataUnit {
        bytes: &data,
        previous: None,
    };
    let p = plan_for(&out, Some(data), &Default::default(), &empty(1 << 20));
    let cache = strobe_abi::ICACHE_BYTES;
    let room = cache - (hot_end - hot_start);
    let mut clear = 0;
    for u in &p.units {
        let len = u.bytes.len() as u32;
        let addresses = BASE + u.offset..BASE + u.offset + len;
        let in_shadow = addresses
            .clone()
            .any(|a| (hot_start..hot_end).contains(&(a % cache)));
        if u.name != strobe_link::store::DATA_UNIT && len <= room {
            assert!(!in_shadow, "{} at {addresses:x?}", u.name);
            clear += 1;
        }
    }
    assert!(clear >= 2, "the kernel's own units: {:?}", deliveries(&p));
}
