"""How the host calls a host function with the values a kernel sent (keyword-only parameters,
`*args`, `**kwargs`), signatures as stub parameters, and kernel_from_string."""

import unittest

from strobe.composition import Service
from strobe.language import kernel_from_string
from strobe.signatures import signature


def plain(a, b=2):
    return (a, b)


def flags(key, value, *, broadcast=False, unit=None):
    return (key, value, broadcast, unit)


def varargs(first, *rest, scale=1, **options):
    return (first, rest, scale, options)


class ServiceCallTest(unittest.TestCase):
    def call(self, function, args):
        return Service("f", function, False).call(function, list(args))

    def test_positional_parameters_in_order(self):
        self.assertEqual(self.call(plain, [1, 5]), (1, 5))

    def test_keyword_only_parameters_by_name(self):
        self.assertEqual(self.call(flags, ["k", 3, True, "V"]), ("k", 3, True, "V"))

    def test_extra_positional_and_keyword_arguments(self):
        # first, scale, the two extras, then two keyword values and their names.
        args = [1, 4, 7, 8, 1.5, "x", "offset,note"]
        self.assertEqual(self.call(varargs, args), (1, (7, 8), 4, {"offset": 1.5, "note": "x"}))
        self.assertEqual(self.call(varargs, [1, 1, ""]), (1, (), 1, {}))


class SignatureTest(unittest.TestCase):
    def test_host_signatures_keep_keyword_only_and_variadic_parameters(self):
        params, _ = signature(varargs, "here", skip_self=False, host=True)
        self.assertEqual(params, ["first", "*rest", "scale=1", "**options"])
        params, _ = signature(flags, "here", skip_self=False, host=True)
        self.assertEqual(params, ["key", "value", "*", "broadcast=False", "unit=None"])

    def test_kernel_signatures_refuse_them(self):
        with self.assertRaisesRegex(Exception, "keyword-only"):
            signature(flags, "here", skip_self=False)


class KernelFromStringTest(unittest.TestCase):
    def test_a_function_from_text_runs_on_the_host_and_has_its_source(self):
        import inspect

        f = kernel_from_string(["a", ("b", "TInt32")], "c = a + b\nreturn c * 2")
        self.assertEqual(f.__wrapped__(1, 2), 6)
        source = inspect.getsource(f.__wrapped__)
        self.assertIn("def kernel_from_string_fn_", source)
        self.assertIn("b: TInt32", source)
        g = kernel_from_string(["x"], "return x")
        self.assertNotEqual(f.__wrapped__.__name__, g.__wrapped__.__name__)

    def test_bad_text_is_a_syntax_error(self):
        with self.assertRaises(SyntaxError):
            kernel_from_string(["a"], "return (")


if __name__ == "__main__":
    unittest.main()
