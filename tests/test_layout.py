"""Black's layout made ahead (generator/layout.py, encode.string_literal): black must have nothing left to
change, and the bytes must be those black writes from the one-line form."""

from __future__ import annotations

import ast
import random
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from generator import encode
from generator.format import format_source
from generator.layout import docstring, prelayout, settled
from tests.conftest import REPO
from tests.corpus import CORPUS

NAMES = ["a", "owner", "installation_id", "per_page", "x" * 30, "repository_full_name_with_owner"]


def _value(rng: random.Random, depth: int = 0) -> str:
    kind = rng.choice(["str", "name", "tuple", "dict", "call", "union"] if depth < 3 else ["str", "name", "union"])
    if kind == "str":
        return encode.string_literal(rng.choice([*NAMES, "it's", 'say "hi"', "/repos/{owner}", "x." * 48]))
    if kind == "name":
        return rng.choice([*NAMES, "LONG_" * 20])  # one too long for any line: black cannot split it
    if kind == "union":  # a response's type: a union of models, of any length
        return " | ".join(f"_models.{'Content' * rng.randint(1, 5)}{n}" for n in range(rng.randint(2, 5)))
    items = [_value(rng, depth + 1) for _ in range(rng.randint(0, 5))]
    if kind == "tuple":
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if kind == "dict":
        return "{" + ", ".join(f"{encode.string_literal(str(i))}: {v}" for i, v in enumerate(items)) + "}"
    keywords = [f"{name}={_value(rng, depth + 1)}" for name in rng.sample(NAMES, rng.randint(0, 4))]
    return f"{rng.choice(['Param', 'Endpoint', 'to_raw_response_wrapper'])}({', '.join(items + keywords)})"


