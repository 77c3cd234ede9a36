"""Vale's `metric`: a formula over a scope's counts (words, sentences, syllables) against
a bound."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable
from typing import Literal

from pydantic import PrivateAttr, model_validator

from ...pronunciation import syllables
from .base import Alert, Block, Memory, Rule, format_message

_OPS: dict[type, Callable[..., float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
_CONDITION = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}
METRIC_VARIABLES = frozenset(
    {
        "words",
        "sentences",
        "characters",
        "syllables",
        "polysyllabic_words",
        "complex_words",
        "long_words",
        "paragraphs",
        "pre",
        "list",
        "blockquote",
        "heading_h1",
        "heading_h2",
        "heading_h3",
        "heading_h4",
        "heading_h5",
        "heading_h6",
    }
)


def _evaluate(node: ast.AST, values: dict[str, float]) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.Name):
        return values.get(node.id, 0.0)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = _evaluate(node.left, values), _evaluate(node.right, values)
        if isinstance(node.op, ast.Div) and right == 0:
            return 0.0
        return _OPS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_evaluate(node.operand, values))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("sqrt", "abs"):
        arg = _evaluate(node.args[0], values)
        return arg**0.5 if node.func.id == "sqrt" else abs(arg)
    raise ValueError(f"not allowed in a formula: {ast.dump(node)[:60]}")


def _check_formula(node: ast.AST) -> None:
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and child.id not in METRIC_VARIABLES | {"sqrt", "abs"}:
            raise ValueError(f"unknown variable {child.id!r} in formula; known: {', '.join(sorted(METRIC_VARIABLES))}")
        if not isinstance(
            child,
            (
                ast.Expression,
                ast.Constant,
                ast.Name,
                ast.BinOp,
                ast.UnaryOp,
                ast.Call,
                ast.Load,
                ast.operator,
                ast.unaryop,
            ),
        ):
            raise ValueError(f"not allowed in a formula: {type(child).__name__}")


class Metric(Rule):
    """A formula over the counts Vale exposes (words, sentences, syllables, ...) compared
    with `condition`; `%s` is the score to two decimals."""

    extends: Literal["metric"]
    formula: str
    condition: str

    _tree: ast.Expression = PrivateAttr()
    _compare: tuple[Callable[[float, float], bool], float] = PrivateAttr()

    @model_validator(mode="after")
    def _compile(self) -> Metric:
        try:
            self._tree = ast.parse(self.formula, mode="eval")
        except SyntaxError as exc:
            raise ValueError(f"formula is not an expression: {exc.msg}") from exc
        _check_formula(self._tree)
        found = _CONDITION.match(self.condition)
        if not found:
            raise ValueError("condition must be a comparison with a number, e.g. '> 8'")
        self._compare = (_COMPARE[found.group(1)], float(found.group(2)))
        return self

    def run(self, block: Block, memory: Memory) -> list[Alert]:
        values = metric_counts(block.text, block.sentence_count())
        score = _evaluate(self._tree, values)
        compare, bound = self._compare
        if not values["words"] or not compare(score, bound):
            return []
        text = block.text
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        return [Alert(start, end, format_message(self.message, f"{score:.2f}"), "", self.suggestions_for())]


_METRIC_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def metric_counts(text: str, sentences: int) -> dict[str, float]:
    words = _METRIC_WORD.findall(text)
    counts = [syllables(w) for w in words]
    return {
        "words": float(len(words)),
        "sentences": float(max(1, sentences)) if words else 0.0,
        "characters": float(sum(len(w) for w in words)),
        "syllables": float(sum(counts)),
        "polysyllabic_words": float(sum(1 for c in counts if c >= 3)),
        "complex_words": float(sum(1 for w, c in zip(words, counts, strict=True) if c >= 3 and not w[0].isupper())),
        "long_words": float(sum(1 for w in words if len(w) > 6)),
        "paragraphs": float(len([p for p in re.split(r"\n\s*\n", text) if p.strip()])),
    }
