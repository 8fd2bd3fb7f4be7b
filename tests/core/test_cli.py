"""The command-line contract: `reply`, `reply --json`, `console`, `run` without a token."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


def _bot(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    environment["DK2_KNOWLEDGE_PATH"] = str(REPO / "knowledge")
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
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
    assert data["ng_ml"] == 42.1 and data["nmol_l"] == 105  # as the reply shows them
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
    assert f"dk2: answering from the knowledge in {REPO / 'knowledge'}." in done.stderr
    assert "3,000 IU/day" in done.stdout


def test_check_names_the_folder_it_validated(tmp_path: Path) -> None:
    done = _bot("check")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"knowledge OK in {REPO / 'knowledge'}: ")
    copy = tmp_path / "kb"
    shutil.copytree(REPO / "knowledge", copy)
    done = _bot("--knowledge", str(copy), "check")
    assert done.returncode == 0 and done.stdout.startswith(f"knowledge OK in {copy}: ")
    done = _bot("--knowledge", "kb", "check", cwd=tmp_path)  # named in full, not as typed
    assert done.returncode == 0 and done.stdout.startswith(f"knowledge OK in {copy}: ")


def test_a_blank_knowledge_option_is_refused_not_read_as_this_folder(tmp_path: Path) -> None:
    done = _bot("--knowledge", " ", "check", cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert "--knowledge: expected a folder, e.g. --knowledge knowledge" in done.stderr


def test_a_wrong_knowledge_option_is_not_answered_by_suggesting_the_option(tmp_path: Path) -> None:
    done = _bot("--knowledge", str(tmp_path / "missing"), "run", env={"DK2_CONFIG": ""})
    assert done.returncode == 1
    assert done.stderr.startswith("dk2: --knowledge: expected an existing folder")
    assert "(or --knowledge FOLDER" not in done.stderr


def test_the_shards_option_wins_over_the_config_file(tmp_path: Path) -> None:
    """`--shards 4`: every shard of 4 in this process, whatever shard_ids the file gives."""
    config = tmp_path / "config.yaml"
    config.write_text(f"knowledge_path: {REPO / 'knowledge'}\nshard_count: 8\nshard_ids: 5-7\n")
    env = {"DK2_KNOWLEDGE_PATH": "", "DK2_CONFIG": ""}
    done = _bot("run", "--shards", "4", stdin="/dk2 dose 3000\n", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "3,000 IU/day" in done.stdout  # no token: the console, after the settings were read
    done = _bot("run", "--shards", "0-9/8", env=env, cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith(
        "dk2: --shards: expected shard numbers below shard_count (e.g. 0,1 or 0-3), with "
        'shard_count set, got "0-9"; give shard ids and the total, e.g. 0-3/8'
    )
    done = _bot("run", "--shards", "", env=env, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("dk2: --shards '': no shard count; give shard ids and the total")


def test_without_a_knowledge_path_nothing_answers_and_the_fix_is_named(tmp_path: Path) -> None:
    """No config file, no DK2_KNOWLEDGE_PATH: an error, never the clone's own knowledge/."""
    env = {"DK2_KNOWLEDGE_PATH": "", "DK2_CONFIG": ""}
    for args in (("reply", "/dk2 dose 5000"), ("check",), ("run",)):
        done = _bot(*args, env=env, cwd=tmp_path)
        assert done.returncode == 1, done.stdout
        assert done.stdout == ""
        assert done.stderr.startswith("dk2: knowledge_path is not set; copy config.example.yaml")
        assert "DK2_KNOWLEDGE_PATH" in done.stderr and "--knowledge" in done.stderr
    # `make run` with no config of the operator's own passes the example, which names knowledge/.
    done = _bot("--config", str(REPO / "config.example.yaml"), "reply", "/dk2 dose 5000", env=env)
    assert done.returncode == 0 and "5,000 IU/day" in done.stdout


def test_a_bad_setting_is_reported_by_name_before_anything_answers(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(
        f"knowledge_path: {REPO / 'knowledge'}\nretention_days: 0\n"
    )
    done = _bot("reply", "/dk2 dose 5000", env={"DK2_KNOWLEDGE_PATH": ""}, cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == (
        f"dk2: {tmp_path / 'config.yaml'}:2: retention_days: expected a whole number of days "
        "≥ 1 (at most 36500), got 0"
    )


def test_run_takes_the_knowledge_folder_from_the_command_line(tmp_path: Path) -> None:
    env = {"DK2_KNOWLEDGE_PATH": "", "DK2_CONFIG": ""}
    done = _bot(
        "--knowledge",
        str(REPO / "knowledge"),
        "run",
        stdin="/dk2 dose 3000\n",
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
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
    environment["DK2_KNOWLEDGE_PATH"] = str(REPO / "knowledge")
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
    assert "EFSA 2012/2023: 50 µg/day (2,000 IU/day) at 1–10 years; this dose is above it." in above
    weekly = _bot("reply", "/dk2 dose 50000 weekly").stdout
    assert "50,000 weekly: over the adult upper limit" in weekly
    assert "Averages 7,143 IU/day (178.57 µg/day)." in weekly
    assert "The article's range is daily" in weekly


def test_reply_png_writes_the_gauge_beside_the_text(tmp_path: Path) -> None:
    out = tmp_path / "gauge.png"
    done = _bot("reply", "--png", str(out), "/dk2 dose 5000")
    assert done.returncode == 0, done.stderr
    assert "5,000 IU/day" in done.stdout
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("/dk2 explain mgp", "/dk2 explain has no gauge"),
        ("/dk2 dose lots", "the reply is an error"),
    ],
)
def test_reply_png_without_a_gauge_says_so(tmp_path: Path, text: str, why: str) -> None:
    out = tmp_path / "gauge.png"
    done = _bot("reply", "--png", str(out), text)
    assert done.returncode == 1 and why in done.stderr
    assert done.stdout.strip()  # the reply itself is still printed
    assert not out.exists()


def test_reply_png_to_an_unwritable_place_says_so(tmp_path: Path) -> None:
    done = _bot("reply", "--png", str(tmp_path / "missing" / "gauge.png"), "/dk2 level 42")
    assert done.returncode == 1 and "can't write" in done.stderr
    assert "Traceback" not in done.stderr


def test_stats_png_with_nothing_recorded_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "usage.png"
    env = {"DK2_DATABASE_PATH": str(tmp_path / "none.sqlite3")}
    done = _bot("stats", "--png", str(out), env=env)
    assert done.returncode == 1 and "nothing recorded yet" in done.stderr
    assert not out.exists()


def test_reply_into_a_reader_that_stops_early_is_no_traceback() -> None:
    """`python -m bot reply ... | head -3`: the reader closes the pipe before the reply ends."""
    environment = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    environment["DK2_KNOWLEDGE_PATH"] = str(REPO / "knowledge")
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `head` that has already quit
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "reply", "/dk2 dose 5000 k2:100"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=environment,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert done.returncode == 0
