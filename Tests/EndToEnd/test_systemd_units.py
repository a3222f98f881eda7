"""Deploy/systemd's units as systemd reads them: `systemd-analyze verify` finds no error in any unit (with
ExecStart pointed at the binaries under test, so it also checks they are there and executable), and
`systemd-analyze security --offline` rates each server's sandbox at most 2.0 on its 0-10 exposure scale. The
machines have no systemd running as PID 1, so the units are read, not booted (Deploy/systemd/README.md)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from conftest import binary

UNITS = Path(__file__).resolve().parents[2] / "Deploy" / "systemd"
SERVERS = ["gatehouse-auth-server.service", "gatehouse-resource-server.service"]


def units_under_test(folder: Path) -> list[Path]:
    """The units, with /usr/local/bin/ replaced by where the binaries under test are."""
    bin_dir = str(Path(binary("auth-server")).parent) + "/"
    copies = []
    for unit in sorted(UNITS.glob("gatehouse-*")):
        copy = folder / unit.name
        copy.write_text(unit.read_text().replace("/usr/local/bin/", bin_dir))
        copies.append(copy)
    return copies


def test_units_verify_without_a_word(tmp_path):
    units = units_under_test(tmp_path)
    assert {unit.name for unit in units} >= {*SERVERS, "gatehouse-backup.service", "gatehouse-backup.timer"}
    verified = subprocess.run(["systemd-analyze", "verify", "--man=no", *map(str, units)], capture_output=True, text=True, cwd=tmp_path)
    assert verified.returncode == 0 and verified.stdout == "" and verified.stderr == "", verified.stderr


def test_servers_are_sandboxed(tmp_path):
    units_under_test(tmp_path)
    for name in [*SERVERS, "gatehouse-backup.service"]:
        rated = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--no-pager", name], capture_output=True, text=True, cwd=tmp_path)
        assert rated.returncode == 0, rated.stderr
        exposure = float(re.search(r"Overall exposure level for \S+: (\d+\.\d+)", rated.stdout).group(1))
        assert exposure <= 2.0, (name, exposure, rated.stdout[-2000:])