def _statement(rng: random.Random) -> str:
    shape = rng.choice(
        [
            *("assign", "annotated", "return", "def", "attribute", "field", "call", "class"),
            *("member", "alias", "union", "import", "list"),
        ]
    )
    hint = rng.choice(["A", "_models.Item | None", f"list[_models.{'Item' * rng.randint(1, 12)}] | None"])
    if shape == "attribute":  # a target so long that the call's name no longer fits after it
        name = "_".join(rng.sample(NAMES, rng.randint(1, 4)))
        value = rng.choice([_value(rng), f"to_raw_response_wrapper(owner.{name})", f"wrapper(owner.{name}, {name})"])
        return f"class A:\n    def f(self) -> None:\n        self.{name} = {value}\n"
    if shape == "assign":
        return f"X_{rng.choice(NAMES).upper()} = {_value(rng)}\n"
    union = " | ".join(rng.sample(["A" * 30, "Item", "list[_models.Item]", "B" * 45, "Literal[1, 2]", "None"], 4))
    members = [f"_models.{'Content' * rng.randint(1, 4)}{n}" for n in range(rng.randint(2, 5))]
    wide = rng.choice([" | ".join(members), " | ".join(members[:2]), " | ".join([*members, "None"])])
    if shape == "annotated":  # a target too long for even `= (` after it splits the annotation's brackets
        fields = ", ".join(f"{name}={_value(rng, 1)}" for name in rng.sample(NAMES, rng.randint(1, 6)))
        # up to one too long for even `: Endpoint[` after it: the annotation in parentheses of its own
        target = "_".join(rng.sample(NAMES, rng.randint(1, 4))).upper() + "_X" * rng.choice([0, 0, 20, 30, 40])
        second = rng.choice(["None", hint, "_models.Item" * rng.randint(1, 6), wide, union])
        return f"X_{target}: Endpoint[{rng.choice([hint, wide, union])}, {second}] = Endpoint({fields})\n"
    if shape == "call":  # a call as a statement: `super().__init__(...)`
        keywords = ", ".join(f"{name}={_value(rng, 1)}" for name in rng.sample(NAMES, rng.randint(1, 6)))
        call = rng.choice(["super().__init__", "await g"])
        return f"class A:\n    def f(self) -> None:\n        {call}({keywords})\n"
    if shape == "member":  # an enum member, or any name given a string
        value = encode.string_literal(".".join(rng.sample(NAMES, rng.randint(1, 6))))
        return f"class E(str, Enum):\n    {'_'.join(rng.sample(NAMES, rng.randint(1, 4))).upper()} = {value}\n"
    if shape == "alias":  # a type alias of a union
        return f"{'X' * rng.randint(1, 60)}: TypeAlias = {union}\n"
    if shape == "union":  # a field typed by a union: no default, `None`, or a `_field(...)` call
        value = rng.choice(["", " = None", f" = _field({_value(rng, 2)})", ' = _field(metadata={"wire": "x"})'])
        return f"class A:\n    {rng.choice(NAMES)}: {union}{value}\n"
    names = ["".join(n.title() for n in rng.sample(NAMES, rng.randint(1, 3))) for _ in range(rng.randint(1, 12))]
    if shape == "import":
        return f"from .{rng.choice(['errors', '_http', 'x' * 70])} import {', '.join(names)}\n"
    if shape == "list":  # `__all__`
        return f"__all__ = [{', '.join(encode.string_literal(n) for n in names)}]\n"
    if shape == "class":  # a class line too long for its bases, and the model keywords
        name = "".join(n.title() for n in rng.sample(NAMES, rng.randint(1, 5))).replace("_", "")
        bases = ", ".join(rng.sample(["UnprocessableEntityError", "Base", "_Model", "x" * 40], rng.randint(1, 3)))
        fields = [encode.string_literal(n) for n in rng.sample(NAMES, rng.randint(0, 6))]
        keywords = ", closed=True" if rng.random() < 0.3 else ""
        if fields:
            keywords += ", not_null=(" + ", ".join(fields) + ("," if len(fields) == 1 else "") + ")"
        return f"class {name}Error({bases}{keywords}):\n    pass\n"
    if shape == "field":  # a dataclass field: its name, hint and `_field(...)` call of any length
        keywords = ", ".join(f"{name}={_value(rng, 2)}" for name in rng.sample(NAMES, rng.randint(1, 3)))
        return f"class A:\n    {rng.choice(NAMES)}: {hint} = _field({keywords})\n"
    # Parameters with or without a default, hinted by unions of any length (black parenthesises one too long).
    kinds = ["int | None", wide, union, hint, f"list[_models.{'Item' * rng.randint(1, 14)}] | None"]
    params = ", ".join(
        f"{n}: {rng.choice(kinds)}{rng.choice(['', ' = None'])}" for n in rng.sample(NAMES, rng.randint(0, 5))
    )
    params = f"self, *, {params}, **options: Unpack[RequestOptions]" if params else "self, **options: int"
    params = "self" if rng.random() < 0.2 else params  # a lone parameter: black adds a comma after it
    body = f"return await self._sender.call(CONSTANT, {_value(rng)}, options)"
    if shape == "return":
        return f"class A:\n    async def f(self) -> None:\n        {body}\n"
    hints = ["SyncPage[_models.Item, list[_models.Item]]", f"SyncPage[_models.{'Item' * 9}, list[int]]"]
    returns = rng.choice([*hints, "Async" + "Item" * 20, wide, union])  # "Async…" too long even unsplit
    return f"class A:\n    def {rng.choice(NAMES)}({params}) -> {returns}:\n        pass\n"


