//! The kernel subset the syntax stage accepts and what it refuses, by name.
use super::*;

fn errors(src: &str) -> Vec<String> {
    errors_with(src, crate::ParseOptions::default())
}

fn errors_with(src: &str, options: crate::ParseOptions) -> Vec<String> {
    match parse_module(&SourceFile::new("t.py", src), options) {
        Ok(_) => vec![],
        Err(d) => d.into_iter().map(|d| d.message).collect(),
    }
}

#[test]
fn accepts_the_subset() {
    let src = "import x\nN = 3\nclass C:\n    def __init__(self):\n        self.a = 1\ndef main():\n    for i in range(N):\n        print(f'{i}!')\nif __name__ == '__main__':\n    main()\n";
    let m = parse_module(&SourceFile::new("t.py", src), Default::default()).unwrap();
    assert_eq!(m.functions.len(), 1);
    assert_eq!(m.classes.len(), 1);
    assert_eq!(m.constants.len(), 1);
    assert!(m.main_call.is_some());
}

#[test]
fn rejects_unsupported_constructs_by_name() {
    assert_eq!(
        errors("def f():\n    yield 1\n"),
        vec!["`yield` is not supported in kernels"]
    );
    assert_eq!(
        errors("class C:\n    f = lambda: 1\n"),
        vec!["`lambda` is only supported inside functions and statements in kernels"]
    );
    assert_eq!(
        errors("def f():\n    x = {}\n"),
        vec!["dictionaries are not supported in kernels"]
    );
    assert_eq!(
        errors_with("print(1)\n", crate::ParseOptions { host_calls: true }),
        vec!["only functions, classes, constants and imports are supported at module level in kernel programs"]
    );
    assert!(errors("def f(:\n")[0].starts_with("syntax error"));
}

#[test]
fn host_functions_only_in_composed_programs() {
    let src = "@rpc(service=3, flags={\"async\"})\ndef log(x):\n    print(x)\n";
    assert_eq!(
        errors(src),
        vec!["this decorator is not supported in kernels"]
    );
    let host = crate::ParseOptions { host_calls: true };
    let m = parse_module(&SourceFile::new("t.py", src), host).unwrap();
    let f = &m.functions[0];
    assert_eq!(
        f.rpc,
        Some(ast::RpcDecl {
            service: 3,
            is_async: true
        })
    );
    assert!(f.body.is_empty());
    assert_eq!(
        errors_with(
            "@rpc(flags={\"sync\"}, service=1)\ndef f():\n    pass\n",
            host
        ),
        vec!["the only RPC flag is \"async\""]
    );
    assert_eq!(
        errors_with("@rpc()\ndef f():\n    pass\n", host),
        vec!["`@rpc` needs `service=N`"]
    );
    assert_eq!(
        errors("class C:\n    kernel_invariants = {\"a\", 3}\n"),
        vec!["an attribute name (a string) was expected"]
    );
}

#[test]
fn with_a_context_manager_is_the_calls_python_makes() {
    let src = "def f(m):\n    with m as v:\n        pass\n    with parallel:\n        pass\n";
    let module = parse_module(&SourceFile::new("t.py", src), Default::default()).unwrap();
    let body = &module.functions[0].body;
    // `if True:` around: hold the manager, enter (bound to `v`), then the block with a `finally`
    // that exits.
    let StmtKind::If { body: calls, .. } = &body[0].kind else {
        panic!(
            "expected the context manager's block, got {:?}",
            body[0].kind
        )
    };
    let method = |e: &ast::Expr| match &e.kind {
        ExprKind::Call { func, args, .. } => match &func.kind {
            ExprKind::Attribute { attr, .. } => (attr.name.clone(), args.len()),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    assert!(matches!(&calls[0].kind, StmtKind::Assign { .. }));
    let StmtKind::Assign { targets, value } = &calls[1].kind else {
        panic!("{:?}", calls[1].kind)
    };
    assert!(matches!(&targets[0].kind, ExprKind::Name(n) if n == "v"));
    assert_eq!(method(value), ("__enter__".to_string(), 0));
    let StmtKind::Try { finalbody, .. } = &calls[2].kind else {
        panic!("{:?}", calls[2].kind)
    };
    let StmtKind::Expr(exit) = &finalbody[0].kind else {
        panic!("{:?}", finalbody[0].kind)
    };
    assert_eq!(method(exit), ("__exit__".to_string(), 3));
    // The timeline blocks stay themselves.
    assert!(matches!(&body[1].kind, StmtKind::With { .. }));
    assert_eq!(
        errors("def f():\n    with parallel as p:\n        pass\n"),
        vec!["`with parallel as` is not supported in kernels"]
    );
}

#[test]
fn a_module_with_statements_is_a_script() {
    let src = "import math\nclass C:\n    pass\nx = 1\ndef f():\n    return x\nassert f() == 1\nif __name__ == '__main__':\n    print(x)\n";
    let m = parse_module(&SourceFile::new("t.py", src), Default::default()).unwrap();
    assert_eq!(m.entry, ast::SCRIPT_ENTRY);
    // The script's function is nested in the entry, so it sees `x`; the class stays at top level.
    assert_eq!(m.functions.len(), 1);
    assert_eq!(m.functions[0].name.name, ast::SCRIPT_ENTRY);
    assert_eq!(m.functions[0].body.len(), 4);
    assert!(matches!(
        m.functions[0].body[1].kind,
        StmtKind::FunctionDef(_)
    ));
    assert_eq!(m.classes.len(), 1);
    assert!(m.constants.is_empty());
    assert_eq!(m.imports.len(), 1);
    // Declarations and the main guard alone: a library entered at `main()`.
    let lib = parse_module(
        &SourceFile::new(
            "t.py",
            "N = 2\ndef main():\n    pass\nif __name__ == '__main__':\n    main()\n",
        ),
        Default::default(),
    )
    .unwrap();
    assert_eq!(lib.entry, ast::MAIN_ENTRY);
    assert_eq!(lib.constants.len(), 1);
}
