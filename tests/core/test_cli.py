"""The command-line contract: `reply`, `reply --json`, `console`, `run` without a token."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


def _bot(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env=environment,
        timeout=60,
        check=False,
    )


def _json(text: str) -> tuple[int, dict[str, Any]]:
    done = _bot("reply", "--json", text)
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout + done.stderr
    return done.returncode, json.loads(lines[0])


def test_dose_json_has_the_contract_fields() -> None:
    code, data = _json("/dk2 dose 125 mcg k2:100")
    assert code == 0
    assert data["command"] == "dose" and data["ok"] is True
    assert data["daily_iu"] == 5000 and data["band"] == "above_ul"
    assert data["k2_mcg"] == 100 and data["k2_band"] == "typical"
    assert "not medical advice" in data["text"]


def test_level_json_has_the_contract_fields() -> None:
    code, data = _json("/dk2 level 105 nmol/L")
    assert code == 0
    assert data["command"] == "level"
    assert round(data["ng_ml"], 2) == 42.07
    assert data["band"] == "goal"


def test_explain_json_has_topic_and_suggestions() -> None:
    code, data = _json("/dk2 explain osteocalcn")
    assert code == 0
    assert data["topic"] == "osteocalcin" and data["suggestions"] == []
    code, data = _json("/dk2 explain recommend a good laptop")
    assert code == 0
    assert data["topic"] is None and isinstance(data["suggestions"], list)


@pytest.mark.parametrize(
    "text", ["/dk2 dose -5", "/dk2 level abc", "/dk2 nonsense", "/dk2 dose 5000 bogus:1"]
)
def test_user_errors_exit_1_with_a_message(text: str) -> None:
    code, data = _json(text)
    assert code == 1
    assert data["ok"] is False
    assert data["error"]


def test_plain_reply_shows_what_chat_shows() -> None:
    done = _bot("reply", "/dk2", "dose", "5000")
    assert done.returncode == 0
    assert "5,000 IU/day" in done.stdout
    assert "Sources:" in done.stdout


def test_invalid_knowledge_exits_2(tmp_path: Path) -> None:
    done = _bot("--knowledge", str(tmp_path / "nowhere"), "reply", "/dk2 dose 5000")
    assert done.returncode == 2
    assert "knowledge folder not found" in done.stderr


def test_console_answers_each_line_until_quit() -> None:
    done = _bot("console", stdin="/dk2 dose 5000\nlevel 42\n\nexplain mgp\nquit\n/dk2 dose 1\n")
    assert done.returncode == 0
    assert "5,000 IU/day" in done.stdout
    assert "42 ng/mL (104.8 nmol/L)" in done.stdout
    assert "Matrix Gla protein" in done.stdout
    assert "1 IU/day" not in done.stdout  # after quit nothing more is answered
    assert "Traceback" not in done.stdout + done.stderr


def test_run_without_token_starts_the_console_and_says_so() -> None:
    done = _bot("run", stdin="/dk2 dose 3000\n")
    assert done.returncode == 0
    notice = [line for line in done.stderr.splitlines() if "DISCORD_TOKEN" in line]
    assert len(notice) == 1 and "offline console" in notice[0]
    assert "3,000 IU/day" in done.stdout


def test_console_sends_a_plain_question_to_explain_and_lists_commands_on_help() -> None:
    done = _bot("console", stdin="is d3 safe without k2?\nhelp\n")
    assert done.returncode == 0
    assert "doesn't have a `is` command" not in done.stdout
    assert "Is vitamin D dangerous without K2?" in done.stdout
    assert "`/dk2 level 42 ng/mL`" in done.stdout and "`/dk2 help`" in done.stdout


def test_console_end_of_input_is_one_clean_line() -> None:
    done = _bot("console", stdin="dose 5000\n")
    assert done.returncode == 0
    assert done.stdout.rstrip().splitlines()[-1] == "dk2: bye."
    assert "Traceback" not in done.stdout + done.stderr


def test_console_ctrl_c_is_one_clean_line() -> None:
    environment = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=environment,
    )
    try:
        assert process.stdout is not None and process.stdin is not None
        assert "offline console" in process.stdout.readline()  # waiting for a line now
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "Traceback" not in out + err and "KeyboardInterrupt" not in out + err
    assert out.strip().splitlines() == ["dk2: bye."]


def test_reply_demos_of_the_content_review() -> None:
    """The review's demos, as an operator runs them from a clone."""
    toxic = _bot("reply", "/dk2 level 160 ng/mL")
    assert toxic.returncode == 0, toxic.stderr
    lines = toxic.stdout.splitlines()
    assert lines[0].startswith("== 160 ng/mL: in the range described as vitamin D toxicity")
    assert lines[1].startswith("⚠️ Stop taking vitamin D supplements")
    assert "severe hypercalcaemia" in lines[1]
    within = _bot("reply", "/dk2 dose 400 age:2").stdout
    assert "400 at 2 years: at or below the upper limit for this age" in within
    assert "IOM 2011: 2,500 IU/day at 1–3 years; this dose is at or below it." in within
    above = _bot("reply", "/dk2 dose 3000 age:2").stdout
    assert "3,000 at 2 years: above the upper limit for this age" in above
    assert "EFSA 2012/2023: 50 µg/day at 1–10 years; this dose is above it." in above
    weekly = _bot("reply", "/dk2 dose 50000 weekly").stdout
    assert "50,000 weekly averages 7,143 IU/day (178.57 µg/day) over 7 days." in weekly
    assert "The article's range is per day" in weekly
