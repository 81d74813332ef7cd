"""Build-speed benchmark: `guides build` of N guides against a plain `mkdocs build` of the same Markdown.

For each N, copies the example project into a temporary folder, varies the example personas to
N guides (each with its own name, spouse name and pay; PRIVATE_SHARE of them private), and prints:

- `guides build` from scratch: wall time, CPU time (every process), cores used (CPU / wall), peak RSS
  (the whole process tree, sampled);
- a plain `mkdocs build` of the Markdown that build wrote (build/docs, no hook, one process) in the
  same run, and the ratio of the two walls (below 1: the guides build is the faster);
- `guides calc` and `guides check` of one persona among the N (best of three; they read only its
  file, the plans and the limits, so N should not matter);
- four rebuilds, one after the other: after one private persona's pay changed (the first rebuild
  after a build from scratch), after one public persona's pay changed, after one public persona was
  renamed (which builds the site-wide pages again: the guides index lists the new name), and after
  the private persona's pay changed again;
- the time until search is ready in headless Debian chromium (the index loaded by Material's
  search worker), with the number of public guides in the index.

Then, on its own, the search-ready time of a site of SEARCH_PUBLIC guides that are all public (the
goal is search ready in 2 s with 1,000 public guides; the rows above hold a tenth of N public).

Run: python3 benchmarks/build_speed.py [N ...]      (default 1000 3000)
     python3 benchmarks/build_speed.py --big        (1000 3000 10000; the plain MkDocs build of the
                                                     10,000 row alone takes about 15 minutes on 2 cores)
     --no-plain skips the plain MkDocs build, --plain-up-to N skips it above N guides,
     --jobs J sets the build's processes, --no-search-row skips the all-public search site.
Prints figures; it asserts nothing (tests check behaviour, this measures it). Each build runs as
`python3 -m generator build` in its own process, as a user runs it.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PRIVATE_SHARE = 0.9
SEARCH_PUBLIC = 1000
PARTS = ("mkdocs.yml", "profiles", "templates", "site_content", "overrides")
DROPPED = re.compile(r"^(id|audience|share_until|revoked):.*\n", re.M)


def make_project(root: Path, count: int, private_share: float = PRIVATE_SHARE) -> None:
    """The example project with its personas varied to `count` guides."""
    for part in PARTS:
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / part)
    personas = root / "profiles" / "personas"
    examples = sorted(p.read_text() for p in personas.glob("*.yaml"))
    for path in personas.glob("*.yaml"):
        path.unlink()
    every = round(1 / (1 - private_share)) if private_share < 1 else 0
    for n in range(count):
        text = DROPPED.sub("", examples[n % len(examples)])
        text = re.sub(r"^name: .*$", f"name: Person {n}", text, count=1, flags=re.M)
        text = re.sub(r"^(  name: ).*$", rf"\g<1>Partner {n}", text, flags=re.M)  # a spouse: unique too
        text = re.sub(r"^(  salary: )([1-9]\d*)", lambda m: f"{m.group(1)}{int(m.group(2)) + 100 * (n % 97)}",
                      text, flags=re.M)
        private = not (every and n % every == 0)
        (personas / f"bench-{n:05d}.yaml").write_text(text + ("audience: private\n" if private else ""))


class Measured:
    """A command run to the end: wall, CPU of it and all its children, peak RSS of the whole tree."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.peak = 0
        started = time.perf_counter()
        before = os.times()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   text=True)
        sampler = threading.Thread(target=self._sample, args=(process,), daemon=True)
        sampler.start()
        _, errors = process.communicate()
        self.wall = time.perf_counter() - started
        after = os.times()
        self.cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        sampler.join()
        if process.returncode:
            raise SystemExit(f"{' '.join(command)} failed:\n{errors[-3000:]}")

    def _sample(self, process: subprocess.Popen) -> None:
        while process.poll() is None:
            self.peak = max(self.peak, tree_rss(process.pid))
            time.sleep(0.1)

    def __str__(self) -> str:
        return (f"wall {self.wall:7.1f} s | CPU {self.cpu:7.1f} s | cores used {self.cpu / self.wall:4.2f} | "
                f"peak RSS {self.peak / 2**20:6.0f} MB")


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (Linux /proc). A child whose
    address space is its parent's to the kilobyte (VmSize) is a process being started: the build
    starts `cp` for each shard it links in, and until `cp` begins the child runs in its parent's
    memory. It is not counted a second time (a sample that caught one said 1,043 MB where the tree
    held 844 MB)."""
    total, pending = 0, [(pid, None)]
    while pending:
        current, parent = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            resident, size = (int(re.search(rf"{field}:\s+(\d+) kB", status).group(1)) for field in ("VmRSS", "VmSize"))
            if size != parent:
                total += resident * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [(int(c), size) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return total


def search_ready(site: Path) -> float:
    """Seconds from opening the home page until Material's search says it is ready for typing."""
    sys.path[:0] = [str(REPO), str(REPO / "tests")]
    from chromium import serve
    from generator.pdf import CHROMIUM, FLAGS
    from playwright.sync_api import sync_playwright

    with serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(120_000)
        page.goto(url)
        page.locator("label.md-search__icon, .md-search__input").first.click()
        page.wait_for_function("() => document.querySelector('.md-search-result__meta')"
                               "?.textContent.includes('Type to start searching')", polling=50)
        ready = page.evaluate("performance.now()") / 1000
        browser.close()
    return ready


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1",
            "SOURCE_DATE_EPOCH": str(int(time.time()) // 86400 * 86400)}


def raise_pay(persona: Path) -> None:
    persona.write_text(re.sub(r"^(  salary: )(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) + 1000}",
                              persona.read_text(), count=1, flags=re.M))


def rename(persona: Path) -> None:
    persona.write_text(re.sub(r"^name: (.*)$", r"name: \1 Renamed", persona.read_text(), count=1, flags=re.M))


REBUILDS = (  # one after the other, each with its own change
    (raise_pay, 1, "one private persona changed"),  # the first rebuild: its new version is made by cp -al
    (raise_pay, 0, "one public persona changed"),  # from here on, the version before is brought up to date
    (rename, 10, "one public persona renamed"),  # the guides index lists it: the site-wide shard is built again
    (raise_pay, 1, "one private persona changed again"),
)


def one_persona_commands(root: Path, env: dict[str, str]) -> str:
    """`guides calc ID` and `guides check FILE` of one persona, best of three walls each."""
    walls = {}
    for name, arguments in (("calc", ["calc", "bench-00001"]), ("check", ["check", "profiles/personas/bench-00001.yaml"])):
        walls[name] = min(Measured([sys.executable, "-m", "generator", *arguments], root, env).wall for _ in range(3))
    return " | ".join(f"guides {name} of one persona: {wall:.2f} s" for name, wall in walls.items())


def measure(count: int, jobs: int | None, plain: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="guides-bench-") as tmp:
        root = Path(tmp)
        make_project(root, count)
        env = environment()
        if jobs:
            env["GUIDES_JOBS"] = str(jobs)
        print(f"N = {count:6,d} | {one_persona_commands(root, env)}", flush=True)
        guides = Measured([sys.executable, "-m", "generator", "build"], root, env)
        public = sum(1 for p in (root / "site" / "guides").iterdir() if p.is_dir())
        print(f"N = {count:6,d} ({public:,d} public) | guides build: {guides}", flush=True)
        if plain:
            mkdocs = Measured([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(root / "plain")], root, env)
            print(f"{'':26} | plain mkdocs build: {mkdocs} | guides build / plain: wall "
                  f"{guides.wall / mkdocs.wall:4.2f}×, CPU {guides.cpu / mkdocs.cpu:4.2f}×", flush=True)
            shutil.rmtree(root / "plain")
        for change, number, what in REBUILDS:  # bench-00000 and bench-00010 are public, bench-00001 private
            change(root / "profiles" / "personas" / f"bench-{number:05d}.yaml")
            rebuild = Measured([sys.executable, "-m", "generator", "build"], root, env)
            print(f"{'':26} | {what}, rebuild: {rebuild}", flush=True)
        print(f"{'':26} | search ready in chromium after {search_ready(root / 'site'):.2f} s "
              f"({public:,d} public guides indexed by summary)", flush=True)


def measure_search(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="guides-bench-") as tmp:
        root = Path(tmp)
        make_project(root, count, private_share=0)
        Measured([sys.executable, "-m", "generator", "build"], root, environment())
        index = root / "site" / "search" / "search_index.json"
        print(f"search site, {count:,d} public guides | search ready in chromium after "
              f"{search_ready(root / 'site'):.2f} s (index {index.stat().st_size / 2**20:.1f} MB)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("counts", nargs="*", type=int)
    parser.add_argument("--big", action="store_true", help="add the 10,000-guide row")
    parser.add_argument("--jobs", type=int, help="processes for the guides build (default: one per core)")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain mkdocs build")
    parser.add_argument("--plain-up-to", type=int, help="skip the plain mkdocs build above this many guides")
    parser.add_argument("--no-search-row", action="store_true", help="skip the all-public search site")
    options = parser.parse_args()
    counts = options.counts or [1000, 3000] + ([10_000] if options.big else [])
    print(f"{platform.node()}: {len(os.sched_getaffinity(0))} cores ({platform.processor() or platform.machine()}), "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f}; "
          f"{PRIVATE_SHARE:.0%} of the guides private", flush=True)
    for count in counts:
        measure(count, options.jobs, not options.no_plain and count <= (options.plain_up_to or count))
    if not options.no_search_row:
        measure_search(SEARCH_PUBLIC)


if __name__ == "__main__":
    main()
