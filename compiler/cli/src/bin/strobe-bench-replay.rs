//! Record and replay benchmark on the simulated core device (`cargo xtask bench replay`): what
//! recording costs a kernel per logged event (CPU cycles, exact: from the RTIO counter, 8 machine
//! units per cycle) for the two commonest events, RTIO counter reads and input reads, with the
//! journal's flushes to the host included; the log's bytes per event; and a replay's wall time
//! against the recorded run's.

use std::time::Instant;
use strobe_cli::connection::{device_build, Connection};
use strobe_device::Outcome;
use strobe_syntax::SourceFile;

const EVENTS: u32 = 2000;

const PROGRAM: &str = "from strobe.coredevice.rtio import rtio_input_timestamp


def counter_reads() -> int64:
    t0 = rtio_get_counter()
    for i in range(EVENTS):
        t = rtio_get_counter()
    return (rtio_get_counter() - t0) // int64(8)


def input_reads() -> int64:
    t0 = rtio_get_counter()
    for i in range(EVENTS):
        t = rtio_input_timestamp(0, int64(0))
    return (rtio_get_counter() - t0) // int64(8)


def main():
    print(counter_reads(), input_reads())
";

/// The kernel's two figures: cycles for the counter reads and for the input reads.
fn figures(output: &str) -> Result<(f64, f64), Box<dyn std::error::Error>> {
    let v: Vec<f64> = output
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    match v[..] {
        [a, b] => Ok((a, b)),
        _ => Err(format!("unexpected output {output:?}").into()),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let build = device_build()?;
    let mut link = Connection::open(None, None, false)?;
    let source = SourceFile::new(
        "bench_replay.py",
        PROGRAM.replace("EVENTS", &EVENTS.to_string()),
    );
    let out = link
        .compiler(&build, true)
        .compile(&source)
        .map_err(|e| e.render())?;
    let mut kernel = link.load(&out)?;
    kernel.run.fresh_timeline = true;
    let mut run = |link: &mut Connection| -> Result<(String, f64), Box<dyn std::error::Error>> {
        let start = Instant::now();
        let r = link.run(
            &out,
            &mut kernel,
            |_| {},
            strobe_device::no_host_functions,
            || false,
        )?;
        let wall = start.elapsed().as_secs_f64() * 1e3;
        match r.outcome {
            Outcome::Finished { .. } => Ok((r.output, wall)),
            other => Err(format!("the bench kernel ended {other:?}").into()),
        }
    };
    let (plain, _) = run(&mut link)?;
    let file = std::env::temp_dir().join(format!("strobe-bench-{}.strobe", std::process::id()));
    link.start_recording(&file, "bench_replay.py", Vec::new())?;
    let (recorded, recorded_wall) = run(&mut link)?;
    link.finish_recording()?;
    let bytes = std::fs::read(&file)?;
    let recording = strobe_recording::Recording::from_bytes(&bytes)?;
    let device_bytes: usize = recording.runs[0]
        .events
        .iter()
        .map(|e| match e {
            strobe_recording::Event::Device(r) => r
                .write(&mut [0; strobe_device::journal::MAX_RECORD_LEN])
                .unwrap_or(0),
            strobe_recording::Event::Rpc(_) => 0,
        })
        .sum();
    let start = Instant::now();
    let mut replayed = String::new();
    let replay = strobe_cli::replay::replay_runs(&mut link, &recording, |t| replayed.push_str(t))?;
    let replay_wall = start.elapsed().as_secs_f64() * 1e3;
    if let Err(d) = replay {
        return Err(format!("the bench's replay diverged: {d}").into());
    }
    if replayed != recorded {
        return Err("the replay printed something else".into());
    }
    // Under qemu: linking the recorded objects with the replaying runtime, then the run.
    std::fs::write(&file, &bytes)?;
    let start = Instant::now();
    let mut under_qemu = String::new();
    let code =
        strobe_cli::replay::qemu::replay(&file, &recording, None, |t| under_qemu.push_str(t))?;
    let qemu_wall = start.elapsed().as_secs_f64() * 1e3;
    let _ = std::fs::remove_file(&file);
    if code != 0 || under_qemu != recorded {
        return Err("the bench's replay under qemu diverged".into());
    }
    let (plain, recorded) = (figures(&plain)?, figures(&recorded)?);
    let n = EVENTS as f64;
    println!(
        "recording overhead (simulated core device, {EVENTS} events of each kind, CPU cycles):"
    );
    for (what, off, on) in [
        ("rtio_get_counter()", plain.0, recorded.0),
        ("rtio_input_timestamp()", plain.1, recorded.1),
    ] {
        println!(
            "  {what:<24} {:6.1} cycles plain, {:6.1} recorded: +{:.1} cycles per logged event",
            off / n,
            on / n,
            (on - off) / n
        );
    }
    let events = recording.event_count();
    println!(
        "log size: {:.2} bytes per device event ({device_bytes} bytes for {events} events; the file {} bytes)",
        device_bytes as f64 / events as f64,
        bytes.len()
    );
    println!(
        "replay: the recorded run {recorded_wall:.0} ms wall; its replay on the simulated device {replay_wall:.0} ms ({:.2}x), under qemu {qemu_wall:.0} ms ({:.3}x, link included)",
        replay_wall / recorded_wall,
        qemu_wall / recorded_wall
    );
    Ok(())
}
