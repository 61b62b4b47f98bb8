"""The Jinja environment: autoescaping for every template, StrictUndefined, and the one asset helper."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2

from sitegen.errors import Problem, SiteError


class Templates:
    def __init__(self, templates_dir: Path, asset_urls: Mapping[str, str], shown_root: Path) -> None:
        self._dir = templates_dir.resolve()
        self._shown_root = shown_root
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self._dir)),
            autoescape=True,  # every template, whatever its extension (select_autoescape skips .j2, .txt)
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,
        )
        asset_urls = dict(asset_urls)

        def asset(name: str) -> str:
            if name not in asset_urls:
                raise jinja2.TemplateRuntimeError(f"asset('{name}') is not a file in static/")
            return asset_urls[name]

        self._env.globals["asset"] = asset

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        try:
            return self._env.get_template(name).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise SiteError([self._problem(exc.filename or name, exc.lineno, exc.message or str(exc))]) from None
        except jinja2.TemplateNotFound as exc:
            raise SiteError(
                [
                    Problem(
                        self._shown(name),
                        0,
                        "",
                        f"template '{exc.name}' not found",
                        "add it to templates/ or fix the name",
                    )
                ]
            ) from None
        except jinja2.TemplateError as exc:
            filename, line = _template_frame(sys.exc_info()[2], self._dir, name)
            raise SiteError([self._problem(filename, line, str(exc))]) from None
        except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as exc:
            # A template expression that fails while rendering (e.g. {{ 1 // 0 }}) is a template mistake too.
            filename, line = _template_frame(sys.exc_info()[2], self._dir, name)
            raise SiteError([self._problem(filename, line, f"{type(exc).__name__}: {exc}")]) from None

    def _shown(self, name: str) -> str:
        return (
            (self._dir / name).relative_to(self._shown_root).as_posix()
            if self._dir.is_relative_to(self._shown_root)
            else name
        )

    def _problem(self, filename: str, line: int, message: str) -> Problem:
        path = Path(filename)
        shown = self._shown(path.relative_to(self._dir).as_posix() if path.is_absolute() else filename)
        return Problem(shown, line, "", message, "fix the template")


def _template_frame(tb: TracebackType | None, templates_dir: Path, fallback: str) -> tuple[str, int]:
    """Jinja rewrites tracebacks so template lines appear as frames; the innermost one is the culprit."""
    found = (fallback, 0)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if Path(filename).is_relative_to(templates_dir):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
