"""What memory hygiene costs: CPU per update under each allocator setting, side by side.

Each setting runs in its own child process (the allocator is chosen at interpreter start), the
children take turns for several rounds so that machine noise hits every setting alike, and each
child answers the same updates on the offline request class (no network). ``python -m bot run``
uses the last setting, "hygienic" (bot/memory.py).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SETTINGS: dict[str, dict[str, str]] = {
    "default (pymalloc)": {"PYTHONMALLOC": "pymalloc"},
    "malloc": {"PYTHONMALLOC": "malloc"},
    "malloc + perturb": {"PYTHONMALLOC": "malloc", "MALLOC_PERTURB_": "165"},
    "hygienic": {"PYTHONMALLOC": "malloc", "MALLOC_PERTURB_": "165",
                 "GLIBC_TUNABLES": "glibc.malloc.tcache_count=0"},
}
ALLOCATOR_VARIABLES = ("PYTHONMALLOC", "MALLOC_PERTURB_", "GLIBC_TUNABLES")


def _child(count: int, content: Path) -> None:
    """In the child: load ``content``, answer ``count`` updates of each workload, print JSON."""
    import asyncio

    from run import TOKEN, WORKLOADS, per_update  # bench/run.py

    from bot.bundle import load_bundle
    from bot.config import ROOT, Config
    from bot.telegram.app import build_application
    from bot.telegram.holder import BundleHolder
    from tests.offline import OfflineRequest

    start = time.process_time()
    bundle = load_bundle(content, ROOT / "locales")
    load = time.process_time() - start
    config = Config(token=TOKEN, rate_limit_per_second=0)

    async def measure() -> dict[str, float]:
        app = build_application(config, BundleHolder(config, bundle),
                                request=OfflineRequest(record=False))
        async with app:
            out = {}
            for name, make in WORKLOADS.items():
                await per_update(app, make, 20)
                out[name] = statistics.mean(await per_update(app, make, count))
            return out

    print(json.dumps({"load": load, "updates": asyncio.run(measure())}))


def _run_child(setting: dict[str, str], count: int, content: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in ALLOCATOR_VARIABLES}
    done = subprocess.run([sys.executable, str(Path(__file__)), "--child", str(count),
                           str(content)],
                          env={**env, **setting}, cwd=HERE, capture_output=True, text=True,
                          check=True, timeout=600)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def allocator_section(count: int, rounds: int, settings: list[str] | None = None,
                      content: Path = ROOT / "content") -> list[str]:
    """CPU per update and loading ``content`` under each allocator setting."""
    names = settings or list(SETTINGS)
    results: dict[str, list[dict[str, object]]] = {name: [] for name in names}
    for _ in range(rounds):
        for name in names:
            results[name].append(_run_child(SETTINGS[name], count, content))
    base = names[0]

    def mean_of(name: str, key: str) -> float:
        values = [float(r[key]) if key == "load" else float(r["updates"][key])  # type: ignore[index]
                  for r in results[name]]
        return statistics.mean(values)

    workloads = list(results[base][0]["updates"])  # type: ignore[call-overload]
    lines = [f"Memory hygiene, CPU cost ({count} updates per workload, {rounds} rounds, "
             f"one process per setting, offline request, {content.relative_to(ROOT)}/):"]
    header = f"  {'setting':20}" + "".join(f"{w:>16}" for w in workloads) + f"{'load content':>16}"
    lines.append(header)
    for name in names:
        cells = []
        for w in [*workloads, "load"]:
            value, ref = mean_of(name, w), mean_of(base, w)
            shown = f"{value * 1e3:.0f} ms" if w == "load" else f"{value * 1e6:.0f} us"
            cells.append(f"{shown} {value / ref:4.2f}x".rjust(16))
        lines.append(f"  {name:20}" + "".join(cells))
    return lines


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        sys.path.insert(0, str(HERE))
        _child(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        for line in allocator_section(int(sys.argv[1]) if len(sys.argv) > 1 else 500, 3):
            print(line)
