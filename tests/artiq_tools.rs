//! ARTIQ's command-line tools under Strobe's module names, on a device several processes share, as
//! ARTIQ's test_compile uses them: `strobe sim` serves a simulated core device; a device database
//! names it as the core's `host`; `artiq_compile` writes the experiment's kernel image and
//! `artiq_run` runs that image there; its `core_log(...)` line lands in the device's log, which
//! another process reads (`strobe log --device`). And the images `strobe run` refuses: one that is
//! not a core device kernel, one compiled for another firmware.

mod support;

use std::process::Command;
use support::*;

const EXPERIMENT: &str = "from strobe import *


class CheckLog(EnvExperiment):
    def build(self):
        self.setattr_device(\"core\")

    @kernel
    def run(self):
        core_log(\"test_artiq_compile\", 42)
        print(\"printed by the compiled kernel\")
";

fn python_module(module: &str) -> Command {
    let mut c = Command::new(venv_python());
    c.args(["-m", module]);
    c
}

#[test]
fn artiq_compile_then_artiq_run_on_a_served_simulator() {
    sim_build();
    let mut sim = Running::start({
        let mut c = strobe();
        c.arg("sim");
        c
    });
    sim.wait_for("tcp:127.0.0.1:");
    let address = sim
        .seen
        .iter()
        .find(|l| l.starts_with("tcp:"))
        .unwrap()
        .clone();
    let dir = std::env::temp_dir().join(format!("strobe-artiq-tools-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("device_db.py");
    std::fs::write(
        &db,
        format!(
            "from strobe.devices import SIM_DEVICE_DB\n\ndevice_db = dict(SIM_DEVICE_DB)\n\
             device_db[\"core\"] = {{\"type\": \"local\", \"module\": \"strobe.coredevice.core\", \
             \"class\": \"Core\", \"arguments\": {{\"host\": \"{address}\", \"ref_period\": 1e-9}}}}\n"
        ),
    )
    .unwrap();
    let experiment = dir.join("check_log.py");
    std::fs::write(&experiment, EXPERIMENT).unwrap();
    let elf = dir.join("check_log.elf");

    let compiled = run({
        let mut c = python_module("strobe.frontend.artiq_compile");
        c.arg("--device-db").arg(&db).args(["-c", "CheckLog", "-o"]);
        c.arg(&elf).arg(&experiment);
        c
    });
    assert!(compiled.status.success(), "{}", text(&compiled.stderr));
    let ran = run({
        let mut c = python_module("strobe.frontend.artiq_run");
        c.arg("--device-db").arg(&db).arg(&elf);
        c
    });
    assert!(ran.status.success(), "{}", text(&ran.stderr));
    assert_eq!(text(&ran.stdout), "printed by the compiled kernel\n");
    let log = run({
        let mut c = strobe();
        c.args(["log", "--device", &address]);
        c
    });
    assert!(
        text(&log.stdout).contains("test_artiq_compile 42\n"),
        "{}{}",
        text(&log.stdout),
        text(&log.stderr)
    );

    // An image for another firmware: its stamp differs.
    let mut bytes = std::fs::read(&elf).unwrap();
    let stamp = {
        use object::{Object, ObjectSymbol};
        let file = object::File::parse(&*bytes).unwrap();
        let symbol = file
            .symbols()
            .find(|s| s.name() == Ok("__strobe_firmware_id"))
            .expect("the image carries its firmware stamp");
        let address = symbol.address();
        let (offset, _) = file
            .segments()
            .find_map(|s| {
                use object::ObjectSegment;
                let (start, size) = s.file_range();
                (address >= s.address() && address < s.address() + size)
                    .then(|| (start + address - s.address(), size))
            })
            .unwrap();
        offset as usize
    };
    bytes[stamp] ^= 1;
    let other = dir.join("other_firmware.elf");
    std::fs::write(&other, &bytes).unwrap();
    // `strobe run` refuses `elf` with exit 2 and `why` in its message.
    let refused = |elf: &std::path::Path, why: &str| {
        let r = run({
            let mut c = strobe();
            c.arg("run").arg(elf).args(["--device", &address]);
            c
        });
        assert_eq!(r.status.code(), Some(2));
        assert!(text(&r.stderr).contains(why), "{}", text(&r.stderr));
    };
    refused(&other, "was compiled for another core device firmware");
    // A standalone program's image (for qemu) is not a core device kernel.
    let program = dir.join("program.py");
    std::fs::write(&program, "def main():\n    print(1)\n").unwrap();
    let program_elf = dir.join("program.elf");
    let made = run({
        let mut c = strobe();
        c.arg("compile").arg(&program).arg("-o").arg(&program_elf);
        c
    });
    assert!(made.status.success(), "{}", text(&made.stderr));
    refused(&program_elf, "is not a core device kernel");
    sim.signal("INT");
    let (code, _, _) = sim.finish();
    assert_eq!(code, Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}
