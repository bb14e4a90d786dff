"""``make test`` on a fresh machine: tools/ensure_browser.sh finds, installs or asks for
Chromium, and ``.ci/run`` relies on it instead of installing anything itself.

The script runs with fake ``id``, ``sudo`` and ``apt-get`` first on its PATH, each writing
what it was asked to do to a log: nothing is installed for real.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "ensure_browser.sh"
INSTALL_COMMAND = "sudo apt-get install -y chromium fonts-noto-cjk"


def fake_command(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\necho \"{name} $*\" >> \"$FAKE_LOG\"\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """A machine without Chromium (CHROMIUM points at a path nothing holds yet)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    chromium = tmp_path / "chromium"
    # apt-get "installs" Chromium by creating the executable the script looks for.
    fake_command(bin_dir, "apt-get", (
        'case "$*" in *install*) printf "#!/bin/sh\\n" > "$CHROMIUM"; chmod +x "$CHROMIUM";; '
        "esac"))
    return {"bin": bin_dir, "chromium": chromium, "log": tmp_path / "calls.log"}


def run(machine, *, uid: int, sudo_works: bool) -> subprocess.CompletedProcess:
    fake_command(machine["bin"], "id", f"echo {uid}")
    fake_command(machine["bin"], "sudo", (
        'case "$1" in -n) shift;; esac\n'
        'if [ "$1" = true ]; then exit ' + ("0" if sudo_works else "1") + "; fi\n"
        + ('exec "$@"' if sudo_works else "exit 1")))
    env = {"PATH": f"{machine['bin']}:/usr/bin:/bin", "CHROMIUM": str(machine["chromium"]),
           "FAKE_LOG": str(machine["log"])}
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True,
                          timeout=30)


def calls(machine) -> list[str]:
    return machine["log"].read_text().splitlines() if machine["log"].exists() else []


def test_a_present_browser_needs_nothing(machine):
    machine["chromium"].write_text("#!/bin/sh\n")
    machine["chromium"].chmod(0o755)
    result = run(machine, uid=1000, sudo_works=False)
    assert result.returncode == 0, result.stderr
    assert [c for c in calls(machine) if not c.startswith("id")] == []


def test_without_root_or_sudo_it_stops_at_once_with_the_install_command(machine):
    started = time.monotonic()
    result = run(machine, uid=1000, sudo_works=False)
    assert result.returncode != 0
    assert INSTALL_COMMAND in result.stderr
    assert str(machine["chromium"]) in result.stderr
    assert not any(c.startswith("apt-get") for c in calls(machine))
    assert time.monotonic() - started < 10  # no password prompt, no download


def test_as_root_it_installs_chromium_and_the_cjk_fonts(machine):
    result = run(machine, uid=0, sudo_works=False)
    assert result.returncode == 0, result.stderr
    assert "apt-get install -y -qq chromium fonts-noto-cjk" in calls(machine)
    assert not any(c.startswith("sudo") for c in calls(machine))
    assert os.access(machine["chromium"], os.X_OK)


def test_with_passwordless_sudo_it_installs_through_sudo(machine):
    result = run(machine, uid=1000, sudo_works=True)
    assert result.returncode == 0, result.stderr
    log = calls(machine)
    assert any(c.startswith("sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install")
               for c in log), log
    assert "apt-get install -y -qq chromium fonts-noto-cjk" in log


def test_make_test_checks_the_browser_through_the_script_first():
    recipe = subprocess.run(["make", "--no-print-directory", "-n", "test",
                             "CHROMIUM=/opt/chromium"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.splitlines()
    assert recipe[0] == "CHROMIUM=/opt/chromium bash tools/ensure_browser.sh"
    assert recipe[-1] == ".venv/bin/pytest"


def test_ci_relies_on_make_test_and_installs_nothing_itself():
    script = (ROOT / ".ci" / "run").read_text()
    commands = [line.split("#")[0] for line in script.splitlines()]
    assert not any(word in line for line in commands
                   for word in ("apt-get", "apt ", "dpkg", "pip install", "playwright install"))
    assert any("make test" in line and line.lstrip().startswith("timed") for line in commands)
