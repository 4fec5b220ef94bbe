"""The condition language: tokenizer, parser into a small AST, type checker and compiler.

    event == "tennyu" and member.is_subject and member.age >= 65
    any(members, member.school_age <= 17 and member.relationship in ["child", "grandchild"])

Evaluation is three-valued (Kleene): an unknown fact yields UNKNOWN, `false and UNKNOWN` is false and
`true or UNKNOWN` is true. Compiled conditions are plain closures over an evaluation context.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from madoguchi.rules.facts import FACTS, Fact, Kind, Scope


class _Unknown:
    """The value of a fact nobody has entered yet."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value; compare with `is UNKNOWN`")


UNKNOWN: Any = _Unknown()


class ConditionError(Exception):
    """A syntax, name or type error in a condition, with the column where it was found (1-based)."""

    def __init__(self, message: str, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


# --- Tokens

TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>\d+)
      | (?P<string>"[^"\\]*"|'[^'\\]*')
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
      | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
    )""",
    re.VERBOSE,
)
KEYWORDS = {"and", "or", "not", "in", "true", "false"}


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, name, op, keyword, end
    text: str
    column: int


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(source):
        if source[position:].strip() == "":
            break
        match = TOKEN.match(source, position)
        if match is None or match.end() == position:
            column = len(source) - len(source[position:].lstrip()) + 1
            raise ConditionError(f"unexpected character {source[column - 1]!r}", column)
        kind = match.lastgroup or ""
        text = match.group(kind)
        column = match.start(kind) + 1
        if kind == "name" and text in KEYWORDS:
            kind = "keyword"
        tokens.append(Token(kind, text, column))
        position = match.end()
    tokens.append(Token("end", "", len(source) + 1))
    return tokens


# --- AST


@dataclass(frozen=True)
class Literal:
    value: Any
    column: int


@dataclass(frozen=True)
class ListLiteral:
    items: tuple[Literal, ...]
    column: int


@dataclass(frozen=True)
class FactRef:
    fact: Fact
    column: int


@dataclass(frozen=True)
class Not:
    operand: Node
    column: int


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    operands: tuple[Node, ...]
    column: int


@dataclass(frozen=True)
class Compare:
    op: str  # == != < <= > >= in "not in"
    left: Node
    right: Node
    column: int


@dataclass(frozen=True)
class Quantifier:
    function: str  # any | all | count
    condition: Node
    column: int


Node = Literal | ListLiteral | FactRef | Not | BoolOp | Compare | Quantifier

QUANTIFIERS = {"any", "all", "count"}


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, text: str) -> Token:
        if self.current.text != text or self.current.kind not in {"op", "keyword"}:
            found = self.current.text or "the end"
            raise ConditionError(f"expected {text!r} but found {found!r}", self.current.column)
        return self.advance()

    def parse(self) -> Node:
        node = self.parse_or()
        if self.current.kind != "end":
            raise ConditionError(f"unexpected {self.current.text!r}", self.current.column)
        return node

    def parse_or(self) -> Node:
        return self._chain("or", self.parse_and)

    def parse_and(self) -> Node:
        return self._chain("and", self.parse_not)

    def _chain(self, keyword: str, operand: Callable[[], Node]) -> Node:
        """`a <keyword> b <keyword> c` as one BoolOp (or just `a`)."""
        first = operand()
        operands = [first]
        while self.current.kind == "keyword" and self.current.text == keyword:
            self.advance()
            operands.append(operand())
        return first if len(operands) == 1 else BoolOp(keyword, tuple(operands), _column(first))

    def parse_not(self) -> Node:
        if self.current.kind == "keyword" and self.current.text == "not":
            token = self.advance()
            return Not(self.parse_not(), token.column)
        return self.parse_comparison()

    def parse_comparison(self) -> Node:
        left = self.parse_operand()
        token = self.current
        if token.kind == "op" and token.text in {"==", "!=", "<", "<=", ">", ">="}:
            self.advance()
            return Compare(token.text, left, self.parse_operand(), token.column)
        if token.kind == "keyword" and token.text == "in":
            self.advance()
            return Compare("in", left, self.parse_operand(), token.column)
        if token.kind == "keyword" and token.text == "not" and self.tokens[self.index + 1].text == "in":
            self.advance()
            self.advance()
            return Compare("not in", left, self.parse_operand(), token.column)
        return left

    def parse_operand(self) -> Node:
        token = self.current
        if token.kind == "number":
            self.advance()
            return Literal(int(token.text), token.column)
        if token.kind == "string":
            self.advance()
            return Literal(token.text[1:-1], token.column)
        if token.kind == "keyword" and token.text in {"true", "false"}:
            self.advance()
            return Literal(token.text == "true", token.column)
        if token.kind == "op" and token.text == "(":
            self.advance()
            node = self.parse_or()
            self.expect(")")
            return node
        if token.kind == "op" and token.text == "[":
            return self.parse_list()
        if token.kind == "name":
            self.advance()
            if token.text in QUANTIFIERS and self.current.text == "(":
                return self.parse_quantifier(token)
            fact = FACTS.get(token.text)
            if fact is None:
                raise ConditionError(f"unknown fact {token.text!r}", token.column)
            return FactRef(fact, token.column)
        found = token.text or "the end"
        raise ConditionError(f"expected a fact, a value or '(' but found {found!r}", token.column)

    def parse_list(self) -> ListLiteral:
        start = self.expect("[")
        items: list[Literal] = []
        while not (self.current.kind == "op" and self.current.text == "]"):
            item = self.parse_operand()
            if not isinstance(item, Literal):
                raise ConditionError("a list may only hold values", _column(item))
            items.append(item)
            if self.current.text == ",":
                self.advance()
            elif self.current.text != "]":
                raise ConditionError(
                    f"expected ',' or ']' but found {self.current.text!r}", self.current.column
                )
        self.advance()
        return ListLiteral(tuple(items), start.column)

    def parse_quantifier(self, name: Token) -> Quantifier:
        self.expect("(")
        if self.current.text != "members":
            raise ConditionError(f"{name.text}() takes `members` first", self.current.column)
        self.advance()
        self.expect(",")
        condition = self.parse_or()
        self.expect(")")
        return Quantifier(name.text, condition, name.column)


def _column(node: Node) -> int:
    return node.column


def parse(source: str) -> Node:
    """Parse one condition. Raises ConditionError with the column of the problem."""
    if not source or not source.strip():
        raise ConditionError("the condition is empty", 1)
    return _Parser(source).parse()


# --- Types


@dataclass(frozen=True)
class Type:
    kind: Kind
    fact: Fact | None = None  # for enums: whose values apply

    def describe(self) -> str:
        return self.kind.value if self.fact is None else f"{self.kind.value} ({self.fact.name})"


BOOL = Type(Kind.BOOL)
INT = Type(Kind.INT)
STR = Type(Kind.STR)


def check(node: Node, *, member_scope: bool) -> Type:
    """Type-check a condition; `member_scope` says whether `member.*` may be read at the top level."""
    result = _type_of(node, member_scope)
    if result.kind is not Kind.BOOL:
        raise ConditionError(f"a condition must be true or false, not {result.describe()}", _column(node))
    return result


def _type_of(node: Node, member_scope: bool) -> Type:
    if isinstance(node, Literal):
        if isinstance(node.value, bool):
            return BOOL
        return INT if isinstance(node.value, int) else STR
    if isinstance(node, ListLiteral):
        raise ConditionError("a list can only stand on the right of `in`", node.column)
    if isinstance(node, FactRef):
        if node.fact.scope is Scope.MEMBER and not member_scope:
            raise ConditionError(
                f"{node.fact.name} needs a member: use it in a member procedure "
                "or inside any()/all()/count()",
                node.column,
            )
        return Type(node.fact.kind, node.fact if node.fact.kind is Kind.ENUM else None)
    if isinstance(node, Not):
        _expect_bool(node.operand, member_scope)
        return BOOL
    if isinstance(node, BoolOp):
        for operand in node.operands:
            _expect_bool(operand, member_scope)
        return BOOL
    if isinstance(node, Quantifier):
        _expect_bool(node.condition, True)
        return INT if node.function == "count" else BOOL
    if isinstance(node, Compare):
        return _check_compare(node, member_scope)
    raise AssertionError(node)


def _expect_bool(node: Node, member_scope: bool) -> None:
    found = _type_of(node, member_scope)
    if found.kind is not Kind.BOOL:
        raise ConditionError(f"expected true or false, not {found.describe()}", _column(node))


def _check_value_against(expected: Type, literal: Literal) -> None:
    value = literal.value
    kind = expected.kind
    ok = (
        (kind is Kind.BOOL and isinstance(value, bool))
        or (kind is Kind.INT and isinstance(value, int) and not isinstance(value, bool))
        or (kind in {Kind.STR, Kind.ENUM} and isinstance(value, str))
    )
    if not ok:
        raise ConditionError(f"{value!r} is not a {expected.describe()} value", literal.column)
    if kind is Kind.ENUM and expected.fact is not None and value not in expected.fact.values:
        allowed = ", ".join(expected.fact.values)
        raise ConditionError(f"{value!r} is not a value of {expected.fact.name} ({allowed})", literal.column)


def _check_compare(node: Compare, member_scope: bool) -> Type:
    left = _type_of(node.left, member_scope)
    if node.op in {"in", "not in"}:
        if not isinstance(node.right, ListLiteral):
            raise ConditionError(f"`{node.op}` needs a list on its right", node.column)
        for item in node.right.items:
            _check_value_against(left, item)
        return BOOL
    if isinstance(node.right, Literal):
        _check_value_against(left, node.right)
        right = left
    else:
        right = _type_of(node.right, member_scope)
    if left.kind is not right.kind and {left.kind, right.kind} != {Kind.STR, Kind.ENUM}:
        raise ConditionError(f"cannot compare {left.describe()} with {right.describe()}", node.column)
    if node.op in {"<", "<=", ">", ">="} and left.kind is not Kind.INT:
        raise ConditionError(f"`{node.op}` compares numbers, not {left.describe()}", node.column)
    return BOOL


# --- Evaluation


class Context:
    """What a compiled condition reads: the event facts, the household, the members and the current member.

    Facts are plain dicts keyed by the fact's key inside its scope; a missing key is an unknown fact.
    `missing` collects (fact, member id) for every unknown fact read, to ask for it.
    """

    __slots__ = ("event", "household", "member", "members", "missing")

    def __init__(
        self, event: dict[str, Any], household: dict[str, Any], members: Sequence[dict[str, Any]]
    ) -> None:
        self.event = event
        self.household = household
        self.members = members
        self.member: dict[str, Any] | None = None
        self.missing: set[tuple[str, str | None]] = set()


Compiled = Callable[[Context], Any]

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def compile_condition(node: Node) -> Compiled:
    """Turn a checked AST into a closure returning True, False or UNKNOWN."""
    if isinstance(node, Literal):
        value = node.value
        return lambda ctx: value
    if isinstance(node, FactRef):
        return _compile_fact(node.fact)
    if isinstance(node, Not):
        operand = compile_condition(node.operand)

        def negate(ctx: Context) -> Any:
            value = operand(ctx)
            return UNKNOWN if value is UNKNOWN else not value

        return negate
    if isinstance(node, BoolOp):
        return _compile_bool(node.op, [compile_condition(o) for o in node.operands])
    if isinstance(node, Compare):
        return _compile_compare(node)
    if isinstance(node, Quantifier):
        return _compile_quantifier(node.function, compile_condition(node.condition))
    raise AssertionError(node)


def _compile_fact(fact: Fact) -> Compiled:
    key = fact.key
    name = fact.name
    if fact.scope is not Scope.MEMBER:
        # event facts are keyed by their full name, household facts by their key inside the household
        is_event = fact.scope is Scope.EVENT
        field = name if is_event else key

        def read_shared(ctx: Context) -> Any:
            value = (ctx.event if is_event else ctx.household).get(field, UNKNOWN)
            if value is UNKNOWN:
                ctx.missing.add((name, None))
            return value

        return read_shared

    def read_member(ctx: Context) -> Any:
        member = ctx.member
        if member is None:
            raise ConditionError(f"{name} read outside a member")
        value = member.get(key, UNKNOWN)
        if value is UNKNOWN:
            ctx.missing.add((name, member["id"]))
        return value

    return read_member


def _compile_bool(op: str, operands: list[Compiled]) -> Compiled:
    decisive = op == "or"  # the value that settles the result: True for or, False for and

    def evaluate(ctx: Context) -> Any:
        unknown = False
        for operand in operands:
            value = operand(ctx)
            if value is UNKNOWN:
                unknown = True
            elif value is decisive:
                return decisive
        return UNKNOWN if unknown else not decisive

    return evaluate


def _compile_compare(node: Compare) -> Compiled:
    left = compile_condition(node.left)
    if node.op in {"in", "not in"}:
        if not isinstance(node.right, ListLiteral):
            raise ConditionError(f"`{node.op}` needs a list on its right", node.column)
        options = frozenset(item.value for item in node.right.items)
        negated = node.op == "not in"

        def member_of(ctx: Context) -> Any:
            value = left(ctx)
            if value is UNKNOWN:
                return UNKNOWN
            return (value in options) is not negated

        return member_of
    right = compile_condition(node.right)
    compare = _COMPARE[node.op]

    def evaluate(ctx: Context) -> Any:
        a = left(ctx)
        if a is UNKNOWN:
            return UNKNOWN
        b = right(ctx)
        if b is UNKNOWN:
            return UNKNOWN
        return compare(a, b)

    return evaluate


def _compile_quantifier(function: str, condition: Compiled) -> Compiled:
    def evaluate(ctx: Context) -> Any:
        outer = ctx.member
        results = []
        try:
            for member in ctx.members:
                ctx.member = member
                results.append(condition(ctx))
        finally:
            ctx.member = outer
        unknown = any(r is UNKNOWN for r in results)
        if function == "count":
            return UNKNOWN if unknown else sum(1 for r in results if r is True)
        if function == "any":
            return True if any(r is True for r in results) else (UNKNOWN if unknown else False)
        return False if any(r is False for r in results) else (UNKNOWN if unknown else True)

    return evaluate


# --- Rendering, for "why not" explanations


_OPS_JA = {
    "==": "＝",
    "!=": "≠",
    "<": "＜",
    "<=": "≦",
    ">": "＞",
    ">=": "≧",
    "in": "が次のいずれか:",
    "not in": "が次以外:",
}


def render(node: Node) -> str:
    """A short Japanese rendering of a condition, with fact labels and value labels."""
    if isinstance(node, Literal):
        if isinstance(node.value, bool):
            return "はい" if node.value else "いいえ"
        return str(node.value)
    if isinstance(node, ListLiteral):
        return "、".join(render(item) for item in node.items)
    if isinstance(node, FactRef):
        return node.fact.label_ja
    if isinstance(node, Not):
        return f"「{render(node.operand)}」ではない"
    if isinstance(node, BoolOp):
        joiner = " かつ " if node.op == "and" else " または "
        return joiner.join(render(operand) for operand in node.operands)
    if isinstance(node, Quantifier):
        prefix = {"any": "いずれかの方が", "all": "全員が", "count": "人数:"}[node.function]
        return f"{prefix}（{render(node.condition)}）"
    if isinstance(node, Compare):
        fact = node.left.fact if isinstance(node.left, FactRef) else None

        def value_label(item: Node) -> str:
            if fact is not None and isinstance(item, Literal) and isinstance(item.value, str) and fact.values:
                return fact.values.get(item.value, item.value)
            return render(item)

        if isinstance(node.right, ListLiteral):
            right = "、".join(value_label(item) for item in node.right.items)
        else:
            right = value_label(node.right)
        if fact is not None and fact.kind is Kind.BOOL and isinstance(node.right, Literal):
            return fact.label_ja if node.right.value is (node.op == "==") else f"{fact.label_ja}ではない"
        return f"{render(node.left)} {_OPS_JA[node.op]} {right}"
    raise AssertionError(node)


def conjuncts(node: Node) -> tuple[Node, ...]:
    """The parts of a top-level `and`, or the node itself."""
    return node.operands if isinstance(node, BoolOp) and node.op == "and" else (node,)
