//! `strobe replay`: a recording's kernel runs again on a device, every value they consumed fed back
//! from the recording (`strobe_recording`), compared with what the recording saw; `--diff`, two
//! recordings compared.

use crate::connection::{write_output, Connection};
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use strobe_device::{KernelRun, Trace};
#[path = "replay_qemu.rs"]
pub mod qemu;

use strobe_recording::{
    compare_traces, first_difference, Divergence, Recording, RunReplay, UnitStore,
};

/// Reads a recording, with the file's name in any error.
pub fn read(path: &Path) -> Result<Recording> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Recording::from_bytes(&bytes).with_context(|| format!("cannot replay {}", path.display()))
}

pub fn command(
    files: &[PathBuf],
    diff: bool,
    device: Option<&str>,
    trace: Option<&Path>,
    python: Option<&Path>,
) -> Result<u8> {
    match (diff, files) {
        (true, [a, b]) => {
            let (ra, rb) = (read(a)?, read(b)?);
            match first_difference(&ra, &rb) {
                None => {
                    println!("the recordings are the same");
                    Ok(0)
                }
                Some(d) => {
                    println!("{d}");
                    Ok(1)
                }
            }
        }
        (true, _) => bail!("--diff compares two recordings: give two files"),
        (false, [file]) => replay(file, device, trace, python),
        (false, _) => bail!("replay one recording at a time (or compare two with --diff)"),
    }
}

fn replay(
    file: &Path,
    device: Option<&str>,
    trace: Option<&Path>,
    python: Option<&Path>,
) -> Result<u8> {
    let recording = read(file)?;
    let address = match device {
        None | Some("sim") => None,
        Some("qemu") => return qemu::replay(file, &recording, trace, print_output),
        Some(address) => Some(address),
    };
    if trace.is_some() && address.is_some() {
        bail!("--trace records the simulator's pins: it does not apply to a device");
    }
    let mut link = Connection::open(address, python, false)?;
    let h = &recording.header;
    if (h.abi_hash, h.kernel_base, h.clock_hz)
        != (
            link.info.abi_hash,
            link.info.kernel_base,
            link.info.clock_hz,
        )
    {
        bail!(
            "{} was recorded on a core device with another firmware ABI, memory map or clock than this one: its code cannot run here",
            file.display()
        );
    }
    let shifts = match replay_runs(&mut link, &recording, print_output)? {
        Ok(shifts) => shifts,
        Err(divergence) => {
            eprintln!("{}: {divergence}", file.display());
            return Ok(1);
        }
    };
    let pins = match link.sim.is_some() {
        true => Some(unshifted(link.settled_trace(), &shifts)),
        false => None,
    };
    conclude(file, &recording, pins, trace)
}

/// Kernel output as it comes.
fn print_output(text: &str) {
    print!("{text}");
    let _ = std::io::stdout().flush();
}

/// After every run replayed as recorded: the pins compared (when both sides have them) and
/// written (`--trace`); the exit code.
fn conclude(
    file: &Path,
    recording: &Recording,
    pins: Option<Trace>,
    trace: Option<&Path>,
) -> Result<u8> {
    if let (Some(recorded), Some(replayed)) = (&recording.trace, &pins) {
        if let Err(e) = compare_traces(recorded, &replayed.edges, 0) {
            eprintln!("{}: the replay diverged: {e}", file.display());
            return Ok(1);
        }
    }
    if let (Some(path), Some(replayed)) = (trace, &pins) {
        write_output(path, &replayed.text())?;
    }
    eprintln!(
        "strobe: replayed {} kernel runs ({} recorded values): the same output, outcomes{}",
        recording.runs.len(),
        recording.event_count(),
        if recording.trace.is_some() && pins.is_some() {
            " and pins"
        } else {
            ""
        }
    );
    Ok(0)
}

/// Replays every run of `recording` on `link` (checked against the recording as they go;
/// `on_output` gets the kernels' prints): the shifts of the recorded timeline on the device's
/// RTIO core (each from an RTIO counter value on), or the first divergence.
pub fn replay_runs(
    link: &mut Connection,
    recording: &Recording,
    mut on_output: impl FnMut(&str),
) -> Result<Result<Vec<(i64, i64)>, Divergence>> {
    let code = code_of(recording, link)?;
    let mut shifts = Vec::new();
    for (i, run) in recording.runs.iter().enumerate() {
        let placed: Vec<_> = run
            .units
            .iter()
            .map(|u| {
                let bytes = u
                    .data
                    .as_deref()
                    .or_else(|| code.get(&u.key).map(Vec::as_slice));
                (u.key, u.offset, bytes.unwrap_or_default())
            })
            .collect();
        link.put_recorded(&placed)?;
        let mut replay = RunReplay::new(run, &recording.images[run.image].lines, i + 1);
        let kernel = KernelRun {
            entry: run.entry,
            table: run.table,
            units: run.units.iter().map(|u| u.key).collect(),
            // The first run starts a new replay: its shift is chosen anew (later runs only grow it).
            fresh_timeline: i == 0,
        };
        let result = link
            .device
            .run_journaled(
                &kernel,
                Some(&mut replay),
                &mut on_output,
                strobe_device::no_host_functions,
                || false,
            )
            .with_context(|| format!("replaying kernel run {}", i + 1))?;
        shifts.extend(replay.shift);
        if let Err(divergence) = replay.finish(&result) {
            return Ok(Err(divergence));
        }
    }
    Ok(Ok(shifts))
}

/// The pins' trace on the recorded timeline: the device played each run `shift` later than
/// recorded, `shifts` giving (shift, RTIO counter from which it holds) in run order.
pub fn unshifted(trace: &Trace, shifts: &[(i64, i64)]) -> Trace {
    let mut out = trace.clone();
    for e in &mut out.edges {
        let shift = shifts
            .iter()
            .rev()
            .find(|(_, from)| *from <= e.timestamp as i64)
            .map_or(0, |(shift, _)| *shift);
        e.timestamp = (e.timestamp as i64 - shift) as u64;
    }
    out
}

/// The code units the recording's runs need that the device's store does not hold at their
/// place, from this host's unit store; an error naming the first unit neither has (the replay
/// needs the very code that ran).
fn code_of(
    recording: &Recording,
    link: &Connection,
) -> Result<std::collections::HashMap<strobe_device::UnitKey, Vec<u8>>> {
    let units = UnitStore::new(crate::paths::linked_unit_dir());
    let mut code = std::collections::HashMap::new();
    for u in recording.runs.iter().flat_map(|r| &r.units) {
        if u.data.is_some() || link.holds(&u.key, u.offset) || code.contains_key(&u.key) {
            continue;
        }
        let Some(bytes) = units.get(&u.key).filter(|b| b.len() == u.len as usize) else {
            bail!(
                "the recording's code unit `{}` (key {}) is neither on the device nor in this host's unit store ({}): a replay runs the very code that was recorded",
                u.name,
                u.key.iter().map(|b| format!("{b:02x}")).collect::<String>(),
                crate::paths::linked_unit_dir().display()
            );
        };
        code.insert(u.key, bytes);
    }
    Ok(code)
}