@pytest.mark.parametrize("seed", range(8))
def test_split_statements_are_what_black_writes_from_one_line(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(150):
        flat = _statement(rng)
        laid = "\n".join(prelayout(flat.split("\n"), ast.parse(flat)))
        assert ast.dump(ast.parse(laid)) == ast.dump(ast.parse(flat))
        assert format_source(laid) == format_source(flat), flat
        if laid != flat and all(len(line) <= 100 for line in laid.split("\n")):
            assert format_source(laid) == laid, flat  # such lines skip black (layout.settled): they must be its own


PLAIN = [
    'X: Endpoint[A, None] = Endpoint(name="repos.get", method="GET", path=("/repos/", "owner", "/", "repo", ""), '
    'params=(Param("owner", "owner", "path"), Param("repo", "repo", "path")), responses={"200": ("json", A)})\n',
    'X: Endpoint[A, None] = Endpoint(name="meta.root", method="GET", path=("/",), responses={"200": ("json", A)})\n',
    "class A:\n    def list_for_repo(self, *, owner: str, repo: str, per_page: int | None = None, "
    "page: int | None = None, **options: Unpack[RequestOptions]) -> SyncPage[_models.Issue, list[_models.Issue]]:\n"
    '        return self._sender.paginate(X, {"owner": owner, "repo": repo, "per_page": per_page, "page": page}, '
    "options)\n",
    "TEAMS_TEAMS_ADD_OR_UPDATE_MEMBERSHIP_FOR_USER_IN_ORG: Endpoint[_models.TeamMembership, None] = Endpoint("
    'name="teams.add", error_types={"422": TeamsAddOrUpdateMembershipForUserInOrgResponse422UnprocessableEntity'
    "Error})\n",
    'class A:\n    ubuntu: WorkflowRunUsageBillableUbuntu | None = _field(default=None, metadata={"wire": "UBUNTU"})\n',
    "APPS_APPS_LIST_REPOS_ACCESSIBLE_TO_INSTALLATION: Endpoint[_models.AppsListReposAccessibleToInstallationResponse, "
    '_models.Repository] = Endpoint(name="apps.apps_list_repos_accessible_to_installation", method="GET", '
    'path=("/installation/repositories",), responses={"200": ("json", _models.AppsListReposAccessibleToInstallation'
    "Response)})\n",
    "class TeamsAddOrUpdateMembershipForUserInOrgResponse422UnprocessableEntityError(UnprocessableEntityError):\n"
    '    """The documented error body."""\n',
    # A model of a union, with the fields whose schema forbids null (OpenAI's).
    'class CreateChatCompletionRequest(_Model, closed=True, not_null=("max_output_tokens", "temperature")):\n'
    "    x: int | None = None\n",
    "class A:\n    def __init__(self) -> None:\n        super().__init__(base_url=base_url or "
    '"https://api.github.com", timeout=timeout, max_retries=max_retries, http_client=http_client)\n',
    "class A:\n    def __init__(self, owner: A) -> None:\n"
    "        self.oauth_authorizations_list_grants = to_raw_response_wrapper(owner.oauth_authorizations_list_grants)\n",
    # A constant whose name leaves no room for `: Endpoint[`: the annotation in parentheses of its own.
    "OAUTH_AUTHORIZATIONS_OAUTH_AUTHORIZATIONS_GET_OR_CREATE_AUTHORIZATION_FOR_APP_AND_FINGERPRINT: "
    'Endpoint[_models.Authorization, None] = Endpoint(name="oauth.get_or_create", method="PUT", '
    'params=(Param("client_id", "client_id", "path"), Param("fingerprint", "fingerprint", "path")))\n',
    # A response typed by a union too long for the annotation's brackets, and for the single response entry.
    "REPOS_REPOS_GET_CONTENT: Endpoint[_models.ContentDirectory | _models.ContentFile | _models.ContentSymlink | "
    '_models.ContentSubmodule, None] = Endpoint(name="repos.repos_get_content", method="GET", responses={"200": '
    '("json", _models.ContentDirectory | _models.ContentFile | _models.ContentSymlink | _models.ContentSubmodule)})\n',
    # Parameters and a return hint typed by unions too long for their lines.
    "class A:\n    def update(self, *, org: str, default_repository_permission: "
    "_models.OrgsUpdateBodyDefaultRepositoryPermission | None = None, required_pull_request_reviews: "
    "_models.ReposUpdateBranchProtectionBodyRequiredPullRequestReviews | None, source: "
    "_models.ReposUpdateInformationAboutPagesSiteBodySourceEnum | "
    "_models.ReposUpdateInformationAboutPagesSiteBodySourceObject | None = None, **options: "
    "Unpack[RequestOptions]) -> _models.ContentDirectory | _models.ContentFile | _models.ContentSymlink | "
    "_models.ContentSubmodule:\n        pass\n",
]


@pytest.mark.parametrize("flat", PLAIN)
def test_the_statements_the_templates_repeat_are_split_exactly_as_black_splits_them(flat: str) -> None:
    assert max(len(line) for line in flat.splitlines()) > 100
    laid = "\n".join(prelayout(flat.split("\n"), ast.parse(flat)))
    assert laid == format_source(flat)  # black, given this, has nothing to do: one pass instead of two


def test_a_statement_it_cannot_be_sure_of_stays_on_one_line() -> None:
    flat = "X = f(a, b)  # " + "c" * 100 + "\n"
    assert prelayout(flat.split("\n"), ast.parse(flat)) == flat.split("\n")
    escaped = "X = f(" + ", ".join([encode.string_literal("a\\b")] * 12) + ")\n"
    assert prelayout(escaped.split("\n"), ast.parse(escaped)) == escaped.split("\n")


def _jinja_indented(body: str, indent: int) -> str:
    lines = body.split("\n")
    return lines[0] + "".join("\n" + (" " * indent + line if line else line) for line in lines[1:])


@pytest.mark.parametrize("seed", range(4))
def test_docstrings_are_what_black_writes_from_the_template(seed: int) -> None:
    rng = random.Random(seed)
    words = ["alpha", '"quoted"', "x" * 60, "  indented", "\\", "end.", '"', "", "\n", "\n\n", "   ", "\\\n", "'"]
    for _ in range(300):
        body = encode.docstring(" ".join(rng.choice(words) for _ in range(rng.randint(1, 30))))
        if not body:
            continue
        body += rng.choice(("", "", "\n", "\n\n", "\n   "))  # a template's section may end in a blank line
        for indent, wrap in ((8, "class A:\n    def f(self) -> None:\n        {}\n"), (4, "class A:\n    {}\n")):
            ours = wrap.format(docstring(body, indent))
            assert format_source(ours) == ours
            assert format_source(wrap.format('"""' + _jinja_indented(body, indent) + '"""')) == ours


def test_string_literals_are_quoted_as_black_quotes_them() -> None:
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice("ab'\"\\\n é\x00") for _ in range(rng.randint(0, 8)))
        literal = encode.string_literal(text)
        assert ast.literal_eval(literal) == text
        assert format_source(f"x = {literal}\n") == f"x = {literal}\n"
    assert encode.string_literal("a") == '"a"'
    assert encode.string_literal("it's") == '"it\'s"'
    assert encode.string_literal('say "hi"') == "'say \"hi\"'"


