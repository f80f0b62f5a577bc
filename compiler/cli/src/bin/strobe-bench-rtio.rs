//! RTIO benchmark on the simulated core device (run it with `cargo xtask bench rtio`): CPU cycles per
//! `ttl.pulse_mu(n); delay_mu(n)` iteration, the sustained output rate to one and to eight channels
//! (the shortest pulse period without an underflow, as ARTIQ's pulse-rate test), DMA playback events
//! per RTIO cycle, input timestamps read per second, kernel upload and start latency, and simulation
//! speed. Cycle counts come from the RTIO counter (8 machine units of 1 ns per 125 MHz CPU cycle), so
//! they are exact.

use std::path::Path;
use std::time::Instant;
use strobe_cli::resident::StoreMirror;
use strobe_device::{Device, Outcome, SimDevice};
use strobe_driver::{CompileOutput, Compiler, Platform};
use strobe_syntax::SourceFile;

/// Few enough that the output FIFO (256 events per channel) never fills over both passes of the
/// pulse loop: it runs at CPU speed. The first pass fetches the loop's code cold; the figure is the
/// second's (ARTIQ's rates are for loops running warm), the first is shown beside it.
const ITERATIONS: u32 = 30;

const PULSES: &str = "from strobe.coredevice.rtio import rtio_output


def pulse_mu(channel: int32, duration: int64):
    rtio_output(channel, 1)
    delay_mu(duration)
    rtio_output(channel, 0)


def main():
    cold = int64(0)
    warm = int64(0)
    for run in range(2):
        t0 = rtio_get_counter()
        for i in range(ITERATIONS):
            pulse_mu(0, int64(8000))
            delay_mu(8000)
        t1 = rtio_get_counter()
        if run == 0:
            cold = t1 - t0
        else:
            warm = t1 - t0
    print(warm, cold)
";

/// Sustained output rate, as ARTIQ's pulse-rate test finds it: the shortest period at which 200
/// iterations of (every channel on, delay, every channel off, delay) run without an underflow,
/// for one channel and for eight; prints the two half-periods in machine units.
const SUSTAINED: &str = "from strobe.coredevice.rtio import rtio_output


def pulses(channels: int32, half: int64) -> bool:
    at_mu(rtio_get_counter() + int64(20000))
    try:
        for i in range(200):
            for channel in range(channels):
                rtio_output(channel, 1)
            delay_mu(half)
            for channel in range(channels):
                rtio_output(channel, 0)
            delay_mu(half)
    except RTIOUnderflow:
        return False
    return True


def shortest(channels: int32) -> int64:
    slow = int64(8)
    while not pulses(channels, slow):
        slow = slow * int64(2)
    fast = slow // int64(2)
    while slow - fast > int64(8):
        middle = (slow + fast) // int64(16) * int64(8)
        if pulses(channels, middle):
            slow = middle
        else:
            fast = middle
    return slow


def main():
    print(shortest(1), shortest(8))
";

/// DMA playback rate: two traces of 16 and 1920 events (eight channels, 240 events each: within
/// the FIFOs' depth; the longer trace, the less the call's polling blurs the rate)
/// played back (each once before, for the caches); prints the RTIO cycles each playback call took.
const DMA: &str = "from strobe.coredevice.rtio import rtio_output


def record(name: str, steps: int32):
    dma_record_start(name)
    saved = now_mu()
    at_mu(int64(0))  # a trace's timestamps are from its start (as core_dma records them)
    for step in range(steps):
        for channel in range(8):
            rtio_output(channel, 1)
        delay_mu(1000)
        for channel in range(8):
            rtio_output(channel, 0)
        delay_mu(1000)
    dma_record_stop(now_mu())
    at_mu(saved)


def play(name: str) -> int64:
    trace = dma_retrieve(name)
    while rtio_get_counter() < now_mu():  # the FIFOs empty again
        pass
    at_mu(rtio_get_counter() + int64(100000))
    t0 = rtio_get_counter()
    dma_playback(now_mu(), trace)
    t1 = rtio_get_counter()
    delay_mu(dma_duration(trace))
    return (t1 - t0) // 8


