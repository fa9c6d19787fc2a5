"""{path: text} → {path: text} formatted by black (pinned, fixed mode, in-process), each file parsed first."""

from __future__ import annotations

import ast

from .errors import Diagnostic, GeneratorError

LINE_LENGTH = 100


def format_files(files: dict[str, str], *, source: str) -> dict[str, str]:
    """Format every Python file; a file that is not valid Python stops the run before anything is written."""
    problems: list[Diagnostic] = []
    formatted: dict[str, str] = {}
    for path, text in files.items():
        if not path.endswith(".py"):
            formatted[path] = text if text.endswith("\n") or not text else text + "\n"
            continue
        try:
            ast.parse(text, filename=path)
        except SyntaxError as exc:
            problems.append(Diagnostic(source, None, "#", f"generated {path}:{exc.lineno} is not valid Python: {exc.msg}"))
            continue
        formatted[path] = format_source(_sorted_imports(text))
    if problems:
        raise GeneratorError(problems)
    return formatted


def format_source(text: str) -> str:
    # Imported here: black is only needed when files are regenerated.
    import black

    mode = black.Mode(
        target_versions={black.TargetVersion.PY310},
        line_length=LINE_LENGTH,
        string_normalization=True,
        magic_trailing_comma=True,
        preview=False,
    )
    try:
        return black.format_str(text, mode=mode)
    except black.NothingChanged:
        return text


def _sorted_imports(text: str) -> str:
    """Sort the leading run of one-line imports, `from __future__` first, so output never depends on engine order."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(("import ", "from "))), None)
    if start is None:
        return text
    end = start
    while end < len(lines) and (lines[end].startswith(("import ", "from ")) or not lines[end].strip()):
        if lines[end].rstrip().endswith(("(", "\\")):
            return text  # a multi-line import: leave the block as written
        end += 1
    block = [line for line in lines[start:end] if line.strip()]
    future = sorted(line for line in block if line.startswith("from __future__"))
    rest = sorted(set(block) - set(future), key=_import_key)
    ordered = future + ([""] if future else []) + rest
    return "\n".join(lines[:start] + ordered + [""] + lines[end:])


def _import_key(line: str) -> tuple[int, str]:
    module = line.split()[1]
    return (1 if module.startswith(".") else 0, line)
