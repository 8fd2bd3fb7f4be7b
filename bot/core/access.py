"""Who sees an answer, who may pin it and who may use moderators' commands: decided here once.

Both transports apply these rules: the gateway reads the facts from discord.py's
`Interaction`, the HTTP endpoint from the interaction Discord posted. Only the reading differs;
the decisions are these functions.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from bot.core.reply import Reply

__all__ = ["is_moderator", "may_pin", "shown_privately"]


def shown_privately(reply: Reply, asked: bool | None, private_by_default: bool) -> bool:
    """Whether `reply` goes to the member alone (an ephemeral message).

    Errors always do, and so does a reply quoting what the member typed with no curated
    answer (else anyone could make dk2 post text of their choosing); otherwise the member's
    choice (`asked`, None when they didn't say), else the server's default.
    """
    if not reply.ok or reply.data.get("private") is True:
        return True
    if asked is not None:
        return asked
    return private_by_default


def _holds(roles: Iterable[int], moderator_roles: Collection[int]) -> bool:
    return bool(moderator_roles) and any(role in moderator_roles for role in roles)


def is_moderator(
    *,
    in_server: bool,
    manage_guild: bool,
    roles: Iterable[int],
    moderator_roles: Collection[int],
) -> bool:
    """Whether a member may use dk2's moderator commands (reload, stats) right now: Manage
    Server in this channel, or one of the configured moderator roles. Only `in_server`, a
    server that added dk2: never in a DM, nor in a server dk2 reached through a member's own
    install (its admins are not dk2's moderators). Checked when the command runs: Discord's
    `default_permissions` doesn't apply to subcommands, so this is the real gate."""
    if not in_server:
        return False
    return manage_guild or _holds(roles, moderator_roles)


def may_pin(
    *,
    in_server: bool,
    pin_messages: bool,
    roles: Iterable[int],
    moderator_roles: Collection[int],
) -> bool:
    """Whether a member may pin or unpin dk2's answer in this channel right now: Pin Messages
    there (as Discord resolved it for this very interaction), or a configured moderator role.
    Manage Server alone is not enough: Discord itself wouldn't let that member pin, and dk2
    pins on nobody's behalf beyond what the server granted. Only `in_server`, a server that
    added dk2 (elsewhere dk2 is no member and can't pin)."""
    if not in_server:
        return False
    return pin_messages or _holds(roles, moderator_roles)
