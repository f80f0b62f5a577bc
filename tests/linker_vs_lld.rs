//! Our linker against `ld.lld-19`:
//! - bytes: an assembly object using every relocation kind we implement, linked at the same address by
//!   both, yields the same `.text` bytes;
//! - behaviour: compiled kernel programs linked by lld (objects + runtime archive) and by us print the
//!   same output under qemu-riscv32.

use object::{Object, ObjectSection};
use std::path::{Path, PathBuf};
use std::process::Command;
use strobe_driver::{Compiler, KERNEL_RUNTIME};
use strobe_link::{link, InputObject, LinkConfig};
use strobe_syntax::SourceFile;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("strobe-lld-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn tool(name: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run {name} (install llvm-19 and lld-19: cargo xtask setup): {e}")
    });
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text_section(elf: &[u8]) -> (u64, Vec<u8>) {
    let file = object::File::parse(elf).expect("ELF");
    let text = file.section_by_name(".text").expect(".text");
    (text.address(), text.data().expect("data").to_vec())
}

const ASSEMBLY: &str = r#"
    .option norelax
    .text
    .globl _start
_start:
    lui   a0, %hi(table)
    addi  a0, a0, %lo(table)
    lw    a1, %lo(table)(a0)
    sw    a1, %lo(table+4)(a0)
1:  auipc a2, %pcrel_hi(table)
    addi  a2, a2, %pcrel_lo(1b)
2:  auipc a3, %pcrel_hi(table)
    sw    a1, %pcrel_lo(2b)(a3)
    call  helper
    beq   a0, a1, helper
    jal   zero, helper
helper:
    ret
    .p2align 2
table:
    .word helper
    .word table + 8
"#;

#[test]
fn same_bytes_as_lld_for_every_relocation_kind() {
    let dir = scratch("bytes");
    let (src, obj, lld) = (dir.join("r.s"), dir.join("r.o"), dir.join("lld.elf"));
    std::fs::write(&src, ASSEMBLY).expect("write");
    tool(
        "llvm-mc-19",
        &[
            "-triple=riscv32",
            "-mattr=+m,-relax,-c",
            "-filetype=obj",
            src.to_str().unwrap(),
            "-o",
            obj.to_str().unwrap(),
        ],
    );
    tool(
        "ld.lld-19",
        &[
            "-Ttext=0x10000",
            "-e",
            "_start",
            obj.to_str().unwrap(),
            "-o",
            lld.to_str().unwrap(),
        ],
    );
    let ours = link(
        &[InputObject {
            name: "r.o".into(),
            bytes: std::fs::read(&obj).expect("object"),
        }],
        &[],
        &LinkConfig::linux_user("_start"),
    )
    .expect("our link");
    let (lld_addr, lld_text) = text_section(&std::fs::read(&lld).expect("lld output"));
    let (our_addr, our_text) = text_section(&ours.to_elf());
    assert_eq!(lld_addr, our_addr, "both place .text at 0x10000");
    assert_eq!(lld_text, our_text, "relocated .text differs from ld.lld-19");
    std::fs::remove_dir_all(dir).ok();
}

fn run_qemu(elf: &Path) -> String {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(elf, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = Command::new("qemu-riscv32")
        .arg(elf)
        .output()
        .expect("qemu-riscv32");
    format!(
        "exit {:?}\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn same_behaviour_as_lld_on_kernel_programs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance");
    let dir = scratch("behaviour");
    let runtime = dir.join("libstrobe_kernel_rt.a");
    std::fs::write(&runtime, KERNEL_RUNTIME).expect("runtime");
    for program in [
        "recursion.py",
        "exceptions_propagate.py",
        "float_repr.py",
        "classes_methods.py",
        "uncaught_user_exception.py",
    ] {
        let file = SourceFile::new(
            program,
            std::fs::read_to_string(root.join(program)).expect("program"),
        );
        let out = Compiler::new(None).compile(&file).expect("compiles");
        let mut args: Vec<String> = vec![
            "-e".into(),
            "_start".into(),
            "-o".into(),
            dir.join("lld.elf").display().to_string(),
        ];
        for (i, o) in out.objects.iter().enumerate() {
            let path = dir.join(format!("unit{i}.o"));
            std::fs::write(&path, &o.bytes).expect("object");
            args.push(path.display().to_string());
        }
        args.push(runtime.display().to_string());
        tool(
            "ld.lld-19",
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let ours = dir.join("ours.elf");
        std::fs::write(&ours, out.image.to_elf()).expect("image");
        assert_eq!(
            run_qemu(&dir.join("lld.elf")),
            run_qemu(&ours),
            "{program}: lld-linked and our image behave differently"
        );
    }
    std::fs::remove_dir_all(dir).ok();
}
