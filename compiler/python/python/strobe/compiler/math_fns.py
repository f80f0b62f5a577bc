"""ARTIQ's ``artiq.compiler.math_fns`` lists, as ARTIQ's tests read them: the numpy and
``scipy.special`` functions kernels have, as ``(name, C function)`` pairs, from the compiler's own
table (``strobe_types::LibmFn``)."""


def _functions(arity, scipy):
    from .._native import libm_functions

    return [(name, symbol) for name, symbol, n, special in libm_functions()
            if n == arity and special == scipy]


#: numpy's one-argument float functions (ARTIQ splits them into LLVM intrinsics and runtime calls;
#: here they are all C library calls, listed once).
unary_fp_intrinsics = _functions(1, False)
unary_fp_runtime_calls = []
scipy_special_unary_runtime_calls = _functions(1, True)
binary_fp_runtime_calls = _functions(2, False)
