"""`python -m bot …`: the console, one-shot replies, the checker, and running the bot.

Exit codes: 0 ok, 1 a user error (bad input or settings), 2 invalid knowledge.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from bot.config import ConfigError, Settings, load_settings, read_token
from bot.core.commands import console_text, reply_for_text
from bot.core.loader import LoadResult, load_knowledge
from bot.core.model import KnowledgeBase
from bot.core.reply import Reply, render_text, to_json_dict
from bot.core.reply_json import reply_json, reply_schema
from bot.core.schemas import JsonSchema, knowledge_schemas, write_schemas
from bot.usage import UsageSummary
from bot.usage.report import DEFAULT_DAYS as DEFAULT_STATS_DAYS
from bot.usage.report import MAX_DAYS as MAX_STATS_DAYS

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_BAD_KNOWLEDGE = 2
EXIT_INTERRUPTED = 130

CONSOLE_BYE = "dk2: bye."
CONSOLE_BANNER = (
    "dk2 offline console: type what you would type in chat, e.g. `/dk2 dose 5000`, "
    "`/dk2 level 42 ng/mL`, `/dk2 explain mgp`, `help`, or just ask a question. "
    "`quit`, Ctrl-D or Ctrl-C leaves."
)


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.config, os.environ, args.knowledge)


def knowledge_path(settings: Settings, override: Path | None) -> Path:
    """The knowledge folder: --knowledge, else the `knowledge_path` setting."""
    return override if override is not None else settings.knowledge_path


def _load(path: Path, err: TextIO) -> KnowledgeBase | None:
    result: LoadResult = load_knowledge(path)
    if result.knowledge is None:
        print(f"dk2: the knowledge base in {path} is invalid:", file=err)
        for problem in result.problems:
            print(f"  {problem}", file=err)
        return None
    return result.knowledge


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path = _knowledge_for(args, err)
    if path is None:
        return EXIT_USER_ERROR
    result = load_knowledge(path)
    if result.knowledge is None:
        for problem in result.problems:
            print(str(problem), file=err)
        print(f"{len(result.problems)} problem(s) in {path}", file=err)
        return EXIT_BAD_KNOWLEDGE
    kb = result.knowledge
    bands = sum(len(table.bands) for table in kb.bands.values())
    print(
        f"knowledge OK in {path}: {len(kb.topics)} topics, {bands} bands in {len(kb.bands)} tables, "
        f"{len(kb.sources)} sources, {len(kb.cautions)} cautions; version {kb.version}",
        file=out,
    )
    return EXIT_OK


def _knowledge_for(args: argparse.Namespace, err: TextIO) -> Path | None:
    """The folder for commands that only read knowledge: --knowledge needs no settings."""
    if args.knowledge is not None:
        return Path(args.knowledge).absolute()
    settings = _settings_or_report(args, err)
    return settings.knowledge_path if settings is not None else None


def _settings_or_report(args: argparse.Namespace, err: TextIO) -> Settings | None:
    """The settings, or None after saying which setting is wrong."""
    try:
        return _settings(args)
    except ConfigError as exc:
        unset = exc.setting == "knowledge_path" and args.knowledge is None
        hint = " (or --knowledge FOLDER on the command line)" if unset else ""
        print(f"dk2: {exc}{hint}", file=err)
        return None


# What `python -m bot schema --output NAME` writes: each a set of named JSON Schemas, and the
# folder they go to without --dir (None: the knowledge folder's schema/).
SCHEMA_OUTPUTS: dict[str, tuple[Callable[[], dict[str, JsonSchema]], Path | None]] = {
    "knowledge": (knowledge_schemas, None),
    "reply": (lambda: {"reply": reply_schema()}, Path("schema")),  # the reply --json contract
}


def cmd_schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write the JSON Schemas of one output (default: the knowledge files) into a folder."""
    schemas, default_folder = SCHEMA_OUTPUTS[args.output]
    folder = args.dir or default_folder
    if folder is None:
        knowledge = _knowledge_for(args, err)
        if knowledge is None:
            return EXIT_USER_ERROR
        folder = knowledge / "schema"
    try:
        written = write_schemas(schemas(), folder)
    except OSError as exc:
        print(f"dk2: cannot write the schemas into {folder}: {exc}", file=err)
        return EXIT_USER_ERROR
    for path in written:
        print(f"wrote {path}", file=out)
    return EXIT_OK


