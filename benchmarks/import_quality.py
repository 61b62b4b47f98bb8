"""Import quality: run `build.py import` on every evaluation fixture and score it against its ground truth.

Each case in tests/fixtures/import/evaluation/ holds one scraped input (text, Markdown or a saved web page) and
truth.json: the title, the headings with their levels, the paragraphs that must survive ("keep"), text that
must go ("gone": duplicates and page furniture), boilerplate lines that must be removed and reported, hard
negatives (lines that look like boilerplate but carry health information) and near-identical pairs that must
both stay. Prints one row per case, then writes the table to BENCHMARKS.md ("Import quality").

    PYTHONPATH=. .venv/bin/python benchmarks/import_quality.py [--no-write]
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# benchmarks/readability.py would hide the readability-lxml package the importer uses for web pages.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
CASES = ROOT / "tests" / "fixtures" / "import" / "evaluation"
ESCAPES = ("\\n", "\\u", "\\x", "&amp;", "&#", "&nbsp;", "\\t")


@dataclass(frozen=True)
class Score:
    case: str
    recall: float  # share of the "keep" paragraphs found in the article
    duplicates_left: int  # "keep" paragraphs found more than once, plus "gone" text still there
    boilerplate_left: int  # boilerplate lines still in the article or missing from the report
    hard_negatives: tuple[int, int]  # kept, of
    pairs: tuple[int, int]  # near-identical pairs with both kept, of
    escapes_decoded: bool
    headings: bool  # the headings, levels and order exactly as in the ground truth
    title: bool

    @property
    def full_marks(self) -> bool:
        return (
            self.recall == 1.0
            and self.duplicates_left == 0
            and self.boilerplate_left == 0
            and self.hard_negatives[0] == self.hard_negatives[1]
            and self.pairs[0] == self.pairs[1]
            and self.escapes_decoded
            and self.headings
            and self.title
        )


def input_of(case: Path) -> Path:
    (source,) = sorted(case.glob("input.*"))
    return source


def run_import(source: Path, out: Path, report: Path) -> tuple[int, str]:
    """The real CLI entry point, in this process (what `python build.py import` runs)."""
    from sitegen.cli import main

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = main(["import", str(source), "--out", str(out), "--report", str(report)])
    return code, stderr.getvalue()


def score(case: Path, article: str, report: dict[str, object]) -> Score:
    truth = json.loads((case / "truth.json").read_text(encoding="utf-8"))
    front, body = article.split("\n---\n", 1)
    title = json.loads(front.split("\ntitle: ", 1)[1].split("\n", 1)[0])
    blocks = [block for block in body.strip().split("\n\n") if block]
    headings = [[len(b) - len(b.lstrip("#")), b.lstrip("#").strip()] for b in blocks if b.startswith("#")]
    keep = truth["keep"]
    found = [body.count(text) for text in keep]
    removed = _removed_boilerplate(report)
    boilerplate_left = sum(
        1 for line in truth["boilerplate"] if line in body or not any(line in text for text in removed)
    )
    return Score(
        case=case.name,
        recall=sum(1 for count in found if count) / len(keep),
        duplicates_left=sum(1 for count in found if count > 1) + sum(1 for text in truth["gone"] if text in body),
        boilerplate_left=boilerplate_left,
        hard_negatives=(sum(1 for text in truth["hard_negatives"] if text in body), len(truth["hard_negatives"])),
        pairs=(sum(1 for a, b in truth["both"] if a in body and b in body), len(truth["both"])),
        escapes_decoded=not any(escape in body for escape in ESCAPES),
        headings=headings == truth["headings"],
        title=title == truth["title"],
    )


def _removed_boilerplate(report: dict[str, object]) -> list[str]:
    sources = report["sources"]
    assert isinstance(sources, list)
    return [
        str(decision["text"])
        for source in sources
        for decision in source["decisions"]
        if decision["action"] == "removed" and decision["rule"] == "boilerplate"
    ]


def evaluate(case: Path) -> Score:
    with tempfile.TemporaryDirectory() as folder:
        out, report_path = Path(folder) / "out", Path(folder) / "report.json"
        code, stderr = run_import(input_of(case), out, report_path)
        if code != 0:
            raise SystemExit(f"{case.name}: import failed: {stderr}")
        (article,) = out.iterdir()
        return score(case, article.read_text(encoding="utf-8"), json.loads(report_path.read_text()))


def table(scores: list[Score]) -> str:
    rows = [
        "| case | input | recall | duplicates left | boilerplate left | hard negatives kept | pairs kept "
        "| escapes decoded | headings | title | full marks |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        rows.append(
            f"| {s.case} | {input_of(CASES / s.case).suffix} | {s.recall:.2f} | {s.duplicates_left} "
            f"| {s.boilerplate_left} | {s.hard_negatives[0]}/{s.hard_negatives[1]} | {s.pairs[0]}/{s.pairs[1]} "
            f"| {'yes' if s.escapes_decoded else 'no'} | {'yes' if s.headings else 'no'} "
            f"| {'yes' if s.title else 'no'} | {'yes' if s.full_marks else 'NO'} |"
        )
    full = sum(1 for s in scores if s.full_marks)
    rows.append("")
    rows.append(f"{full} of {len(scores)} cases score full marks.")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    scores = [evaluate(case) for case in sorted(CASES.iterdir()) if case.is_dir()]
    text = table(scores)
    print(text)
    if "--no-write" not in argv:
        spec = importlib.util.spec_from_file_location("benchmark_report", HERE / "report.py")
        assert spec is not None and spec.loader is not None
        report = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(report)
        report.update_section(
            "Import quality",
            "Every case in `tests/fixtures/import/evaluation/` imported with `build.py import` and scored against "
            "its `truth.json` (`PYTHONPATH=. .venv/bin/python benchmarks/import_quality.py`). Recall: share of "
            "the paragraphs that must survive; duplicates left: repeats and removed text still present; "
            "boilerplate left: furniture lines still present or missing from the report; hard negatives: lines "
            "that look like boilerplate but carry health information; pairs: near-identical pairs that must both "
            "stay; headings: text, level and order exact.\n\n" + text,
        )
    return 0 if all(s.full_marks for s in scores) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
