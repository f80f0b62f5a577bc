//! Precompiled kernels: the ELF image `strobe compile experiment.py -o run.elf` writes (as
//! `artiq_compile`), read back and run on a device as `artiq_run run.elf` does. Such a kernel has
//! no host objects behind it: its RPCs other than the fixed writeback and result services (which
//! need no answer) raise in the kernel.

use crate::connection::Connection;
use anyhow::{bail, Context, Result};
use object::{Object, ObjectSegment, ObjectSymbol};
use std::io::Write;
use std::path::Path;
use strobe_device::DeviceBuild;
use strobe_link::{LinkedImage, Segment};

/// The symbol of the 16 bytes that say which firmware a precompiled image was linked against: it
/// calls the firmware's kernel ABI at fixed addresses, so it runs only with that firmware.
pub const FIRMWARE_ID: &str = "__strobe_firmware_id";

/// Which firmware and memory map kernels compiled for `build` are linked against.
pub fn firmware_id(build: &DeviceBuild) -> [u8; 16] {
    let mut h = blake3::Hasher::new();
    h.update(&build.kernel_base.to_le_bytes());
    h.update(&build.clock_hz.to_le_bytes());
    for (name, address) in &build.firmware.exports {
        h.update(name.as_bytes());
        h.update(&address.to_le_bytes());
    }
    let mut id = [0u8; 16];
    id.copy_from_slice(&h.finalize().as_bytes()[..16]);
    id
}

/// `image` stamped with the firmware it was linked for ([`FIRMWARE_ID`]).
pub fn stamp(image: &LinkedImage, build: &DeviceBuild) -> LinkedImage {
    image.with_data(FIRMWARE_ID, &firmware_id(build))
}

/// The stamp a precompiled image carries, if any.
fn stamp_of(image: &LinkedImage) -> Option<[u8; 16]> {
    let at = *image.symbols.get(FIRMWARE_ID)?;
    let s = image
        .segments
        .iter()
        .find(|s| at >= s.address && at + 16 <= s.address + s.data.len() as u32)?;
    let from = (at - s.address) as usize;
    s.data[from..from + 16].try_into().ok()
}

/// Whether `path` is an ELF file (rather than Python source).
pub fn is_elf(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok()
        && magic == *b"\x7fELF"
}

/// The linked image in an ELF file: entry, loadable segments and symbols.
pub fn read_image(path: &Path) -> Result<LinkedImage> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file = object::File::parse(&*bytes)
        .with_context(|| format!("{} is not an ELF image", path.display()))?;
    if file.architecture() != object::Architecture::Riscv32 || file.is_64() {
        bail!("{} is not a 32-bit RISC-V image", path.display());
    }
    let mut segments = Vec::new();
    for s in file.segments() {
        let data = s
            .data()
            .with_context(|| format!("{}: a segment's bytes are missing", path.display()))?;
        let (address, size) = (s.address(), s.size());
        let (Ok(address), Ok(memory_size)) = (u32::try_from(address), u32::try_from(size)) else {
            bail!("{}: a segment lies beyond 32 bits", path.display());
        };
        let flags = match s.flags() {
            object::SegmentFlags::Elf { p_flags, .. } => p_flags.0,
            _ => 0,
        };
        segments.push(Segment {
            address,
            data: data.to_vec(),
            memory_size,
            executable: flags & object::elf::PF_X.0 != 0,
            writable: flags & object::elf::PF_W.0 != 0,
        });
    }
    if segments.is_empty() {
        bail!("{} has nothing to load", path.display());
    }
    segments.sort_by_key(|s| s.address);
    let symbols = file
        .symbols()
        .filter_map(|s| Some((s.name().ok()?.to_string(), u32::try_from(s.address()).ok()?)))
        .filter(|(name, _)| !name.is_empty())
        .collect();
    Ok(LinkedImage {
        entry: u32::try_from(file.entry()).context("entry beyond 32 bits")?,
        segments,
        symbols,
        sections: Vec::new(),
        e_flags: 0,
        lines: Vec::new(),
    })
}

/// Runs the precompiled kernel at `path` on the device (`device`, else a new simulated one):
/// prints its output, reports its exception or fault; the exit code.
pub fn run(
    path: &Path,
    python: Option<&Path>,
    (device, take_over): (Option<&str>, bool),
    interrupted: &dyn Fn() -> bool,
) -> Result<u8> {
    let image = read_image(path)?;
    match stamp_of(&image) {
        None => bail!(
            "{} is not a core device kernel (`strobe compile experiment.py` writes one)",
            path.display()
        ),
        Some(id) if id != firmware_id(&crate::connection::device_build()?) => bail!(
            "{} was compiled for another core device firmware (another strobe build): compile it \
             again",
            path.display()
        ),
        Some(_) => {}
    }
    let mut link = Connection::open(device, python, take_over)?;
    let mut kernel = link
        .load_image(image)
        .with_context(|| format!("cannot load {}", path.display()))?;
    kernel.run.fresh_timeline = true;
    let result = link
        .run_loaded(
            &kernel,
            |text| {
                print!("{text}");
                let _ = std::io::stdout().flush();
            },
            interrupted,
        )
        .context("running the kernel")?;
    Ok(crate::standalone::report_outcome(
        &kernel.image,
        &result.outcome,
    ))
}
