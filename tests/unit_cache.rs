//! Content-addressed compilation: an unchanged program does no LLVM work the second time (in the same
//! process, or in a new one through the disk cache); editing a fully annotated function recompiles only
//! its own link unit, because callers link to it by SignatureHash.

use strobe_cache::UnitCache;
use strobe_driver::Compiler;
use strobe_syntax::SourceFile;

const PROGRAM: &str = r#"
def gain(x: float) -> float:
    return x * 2.0

def offset(x: int) -> int:
    return x + 1

def helper(v):
    return v * 3

def main():
    print(gain(1.5), offset(2), helper(4))
"#;

fn cache_dir(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("strobe-cache-{}-{name}", std::process::id()))
}

#[test]
fn unchanged_program_does_no_llvm_work() {
    let dir = cache_dir("unchanged");
    let file = SourceFile::new("p.py", PROGRAM);
    let mut compiler = Compiler::new(Some(UnitCache::open(&dir).unwrap()));
    let first = compiler.compile(&file).unwrap();
    assert_eq!(
        first.units_compiled, 3,
        "main, gain and offset are link units"
    );
    assert_eq!(first.units_cached, 0);
    let second = compiler.compile(&file).unwrap();
    assert_eq!((second.units_compiled, second.units_cached), (0, 3));
    assert!(second.timings.llvm.is_zero() && second.timings.emit.is_zero());
    // A new process (new compiler) finds the units on disk.
    let third = Compiler::new(Some(UnitCache::open(&dir).unwrap()))
        .compile(&file)
        .unwrap();
    assert_eq!((third.units_compiled, third.units_cached), (0, 3));
    assert_eq!(
        first.image.to_elf(),
        third.image.to_elf(),
        "cached units link to the same image"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn editing_an_annotated_function_recompiles_only_its_unit() {
    let mut compiler = Compiler::new(None);
    compiler.compile(&SourceFile::new("p.py", PROGRAM)).unwrap();
    let edited = PROGRAM.replace("return x * 2.0", "return x * 4.0");
    let out = compiler.compile(&SourceFile::new("p.py", edited)).unwrap();
    assert_eq!(
        (out.units_compiled, out.units_cached),
        (1, 2),
        "only `gain` is recompiled; main links to it by signature"
    );
}

#[test]
fn editing_an_unannotated_helper_recompiles_its_callers_unit() {
    let mut compiler = Compiler::new(None);
    compiler.compile(&SourceFile::new("p.py", PROGRAM)).unwrap();
    let edited = PROGRAM.replace("return v * 3", "return v * 5");
    let out = compiler.compile(&SourceFile::new("p.py", edited)).unwrap();
    assert_eq!(
        (out.units_compiled, out.units_cached),
        (1, 2),
        "`helper` lives in main's unit"
    );
}

#[test]
fn changing_a_signature_recompiles_callers() {
    let mut compiler = Compiler::new(None);
    compiler.compile(&SourceFile::new("p.py", PROGRAM)).unwrap();
    let edited = PROGRAM.replace(
        "def offset(x: int) -> int:",
        "def offset(x: int, y: int = 0) -> int:",
    );
    let out = compiler.compile(&SourceFile::new("p.py", edited)).unwrap();
    assert_eq!(
        (out.units_compiled, out.units_cached),
        (2, 1),
        "offset and its caller main are recompiled"
    );
}

/// A function copied from the same place of the same file into two differently composed programs
/// (two kernels of one experiment) is one link unit: the second program does not compile it again.
#[test]
fn a_function_copied_elsewhere_in_another_program_is_not_compiled_again() {
    const GAIN: &str = "def gain(x: float) -> float:\n    return x * 2.0\n";
    let composed = |extra: &str, main: &str| {
        let text = format!("{extra}{GAIN}def main():\n    {main}\n");
        let before = extra.lines().count() as u32;
        let mut map = strobe_syntax::SourceMap::default();
        map.add(before + 1, 2, "lib.py", 10);
        SourceFile::composed("<composed>", text, map)
    };
    let mut compiler = Compiler::new(None);
    let first = compiler.compile(&composed("", "print(gain(1.0))")).unwrap();
    assert_eq!(first.units_compiled, 2);
    let second = compiler
        .compile(&composed(
            "def other() -> int:\n    return 4\n",
            "print(gain(2.0), other())",
        ))
        .unwrap();
    assert_eq!(
        (second.units_compiled, second.units_cached),
        (2, 1),
        "main and other are new; gain, two lines further down, is the same unit"
    );
    // Its debug lines name where it came from.
    let gain = second
        .image
        .lines
        .iter()
        .find(|r| r.file == "lib.py")
        .expect("gain's lines");
    assert!(gain.line == 10 || gain.line == 11, "{gain:?}");
}

/// A source compiled recently comes back whole: no stage runs again, and the image is the same.
#[test]
fn a_recently_compiled_source_is_not_compiled_again() {
    let mut compiler = Compiler::new(None);
    let file = SourceFile::new("p.py", PROGRAM);
    let first = compiler.compile(&file).unwrap();
    assert!(!first.reused);
    let again = compiler.compile(&file).unwrap();
    assert!(again.reused);
    assert_eq!((again.units_compiled, again.units_cached), (0, 3));
    assert_eq!(first.image.to_elf(), again.image.to_elf());
    // Other programs in between: it is still kept while it is among the last eight.
    let other =
        |i: usize| SourceFile::new("p.py", PROGRAM.replace("v * 3", &format!("v * {}", i + 10)));
    for i in 0..7 {
        assert!(!compiler.compile(&other(i)).unwrap().reused);
    }
    assert!(compiler.compile(&file).unwrap().reused);
    for i in 0..8 {
        compiler.compile(&other(i)).unwrap();
    }
    let evicted = compiler.compile(&file).unwrap();
    assert!(!evicted.reused, "the ninth program back is compiled again");
    assert_eq!(
        (evicted.units_compiled, evicted.units_cached),
        (0, 3),
        "from its cached units"
    );
    // The same text under another name, or with another map of where its lines came from, is
    // another program (its tracebacks name other files).
    assert!(
        !compiler
            .compile(&SourceFile::new("q.py", PROGRAM))
            .unwrap()
            .reused
    );
    let mut map = strobe_syntax::SourceMap::default();
    map.add(1, 5, "lib.py", 40);
    let mapped = SourceFile::composed("p.py", PROGRAM.to_string(), map);
    let out = compiler.compile(&mapped).unwrap();
    assert!(!out.reused);
    assert!(out.image.lines.iter().any(|r| r.file == "lib.py"));
}
