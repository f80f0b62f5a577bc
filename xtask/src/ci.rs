//! `cargo xtask ci`: what every submission must pass, from a clean clone. Ends with one summary line,
//! `ci: N passed, M failed`, over every test binary it ran.

use crate::{cargo, install, root};
use anyhow::Result;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Runs a `cargo test` command, echoing its output, and adds up its `test result:` lines.
fn tests(cmd: &mut Command, totals: &mut (u64, u64)) -> Result<()> {
    eprintln!("xtask: {cmd:?}");
    let mut child = cmd.current_dir(root()).stdout(Stdio::piped()).spawn()?;
    let stdout = child.stdout.take().expect("piped");
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        if let Some(rest) = line.strip_prefix("test result: ") {
            let number = |word: &str| -> u64 {
                rest.split(';')
                    .find_map(|part| {
                        part.trim()
                            .strip_suffix(word)
                            .and_then(|n| n.split_whitespace().last()?.parse().ok())
                    })
                    .unwrap_or(0)
            };
            totals.0 += number(" passed");
            totals.1 += number(" failed");
        }
    }
    let status = child.wait()?;
    anyhow::ensure!(
        status.success(),
        "{:?} failed ({status})",
        cmd.get_program()
    );
    Ok(())
}

pub fn ci() -> Result<()> {
    // The README's first command: the wheel, installed into the venv the tests run `strobe` from.
    install::install()?;
    let mut totals = (0, 0);
    let result = tests(cargo().args(["test", "--workspace"]), &mut totals).and_then(|()| {
        // The kernel runtime's, protocol's and device session's host-side unit tests.
        tests(
            cargo().args(["test", "--manifest-path", "runtime-firmware/Cargo.toml"]),
            &mut totals,
        )
    });
    println!("ci: {} passed, {} failed", totals.0, totals.1);
    result
}