def test_type_hints_quote_their_strings_like_black() -> None:
    tree = ast.parse("typing.Literal['a', 'it\\'s'] | None", mode="eval")
    assert encode.expression(tree) == 'typing.Literal["a", "it\'s"] | None'


def _rendered(spec: Path) -> tuple[dict[str, str], frozenset[str], frozenset[str]]:
    """The spec's package as rendered, before formatting, with its verbatim and laid-out files."""
    from generator.build import build
    from generator.config import ad_hoc
    from generator.models import generate_models
    from generator.render import laid_out, render, verbatim
    from generator.spec import load_spec

    target = ad_hoc([spec], out=Path("unused"), package="pkg")
    doc = load_spec([spec])
    models = generate_models(doc.data, file=doc.file, overrides=target.models, templates=target.templates)
    package = build(doc.data, models, target=target, spec_sha256=doc.sha256, file=doc.file, locate=doc.line_of)
    files = render(package, target=target)
    return files, verbatim(package, files), laid_out(package, target)


def _specs() -> list[Path]:
    found = sorted((REPO / "tests" / "specs").glob("*.yaml"))
    if CORPUS.is_dir():  # the big ones are `make corpus`'s, where every output goes through black whole
        found += [p for p in sorted(CORPUS.iterdir()) if p.suffix in (".yaml", ".json") and p.stat().st_size < 500_000]
    return found


