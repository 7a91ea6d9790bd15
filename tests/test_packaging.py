"""Packaging: the wheel builds offline with the declared backend (hatchling, a test extra), has
the right contents and metadata, installs into a fresh virtual environment, and `pathbib --help` /
`--version` work there, fast.

No test reaches the network: the fresh venv gets the wheel with `--no-deps` and borrows the
dependencies of the running environment through a .pth file. `.ci/run` additionally installs the
package with its dependencies from the registry into a clean venv and runs `pathbib --help`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import say
from pathbib import __version__

ROOT = Path(__file__).resolve().parent.parent


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, **kw)  # type: ignore[call-overload, no-any-return]


@pytest.mark.slow
def test_wheel_installs_in_a_fresh_venv_and_cli_starts_fast(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    venv = tmp_path / "venv"
    r = _run([sys.executable, "-m", "venv", str(venv)])  # no system site-packages
    assert r.returncode == 0, r.stderr
    py = venv / "bin" / "python"
    cfg = _run([str(py), "-c", "import sys; print(sys.prefix != sys.base_prefix)"])
    assert cfg.stdout.strip() == "True"
    # 1. build the wheel with the declared backend (hatchling, in an isolated build env)
    dist = tmp_path / "dist"
    r = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(dist),
            str(ROOT),
        ]
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    wheels = list(dist.glob("pathbib-*.whl"))
    assert len(wheels) == 1
    with zipfile.ZipFile(wheels[0]) as z:
        names = set(z.namelist())
        assert "pathbib/cli/app.py" in names and "pathbib/bibio.py" in names
        meta_dir = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        entry_points = z.read(f"{meta_dir}/entry_points.txt").decode()
        metadata = z.read(f"{meta_dir}/METADATA").decode()
    assert "pathbib = pathbib.cli:main" in entry_points
    assert f"Version: {__version__}" in metadata and "Requires-Python: >=3.11" in metadata
    for dep in ("bibtexparser", "habanero", "arxiv", "typer"):
        assert f"Requires-Dist: {dep}" in metadata
    assert not any(n.startswith("tests/") for n in names)
    # 2. install it into the fresh venv; its dependencies come from the running environment
    deps = [p for p in sys.path if p.endswith("site-packages")]
    site = Path(
        _run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    )
    (site / "_deps_from_test_env.pth").write_text("\n".join(deps) + "\n")
    r = _run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheels[0])])
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    exe = venv / "bin" / "pathbib"
    r = _run([str(exe), "--help"], cwd=tmp_path)
    assert r.returncode == 0 and "Usage: pathbib" in r.stdout and "fmt" in r.stdout, r.stderr
    r = _run([str(exe), "fmt", "--help"], cwd=tmp_path)
    assert r.returncode == 0 and "--check" in r.stdout
    # the installed package is the one in the venv, not the source tree
    r = _run([str(py), "-c", "import pathbib; print(pathbib.__file__)"], cwd=tmp_path)
    assert str(venv) in r.stdout
    # 3. `pathbib --version` takes well under half a second (best of several runs)
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        r = _run([str(exe), "--version"], cwd=tmp_path)
        times.append(time.perf_counter() - t0)
        assert r.returncode == 0 and r.stdout.strip() == f"pathbib {__version__}"
    best = min(times)
    say(
        request,
        f"packaging: `pathbib --version` best of 7: {best * 1000:.0f} ms (median {sorted(times)[3] * 1000:.0f} ms)",
    )
    assert best < 0.5, times
