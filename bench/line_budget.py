"""Issue 8's line budget: settings + knowledge loading and checking, today against the count
the issue was filed on (commit e729053: bot/config.py 422 + bot/core/loader.py 918 lines).

Prints, per file, its lines (`wc -l`), its code lines (not blank, not only a comment, not a
docstring), and for bot/config.py the lines that only declare (the Settings model's fields with
their docstrings and model_config, module-level `X = Annotated[...]` types and annotated
constants). Run from a clone with its history: `python bench/line_budget.py`.
"""

from __future__ import annotations

import ast
import io
import subprocess
import tokenize
from pathlib import Path

BASELINE = "e729053"
BEFORE = ("bot/config.py", "bot/core/loader.py")
NOW = ("bot/config.py", "bot/core/loader.py", "bot/core/checks.py")
SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}


def _docstrings(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        for stmt in body if isinstance(body, list) else ():
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return lines


def code_lines(text: str) -> int:
    code: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type not in SKIP and token.type != tokenize.ENDMARKER:
            code.update(range(token.start[0], token.end[0] + 1))
    return len(code - _docstrings(ast.parse(text)))


def declared_lines(text: str) -> int:
    """Lines that declare a setting or a type rather than compute (see the module docstring)."""
    lines: set[int] = set()
    for node in ast.parse(text).body:
        statements = node.body[1:] if isinstance(node, ast.ClassDef) else [node]
        if isinstance(node, ast.ClassDef) and node.name != "Settings":
            continue
        for stmt in statements:
            typed = isinstance(stmt, ast.AnnAssign)
            annotated = isinstance(stmt, ast.Assign) and ast.unparse(stmt.value).startswith(
                ("Annotated[", "SettingsConfigDict(")
            )
            field_doc = isinstance(node, ast.ClassDef) and isinstance(stmt, ast.Expr)
            if typed or annotated or field_doc:
                lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return len(lines)


def _show(label: str, texts: dict[str, str]) -> None:
    total = sum(len(text.splitlines()) for text in texts.values())
    code = sum(code_lines(text) for text in texts.values())
    for name, text in texts.items():
        print(f"  {name:22} {len(text.splitlines()):5} lines {code_lines(text):5} code lines")
    declared = declared_lines(texts["bot/config.py"])
    print(f"  {label:22} {total:5} lines {code:5} code lines; config.py declares {declared}")


def main() -> None:
    git = ["git", "show"]
    before = {
        name: subprocess.check_output([*git, f"{BASELINE}:{name}"], text=True) for name in BEFORE
    }
    now = {name: Path(name).read_text(encoding="utf-8") for name in NOW}
    print(f"when issue 8 was filed ({BASELINE}):")
    _show("total", before)
    print("now:")
    _show("total", now)


if __name__ == "__main__":
    main()
