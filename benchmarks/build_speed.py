"""Build-speed benchmark: how the pipeline scales with the number of guides.

Copies the example project, adds N generated personas, and prints the time of each stage and
the size of a guide page. Run: python3 benchmarks/build_speed.py [N ...] (default 50 200).
Prints figures; it asserts nothing (tests check behaviour, this measures it).
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from generator import build as pipeline

REPO = Path(__file__).resolve().parent.parent
PERSONA = """name: Person {n}
tax_year: 2026
birth_date: {year}-06-15
plan: acme-401k
pay:
  salary: {salary}
elections:
  pre_tax_pct: {pct}
tax:
  marginal_rate_now: 24
  marginal_rate_retirement: 22
"""


def project_with(count: int, root: Path) -> pipeline.Project:
    for part in ("mkdocs.yml", "profiles", "templates", "site_content", "overrides"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / part)
    for n in range(count):
        text = PERSONA.format(n=n, year=1960 + n % 40, salary=40_000 + 1_000 * (n % 300), pct=3 + n % 20)
        (root / "profiles" / "personas" / f"bench-{n:05d}.yaml").write_text(text)
    return pipeline.Project(root)


def measure(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = project_with(count, Path(tmp))
        started = time.perf_counter()
        profiles, _ = pipeline.load_and_validate(project)
        loaded = time.perf_counter()
        guides = [pipeline.plan_guide(p, profiles.plans, None) for p in profiles.personas]
        computed = time.perf_counter()
        pages = pipeline.render_pages(project, guides, pipeline.build_date())
        rendered = time.perf_counter()
        pipeline.build(project)
        total = time.perf_counter()
        page = (project.root / "site" / "guides" / "bench-00000" / "index.html").stat().st_size
        index = (project.root / "site" / "search" / "search_index.json").stat().st_size
        print(f"{len(profiles.personas):6d} guides | load {loaded - started:6.2f}s | compute and advise (two years) "
              f"{computed - loaded:6.2f}s | "
              f"render {rendered - computed:6.2f}s ({len(pages)} pages) | full build {total - rendered:6.2f}s | "
              f"{(total - rendered) / len(profiles.personas) * 1000:6.1f} ms/guide | page {page / 1024:5.1f} KB | "
              f"search index {index / 1024 / 1024:5.1f} MB")


if __name__ == "__main__":
    for count in [int(arg) for arg in sys.argv[1:]] or [50, 200]:
        measure(count)
