"""Compare our public signatures with the original SDK's (``shared/spec/signatures.json``)."""

from __future__ import annotations

import importlib
import inspect
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPEC = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "signatures.json"


@dataclass
class Report:
    present: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.present) + len(self.missing)


def load_spec() -> dict[str, Any]:
    return json.loads(SPEC.read_text())  # type: ignore[no-any-return]


def _resolve(dotted: str) -> tuple[bool, Any]:
    """Import the longest module prefix of ``dotted`` and walk the rest as attributes."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for name in parts[i:]:
            if not hasattr(obj, name):
                return False, None
            obj = getattr(obj, name)
        return True, obj
    return False, None


def _params(func: Any) -> list[dict[str, str]] | None:
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return None
    out = []
    for p in sig.parameters.values():
        entry = {"kind": p.kind.name, "name": p.name}
        if p.default is not inspect.Parameter.empty:
            # The spec writes "<callable>" for a function default (its repr has an address).
            entry["default"] = "<callable>" if callable(p.default) else repr(p.default)
        out.append(entry)
    return out


def _compare(where: str, expected: list[dict[str, str]], func: Any, report: Report) -> None:
    actual = _params(func)
    if actual is None:
        report.mismatches.append(f"{where}: no signature")
        return
    if actual != expected:

        def fmt(ps: list[dict[str, str]]) -> str:
            return ", ".join(
                p["name"] + (f"={p['default']}" if "default" in p else "") + f"[{p['kind'][:3]}]"
                for p in ps
            )

        report.mismatches.append(
            f"{where}:\n  expected ({fmt(expected)})\n  actual   ({fmt(actual)})"
        )


def check() -> Report:
    spec = load_spec()
    report = Report()
    for dotted, entry in spec.items():
        if dotted == "__exports__":
            continue
        found, obj = _resolve(dotted)
        if not found:
            report.missing.append(dotted)
            report.missing.extend(f"{dotted}.{name}" for name in entry.get("members", {}))
            continue
        report.present.append(dotted)
        if entry["kind"] == "function":
            _compare(dotted, entry["params"], obj, report)
            continue
        for name, member in entry.get("members", {}).items():
            where = f"{dotted}.{name}"
            if not hasattr(obj, name):
                report.missing.append(where)
                continue
            report.present.append(where)
            if member["kind"] == "method":
                _compare(where, member["params"], getattr(obj, name), report)
            elif member["kind"] == "property":
                attr = inspect.getattr_static(obj, name)
                if not isinstance(attr, property):
                    report.mismatches.append(f"{where}: expected a property")
    for module, names in spec["__exports__"].items():
        found, mod = _resolve(module)
        for name in names:
            where = f"{module}.{name} (export)"
            if found and hasattr(mod, name):
                report.present.append(where)
            else:
                report.missing.append(where)
    return report
