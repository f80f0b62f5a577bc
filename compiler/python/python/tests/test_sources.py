"""Kernel sources as the embedding reads them: the same lines Python's `inspect` finds, without
tokenizing the file, and read again when the file changes."""

import inspect
import os
import tempfile
import unittest

from strobe import kernel
from strobe.embed import EmbeddingError
from strobe.sources import Source, source_of, where


def decorated_twice(f):
    return f


@kernel
@decorated_twice
def with_decorators(x):
    # a comment inside
    y = (x +
         1)
    return y

    # a comment after the last statement


def outer():
    def inner(a):
        return a * 2
    return inner


class Holder:
    @kernel
    def method(self):
        if True:
            pass
        return 1

    async def coroutine(self):
        return 2


class SourcesTest(unittest.TestCase):
    def assert_same_as_inspect(self, function):
        lines, first = inspect.getsourcelines(function)
        source = Source(function)
        self.assertEqual(source.first_line, first)
        expected = [line.rstrip("\n") for line in lines]
        # Decorator lines are blanked (their numbers kept); comments after the last statement,
        # which `inspect` keeps, are left out.
        self.assertLessEqual(len(source.lines), len(expected))
        for ours, theirs in zip(source.lines, expected):
            self.assertIn(ours, ("", theirs))
        for extra in expected[len(source.lines):]:
            self.assertIn(extra.strip()[:1], ("", "#"))

    def test_lines_match_inspect(self):
        for function in (with_decorators, outer, outer(), Holder.method, Holder.coroutine, Holder().method):
            with self.subTest(function=function.__qualname__):
                self.assert_same_as_inspect(function)

    def test_source_is_built_once_per_function(self):
        self.assertIs(source_of(Holder.method), source_of(Holder().method))
        self.assertIsNot(source_of(outer()), source_of(outer()), "each def makes a new function")

    def test_where_names_file_and_line(self):
        lines, first = inspect.getsourcelines(with_decorators)
        expected = first + next(i for i, line in enumerate(lines) if "y = (x +" in line)
        body = source_of(with_decorators).node.body[0]
        self.assertEqual(where(with_decorators, body), f"{__file__}:{expected}")
        self.assertEqual(where(with_decorators), f"{__file__}:{first}")

    def test_source_registered_with_linecache_is_found(self):
        # Text Python never read from a file (as `strobe.language` registers generated code).
        import linecache

        text = "import strobe\n\n\ndef made(x):\n    y = x + 1\n    return y\n"
        name = "<strobe-test-generated>"
        linecache.cache[name] = (len(text), None, text.splitlines(True), name)
        namespace = {}
        exec(compile(text, name, "exec"), namespace)
        made = namespace["made"]
        self.assertEqual(source_of(made).first_line, 4)
        self.assertEqual(where(made, source_of(made).node.body[0]), f"{name}:5")

    def test_a_function_without_a_file_is_a_clear_error(self):
        namespace = {}
        exec("def made(x):\n    return x\n", namespace)
        with self.assertRaisesRegex(EmbeddingError, "the source of kernel `made` is not available"):
            source_of(namespace["made"])

    def test_an_edited_file_is_read_again(self):
        with tempfile.TemporaryDirectory() as scratch:
            path = os.path.join(scratch, "edited.py")
            for body in ("return 1", "x = 2\n    return x"):
                with open(path, "w") as f:
                    f.write(f"\n\ndef f():\n    {body}\n")
                # A file rewritten within the same second and size would look unchanged to
                # `linecache`; the size differs here, as it does after most edits.
                namespace = {"__file__": path}
                exec(compile(open(path).read(), path, "exec"), namespace)
                self.assertEqual(source_of(namespace["f"]).lines[-1].strip(), body.split("\n")[-1].strip())


if __name__ == "__main__":
    unittest.main()
