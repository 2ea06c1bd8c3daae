"""The wheel carries the built-in templates and themes and works outside the repository."""

from __future__ import annotations

import shutil
import site as python_site
import subprocess
import sys
import venv
from pathlib import Path

from .conftest import ROOT


def test_wheel_installed_outside_the_repo_ships_templates_and_themes_and_runs(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(wheels.glob("vpcsite-*.whl"))
    env_dir = tmp_path / "env"
    # The dependencies come from this interpreter; the package itself only from the wheel.
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # When the tests run in a virtual environment (.venv/ of scripts/test.sh), the
    # system site-packages above are the base Python's, not that environment's: name
    # its folders too (as plain paths, so its editable vpcsite is not imported).
    inner = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True
    )
    Path(inner.stdout.strip(), "outer.pth").write_text("\n".join(python_site.getsitepackages()) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--force-reinstall", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    site = tmp_path / "site"
    shutil.copytree(ROOT / "content", site / "content")
    shutil.copy(ROOT / "site.toml", site / "site.toml")
    probe = (
        "import vpcsite, pathlib; p = pathlib.Path(vpcsite.__file__).parent; "
        "print(p); print((p / 'themes' / 'default' / 'theme.toml').is_file(), "
        "(p / 'themes' / 'print' / 'theme.toml').is_file(), (p / 'templates').is_dir())"
    )
    out = subprocess.run([str(python), "-c", probe], cwd=site, capture_output=True, text=True, check=True).stdout.split("\n")
    assert not out[0].startswith(str(ROOT)), "the package must come from the wheel, not the repository"
    assert out[1] == "True True True"
    check = subprocess.run([str(env_dir / "bin" / "vpcsite"), "check"], cwd=site, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert "warning VPC" in check.stdout
