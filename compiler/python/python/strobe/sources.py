"""A kernel function's source text as the embedding copies it (see :mod:`strobe.embed`)."""

import ast
import inspect
import textwrap

from .quoting import EmbeddingError
from .signatures import unwrap


class Source:
    """A kernel function's source: its lines, where they start, its syntax tree."""

    def __init__(self, function):
        self.function = unwrap(function)
        try:
            lines, self.first_line = inspect.getsourcelines(self.function)
        except (OSError, TypeError) as e:
            raise EmbeddingError(f"the source of kernel `{self.function.__qualname__}` is not available: {e}")
        self.file = self.function.__code__.co_filename
        self.lines = [line.rstrip("\n") for line in lines]
        tree = ast.parse(textwrap.dedent("\n".join(self.lines)))
        self.node = tree.body[0]
        # Decorators are the lines before `def`: blanked out, so line numbers stay.
        def_index = next(i for i, line in enumerate(self.lines) if line.lstrip().startswith(("def ", "async def ")))
        self.lines = [""] * def_index + self.lines[def_index:]
        self.indent = len(self.lines[def_index]) - len(self.lines[def_index].lstrip())

    def reindented(self, indent):
        if indent == self.indent:
            return list(self.lines)
        out = []
        for line in self.lines:
            out.append(" " * indent + line[self.indent:] if line.strip() else "")
        return out

    def local_names(self):
        names = {a.arg for a in ast.walk(self.node.args) if isinstance(a, ast.arg)}
        for n in ast.walk(self.node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
                names.add(n.id)
            elif isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n is not self.node:
                names.add(n.name)
            elif isinstance(n, ast.ExceptHandler) and n.name:
                names.add(n.name)
        return names
