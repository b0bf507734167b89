"""The README and the Streamlit config say what the project promises newcomers and operators."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from scoring import load_questionnaire

ROOT = Path(__file__).resolve().parents[2]


def test_readme_opens_with_the_two_newcomer_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert first_block and text.index("```bash") < text.index("\n## ")
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines() if line.strip()]
    assert commands == ["./scripts/run.sh", "./scripts/test.sh"]
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_credits_every_instrument_with_the_citation_in_its_questionnaire_file():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    sources = [section.source for section in load_questionnaire().sections if section.source]
    assert len(sources) == 8  # AUDIT-C, TAPS-1, PHQ-9, GAD-7, PC-PTSD-5, C-SSRS, BAM, MSPSS
    for source in sources:
        assert source in text, source[:60]


def test_streamlit_config_keeps_the_safe_settings():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
    assert config["server"]["enableStaticServing"] is False
    assert config["server"]["maxUploadSize"] <= 5
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["browser"]["gatherUsageStats"] is False
    assert (
        not (ROOT / ".streamlit" / "secrets.toml").exists()
        or "secrets.toml" in (ROOT / ".gitignore").read_text()
    )
