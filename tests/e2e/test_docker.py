"""The container image (issue 13, point 8): the Dockerfile checked as text everywhere, built and run where a Docker
daemon answers.

The static checks read the Dockerfile as Docker does (line continuations joined, instructions case-insensitive):
a slim Python base, a non-root user, the store's folder as a volume, ``parity`` as the entry point with
``demo`` as the default command, and every file a ``COPY`` names present in the checkout (and not excluded by
``.dockerignore``). The build test is the one test of the suite allowed to skip: without a daemon there is
nothing to build with, and it says so.
"""

from __future__ import annotations

import fnmatch
import json
import shlex
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` in order, continuation lines joined, comments dropped."""
    joined, current = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        current += " " + stripped.rstrip("\\").strip()
        if not stripped.endswith("\\"):
            joined.append(current.strip())
            current = ""
    assert not current, "the Dockerfile ends inside a continued line"
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in joined]


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    start = max(i for i, (name, _) in enumerate(steps) if name == "FROM")
    return steps[start:]


def test_every_instruction_is_known_and_the_bases_are_slim_python() -> None:
    known = {"FROM", "RUN", "COPY", "ENV", "WORKDIR", "USER", "VOLUME", "ENTRYPOINT", "CMD", "ARG", "LABEL"}
    steps = instructions()
    assert {name for name, _ in steps} <= known
    bases = [args.split()[0] for name, args in steps if name == "FROM"]
    assert bases and all(b.startswith("python:") and b.endswith("-slim") for b in bases), bases


def test_the_image_runs_as_a_user_with_the_store_on_a_volume() -> None:
    stage = dict((name, args) for name, args in final_stage() if name in {"USER", "VOLUME", "ENTRYPOINT", "CMD",
                                                                            "WORKDIR"})
    assert stage["USER"] not in ("root", "0", "") and not stage["USER"].startswith("0:")
    assert json.loads(stage["VOLUME"]) == ["/data"] and stage["WORKDIR"] == "/data"
    assert json.loads(stage["ENTRYPOINT"]) == ["parity"]
    assert json.loads(stage["CMD"])[:1] == ["demo"] and "/data/reports/demo" in json.loads(stage["CMD"])
    users = [i for i, (name, _) in enumerate(final_stage()) if name == "USER"]
    runs = [i for i, (name, _) in enumerate(final_stage()) if name == "RUN"]
    assert max(runs) < min(users)  # nothing runs as root after the switch


def test_copy_sources_exist_and_are_not_ignored() -> None:
    ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    sources = []
    for name, args in instructions():
        if name == "COPY" and "--from=" not in args:
            sources += shlex.split(args)[:-1]
    assert set(sources) == {"pyproject.toml", "README.md", "parity", "crawler"}
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source
    assert {".venv", "reports", "tests"} <= set(ignored)


def docker_problem() -> str | None:
    """Why no image can be built here, or None when a Docker daemon answers."""
    if shutil.which("docker") is None:
        return "the docker command is not installed"
    try:
        info = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True,
                              timeout=30)
    except subprocess.TimeoutExpired:
        return "docker info did not answer in 30 s"
    if info.returncode != 0:
        lines = (info.stderr or info.stdout).strip().splitlines() or ["no output"]
        return f"no Docker daemon answers ({lines[-1][:200]})"
    return None


@pytest.mark.slow
def test_the_image_builds_and_its_demo_exits_0() -> None:
    problem = docker_problem()
    if problem:
        pytest.skip(f"docker build not tried: {problem}")
    tag = "reach-parity:test"
    build = subprocess.run(["docker", "build", "-t", tag, str(ROOT)], capture_output=True, text=True, timeout=1800)
    assert build.returncode == 0, build.stderr[-3000:]
    demo = subprocess.run(["docker", "run", "--rm", tag, "demo", "--out", "/data/reports/demo", "--format", "json"],
                          capture_output=True, text=True, timeout=600)
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert json.loads(demo.stdout)["posts"] > 0
    user = subprocess.run(["docker", "run", "--rm", "--entrypoint", "id", tag, "-u"], capture_output=True, text=True,
                          timeout=120)
    assert user.stdout.strip() not in ("", "0")
