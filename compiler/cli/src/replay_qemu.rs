//! `strobe replay --device qemu`: each recorded run's kernel objects linked again with the
//! replaying device's runtime into one Linux-user program, run under qemu-riscv32 and served like a
//! core device (its call sites translated between the two links).

use super::conclude;
use anyhow::{anyhow, Context, Result};
use std::path::Path;
use strobe_device::{Device, KernelRun, QemuDevice, QemuOutput, Trace, REPLAY_RT_ARCHIVE};
use strobe_link::{Archive, InputObject, LinkConfig};
use strobe_recording::{Recording, RunReplay, SiteMap, UnitStore};

/// The device's unit of the runtime's support functions: the replay's runtime brings its own.
const SUPPORT_UNIT: &str = "support functions";

/// Replays `recording` (read from `file`) under qemu, the kernels' output to `on_output`: the exit
/// code (1: diverged, reported).
pub fn replay(
    file: &Path,
    recording: &Recording,
    trace: Option<&Path>,
    mut on_output: impl FnMut(&str),
) -> Result<u8> {
    let units = UnitStore::new(crate::paths::linked_unit_dir());
    let runtime = Archive::new("strobe-replay-rt", REPLAY_RT_ARCHIVE);
    let output = QemuOutput::default();
    for (i, run) in recording.runs.iter().enumerate() {
        let objects = run
            .units
            .iter()
            .filter(|u| u.data.is_none() && u.name != SUPPORT_UNIT)
            .map(|u| {
                let bytes = units.get_object(&u.key).ok_or_else(|| {
                    anyhow!(
                        "the recording's code unit `{}` has no object in this host's unit store ({}): replaying under qemu links the very objects that ran",
                        u.name,
                        crate::paths::linked_unit_dir().display()
                    )
                })?;
                Ok(InputObject {
                    name: u.name.clone(),
                    bytes,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let image = strobe_link::link(
            &objects,
            std::slice::from_ref(&runtime),
            &LinkConfig::linux_user("_strobe_replay_start"),
        )
        .context("linking the recorded kernel for qemu")?;
        let qemu = QemuDevice::start(&image.to_elf(), &output)?;
        let mut device = Device::connect(Box::new(qemu)).context("starting the qemu device")?;
        let base = device.info().map_or(0, |i| i.kernel_base);
        // The kernel is in the program; the run's quoted data goes where the device's would.
        let data = run
            .units
            .iter()
            .find_map(|u| Some((u.key, u.data.as_deref()?)));
        let (key, bytes) = data.unwrap_or(([0; 16], &[0; 4]));
        device
            .put_unit(key, 0, bytes, None)
            .context("sending the quoted data")?;
        let kernel = KernelRun {
            entry: base,
            table: if data.is_some() { base } else { 0 },
            units: vec![key],
            fresh_timeline: i == 0,
        };
        let map = &recording.images[run.image];
        let mut replay = RunReplay::new(run, &map.lines, i + 1)
            .with_sites(SiteMap::new(&map.symbols, &image.symbols));
        let result = device.run_journaled(
            &kernel,
            Some(&mut replay),
            &mut on_output,
            strobe_device::no_host_functions,
            || false,
        );
        // The program ends with its input; its last events are in.
        drop(device);
        let result = result.with_context(|| {
            format!(
                "replaying kernel run {} under qemu\n{}",
                i + 1,
                output.messages()
            )
        })?;
        if let Err(divergence) = replay.finish(&result) {
            eprintln!("{}: {divergence}", file.display());
            return Ok(1);
        }
    }
    let pins = Trace {
        edges: output.edges(),
    };
    conclude(file, recording, Some(pins), trace)
}