@pytest.mark.parametrize("spec", _specs(), ids=lambda p: p.name)
def test_the_fast_path_gives_the_bytes_of_a_full_black_pass(spec: Path) -> None:
    """Layout made ahead, blocks black would leave as they are kept without black, the rest through black
    block by block: the same bytes as black over each whole rendered module."""
    from generator.errors import GeneratorError
    from generator.format import _sorted_imports, format_files

    try:
        files, verbatim, laid_out = _rendered(spec)
    except GeneratorError:
        pytest.skip("refused before rendering (unsupported or invalid): nothing to format")
    fast = format_files(files, source=str(spec), cache=False, verbatim=verbatim, laid_out=laid_out)
    for path, text in files.items():
        if path.endswith(".py") and path not in verbatim:
            assert fast[path] == format_source(_sorted_imports(text)), path


def test_a_module_a_user_template_writes_always_goes_through_black(tmp_path: Path) -> None:
    """Only the built-in templates are known to write black's layout: replace one, and its module is black's."""
    from dataclasses import replace

    from generator.config import ad_hoc
    from generator.ir import Package
    from generator.render import laid_out

    target = ad_hoc([REPO / "spec" / "thymia.docs.md"], out=tmp_path, package="pkg")
    package = cast(Package, SimpleNamespace(name="pkg"))
    assert laid_out(package, target) == {"pkg/__init__.py", "pkg/client.py", "pkg/models.py"}
    (tmp_path / "mine" / "macros").mkdir(parents=True)
    assert laid_out(package, replace(target, templates=tmp_path / "mine")) == {"pkg/__init__.py", "pkg/models.py"}
    (tmp_path / "mine" / "models").mkdir()
    assert laid_out(package, replace(target, templates=tmp_path / "mine")) == {"pkg/__init__.py"}
    (tmp_path / "mine" / "package").mkdir()
    (tmp_path / "mine" / "package" / "__init__.py.jinja2").write_text("{{ header }}\n", "utf-8")
    assert laid_out(package, replace(target, templates=tmp_path / "mine")) == frozenset()


@pytest.mark.parametrize(
    "block",
    [
        "def f():\n    return g(a, b,)\n",  # a magic trailing comma: black explodes the call
        "def f():\n    return [a,]\n",
        "def f():\n    return (a, )\n",  # a space black takes out
        'class A:\n    """Doc."""\n    def f(self):\n        return 1\n',  # black puts a blank line before f
        "class A:\n    x = 1\n\n\n\n    y = 2\n",  # and never three inside a class
    ],
)
def test_a_block_black_would_change_goes_through_black(block: str) -> None:
    from generator.format import format_files

    text = f"import os\n\n\ndef first():\n    return 1\n\n\n{block}"  # the block is a piece of its own
    out = format_files({"pkg/m.py": text}, source="spec.yaml", cache=False, laid_out=frozenset({"pkg/m.py"}))
    assert out["pkg/m.py"] == format_source(text) != text


def test_a_one_element_tuple_is_not_a_magic_comma() -> None:
    text = 'import os\n\n\ndef f():\n    return ("/pets",), (Param("a", "a", "path"),)\n'
    tree = ast.parse(text)
    lines = prelayout(text.split("\n"), tree)
    assert settled(lines, tree)[3:5] == [True, True]


