"""`recover` writes a document only when it validates: a recovered page that is not a valid spec is refused,
located, unless `--no-validate` asks for it anyway (its problems then printed as warnings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main

# A page whose YAML lost its indentation, and whose document refers to a schema it does not have.
PAGE = """# Things

```yaml
openapi: 3.1.0
info:
title: Things
version: "1"
paths:
/things:
get:
operationId: listThings
responses:
"200":
description: ok
content:
application/json:
schema:
$ref: "#/components/schemas/Missing"
```
"""


def test_an_invalid_recovered_document_is_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page, out = tmp_path / "things.md", tmp_path / "things.yaml"
    page.write_text(PAGE, "utf-8")
    assert main(["recover", str(page), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{page}:18: #/paths/~1things/get/responses/200/content/application~1json/schema/$ref:" in err
    assert not out.exists()


def test_no_validate_writes_it_with_its_problems_as_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page, out = tmp_path / "things.md", tmp_path / "things.yaml"
    page.write_text(PAGE, "utf-8")
    assert main(["recover", str(page), "-o", str(out), "--no-validate"]) == 0
    assert "warning:" in capsys.readouterr().err
    assert '$ref: "#/components/schemas/Missing"' in out.read_text("utf-8")


# `c` can be Pet's property or `a`'s: the flattened lines cannot tell.
AMBIGUOUS = """# Pets

```yaml
openapi: 3.0.3
info:
title: Pets
version: "1"
paths: {}
components:
schemas:
Pet:
type: object
properties:
a:
type: object
properties:
b:
type: string
c:
type: string
```
"""


def test_generate_refuses_an_ambiguous_page_and_best_guess_prints_each_choice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page, out = tmp_path / "pets.md", tmp_path / "out"
    page.write_text(AMBIGUOUS, "utf-8")
    args = ["generate", "--spec", str(page), "--out", str(out), "--package", "pets"]
    assert main(args) == 1
    assert f"{page}:19:" in capsys.readouterr().err
    assert not out.exists()

    assert main([*args, "--best-guess"]) == 0
    err = capsys.readouterr().err
    assert f"{page}:19:" in err and "warning:" in err  # the choice, where it was made
    assert (out / "pets" / "models.py").is_file()
