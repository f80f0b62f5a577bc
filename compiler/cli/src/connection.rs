//! The device plumbing of standalone programs and experiments: the simulated device's build, the
//! device connection, the compile for it, fault reports.

use anyhow::{bail, Context, Result};
use std::path::Path;
use strobe_device::{Device, DeviceBuild, FaultReport, SimBuild, SimDevice, Transport};
use strobe_driver::{CompileOutput, Compiler, Platform};
use strobe_protocol::message::DeviceInfo;

pub fn write_output(path: &Path, text: &str) -> Result<()> {
    if path == Path::new("-") {
        print!("{text}");
        return Ok(());
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The simulated device's build (made once per gateware, in the user's cache): it gives the
/// firmware's kernel ABI addresses. `python` runs LiteX if it must be built.
pub fn sim_build(python: Option<&Path>) -> Result<SimBuild> {
    SimBuild::ensure(&crate::sim_cache_root(), python, &mut |step| {
        eprintln!("{step}")
    })
    .context("preparing the simulated core device")
}

/// The device this build of Strobe carries the firmware for (no simulator needed).
pub fn device_build() -> Result<DeviceBuild> {
    DeviceBuild::embedded().context("reading the embedded firmware")
}

/// A compiler for the device `build` describes.
pub fn device_compiler(build: &DeviceBuild, no_cache: bool) -> Compiler {
    let cache = if no_cache {
        None
    } else {
        strobe_cache::UnitCache::open(crate::unit_cache_dir()).ok()
    };
    let platform = Platform::for_device(
        build.clock_hz,
        build.kernel_base,
        &build.firmware.exports,
        build.rtio_registers,
    );
    Compiler::for_platform(cache, platform)
}

/// A connected core device: the simulator (started here) or the one at `address`.
pub struct Connection {
    pub sim: Option<SimDevice>,
    pub device: Device,
    pub info: DeviceInfo,
    /// The image the device holds (after a successful upload or patch).
    loaded: Option<Vec<u8>>,
}

/// How a kernel image reached the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The device held it already.
    Unchanged,
    /// Only the changed bytes were sent.
    Patched(usize),
    Uploaded(usize),
}

impl Connection {
    /// Connects to the device at `address`, else starts the simulator (built first if need be, LiteX
    /// running in `python`).
    pub fn open(address: Option<&str>, python: Option<&Path>) -> Result<Connection> {
        let (sim, transport): (Option<SimDevice>, Box<dyn Transport>) = match address {
            Some(address) => {
                let address = address.parse().map_err(|e: String| anyhow::anyhow!(e))?;
                (
                    None,
                    <dyn Transport>::open(&address)
                        .with_context(|| format!("cannot open {address}"))?,
                )
            }
            None => {
                let build = sim_build(python)?;
                let sim = SimDevice::start(&build).context("starting the simulator")?;
                let t = sim.connect()?;
                (Some(sim), Box::new(t))
            }
        };
        let device = Device::connect(transport).context("handshake with the core device")?;
        let info = device.info().context("no device info")?;
        if info.abi_hash != strobe_abi::abi_hash() {
            bail!("the device's firmware was built for a different kernel ABI than this compiler; update the firmware");
        }
        Ok(Connection {
            sim,
            device,
            info,
            loaded: None,
        })
    }

    /// Whether kernels compiled for `build` fit this device (else compile for what it reports).
    pub fn matches(&self, build: &DeviceBuild) -> bool {
        (self.info.clock_hz as u64, self.info.kernel_base) == (build.clock_hz, build.kernel_base)
    }

    /// A compiler for this device: the local build's when it describes this device, else one for
    /// what the device reported (without inline RTIO writes, whose registers only the build knows).
    pub fn compiler(&self, build: &DeviceBuild, no_cache: bool) -> Compiler {
        if self.matches(build) {
            return device_compiler(build, no_cache);
        }
        let platform = Platform::for_device(
            self.info.clock_hz as u64,
            self.info.kernel_base,
            &build.firmware.exports,
            None,
        );
        Compiler::for_platform(None, platform)
    }

    /// Puts a compiled kernel on the device, sending only what changed since the last one; returns
    /// its entry address and how it got there.
    pub fn load(&mut self, out: &CompileOutput) -> Result<(u32, Delivery)> {
        let (base, image) = out.image.flat();
        anyhow::ensure!(
            base == self.info.kernel_base,
            "kernel linked at {base:#x}, device loads at {:#x}",
            self.info.kernel_base
        );
        anyhow::ensure!(
            image.len() <= self.info.kernel_size as usize,
            "kernel image of {} bytes does not fit the device's {} bytes",
            image.len(),
            self.info.kernel_size
        );
        let entry = *out
            .image
            .symbols
            .get(strobe_abi::KERNEL_ENTRY)
            .context("the image has no kernel entry")?;
        let previous = self.loaded.take();
        // A patch sends the changed bytes (and any new tail: quoted data is linked last); it is
        // worth it while they are well under the whole image.
        let unchanged = previous.as_ref() == Some(&image);
        let patch = previous
            .filter(|_| !unchanged)
            .map(|old| strobe_device::patch_ranges(&old, &image))
            .filter(|r| r.iter().map(|(a, b)| b - a).sum::<usize>() < image.len() / 2);
        let delivery = if unchanged {
            Delivery::Unchanged
        } else if let Some(ranges) = patch {
            Delivery::Patched(
                self.device
                    .patch(&image, &ranges)
                    .context("patching the kernel")?,
            )
        } else {
            self.device.upload(&image).context("uploading the kernel")?;
            Delivery::Uploaded(image.len())
        };
        self.loaded = Some(image);
        Ok((entry, delivery))
    }

    /// Writes the simulator's pin-level trace as text and/or VCD.
    pub fn write_traces(&self, trace: Option<&Path>, vcd: Option<&Path>) -> Result<()> {
        if let Some(sim) = &self.sim {
            let t = sim.take_trace();
            if let Some(path) = trace {
                write_output(path, &t.text())?;
            }
            if let Some(path) = vcd {
                write_output(path, &t.vcd(self.info.clock_hz as u64))?;
            }
        } else if trace.is_some() || vcd.is_some() {
            eprintln!(
                "note: the pin-level trace comes from the simulator; an external device has none"
            );
        }
        Ok(())
    }
}

/// `kernel fault: illegal instruction at pc 0x... (file.py:7), mtval 0x0`.
pub fn describe_fault(out: &CompileOutput, fault: &FaultReport) -> String {
    let FaultReport { cause, pc, value } = *fault;
    let at = match out.image.source_line(pc) {
        Some(row) => {
            let (file, line) = out.source.origin(row.line);
            format!("{file}:{line}")
        }
        None => "outside the kernel".to_string(),
    };
    format!(
        "kernel fault: {} at pc {pc:#010x} ({at}), mtval {value:#x}",
        trap_name(cause)
    )
}

fn trap_name(cause: u32) -> String {
    match cause {
        0 => "misaligned instruction fetch".into(),
        1 => "instruction access fault".into(),
        2 => "illegal instruction".into(),
        3 => "breakpoint".into(),
        4 => "misaligned load".into(),
        5 => "load access fault".into(),
        6 => "misaligned store".into(),
        7 => "store access fault".into(),
        other => format!("trap {other}"),
    }
}