def _given_to_black(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from generator import format as fmt

    seen: list[str] = []
    real = fmt._format_all

    def recording(blocks: dict[str, str], *, jobs: int | None) -> dict[str, tuple[bool, str]]:
        seen.extend(blocks.values())
        return real(blocks, jobs=jobs)

    monkeypatch.setattr(fmt, "_format_all", recording)
    return seen


RESOURCE = (
    "import os\n\n\ndef first():\n    return 1\n\n\n"  # the class is a piece of its own
    "class Repos(SyncResource):\n"
    '    """Repositories."""\n\n'
    "    def get(self, *, owner: str) -> int:\n"
    '        """One."""\n'
    "        return self._sender.call(GET, {}, options)\n\n"
    f"    def update(self, *, owner: str, body: dict[str, _models.{'A' * 50}{'B' * 40}] = None) -> int:\n"
    f"        return self._sender.call(REPOS_UPDATE, {{{', '.join(f'{n!r}: {n}' for n in NAMES)}}}, options)\n\n"
    "    @cached_property\n"
    "    def with_raw_response(self) -> ReposWithRawResponse:\n"
    "        return ReposWithRawResponse(self)\n"
)


def test_a_class_goes_to_black_one_method_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the method black would change is given to black, alone; the bytes are black's over the whole file."""
    from generator.format import format_files

    seen = _given_to_black(monkeypatch)
    out = format_files({"pkg/m.py": RESOURCE}, source="spec.yaml", cache=False, laid_out=frozenset({"pkg/m.py"}))
    assert out["pkg/m.py"] == format_source(RESOURCE) != RESOURCE
    given = [block.split("\n")[:2] for block in seen if "import" not in block]
    assert [(wrapper, method.startswith("    def update(")) for wrapper, method in given] == [("class _:", True)]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("\n\n    @cached_property", "\n\n    # raw responses\n    @cached_property"),  # a comment between methods
        ("\n\n    def update", "\n    def update"),  # no blank line where black puts one
        ("\n\n    def update", "\n\n\n    def update"),  # two where black keeps one
        ('    """Repositories."""\n', '    """Repositories."""\n    X = ' + "1 + " * 30 + "1\n"),  # a long head
    ],
)
def test_a_class_black_may_join_differently_goes_to_black_whole(
    monkeypatch: pytest.MonkeyPatch, old: str, new: str
) -> None:
    from generator.format import format_files

    text = RESOURCE.replace(old, new, 1)
    assert text != RESOURCE
    seen = _given_to_black(monkeypatch)
    out = format_files({"pkg/m.py": text}, source="spec.yaml", cache=False, laid_out=frozenset({"pkg/m.py"}))
    assert out["pkg/m.py"] == format_source(text)
    assert any(block.startswith("class Repos(SyncResource):") for block in seen)


OVERLOADED = RESOURCE.replace(
    "    def get(self, *, owner: str) -> int:\n",
    "    @overload\n"
    "    def get(self, *, owner: str, stream: Literal[True]) -> Stream: ...\n"
    "    @overload\n"
    "    def get(self, *, owner: str, stream: Literal[False] = False) -> int: ...\n"
    "    def get(self, *, owner: str, stream: bool = False) -> int | Stream:\n",
    1,
)


def test_overloads_and_their_def_are_one_piece_of_a_class_cut_by_method(monkeypatch: pytest.MonkeyPatch) -> None:
    """An overload's `...` and the def right after it stand without a blank line, as black leaves them: the class
    is still cut a method at a time, the overloads with their def, and only the long method goes to black."""
    from generator.format import format_files

    assert OVERLOADED != RESOURCE
    seen = _given_to_black(monkeypatch)
    out = format_files({"pkg/m.py": OVERLOADED}, source="spec.yaml", cache=False, laid_out=frozenset({"pkg/m.py"}))
    assert out["pkg/m.py"] == format_source(OVERLOADED)
    given = [block.split("\n")[:2] for block in seen if "import" not in block]
    assert [(wrapper, method.startswith("    def update(")) for wrapper, method in given] == [("class _:", True)]


