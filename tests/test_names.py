"""names.py: every spec string that becomes an identifier, module or file name."""

from __future__ import annotations

import keyword

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("getUserById", "get_user_by_id"),
        ("HTTPResponse", "http_response"),
        ("Ünïcödé", "unicode"),
        ("ｆｕｌｌｗｉｄｔｈ", "fullwidth"),  # NFKC folds compatibility forms before ASCII
        ("ﬁle", "file"),
        ("123abc", "n123_abc"),
        ("", "value"),
        ("日本語", "value"),
        ("class", "class_"),
        ("a-b.c/d e", "a_b_c_d_e"),
        ('x"""; import os; #', "x_import_os"),
    ],
)
def test_snake(text: str, expected: str) -> None:
    assert names.snake(text) == expected


@pytest.mark.parametrize("word", sorted(keyword.kwlist))
def test_keywords_get_a_suffix(word: str) -> None:
    assert names.snake(word) == word.lower() + "_" or not keyword.iskeyword(names.snake(word))
    assert not keyword.iskeyword(names.pascal(word))


@pytest.mark.parametrize("word", sorted({*keyword.softkwlist, "list", "type", "id", "print", "httpx"} - {"_"}))
def test_parameters_may_take_soft_keywords_and_builtins(word: str) -> None:
    """A method's body names none of them, and annotations are read outside the function: `id=` is safe."""
    assert names.parameter_name(word) == word


@pytest.mark.parametrize("word", sorted(keyword.kwlist))
def test_parameters_keep_off_keywords(word: str) -> None:
    name = names.parameter_name(word)
    assert name.isidentifier() and not keyword.iskeyword(name)


def test_model_method_names_are_reserved() -> None:
    assert "to_dict" in names.MODEL_METHODS and "from_dict" in names.MODEL_METHODS
    assert names.snake("to_dict", reserved=names.MODEL_METHODS) == "to_dict_"


def test_collisions_get_deterministic_suffixes() -> None:
    space = names.Namespace()
    claimed = [space.claim(names.snake(t)) for t in ["GMT0", "GMT+0", "gmt_0", "ASC", "asc"]]
    assert claimed == ["gmt_0", "gmt_0_2", "gmt_0_3", "asc", "asc_2"]
    again = names.Namespace()
    assert [again.claim(names.snake(t)) for t in ["GMT0", "GMT+0", "gmt_0", "ASC", "asc"]] == claimed


def test_operation_names() -> None:
    assert names.operation_name("create_flow_flows__post", method="post", path="/flows/") == "create_flow"
    assert names.operation_name(None, method="get", path="/pets/{petId}") == "get_pets_by_pet_id"
    assert names.operation_name("close", method="get", path="/x") == "close_"


def test_package_names_are_plain() -> None:
    assert names.package_name("My API!") == "my_api"
    assert names.package_name("../../etc") == "etc"
    assert names.package_name("list") == "list_"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_every_text_gives_a_safe_ascii_identifier(text: str) -> None:
    for make in (names.snake, names.pascal, names.upper, names.parameter_name, names.package_name):
        name = make(text)
        assert name.isascii() and name.isidentifier(), (make, text, name)
        assert not keyword.iskeyword(name)
        assert "/" not in name and "." not in name and name not in (".", "..")
