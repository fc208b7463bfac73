"""Which Celery tasks the code sends: found by reading the source, not by trusting imports.

A task is "sent" where the code calls `X.delay(...)` or `X.apply_async(...)`, hands `X` to
`enqueue`/`enqueue_on_commit` (portal.background), or names it in beat's schedule. `X` is
resolved in the module that sends it, so a task defined in a module the worker never
imports is still found here.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "indicators", "reporting")
SENDERS = {"enqueue", "enqueue_on_commit", "queue"}
HELPERS = {"portal.background"}  # they send whatever task they are given


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).with_suffix("")
            if "migrations" in relative.parts:
                continue
            yield ".".join(relative.parts), path


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _sent_expressions(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("delay", "apply_async"):
            yield _dotted(func.value)
        elif _dotted(func) and _dotted(func).split(".")[-1] in SENDERS and node.args:
            yield _dotted(node.args[0])


def _resolve(module, expression: str):
    target = module
    for part in expression.split("."):
        target = getattr(target, part)
    return target


def sent_task_names() -> dict[str, str]:
    """Every task name the source sends, mapped to where it is sent from."""
    found: dict[str, str] = {}
    for name, path in _modules():
        if name in HELPERS:
            continue
        tree = ast.parse(path.read_text())
        expressions = [e for e in _sent_expressions(tree) if e]
        if not expressions:
            continue
        module = importlib.import_module(name)
        for expression in expressions:
            task = _resolve(module, expression)
            found[task.name] = f"{name}: {expression}"
    from portal.celery import app

    for entry, spec in app.conf.beat_schedule.items():
        found[spec["task"]] = f"beat schedule: {entry}"
    return found