def test_a_def_right_after_a_method_that_is_no_stub_sends_the_class_to_black(monkeypatch: pytest.MonkeyPatch) -> None:
    """Black puts a blank line after a method with a body: with none there, the class goes to black whole."""
    from generator.format import format_files

    short = "options)\n    def other(self) -> int:\n        return 1\n\n    def update"  # all of it fits
    text = OVERLOADED.replace("options)\n\n    def update", short, 1)
    assert text != OVERLOADED
    seen = _given_to_black(monkeypatch)
    out = format_files({"pkg/m.py": text}, source="spec.yaml", cache=False, laid_out=frozenset({"pkg/m.py"}))
    assert out["pkg/m.py"] == format_source(text) != text
    assert any(block.startswith("class Repos(SyncResource):") for block in seen)


@pytest.mark.parametrize("seed", range(3))
def test_a_field_docstring_trusted_without_black_is_one_black_leaves_as_it_is(seed: int) -> None:
    rng = random.Random(seed)
    words = ["alpha", '"quoted"', "x" * 70, "  indented", "\\", "end.", '"', "\n", "\n\n", "   ", "é", "\x00", "\t"]
    trusted = 0
    for _ in range(300):
        body = encode.docstring(" ".join(rng.choice(words) for _ in range(rng.randint(1, 30))))
        body += rng.choice(["", "", " \\xAB", " \\u200B"])  # escapes as a user's template may write them
        text = f'class A:\n    """A."""\n\n    x: int\n    """{body}"""\n    y: int = 0\n'
        lines = text.split("\n")
        fits = settled(lines, ast.parse(text))
        if all(fits):
            trusted += 1
            assert format_source(text) == text, body
    assert trusted > 30  # the property was put to the test


@pytest.mark.parametrize("spec", ["client-features.yaml", "sdk-features.yaml", "features-3.1.yaml", "tagless.yaml"])
def test_no_client_or_resource_class_goes_to_black_whole(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The built-in templates put one blank line between methods, none after an overload's `...`: every client
    and resource class is cut a method at a time, whatever its operations (tagged or not, overloaded or not)."""
    from generator import config, pipeline

    target = config.with_flags(
        config.ad_hoc((REPO / "tests" / "specs" / spec,), out=REPO / "unused", package="pkg"), cache=False
    )
    seen = _given_to_black(monkeypatch)
    pipeline.run(target)
    bases = ("(SyncResource):", "(AsyncResource):", "(SyncClientBase):", "(AsyncClientBase):")
    whole = [
        block.split("\n")[0] for block in seen if block.startswith("class ") and block.split("\n")[0].endswith(bases)
    ]
    assert not whole


@pytest.mark.parametrize("seed", range(6))
def test_a_module_start_it_calls_settled_is_one_black_leaves_as_it_is(seed: int) -> None:
    """Header comments, the module's docstring, imports and the blank lines between them and what follows: where
    `settled` finds nothing for black to do, black does nothing."""
    rng = random.Random(seed)
    left_alone = 0
    for _ in range(200):
        parts = []
        if rng.random() < 0.8:
            parts.append(f"# Generated from an API\n# spec sha256: {'ab' * 40}. Do not edit: regenerate it.\n")
        if rng.random() < 0.8:
            words = " ".join(rng.choice(NAMES) for _ in range(rng.randint(1, 30)))
            parts.append(f'"""{docstring(words, 0)[3:-3]}"""\n')
        parts.append("\n" * rng.randint(0, 3))
        imports = ["from __future__ import annotations", "import os", "from . import a", "from .errors import A, B"]
        parts += [line + "\n" for line in rng.sample(imports, rng.randint(0, 4))]
        for _ in range(2):
            parts.append("\n" * rng.choice([0, 1, 1, 2, 2, 3]))
            parts.append(
                rng.choice(
                    [
                        "X = 1\n",
                        "class A:\n    x: int\n",
                        "if TYPE_CHECKING:\n    import y\n",
                        "def f():\n    return 1\n",
                    ]
                )
            )
        text = "".join(parts).lstrip("\n") if rng.random() < 0.7 else "".join(parts)
        lines = text.split("\n")
        if all(settled(lines, ast.parse(text), start=True)):
            left_alone += 1
            assert format_source(text) == text, text
    assert left_alone > 5  # the property was put to the test
