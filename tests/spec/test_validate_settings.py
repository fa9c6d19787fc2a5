"""Validation pins the validators' settings instead of reading them through pydantic-settings
(`spec/validate.py: _settings_pinned`): the stand-ins hold every name the validators import from their settings
modules, with the values those modules give, and a spec is judged exactly as with the real modules loaded."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from importlib.util import find_spec
from pathlib import Path

import pytest

from generator.spec.validate import _SchemaValidatorSettings, _SpecValidatorSettings
from tests.spec.support import root_with

_MODULES = ("openapi_spec_validator.settings", "openapi_schema_validator.settings")
_ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, *args: str, env: dict[str, str] | None = None) -> str:
    """What `code` prints, run with `args` by a fresh interpreter from the repository root (nothing loaded
    beforehand)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAPI_SPEC_VALIDATOR_", "OPENAPI_SCHEMA"))}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=_ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _imported_from_settings(package: str) -> dict[str, set[str]]:
    """Every name a module of the installed `package` imports from either settings module."""
    spec = find_spec(package)
    assert spec is not None and spec.submodule_search_locations
    wanted: dict[str, set[str]] = {name: set() for name in _MODULES}
    for folder in spec.submodule_search_locations:
        for path in Path(folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module in wanted:
                    wanted[node.module].update(alias.name for alias in node.names)
    return wanted


def test_the_stand_ins_hold_every_name_the_validators_import_from_their_settings() -> None:
    wanted: dict[str, set[str]] = {name: set() for name in _MODULES}
    for package in ("openapi_spec_validator", "openapi_schema_validator"):
        for module, names in _imported_from_settings(package).items():
            wanted[module] |= names
    assert wanted["openapi_spec_validator.settings"] and wanted["openapi_schema_validator.settings"]
    held = json.loads(
        _python(
            """
            import json, sys
            from generator.spec.validate import _settings_pinned
            _settings_pinned()
            names = ("openapi_spec_validator.settings", "openapi_schema_validator.settings")
            print(json.dumps({name: sorted(vars(sys.modules[name])) for name in names}))
            """
        )
    )
    for module, names in wanted.items():
        assert names <= set(held[module]), (module, names - set(held[module]))


def test_the_stand_ins_give_the_values_the_validators_own_settings_give() -> None:
    real = json.loads(
        _python(
            """
            import json
            from openapi_spec_validator.settings import OpenAPISpecValidatorSettings
            from openapi_schema_validator.settings import get_settings
            spec = OpenAPISpecValidatorSettings()
            print(json.dumps([spec.resolved_cache_maxsize, spec.schema_validator_backend,
                              get_settings().compiled_validator_cache_max_size]))
            """,
            env={"OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND": "jsonschema"},  # as validation sets it
        )
    )
    pinned = [
        _SpecValidatorSettings().resolved_cache_maxsize,
        _SpecValidatorSettings().schema_validator_backend,
        _SchemaValidatorSettings().compiled_validator_cache_max_size,
    ]
    assert pinned == real


_JUDGED = """
    import json, sys
    from pathlib import Path
    {preload}
    from generator.spec import load_spec
    from generator.spec.validate import validate
    found = [[d.pointer, d.message] for path in sys.argv[1:] for d in validate(load_spec([Path(path)]))]
    print(json.dumps([found, "pydantic_settings" in sys.modules]))
"""

# One operation answering an `Item` (the shared root of tests/spec/support.py), and schemas with errors.
_COMPONENTS = """\
components:
  schemas:
    Item:
      type: object
      properties:
        size: {type: integer, minimum: "one"}
        name: {type: string, maxLength: -1}
    Broken: {type: 12}
"""


def _spec(version: str) -> str:
    root = root_with("#/components/schemas/Item").replace("openapi: 3.1.0", f"openapi: {version}", 1)
    return root + _COMPONENTS


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_spec_is_judged_as_with_the_real_settings_without_loading_pydantic_settings(
    tmp_path: Path, version: str
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(_spec(version), "utf-8")
    pinned_found, pinned_loaded = json.loads(_python(_JUDGED.format(preload=""), str(spec)))
    real = "import openapi_spec_validator.settings, openapi_schema_validator.settings"
    real_found, real_loaded = json.loads(_python(_JUDGED.format(preload=real), str(spec)))
    assert pinned_found  # the spec's errors are reported ...
    assert pinned_found == real_found  # ... exactly as with the validators' own settings modules
    assert not pinned_loaded and real_loaded
