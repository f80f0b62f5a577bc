"""The embedding stage without a device: what a kernel call composes, and what it refuses."""

import unittest

from strobe import EnvExperiment, TInt32, host_only, kernel, portable, rpc
from strobe.embed import SYNTHETIC, EmbeddingError, compose


def scale(x) -> TInt32:
    return 3 * x


@portable
def double(x):
    return 2 * x


class Leaf:
    def __init__(self, value):
        self.value = value


class Node:
    def __init__(self, value, child=None):
        self.value = value
        self.child = child

    @kernel
    def total(self):
        return self.value + self.child.value


class Exp(EnvExperiment):
    def build(self, **values):
        self.count = 3
        self.gains = [0.5, 1.5]
        self.label = "a"
        self.kernel_invariants = {"label"}
        for k, v in values.items():
            setattr(self, k, v)

    @rpc(flags={"async"})
    def log(self, x):
        pass

    @host_only
    def plot(self):
        pass

    @kernel
    def run(self):
        for i in range(self.count):
            self.log(double(scale(i)))
        self.gains[0] = 2.0
        print(self.label)

    @kernel
    def bad_value(self):
        print(self.table)

    @kernel
    def calls_host_only(self):
        self.plot()

    @kernel
    def reads_node(self):
        return self.node.total()


class ComposeTest(unittest.TestCase):
    def test_a_kernel_call_composes_one_program(self):
        c = compose(Exp.run, (Exp(),), {})
        self.assertIn("class Exp:", c.text)
        # Host data is quoted: a slot and an exemplar of its type in the text, the value beside it.
        self.assertIn("self.count = __strobe_quoted(0, 0)", c.text)
        self.assertIn("self.gains = __strobe_quoted(1, [0.0])", c.text)
        self.assertEqual(c.quoted[:2], [3, [0.5, 1.5]])
        self.assertIn("label = 'a'", c.text, "an invariant string is a class constant")
        self.assertIn("@rpc(service=2)\ndef scale(x) -> TInt32:", c.text)
        # A host method is declared in its kernel class; calls send the object's id.
        self.assertIn('    @rpc(service=3, flags={"async"})\n    def log(self, x):', c.text)
        self.assertEqual([s.name for s in c.services[2:]], ["scale", "Exp.log"])
        # Writeback carries the non-invariant data attributes.
        self.assertEqual(sorted(a for _, a in c.writeback), ["count", "gains"])
        # The copied kernel lines keep their file and line numbers.
        files = {run[2] for run in c.runs}
        self.assertEqual(files, {__file__})
        first_line = c.text.splitlines()[c.runs[0][0] - 1]
        self.assertTrue(first_line == "" or "def " in first_line)

    def test_nested_objects_are_built_before_their_holders(self):
        exp = Exp(node=Node(1, Leaf(2)))
        c = compose(Exp.reads_node, (exp,), {})
        main = c.text[c.text.index("def main():"):]
        order = [line.split("=")[0].strip() for line in main.splitlines()[1:4]]
        self.assertEqual(order, ["_o2", "_o1", "_o0"])

    def test_objects_found_later_get_the_fields_of_their_class(self):
        inner = Node(2, Leaf(3))
        c = compose(Exp.reads_node, (Exp(node=Node(1, inner)),), {})
        self.assertIn("self.value = __strobe_quoted(0, 0)", c.text)
        self.assertIn("self.value = __strobe_quoted(1, 0)", c.text)
        self.assertEqual(sorted(c.quoted), [1, 2, 3])

    def test_a_string_naming_a_kernel_variable_is_still_data(self):
        c = compose(Exp.bad_value, (Exp(table="_o0"),), {})
        self.assertIn('self.table = __strobe_quoted(0, "")', c.text)
        self.assertEqual(c.quoted, ["_o0"])
        self.assertIn("def __init__(self, __strobe_index: int32) -> None:", c.text)
        self.assertEqual([a for _, a in c.writeback], ["table"])

    def test_unsupported_values_are_refused_where_the_kernel_reads_them(self):
        with self.assertRaises(EmbeddingError) as e:
            compose(Exp.bad_value, (Exp(table={"a": 1}),), {})
        self.assertIn("test_embed.py:", str(e.exception))
        self.assertIn("attribute `table` of `Exp`: a value of type `dict` cannot be used in kernels",
                      str(e.exception))
        with self.assertRaises(EmbeddingError) as e:
            compose(Exp.bad_value, (Exp(table=[[1, 2], {}]),), {})
        self.assertIn("`dict`", str(e.exception))

    def test_host_only_functions_are_refused(self):
        with self.assertRaises(EmbeddingError) as e:
            compose(Exp.calls_host_only, (Exp(),), {})
        self.assertIn("`Exp.plot` is @host_only", str(e.exception))

    def test_objects_in_a_cycle_are_refused(self):
        a = Node(1)
        a.child = a
        with self.assertRaises(EmbeddingError) as e:
            compose(Exp.reads_node, (Exp(node=a),), {})
        self.assertIn("cycle", str(e.exception))

    def test_integers_beyond_64_bits_are_refused(self):
        with self.assertRaises(EmbeddingError) as e:
            compose(Exp.run, (Exp(count=2 ** 70),), {})
        self.assertIn("does not fit 64 bits", str(e.exception))

    def test_synthetic_lines_are_named(self):
        self.assertTrue(SYNTHETIC.startswith("<strobe"))


class StartUpTest(unittest.TestCase):
    def test_importing_strobe_does_not_import_numpy(self):
        # numpy's import is most of a small experiment's start-up: embedding looks for numpy
        # values only once the program itself has imported numpy.
        import subprocess
        import sys

        probe = "import sys, strobe, strobe.embed, strobe.runtime; print('numpy' in sys.modules)"
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        self.assertEqual(out.stdout.strip(), "False")


if __name__ == "__main__":
    unittest.main()
