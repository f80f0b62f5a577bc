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
    """One file's function definitions by first line (their first decorator's, as `co_firstlineno`)."""

    def __init__(self, text):
        self.text = text
        self.definitions = {}
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
                self.definitions.setdefault(first, node)
            for field in ("body", "orelse", "finalbody", "handlers", "cases"):
                block = getattr(node, field, None)
                if isinstance(block, list):
                    pending.extend(block)


_files = {}


def _definition(function):
    """`(lines, first line, syntax tree or None)` of `function`'s definition, decorators included;
    the tree is the file's (its line numbers the file's), when the file could be parsed."""
    code = function.__code__
    linecache.checkcache(code.co_filename)
    lines = linecache.getlines(code.co_filename, function.__globals__)
    if lines:
        text = "".join(lines)
        index = _files.get(code.co_filename)
        if index is None or index.text != text:
            index = _files[code.co_filename] = _FileIndex(text)
        first = code.co_firstlineno
        node = index.definitions.get(first)
        if node is not None:
            return lines[first - 1:node.end_lineno], first, node
    # Not a plain `def` in a file Python can parse (exec'd text, a lambda): Python's own search.
    return (*inspect.getsourcelines(function), None)


class Source:
    """A kernel function's source: its lines, where they start, its syntax tree."""

    def __init__(self, function):
        self.function = unwrap(function)
        try:
            lines, self.first_line, node = _definition(self.function)
        except (OSError, TypeError, AttributeError) as e:
            name = getattr(self.function, "__qualname__", self.function)
            raise EmbeddingError(f"the source of kernel `{name}` is not available: {e}")
        self.file = self.function.__code__.co_filename
        self.lines = [line.rstrip("\n") for line in lines]
        if node is None:
            node = ast.parse(textwrap.dedent("\n".join(self.lines))).body[0]
            #: What turns a line of `node`'s tree into a line of the file.
            self.line_offset = self.first_line - 1
        else:
            self.line_offset = 0
        self.node = node
        # Decorators are the lines before `def`: blanked out, so line numbers stay.
        def_index = next(i for i, line in enumerate(self.lines) if line.lstrip().startswith(("def ", "async def ")))
        self.lines = [""] * def_index + self.lines[def_index:]
        self.indent = len(self.lines[def_index]) - len(self.lines[def_index].lstrip())
        self._facts = None

    def reindented(self, indent):
        if indent == self.indent:
            return list(self.lines)
        out = []
        for line in self.lines:
            out.append(" " * indent + line[self.indent:] if line.strip() else "")
        return out

    def facts(self):
        """What the embedding needs from the body, gathered in one walk (and kept)."""
        if self._facts is None:
            self._facts = _Facts(self.node)
        return self._facts


class _Facts:
    """A function's attribute reads, calls by name, `with` managers and names, in walk order."""

    def __init__(self, function_node):
        self.attributes = []  # ast.Attribute nodes
        self.calls = []  # (called name, positional argument count)
        self.managers = []  # `with` context expressions
        loads = {}  # name -> its first ast.Name load
        names = {a.arg for a in ast.walk(function_node.args) if isinstance(a, ast.arg)}
        for n in _walk(function_node):
            if isinstance(n, ast.Attribute):
                self.attributes.append(n)
            elif isinstance(n, ast.Name):
                if isinstance(n.ctx, ast.Load):
                    loads.setdefault(n.id, n)
                else:
                    names.add(n.id)
            elif isinstance(n, ast.Call):
                if isinstance(n.func, ast.Name):
                    self.calls.append((n.func.id, len(n.args)))
            elif isinstance(n, ast.With):
                self.managers.extend(item.context_expr for item in n.items)
            elif isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n is not function_node:
                names.add(n.name)
            elif isinstance(n, ast.ExceptHandler) and n.name:
                names.add(n.name)
        self.local_names = frozenset(names)
        #: The first load of each name that is not local, in walk order.
        self.global_loads = [node for name, node in loads.items() if name not in names]


def _walk(root):
    """The nodes under `root` in :func:`ast.walk`'s order (breadth first), about twice as fast: no
    generator per node, and no expression contexts (`Load`, `Store`: leaves)."""
    queue = [root]
    i = 0
    AST, context = ast.AST, ast.expr_context
    while i < len(queue):
        node = queue[i]
        i += 1
        yield node
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                queue.extend(v for v in value if isinstance(v, AST))
            elif isinstance(value, AST) and not isinstance(value, context):
                queue.append(value)


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
        source = source_of(function)
    except EmbeddingError:
        return f"{code.co_filename}:{code.co_firstlineno}"
    line = source.first_line if node is None else source.line_offset + node.lineno
    return f"{code.co_filename}:{line}"