def main():
    record(\"small\", 1)
    record(\"big\", 120)
    play(\"small\")  # once to warm the caches
    play(\"big\")
    small = play(\"small\")
    big = play(\"big\")
    print(small, big)
";

/// Input timestamps read by the CPU: 30 rising edges on input 9 (its pin wired to output 0; within
/// the output and input FIFOs' depth), all past; prints the entries read and the RTIO cycles the
/// reading took.
const INPUTS: &str =
    "from strobe.coredevice.rtio import rtio_gate, rtio_input_timestamp, rtio_output


def main():
    at_mu(rtio_get_counter() + int64(100000))
    rtio_gate(9, 1)
    for i in range(30):
        rtio_output(0, 1)
        delay_mu(32)
        rtio_output(0, 0)
        delay_mu(32)
    end = now_mu()
    rtio_gate(9, 0)
    while rtio_get_counter() < end + int64(1000):
        pass
    t0 = rtio_get_counter()
    n = 0
    while rtio_input_timestamp(9, end) >= int64(0):
        n += 1
    t1 = rtio_get_counter()
    print(n, (t1 - t0) // 8)
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

/// `src` with its code moved: an extra function of `statements` statements, called once before
/// anything is measured. Where kernel code and the firmware's RTIO paths land in the CPU's
/// direct-mapped caches moves the RTIO figures, so they are measured at several placements.
fn placed(src: &str, statements: usize) -> String {
    let mut pad = String::from("def placement_pad(x: int32) -> int32:\n");
    for i in 0..statements {
        pad.push_str(&format!("    x = x * {} + 1\n", i + 3));
    }
    pad.push_str("    return x\n\n\ndef main():\n    placement_pad(1)\n");
    src.replacen("def main():\n", &pad, 1)
}

/// How many placements each placement-sensitive figure is measured at (0: the program as it is).
const PLACEMENTS: [usize; 4] = [0, 7, 19, 43];

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
    let pass_mu: Vec<u64> = run
        .output
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let [loop_mu, cold_loop_mu] = pass_mu[..] else {
        return Err(format!(
            "unexpected kernel output {:?} ({:?})",
            run.output, run.outcome
        )
        .into());
    };
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

    // Throughput: each program prints RTIO cycle counts; the pulse-rate search runs for seconds.
    device.set_timeout(std::time::Duration::from_secs(300))?;
    let mut figures = |src: &str| -> Result<Vec<u64>, Box<dyn std::error::Error>> {
        let out = compile(&mut compiler, src)?;
        let kernel = standalone(store.load(&mut device, &out)?);
        let run = device.run(&kernel.run, |_| {})?;
        let Outcome::Finished { .. } = run.outcome else {
            return Err(format!("{:?}: {}", run.outcome, run.output).into());
        };
        run.output
            .split_whitespace()
            .map(|w| {
                w.parse::<u64>()
                    .map_err(|_| format!("unexpected output {:?}", run.output).into())
            })
            .collect()
    };
    let sustained = figures(SUSTAINED)?;
    let dma = figures(DMA)?;
    let inputs = figures(INPUTS)?;
    if inputs.first() != Some(&30) {
        return Err(format!("the input kernel read {inputs:?} entries, not 30").into());
    }
    let pulse_source = PULSES.replace("ITERATIONS", &ITERATIONS.to_string());
    let mut spread =
        |src: &str, pick: fn(&[u64]) -> u64| -> Result<(u64, u64), Box<dyn std::error::Error>> {
            let mut seen = Vec::new();
            for statements in PLACEMENTS {
                seen.push(pick(&figures(&placed(src, statements))?));
            }
            Ok((
                *seen.iter().min().unwrap_or(&0),
                *seen.iter().max().unwrap_or(&0),
            ))
        };
    let loop_spread = spread(&pulse_source, |v| {
        v[0] / strobe_abi::rtio::MU_PER_COARSE_CYCLE as u64
    })?;
    let input_spread = spread(INPUTS, |v| v[1])?;
    let per_second =
        |events: u64, cycles: u64| events as f64 * info.clock_hz as f64 / cycles as f64;

    println!(
        "simulated core device: VexRiscv rv32im + Strobe RTIO, {} MHz nominal",
        info.clock_hz / 1_000_000
    );
    let per_iteration =
        |mu: u64| (mu / strobe_abi::rtio::MU_PER_COARSE_CYCLE as u64) as f64 / ITERATIONS as f64;
    println!("pulse loop, 2 passes of {ITERATIONS} x (ttl.pulse_mu(8000); delay_mu(8000)):");
    println!(
        "  CPU cycles per iteration          {:.1}  (ARTIQ soft-core bound: 60; target: <= 24)",
        per_iteration(loop_mu)
    );
    println!(
        "  in the first pass (code cold)     {:.1}",
        per_iteration(cold_loop_mu)
    );
    println!(
        "  at {} code placements             {:.1} to {:.1}",
        PLACEMENTS.len(),
        loop_spread.0 as f64 / ITERATIONS as f64,
        loop_spread.1 as f64 / ITERATIONS as f64
    );
    println!(
        "  output edges recorded             {edges} (expected {})",
        4 * ITERATIONS
    );
    for (channels, half) in [1, 8].into_iter().zip(&sustained) {
        println!(
            "sustained events, {channels} channel(s)      {:.2} M events/s (pulse period {} ns without underflow over 200 periods)",
            channels as f64 * 1e3 / *half as f64,
            2 * half
        );
    }
    println!(
        "DMA playback                        {:.2} events per RTIO cycle ({} cycles for 16 events, {} for 1920; {} cycles per call besides)",
        1904.0 / (dma[1] as f64 - dma[0] as f64),
        dma[0],
        dma[1],
        dma[0].saturating_sub(16)
    );
    println!(
        "input timestamps read               {:.2} M/s ({} entries in {} cycles; {} to {} at {} code placements)",
        per_second(inputs[0], inputs[1]) / 1e6,
        inputs[0],
        inputs[1],
        input_spread.0,
        input_spread.1,
        PLACEMENTS.len()
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
