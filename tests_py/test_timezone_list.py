"""The IANA time zone list compiled into the macros is what scripts/cli/generate-timezones.py writes from pytz."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "scripts" / "cli" / "generate-timezones.py"
MODULE = ROOT / "macros-src" / "config" / "iana-timezones.ts"


def test_generated_module_is_current():
    result = subprocess.run([sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_module_lists_real_zones_only():
    text = MODULE.read_text(encoding="utf-8")
    for name in ("UTC", "America/Chicago", "Europe/Amsterdam", "Asia/Kolkata", "America/Argentina/Buenos_Aires"):
        assert f'"{name}"' in text
    for name in ("Mars/Olympus", "america/chicago", "Central Time", "localtime"):
        assert f'"{name}"' not in text
