//! A large link unit is compiled as several objects in parallel (`strobe_codegen::split_unit`):
//! the program behaves exactly as CPython runs it, exceptions cross the parts with their
//! tracebacks, every part's code maps back to its lines, and the parts come back from the cache.

use std::fmt::Write as _;
use std::process::Command;
use strobe_cache::UnitCache;
use strobe_driver::{CompileOutput, Compiler};
use strobe_syntax::SourceFile;

/// `main` calls twelve helpers of ~80 expressions each (every one large enough to move to another
/// part) that share a small helper and call the previous one; one of them raises.
fn program() -> String {
    let mut s = String::from("def small(v):\n    return v % 7 + 1\n\n");
    for i in 0..12 {
        let _ = write!(
            s,
            "def f{i}(n, scale):
    xs = []
    k = 0
    while k < n:
        xs.append((k * {m} + {i}) % 89 * scale)
        k += 1
    s = 0.0
    odd = 0
    for j in range(len(xs)):
        if j % 2 == 0:
            s += xs[j] * small(j)
        else:
            s -= xs[j] / (2.0 + scale)
            odd += 1
    peak = 0.0
    for x in xs:
        peak = peak if peak > x else x
    if n == 99:
        raise ValueError(\"helper {i} refuses 99\")
    while odd > 0 and s < 1000.0:
        s = s * 1.5 + peak - odd
        odd -= 1
    return s + small(odd) + len(xs) * 0.25 + {previous}

",
            m = i % 13 + 1,
            // Moved helpers call each other, across parts.
            previous = match i {
                0 => "0.0".to_string(),
                _ => format!("f{}(1, scale)", i - 1),
            }
        );
    }
    s.push_str("def main():\n    grand = 0.0\n");
    for i in 0..12 {
        let _ = writeln!(s, "    grand += f{i}({}, {}.5)", i % 5 + 2, i % 3);
    }
    s.push_str("    print(grand)\n    try:\n        f7(99, 1.0)\n    except ValueError as e:\n        print(\"caught:\", e)\n    f3(99, 1.0)\n");
    s
}

fn run(mut command: Command) -> (String, Option<i32>) {
    let out = command.output().expect("the program starts");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code(),
    )
}

fn run_under_qemu(out: &CompileOutput, scratch: &std::path::Path) -> (String, String) {
    let elf = scratch.join("parts.elf");
    std::fs::write(&elf, out.image.to_elf()).unwrap();
    // qemu-user runs only executable files.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&elf, std::fs::Permissions::from_mode(0o755)).unwrap();
    let result = Command::new("qemu-riscv32")
        .arg(&elf)
        .output()
        .expect("qemu-riscv32 runs");
    (
        String::from_utf8_lossy(&result.stdout).into_owned(),
        String::from_utf8_lossy(&result.stderr).into_owned(),
    )
}

#[test]
fn a_large_unit_is_split_and_behaves_as_one() {
    let scratch = std::env::temp_dir().join(format!("strobe-parts-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let source = program();
    let file = SourceFile::new("kernel.py", source.as_str());
    let disk = scratch.join("cache");
    let out = Compiler::new(Some(UnitCache::open(&disk).unwrap()))
        .compile(&file)
        .unwrap_or_else(|e| panic!("{}", e.render()));
    assert_eq!(
        out.units_compiled, 1,
        "one unit: the helpers are private to main"
    );
    assert!(
        out.objects.len() >= 2,
        "a unit this large is compiled as several objects"
    );
    let names: Vec<&str> = out.objects.iter().map(|o| o.name.as_str()).collect();
    assert!(names[1..]
        .iter()
        .all(|n| n.starts_with(names[0]) && n.contains(".part")));

    // The same output and exit status as CPython, which ends with the uncaught ValueError.
    let (ours, stderr) = run_under_qemu(&out, &scratch);
    let script = scratch.join("kernel.py");
    std::fs::write(&script, format!("{source}\nmain()\n")).unwrap();
    let mut python = Command::new("python3");
    python.arg(&script);
    let (theirs, code) = run(python);
    assert_eq!(ours, theirs, "stderr: {stderr}");
    assert_eq!(code, Some(1));
    // The traceback names the raising helper's line (in another part) and main's call to it.
    let lines: Vec<&str> = source.lines().collect();
    let f3 = lines.iter().position(|l| l.starts_with("def f3(")).unwrap();
    let raise_line = f3
        + lines[f3..]
            .iter()
            .position(|l| l.contains("raise ValueError"))
            .unwrap()
        + 1;
    let call_line = lines.iter().position(|l| *l == "    f3(99, 1.0)").unwrap() + 1;
    assert!(stderr.contains("helper 3 refuses 99"), "{stderr}");
    for frame in [
        format!("File \"kernel.py\", line {call_line}, in main"),
        format!("File \"kernel.py\", line {raise_line}, in f3"),
    ] {
        assert!(stderr.contains(&frame), "no `{frame}` in:\n{stderr}");
    }

    // Every part's code maps back to this file's lines; each helper's code to its own lines.
    for helper in ["f0", "f11"] {
        let def = source
            .lines()
            .position(|l| l.starts_with(&format!("def {helper}(")))
            .unwrap() as u32
            + 1;
        let address = out
            .image
            .symbols
            .iter()
            .find(|(name, _)| name.starts_with(&format!("_strobe_{helper}_")))
            .map(|(_, a)| *a)
            .unwrap_or_else(|| panic!("{helper} is a symbol of its part"));
        let row = out.image.source_line(address).expect("a line");
        assert_eq!(row.file, "kernel.py");
        assert!((def..def + 25).contains(&row.line), "{helper}: {row:?}");
    }

    // A new compiler gets all the parts from the disk cache, and links the same image.
    let again = Compiler::new(Some(UnitCache::open(&disk).unwrap()))
        .compile(&file)
        .unwrap();
    assert_eq!((again.units_compiled, again.units_cached), (0, 1));
    assert_eq!(again.objects.len(), out.objects.len());
    assert_eq!(again.image.to_elf(), out.image.to_elf());
    std::fs::remove_dir_all(&scratch).ok();
}

/// A small unit is one object, as before splitting existed.
#[test]
fn a_small_unit_is_one_object() {
    let out = Compiler::new(None)
        .compile(&SourceFile::new(
            "k.py",
            "def g(x):\n    return x * 2\n\ndef main():\n    print(g(3))\n",
        ))
        .unwrap();
    assert_eq!(out.objects.len(), 1);
}
