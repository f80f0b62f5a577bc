"""A kernel function's source text as the embedding copies it (see :mod:`strobe.embed`).

Finding a function's lines with :func:`inspect.getsourcelines` tokenizes the file from the function
onwards, about a millisecond a function. Here each file is parsed once per process instead, and a
function's lines are those of the definition that starts on its first line; a function's `Source`
is built once and kept on the function.
"""

import ast
import inspect
import linecache
import textwrap

from .quoting import EmbeddingError


def unwrap(function):
    """The function under its decorators' wrappers."""
    while hasattr(function, "__wrapped__"):
        function = function.__wrapped__
    return function


class _FileIndex:
    """One file's definitions: first line (its first decorator's, as `co_firstlineno`) -> last line."""

    def __init__(self, text):
        self.text = text
        self.spans = {}
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return
        # Definitions are statements: only statement lists need searching, not expressions.
        pending = list(tree.body)
        while pending:
            node = pending.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                self.spans.setdefault(first, node.end_lineno)
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                block = getattr(node, field, None)
                if isinstance(block, list):
                    pending.extend(block)


_files = {}


def _definition_lines(function):
    """`(lines, first line)` of `function`'s definition, decorators included."""
    code = function.__code__
    linecache.checkcache(code.co_filename)
    lines = linecache.getlines(code.co_filename, function.__globals__)
    if lines:
        text = "".join(lines)
        index = _files.get(code.co_filename)
        if index is None or index.text != text:
            index = _files[code.co_filename] = _FileIndex(text)
        first = code.co_firstlineno
        last = index.spans.get(first)
        if last is not None:
            return lines[first - 1:last], first
    # Not a plain `def` in a file Python can parse (exec'd text, a lambda): Python's own search.
    return inspect.getsourcelines(function)


class Source:
    """A kernel function's source: its lines, where they start, its syntax tree."""

    def __init__(self, function):
        self.function = unwrap(function)
        try:
            lines, self.first_line = _definition_lines(self.function)
        except (OSError, TypeError, AttributeError) as e:
            name = getattr(self.function, "__qualname__", self.function)
            raise EmbeddingError(f"the source of kernel `{name}` is not available: {e}")
        self.file = self.function.__code__.co_filename
        self.lines = [line.rstrip("\n") for line in lines]
        tree = ast.parse(textwrap.dedent("\n".join(self.lines)))
        self.node = tree.body[0]
        # Decorators are the lines before `def`: blanked out, so line numbers stay.
        def_index = next(i for i, line in enumerate(self.lines) if line.lstrip().startswith(("def ", "async def ")))
        self.lines = [""] * def_index + self.lines[def_index:]
        self.indent = len(self.lines[def_index]) - len(self.lines[def_index].lstrip())
        self._local_names = None

    def reindented(self, indent):
        if indent == self.indent:
            return list(self.lines)
        out = []
        for line in self.lines:
            out.append(" " * indent + line[self.indent:] if line.strip() else "")
        return out

    def local_names(self):
        if self._local_names is not None:
            return self._local_names
        names = {a.arg for a in ast.walk(self.node.args) if isinstance(a, ast.arg)}
        for n in ast.walk(self.node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
                names.add(n.id)
            elif isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n is not self.node:
                names.add(n.name)
            elif isinstance(n, ast.ExceptHandler) and n.name:
                names.add(n.name)
        self._local_names = frozenset(names)
        return self._local_names


def source_of(function):
    """`function`'s :class:`Source`, built once and kept on the function (it lives as long)."""
    function = unwrap(function)
    source = getattr(function, "__strobe_source__", None)
    if source is None:
        source = Source(function)
        try:
            function.__strobe_source__ = source
        except AttributeError:
            pass  # an object that takes no attributes: built again next time
    return source


def where(function, node=None):
    """`file:line` of `function`, or of `node` in it (a node of its :class:`Source`'s tree)."""
    function = unwrap(function)
    code = getattr(function, "__code__", None)
    if code is None:
        return "<unknown>:0"
    try:
        first = source_of(function).first_line
    except EmbeddingError:
        first = code.co_firstlineno
    line = first + (node.lineno - 1 if node is not None else 0)
    return f"{code.co_filename}:{line}"