def cmd_reply(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path = _knowledge_for(args, err)
    if path is None:
        return EXIT_USER_ERROR
    kb = _load(path, err)
    if kb is None:
        return EXIT_BAD_KNOWLEDGE
    text = " ".join(args.text)
    reply, request = reply_for_text(kb, text)
    if args.json:
        payload = reply_json(reply, request.private if request else None)
        print(json.dumps(payload, ensure_ascii=False), file=out)
    else:
        print(render_text(reply), file=out)
    if args.png is not None and not _write_gauge(kb, reply, args.png, err):
        return EXIT_USER_ERROR
    return EXIT_OK if reply.ok else EXIT_USER_ERROR


def _write_gauge(kb: KnowledgeBase, reply: Reply, path: Path, err: TextIO) -> bool:
    """Write the reply's gauge picture to `path`; False after saying why there is none."""
    if reply.picture is None:
        what = "the reply is an error" if not reply.ok else f"/dk2 {reply.command} has no gauge"
        print(f"dk2: no picture to write ({what}; dose and level replies have one)", file=err)
        return False
    from bot.pictures.gauge import gauge_png

    return _write_png(gauge_png(kb, reply.picture), path, err)


def _write_png(data: bytes, path: Path, err: TextIO) -> bool:
    try:
        path.write_bytes(data)
    except OSError as exc:
        print(f"dk2: can't write {path}: {exc.strerror or exc}", file=err)
        return False
    return True


def run_console(kb: KnowledgeBase, stdin: TextIO, out: TextIO) -> int:
    """Read chat lines until EOF, Ctrl-C or `quit`, printing each reply as chat shows it.
    A line with no command is a question for explain; leaving is one clean line."""
    interactive = stdin.isatty()
    try:
        print(CONSOLE_BANNER, file=out, flush=True)
        while True:
            if interactive:
                print("dk2> ", end="", file=out, flush=True)
            line = stdin.readline()
            if not line:
                break
            text = line.strip()
            if not text:
                continue
            if text.lower() in {"quit", "exit", "/quit", "/exit"}:
                return EXIT_OK
            reply, _ = reply_for_text(kb, console_text(text))
            print(render_text(reply), file=out)
            print(file=out, flush=True)
    except KeyboardInterrupt:
        pass
    except BrokenPipeError:
        # The reader went away (`... | head`): nothing more to say, and nowhere to say it.
        _silence(out)
        return EXIT_OK
    if interactive:
        print(file=out)
    print(CONSOLE_BYE, file=out)
    return EXIT_OK


def _silence(out: TextIO) -> None:
    """Point `out` at /dev/null so Python's exit-time flush of a closed pipe stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def cmd_console(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path = _knowledge_for(args, err)
    if path is None:
        return EXIT_USER_ERROR
    kb = _load(path, err)
    if kb is None:
        return EXIT_BAD_KNOWLEDGE
    return run_console(kb, sys.stdin, out)


def _with_shards(args: argparse.Namespace, err: TextIO) -> Settings | None:
    """The settings, with `--shards IDS/COUNT` (validated like the settings) applied."""
    text: str | None = getattr(args, "shards", None)
    if text is None:
        return _settings_or_report(args, err)
    ids, slash, count = text.partition("/")
    if not slash:
        ids, count = "", ids
    example = "give shard ids and the total, e.g. 0-3/8 (or just 8 for every shard in this process)"
    if not count.strip():
        print(f"dk2: --shards {text!r}: no shard count; {example}", file=err)
        return None
    # Over the file and the environment both: "--shards 8" means every shard, whatever the
    # file's shard_ids say.
    options = {"shard_count": ("--shards", count.strip()), "shard_ids": ("--shards", ids.strip())}
    try:
        return load_settings(args.config, os.environ, args.knowledge, options)
    except ConfigError as exc:
        shards = exc.setting in ("shard_count", "shard_ids")
        print(f"dk2: {exc}; {example}" if shards else f"dk2: {exc}", file=err)
        return None


def cmd_run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    settings = _with_shards(args, err)
    if settings is None:
        return EXIT_USER_ERROR
    if settings.token is None:
        path = knowledge_path(settings, args.knowledge)
        print(
            "dk2: no DISCORD_TOKEN set, so starting the offline console "
            "(set DISCORD_TOKEN to run the Discord bot).",
            f"dk2: answering from the knowledge in {path}.",
            sep="\n",
            file=err,
        )
        kb = _load(path, err)
        if kb is None:
            return EXIT_BAD_KNOWLEDGE
        return run_console(kb, sys.stdin, out)
    from bot.discord_layer.app import run_bot

    return run_bot(settings, knowledge_path(settings, args.knowledge), err)


def cmd_sync(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    settings = _settings_or_report(args, err)
    if settings is None:
        return EXIT_USER_ERROR
    from bot.discord_layer.app import sync_once

    guilds = tuple(args.guild) if args.guild else None
    return sync_once(settings, knowledge_path(settings, args.knowledge), guilds, out, err)


def cmd_serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    settings = _settings_or_report(args, err)
    if settings is None:
        return EXIT_USER_ERROR
    from bot.http.run import serve_http

    return serve_http(
        settings,
        knowledge_path(settings, args.knowledge),
        err,
        workers=args.workers,
        config_path=args.config,
    )


def _workers(text: str) -> int:
    from bot.http.run import MAX_WORKERS

    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(
            f"expected a number of worker processes from 1 to {MAX_WORKERS}, e.g. 2"
        )
    return int(text)


def cmd_invite(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from bot.invite import (
        InvalidTokenError,
        application_id_from_token,
        invite_url,
        user_install_url,
    )

    application_id: int | None = args.application_id
    if application_id is None:
        try:  # the token alone: the invite link needs no other setting
            token = read_token(os.environ)
        except ConfigError as exc:
            print(f"dk2: {exc}", file=err)
            return EXIT_USER_ERROR
        if token is None:
            print(
                "dk2: give --application-id (General Information page of the developer "
                "portal) or set DISCORD_TOKEN",
                file=err,
            )
            return EXIT_USER_ERROR
        try:
            application_id = application_id_from_token(token.get_secret_value())
        except InvalidTokenError as exc:
            print(f"dk2: {exc}", file=err)
            return EXIT_USER_ERROR
    try:
        links = (invite_url(application_id), user_install_url(application_id))
    except ValueError as exc:
        print(f"dk2: {exc}", file=err)
        return EXIT_USER_ERROR
    server, user = links
    print("Add dk2 to a server (a server admin opens this):", file=out)
    print(server, file=out)
    print(
        "Add dk2 to your own account, for /dk2 in DMs and in servers without dk2 (first tick "
        "User Install under Installation in the developer portal):",
        file=out,
    )
    print(user, file=out)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`python -m bot stats`: what `/dk2-admin stats` shows, from the configured usage log."""
    from bot.usage import open_summary, stats_reply

    settings = _settings_or_report(args, err)
    if settings is None:
        return EXIT_USER_ERROR
    if settings.database_url is not None:
        return _stats_from_postgres(args, settings, out, err)
    path = settings.database_path
    if not path.is_file():
        if args.json:
            print(json.dumps({"command": "stats", "ok": True, "recorded": False}), file=out)
        else:
            print(f"dk2: no usage recorded yet ({path} does not exist)", file=out)
        if args.png is not None:
            print(f"dk2: no chart written to {args.png}: nothing recorded yet", file=err)
            return EXIT_USER_ERROR
        return EXIT_OK
    kb = _load(knowledge_path(settings, args.knowledge), err)
    if kb is None:
        return EXIT_BAD_KNOWLEDGE
    summary = open_summary(path, args.days, args.guild)
    reply = stats_reply(summary, args.days, kb.messages)
    if args.json:
        print(json.dumps({**to_json_dict(reply), "recorded": True}, ensure_ascii=False), file=out)
    else:
        print(render_text(reply), file=out)
    if args.png is not None and not _write_chart(summary, args, kb, err):
        return EXIT_USER_ERROR
    return EXIT_OK


def _stats_from_postgres(
    args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO
) -> int:
    """`python -m bot stats` when the usage log is the shared PostgreSQL database."""
    import asyncio

    from bot.usage import stats_reply
    from bot.usage.postgres import PostgresStore

    kb = _load(knowledge_path(settings, args.knowledge), err)
    if kb is None:
        return EXIT_BAD_KNOWLEDGE
    url = settings.database_url.get_secret_value() if settings.database_url is not None else ""

    async def read() -> UsageSummary:
        store = PostgresStore(url)
        try:
            return await store.summary(args.days, args.guild)
        finally:
            await store.close(timeout=2)

    summary = asyncio.run(read())
    if summary.error is not None:
        print(f"dk2: can't read usage from PostgreSQL: {summary.error}", file=err)
        return EXIT_USER_ERROR
    reply = stats_reply(summary, args.days, kb.messages)
    if args.json:
        print(json.dumps({**to_json_dict(reply), "recorded": True}, ensure_ascii=False), file=out)
    else:
        print(render_text(reply), file=out)
    return EXIT_OK


def _write_chart(
    summary: UsageSummary, args: argparse.Namespace, kb: KnowledgeBase, err: TextIO
) -> bool:
    """Write the moderators' chart to `args.png`; False after saying why it can't be."""
    from bot.pictures.chart import stats_png
    from bot.usage.report import window_text

    if summary.error is not None:
        print(f"dk2: no chart: {summary.error}", file=err)
        return False
    window = window_text(kb.messages, args.days, summary.guild_id)
    return _write_png(stats_png(summary, window, kb.messages), args.png, err)


def _days(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_STATS_DAYS:
        raise argparse.ArgumentTypeError(f"expected a number of days from 1 to {MAX_STATS_DAYS}")
    return int(text)


def _folder(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a folder, e.g. --knowledge knowledge")
    return Path(text)


def _discord_id(text: str) -> int:
    if not text.strip().isdigit() or not 0 < int(text) < 2**64:
        raise argparse.ArgumentTypeError(f"expected a Discord id (a positive number), got {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "--config", type=Path, default=None, help="config file (default: config.yaml)"
    )
    parser.add_argument("--knowledge", type=_folder, default=None, help="knowledge folder")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("console", help="interactive prompt, replies as chat shows them")
    reply = sub.add_parser("reply", help="print the reply to one chat line")
    reply.add_argument("--json", action="store_true", help="print one JSON object")
    reply.add_argument(
        "--png", type=Path, default=None, metavar="FILE", help="write the reply's gauge picture"
    )
    reply.add_argument("text", nargs="+", help='what a member types, e.g. "/dk2 dose 5000"')
    sub.add_parser("check", help="validate the knowledge base")
    schema = sub.add_parser("schema", help="write JSON Schemas generated from dk2's models")
    schema.add_argument(
        "--output",
        choices=sorted(SCHEMA_OUTPUTS),
        default="knowledge",
        help="which schemas: knowledge (default), one per knowledge file kind, in "
        "<knowledge>/schema; reply, the reply --json contract, in schema/",
    )
    schema.add_argument(
        "--dir", type=Path, default=None, help="folder to write into (default: see --output)"
    )
    run = sub.add_parser("run", help="run the Discord bot (the console when no token is set)")
    run.add_argument(
        "--shards",
        default=None,
        metavar="IDS/COUNT",
        help="run these gateway shards of COUNT, e.g. 0-3/8 (overrides shard_ids, shard_count)",
    )
    serve = sub.add_parser(
        "serve",
        help="answer interactions over HTTP (Interactions Endpoint URL) instead of the gateway",
    )
    serve.add_argument(
        "--workers",
        type=_workers,
        default=1,
        metavar="N",
        help="processes sharing http_port (default 1)",
    )
    sync = sub.add_parser(
        "sync", help="sync the slash commands and exit (dev guilds from config, else global)"
    )
    sync.add_argument(
        "--guild",
        type=_discord_id,
        action="append",
        metavar="ID",
        help="sync to this server only (instant); may be repeated",
    )
    stats = sub.add_parser("stats", help="print usage statistics from the usage log")
    stats.add_argument(
        "--days", type=_days, default=DEFAULT_STATS_DAYS, help="days back to count (default 30)"
    )
    stats.add_argument("--guild", type=_discord_id, default=None, metavar="ID", help="one server")
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    stats.add_argument(
        "--png", type=Path, default=None, metavar="FILE", help="also write the usage chart"
    )
    invite = sub.add_parser(
        "invite", help="print the links that add dk2 to a server and to your account"
    )
    invite.add_argument(
        "--application-id",
        type=_discord_id,
        default=None,
        metavar="ID",
        help="the application id (default: read from DISCORD_TOKEN)",
    )
    return parser


COMMANDS = {
    "check": cmd_check,
    "schema": cmd_schema,
    "reply": cmd_reply,
    "console": cmd_console,
    "run": cmd_run,
    "serve": cmd_serve,
    "sync": cmd_sync,
    "invite": cmd_invite,
    "stats": cmd_stats,
}


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USER_ERROR if exc.code else EXIT_OK
    try:
        return COMMANDS[args.command](args, out, err)
    except KeyboardInterrupt:
        # Ctrl-C before a command's own handling starts (loading knowledge, say): one line.
        print("dk2: stopped.", file=err)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`reply ... | head`): nothing more to say, and no traceback.
        # Point stdout at devnull so Python's own flush at exit can't fail a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
