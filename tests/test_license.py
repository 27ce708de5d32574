"""The LICENSE file is the Apache License 2.0 that setup.cfg declares."""

import configparser
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_license_file_matches_the_declared_license():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    assert config["metadata"]["license"] == "Apache-2.0"
    assert config["metadata"]["license_files"].strip() == "LICENSE"
    text = (ROOT / "LICENSE").read_text()
    assert text.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "END OF TERMS AND CONDITIONS" in text
    assert (
        "[name of copyright owner]"
        not in text.split("APPENDIX")[1].split("Licensed under")[0]
    )
