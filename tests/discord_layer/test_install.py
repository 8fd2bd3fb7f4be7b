"""Where an answer lands (bot.discord_layer.install): read from plain interaction values, so
both transports decide alike. The owners object comes from Discord's JSON: any shape."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.discord_layer.install import USE_EXTERNAL_APPS, installed_guild, placement

GUILD = 1_100_000_000_000_000_001
OTHER = 1_100_000_000_000_000_002

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=10,
)


@given(json_values)
def test_installed_guild_reads_any_json_without_raising(owners: object) -> None:
    found = installed_guild(owners)
    assert found is None or 0 <= found < 10**20


@given(st.integers(min_value=1, max_value=2**64 - 1), st.integers(min_value=1, max_value=2**64))
def test_installed_guild_is_the_server_install_never_the_user_install(
    guild_id: int, user_id: int
) -> None:
    assert installed_guild({"0": str(guild_id), "1": str(user_id)}) == guild_id
    assert installed_guild({"1": str(user_id)}) is None
    assert installed_guild({0: guild_id}) == guild_id  # discord.py's own int keys


def test_a_server_that_added_dk2_gets_the_pin_button_and_public_answers() -> None:
    here = placement(GUILD, GUILD, 0)
    assert here.in_server and here.offers_pin and not here.private_only


def test_a_dm_has_no_pin_button_and_may_be_public() -> None:
    dm = placement(None, None, 0)
    assert not dm.in_server and not dm.offers_pin and not dm.private_only


def test_a_server_without_dk2_is_private_unless_the_member_may_use_external_apps() -> None:
    assert placement(GUILD, None, 0).private_only
    assert placement(GUILD, OTHER, 0).private_only  # another server's install is not this one
    allowed = placement(GUILD, None, USE_EXTERNAL_APPS)
    assert not allowed.in_server and not allowed.private_only


def test_a_server_the_bot_does_not_know_is_not_one_it_can_pin_in() -> None:
    assert not placement(GUILD, GUILD, USE_EXTERNAL_APPS, guild_known=False).in_server
