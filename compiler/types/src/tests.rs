//! Inference on small programs: instances, defaults, annotations, class layouts, and where errors point.

use crate::{check_program, Ty, TypedProgram};
use strobe_syntax::{parse, SourceFile};

fn check(src: &str, f: impl FnOnce(&TypedProgram<'_>)) {
    let file = SourceFile::new("t.py", src);
    let module = parse(&file).expect("parses");
    let program = check_program(
        &module,
        crate::CheckOptions {
            device: true,
            host_calls: false,
        },
    )
    .unwrap_or_else(|d| panic!("{}", strobe_syntax::render_diagnostics(&file, &d)));
    f(&program);
}

fn errors(src: &str) -> Vec<String> {
    let file = SourceFile::new("t.py", src);
    let module = parse(&file).expect("parses");
    match check_program(
        &module,
        crate::CheckOptions {
            device: true,
            host_calls: false,
        },
    ) {
        Ok(_) => vec![],
        Err(d) => d.iter().map(|d| d.message.clone()).collect(),
    }
}

/// The argument types of every instance of `name`.
fn instances(p: &TypedProgram<'_>, name: &str) -> Vec<Vec<Ty>> {
    let mut out: Vec<Vec<Ty>> = p
        .instances
        .iter()
        .filter(|i| p.def_name(i.def) == name)
        .map(|i| i.args.clone())
        .collect();
    out.sort_by_key(|a| format!("{a:?}"));
    out
}

fn local(p: &TypedProgram<'_>, function: &str, name: &str) -> Ty {
    let inst = p
        .instances
        .iter()
        .find(|i| p.def_name(i.def) == function)
        .expect("instance");
    inst.locals
        .iter()
        .find(|l| l.name == name)
        .expect("local")
        .ty
        .clone()
}

#[test]
fn polymorphic_functions_get_one_instance_per_argument_types() {
    check("def double(x):\n    return x + x\n\ndef main():\n    double(2)\n    double(1.5)\n    double(3)\n", |p| {
        assert_eq!(instances(p, "double"), vec![vec![Ty::Float], vec![Ty::Int32]]);
    });
}

#[test]
fn integer_literals_default_to_int32_unless_told() {
    check(
        "def main():\n    a = 1\n    b: int64 = 1\n    c = int64(5) + 2\n    d = 2 * 1.5\n    e = 7 // 2\n",
        |p| {
            assert_eq!(local(p, "main", "a"), Ty::Int32);
            assert_eq!(local(p, "main", "b"), Ty::Int64);
            assert_eq!(local(p, "main", "c"), Ty::Int64);
            assert_eq!(local(p, "main", "d"), Ty::Float);
            assert_eq!(local(p, "main", "e"), Ty::Int32);
        },
    );
}

#[test]
fn annotated_functions_are_single_boundary_instances() {
    check(
        "def f(x: float) -> float:\n    return x\n\ndef main():\n    f(1.0)\n    f(2.0)\n",
        |p| {
            let fs: Vec<_> = p
                .instances
                .iter()
                .filter(|i| p.def_name(i.def) == "f")
                .collect();
            assert_eq!(fs.len(), 1);
            assert!(fs[0].boundary);
        },
    );
}

#[test]
fn class_layouts_come_from_init_and_uses() {
    check(
        "class C:\n    def __init__(self, n):\n        self.n = n\n        self.xs = []\n\ndef main():\n    c = C(3)\n    c.xs.append(1.5)\n",
        |p| {
            let c = p.classes.iter().find(|c| c.name == "C").expect("class");
            let fields: Vec<_> = c.fields.iter().map(|(n, t, _)| (n.as_str(), t.clone())).collect();
            assert_eq!(fields, vec![("n", Ty::Int32), ("xs", Ty::List(Box::new(Ty::Float)))]);
        },
    );
}

#[test]
fn recursion_and_mutual_recursion_resolve() {
    check("def f(n):\n    if n < 1:\n        return 0\n    return g(n - 1) + 1\n\ndef g(n):\n    return f(n)\n\ndef main():\n    f(5)\n", |p| {
        assert_eq!(instances(p, "f"), vec![vec![Ty::Int32]]);
        assert_eq!(instances(p, "g"), vec![vec![Ty::Int32]]);
    });
}

#[test]
fn errors_name_what_conflicts() {
    assert_eq!(
        errors("def main():\n    x = 1\n    x = 2.5\n"),
        ["type mismatch in the assignment to `x`: expected int32, found float"]
    );
    assert_eq!(
        errors("def main():\n    return y\n"),
        ["undefined name `y`"]
    );
    let mixing = errors("def main():\n    a = int64(1)\n    b = len([1])\n    c = a + b\n");
    assert_eq!(mixing.len(), 1);
    assert!(
        mixing[0].starts_with("cannot mix int32 and int64 in `+`"),
        "{mixing:?}"
    );
    assert_eq!(
        errors("def f(a):\n    return a\n\ndef main():\n    f()\n"),
        ["`f` takes 1 argument(s) but 0 were given (missing `a`)"]
    );
}

/// An attribute holding an integer literal (a quoted host value) takes the int64 a method stores
/// there later, even when a call passing the attribute (the writeback) is stuck before that method
/// is checked: attributes' literals default last. (ARTIQ's DMA recorder: `saved_now_mu`.)
#[test]
fn attribute_literals_default_after_the_methods_storing_there() {
    let src = "class Recorder:\n    def __init__(self):\n        self.saved = 0\n\n    def enter(self):\n        self.saved = int64(1) << int64(40)\n\nclass Holder:\n    def __init__(self, r):\n        self.r = r\n\n    def recorder(self):\n        return self.r\n\ndef report(v):\n    pass\n\ndef work(h, mode):\n    h.recorder().enter()\n\ndef main():\n    r = Recorder()\n    h = Holder(r)\n    work(h, 0)\n    report(r.saved)\n";
    assert_eq!(errors(src), Vec::<String>::new());
}

/// `core_log(...)` is typed as `print`: any values, `sep`/`end`, and a statement only.
#[test]
fn core_log_is_a_print_statement() {
    let ok = "def main():\n    core_log(\"a\", 1, [2.5], sep=\"-\", end=\"\")\n";
    assert_eq!(errors(ok), Vec::<String>::new());
    assert_eq!(
        errors("def main():\n    x = core_log(1)\n"),
        ["`core_log()` can only be used as a statement in kernels"]
    );
    assert_eq!(
        errors("def main():\n    core_log(1, file=2)\n"),
        ["`core_log()` has no keyword `file` in kernels"]
    );
}
