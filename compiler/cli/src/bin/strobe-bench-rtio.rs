//! RTIO benchmark on the simulated core device (run it with `cargo xtask bench rtio`): CPU cycles per
//! `ttl.pulse_mu(n); delay_mu(n)` iteration, kernel upload and start latency, and simulation speed.
//! Cycle counts come from the RTIO counter (8 machine units of 1 ns per 125 MHz CPU cycle), so they
//! are exact.

use std::path::Path;
use std::time::Instant;
use strobe_cli::resident::StoreMirror;
use strobe_device::{Device, Outcome, SimDevice};
use strobe_driver::{CompileOutput, Compiler, Platform};
use strobe_syntax::SourceFile;

/// Few enough that the output FIFOs (64 events per channel) never fill: the loop runs at CPU speed.
const ITERATIONS: u32 = 30;

const PULSES: &str = "from strobe.coredevice.rtio import rtio_output


def pulse_mu(channel: int32, duration: int64):
    rtio_output(channel, 1)
    delay_mu(duration)
    rtio_output(channel, 0)


def main():
    t0 = rtio_get_counter()
    for i in range(ITERATIONS):
        pulse_mu(0, int64(8000))
        delay_mu(8000)
    t1 = rtio_get_counter()
    print(t1 - t0)
";

const EMPTY: &str = "def main():
    pass
";

/// Keeps the CPU busy for a known number of cycles, to time the simulator.
const BUSY: &str = "def main():
    t0 = rtio_get_counter()
    while rtio_get_counter() - t0 < int64(32000000):
        pass
";

/// The bench's programs are standalone: each run starts its timeline with the fixed slack.
fn standalone(
    mut kernel: strobe_cli::resident::LoadedKernel,
) -> strobe_cli::resident::LoadedKernel {
    kernel.run.fresh_timeline = true;
    kernel
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let build = strobe_cli::connection::sim_build(None)?;
    let sim = SimDevice::start(&build)?;
    let started = Instant::now();
    let mut device = Device::connect(Box::new(sim.connect()?))?;
    let boot_ms = started.elapsed().as_secs_f64() * 1e3;
    let info = device.info().ok_or("no device info")?;
    let platform = Platform::for_device(
        info.clock_hz as u64,
        info.kernel_base,
        &build.device.firmware.exports,
        build.device.rtio_fast_window,
    );
    let mut compiler = Compiler::for_platform(None, platform);
    let mut store = StoreMirror::read(&mut device, info.kernel_base, info.kernel_size)?;
    let compile =
        |compiler: &mut Compiler, src: &str| -> Result<CompileOutput, Box<dyn std::error::Error>> {
            let out = compiler
                .compile(&SourceFile::new("bench.py", src))
                .map_err(|e| e.render())?;
            if let Some(dir) = std::env::var_os("STROBE_BENCH_DUMP") {
                // For reading the generated code: the image as ELF, named by its source length.
                std::fs::write(
                    Path::new(&dir).join(format!("kernel-{}.elf", src.len())),
                    out.image.to_elf(),
                )?;
            }
            Ok(out)
        };

    // Upload and start latency: an empty kernel.
    let empty = compile(&mut compiler, EMPTY)?;
    let t = Instant::now();
    let kernel = standalone(store.load(&mut device, &empty)?);
    let upload_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let run = device.run(&kernel.run, |_| {})?;
    let run_ms = t.elapsed().as_secs_f64() * 1e3;
    let Outcome::Finished {
        cycles: empty_cycles,
    } = run.outcome
    else {
        return Err(format!("{:?}", run.outcome).into());
    };

    // Pulse loop.
    let pulses = compile(
        &mut compiler,
        &PULSES.replace("ITERATIONS", &ITERATIONS.to_string()),
    )?;
    let kernel = standalone(store.load(&mut device, &pulses)?);
    let t = Instant::now();
    let run = device.run(&kernel.run, |_| {})?;
    let wall = t.elapsed().as_secs_f64();
    let Outcome::Finished { cycles } = run.outcome else {
        return Err(format!("{:?}", run.outcome).into());
    };
    let loop_mu: u64 = run.output.trim().parse().map_err(|_| {
        format!(
            "unexpected kernel output {:?} ({:?})",
            run.output, run.outcome
        )
    })?;
    let edges = sim.take_trace().edges.len();

    // Simulation speed: a kernel that waits four million cycles.
    let busy = compile(&mut compiler, BUSY)?;
    let kernel = standalone(store.load(&mut device, &busy)?);
    let t = Instant::now();
    let run = device.run(&kernel.run, |_| {})?;
    let busy_wall = t.elapsed().as_secs_f64();
    let Outcome::Finished {
        cycles: busy_cycles,
    } = run.outcome
    else {
        return Err(format!("{:?}", run.outcome).into());
    };

    println!(
        "simulated core device: VexRiscv rv32im + Strobe RTIO, {} MHz nominal",
        info.clock_hz / 1_000_000
    );
    let loop_cycles = loop_mu / strobe_abi::rtio::MU_PER_COARSE_CYCLE as u64;
    println!("pulse loop, {ITERATIONS} x (ttl.pulse_mu(8000); delay_mu(8000)):");
    println!(
        "  CPU cycles per iteration          {:.1}  (ARTIQ soft-core bound: 60; target: <= 24)",
        loop_cycles as f64 / ITERATIONS as f64
    );
    println!(
        "  output edges recorded             {edges} (expected {})",
        2 * ITERATIONS
    );
    println!(
        "kernel upload ({} bytes)            {upload_ms:.1} ms host wall",
        empty.image.flat().1.len()
    );
    println!("empty kernel run (device)           {empty_cycles} cycles, {run_ms:.1} ms host wall round trip");
    println!("simulator boot + handshake          {boot_ms:.0} ms");
    println!(
        "pulse kernel run                    {cycles} cycles, {:.1} ms host wall",
        wall * 1e3
    );
    println!("simulation speed                    {:.2} M cycles/s ({busy_cycles} cycles in {busy_wall:.2} s)", busy_cycles as f64 / busy_wall / 1e6);
    Ok(())
}
