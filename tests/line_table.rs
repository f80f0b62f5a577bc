//! Debug line info: every code address of a kernel maps back to file:line (what turns a faulting pc
//! reported by the device into a source location).

use strobe_driver::Compiler;
use strobe_syntax::SourceFile;

const PROGRAM: &str = "def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def scale(xs, k):
    out = []
    for x in xs:
        out.append(x * k)
    return out


def main():
    print(fib(10))
    print(scale([1, 2], 3))
";

#[test]
fn code_addresses_map_to_source_lines() {
    let out = Compiler::new(None)
        .compile(&SourceFile::new("kernel.py", PROGRAM))
        .expect("compiles");
    let image = &out.image;
    let fib = image
        .symbols
        .iter()
        .find(|(name, _)| name.starts_with("_strobe_sig_"))
        .map(|(_, a)| *a)
        .expect("fib symbol");
    let row = image
        .source_line(fib)
        .expect("fib's first instruction has a line");
    assert_eq!((row.file.as_str(), row.line), ("kernel.py", 1));
    // Every kernel instruction is attributed to a line of this file.
    let last_line = PROGRAM.lines().count() as u32;
    assert!(!image.lines.is_empty());
    for r in image.lines.iter().filter(|r| !r.end) {
        assert_eq!(r.file, "kernel.py");
        assert!(r.line <= last_line, "row {r:?} is past the end of the file");
    }
    // The loop body of `scale` (inlined into main) is reachable by address.
    assert!(
        image.lines.iter().any(|r| r.line == 10),
        "no code attributed to `out.append(x * k)`"
    );
    let main_text = image.segments[0].address;
    assert!(
        image.source_line(main_text.wrapping_sub(4)).is_none(),
        "nothing below the image"
    );
}
