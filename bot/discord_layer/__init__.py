"""dk2 in Discord: the `/dk2` command group, its Pin button, embeds and error handling.

The only part of dk2 that imports discord.py. It translates interactions into core calls and
core replies into messages; every answer itself comes from `bot.core`.
"""
