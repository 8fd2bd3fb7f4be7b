"""Makes the fake's fixtures available to the tests in this package."""

from .fixtures import discord_spec, fake_discord

__all__ = ["discord_spec", "fake_discord"]
