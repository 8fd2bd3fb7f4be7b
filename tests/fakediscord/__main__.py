"""Run the fake on its own: ``python -m tests.fakediscord [--port N]``.

Prints one JSON line with the URLs, token and ids a bot process needs (e.g. to set
``DK2_DISCORD_API_BASE`` and ``DK2_DISCORD_GATEWAY_URL``), then serves until interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal

from .server import FakeDiscord


async def _serve(port: int, validate_spec: bool) -> None:
    async with FakeDiscord(port=port, validate_spec=validate_spec) as fake:
        info = {
            "api_base": fake.api_base,
            "gateway_url": fake.gateway_url,
            "token": fake.token,
            "application_id": str(fake.application_id),
            "guild_id": str(fake.guild.id),
            "channel_id": str(fake.channel.id),
        }
        print(json.dumps(info), flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await stop.wait()


def main() -> None:
    """Parse arguments and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: free)")
    parser.add_argument("--no-spec", action="store_true", help="skip OpenAPI body validation")
    args = parser.parse_args()
    asyncio.run(_serve(args.port, not args.no_spec))


if __name__ == "__main__":
    main()
