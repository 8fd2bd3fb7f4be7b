"""A local stand-in for Discord's API v10 (REST and gateway) for tests.

Start it with ``async with FakeDiscord() as fake:``, point discord.py at ``fake.api_base`` and
``fake.gateway_url`` (see :func:`patched_discord_urls`), then drive the bot with
``fake.dispatch_interaction(...)`` and assert on what it sent.
"""

from .clock import FakeClock
from .faults import Fault
from .interactions import InteractionCallback, InteractionHandle
from .recording import RecordedRequest, SpecViolation
from .server import DEFAULT_BOT_PERMISSIONS, FakeDiscord, patched_discord_urls
from .spec import DiscordSpec, default_spec_path, is_valid_command_name
from .state import Channel, Guild, Member, Message, Role, User, World

__all__ = [
    "DEFAULT_BOT_PERMISSIONS",
    "Channel",
    "DiscordSpec",
    "FakeClock",
    "FakeDiscord",
    "Fault",
    "Guild",
    "InteractionCallback",
    "InteractionHandle",
    "Member",
    "Message",
    "RecordedRequest",
    "Role",
    "SpecViolation",
    "User",
    "World",
    "default_spec_path",
    "is_valid_command_name",
    "patched_discord_urls",
]
