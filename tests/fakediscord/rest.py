"""The REST half of the fake: Discord's HTTP API v10, as much of it as a bot's flow touches.

Every request passes one middleware that records it, applies scripted faults, checks the bot
token (webhook and interaction-callback routes are token-in-URL and need none, as on Discord),
and validates JSON bodies against Discord's OpenAPI spec before a handler runs.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import BodyPartReader, web

from .clock import FakeClock
from .faults import FaultPlan, error_response, json_response
from .interactions import (
    CALLBACK_DEADLINE_S,
    TOKEN_LIFETIME_S,
    InteractionCallback,
    InteractionRecord,
)
from .payloads import DEFAULT_ATTACHMENT_SIZE_LIMIT
from .permissions import (
    PIN_MESSAGES,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
)
from .recording import RecordedRequest, RequestLog, SpecViolation
from .spec import DiscordSpec, command_name_errors
from .state import (
    CHANNEL_FORUM,
    MESSAGE_FLAG_EPHEMERAL,
    MESSAGE_FLAG_LOADING,
    Message,
    World,
    iso_now,
    new_snowflake,
)
from .uploads import MAX_FILES, Upload, resolve_embeds, stored_attachments, upload_problems

API_PREFIX = "/api/v10"
# What the fake reads of one request: every file at Discord's size limit, and a bit more.
MAX_REQUEST_BYTES = (MAX_FILES + 1) * DEFAULT_ATTACHMENT_SIZE_LIMIT
MAX_PINS_PER_CHANNEL = 250

# Message flags a bot may set when sending: suppress embeds, ephemeral, silent, components v2.
_SETTABLE_FLAGS = (1 << 2) | MESSAGE_FLAG_EPHEMERAL | (1 << 12) | (1 << 15)

EventSink = Callable[[str, dict[str, Any]], Awaitable[None]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Where the pipeline leaves the parsed body and any uploaded files for the handlers.
_JSON_BODY = web.RequestKey("fakediscord_json_body", object)
_UPLOADS = web.RequestKey("fakediscord_uploads", list)

_RATE_LIMIT_HEADERS = {
    # Plenty remaining, so discord.py never pauses pre-emptively on a normal answer.
    "X-RateLimit-Limit": "50",
    "X-RateLimit-Remaining": "49",
    "X-RateLimit-Reset-After": "1.000",
    "X-RateLimit-Bucket": "fakebucket",
}


def _unknown(kind: str, code: int) -> web.Response:
    return error_response(404, code, f"Unknown {kind}")


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


class RestApi:
    """Handlers and the shared request pipeline, over one :class:`World`."""

    def __init__(
        self,
        world: World,
        *,
        clock: FakeClock,
        spec: DiscordSpec | None,
        events: EventSink,
        callback_deadline: float = CALLBACK_DEADLINE_S,
    ) -> None:
        self.world = world
        self.clock = clock
        self.spec = spec
        self.events = events
        self.callback_deadline = callback_deadline
        self.faults = FaultPlan()
        self.requests = RequestLog()
        self.spec_violations: list[SpecViolation] = []
        self.interactions: dict[int, InteractionRecord] = {}
        # The same records by token: follow-ups and edits name their interaction by token, and
        # a bench registers thousands (a scan per request made the fake the bottleneck).
        self._by_token: dict[str, InteractionRecord] = {}

    def register(self, record: InteractionRecord) -> None:
        """Know an interaction sent to the bot: its callback by id, its webhook by token."""
        self.interactions[record.id] = record
        self._by_token[record.token] = record

    # -- application -------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        """The aiohttp sub-application mounted at ``/api/v10``."""
        app = web.Application(middlewares=[self._pipeline], client_max_size=MAX_REQUEST_BYTES)
        r = app.router
        r.add_get("/users/@me", self.get_me)
        r.add_get("/oauth2/applications/@me", self.get_application)
        r.add_get("/gateway", self.get_gateway)
        r.add_get("/gateway/bot", self.get_gateway)
        r.add_get("/applications/{app}/commands", self.get_commands)
        r.add_put("/applications/{app}/commands", self.put_commands)
        r.add_get("/applications/{app}/guilds/{guild}/commands", self.get_commands)
        r.add_put("/applications/{app}/guilds/{guild}/commands", self.put_commands)
        r.add_post("/interactions/{id}/{token}/callback", self.interaction_callback)
        r.add_post("/webhooks/{app}/{token}", self.create_followup)
        for message in ("@original", "{message}"):
            path = f"/webhooks/{{app}}/{{token}}/messages/{message}"
            r.add_get(path, self.get_webhook_message)
            r.add_patch(path, self.edit_webhook_message)
            r.add_delete(path, self.delete_webhook_message)
        r.add_get("/channels/{channel}", self.get_channel)
        r.add_post("/channels/{channel}/messages", self.create_channel_message)
        r.add_get("/channels/{channel}/messages/pins", self.list_pins)
        r.add_put("/channels/{channel}/messages/pins/{message}", self.pin)
        r.add_delete("/channels/{channel}/messages/pins/{message}", self.unpin)
        r.add_get("/channels/{channel}/messages/{message}", self.get_message)
        return app

    @web.middleware
    async def _pipeline(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        path = _relative(request.path)
        body, uploads = await _read_body(request)
        record = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            headers=dict(request.headers),
            json=body,
            files=[upload.filename for upload in uploads],
            uploads=uploads,
            multipart=request.content_type == "multipart/form-data",
        )
        request[_JSON_BODY] = body
        request[_UPLOADS] = uploads
        self.requests.append(record)
        response = await self._answer(request, handler, record)
        record.status = response.status
        return response

    async def _answer(
        self, request: web.Request, handler: Handler, record: RecordedRequest
    ) -> web.StreamResponse:
        fault = self.faults.take(record.method, record.path)
        if fault is not None:
            return fault.response()
        if request.match_info.http_exception is not None:
            status = request.match_info.http_exception.status
            return error_response(
                status, 0, f"{status}: {request.match_info.http_exception.reason}"
            )
        if not _token_in_url(record.path) and not self._authorized(request):
            return error_response(401, 0, "401: Unauthorized")
        if isinstance(record.json, str):
            return error_response(400, 50109, "The request body contains invalid JSON.")
        invalid = self._spec_errors(record) or self._upload_errors(record)
        if invalid is not None:
            return invalid
        response = await handler(request)
        for name, value in _RATE_LIMIT_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {self.world.application.token}"

    def _spec_errors(self, record: RecordedRequest) -> web.Response | None:
        if record.json is None:
            return None
        errors: list[str] = []
        operation_id = ""
        if self.spec is not None:
            operation = self.spec.match(record.method, record.path)
            operation_id = operation.operation_id if operation else ""
            errors = self.spec.validate_request(record.method, record.path, record.json)
        if record.method == "PUT" and record.path.endswith("/commands"):
            # The spec has the length limits but not the character rule for names.
            errors += command_name_errors(record.json)
        if not errors:
            return None
        self.spec_violations.append(
            SpecViolation(record.method, record.path, operation_id, tuple(errors), record.json)
        )
        details = {"_errors": [{"code": "SPEC_INVALID", "message": e} for e in errors]}
        return error_response(400, 50035, "Invalid Form Body", errors={"_spec": details})

    def _upload_errors(self, record: RecordedRequest) -> web.Response | None:
        """Files that Discord would refuse: bad part names, dangling references, too big."""
        if not record.multipart:
            return None
        problems = upload_problems(record.json, record.uploads, DEFAULT_ATTACHMENT_SIZE_LIMIT)
        if not problems:
            return None
        operation = self.spec.match(record.method, record.path) if self.spec else None
        self.spec_violations.append(
            SpecViolation(
                record.method,
                record.path,
                operation.operation_id if operation else "",
                tuple(problems),
                record.json,
            )
        )
        if any("attachment size limit" in problem for problem in problems):
            return error_response(413, 40005, "Request entity too large")
        details = {"_errors": [{"code": "UPLOAD_INVALID", "message": p} for p in problems]}
        return error_response(400, 50035, "Invalid Form Body", errors={"_upload": details})

    # -- users, application, gateway --------------------------------------------------------

    async def get_me(self, request: web.Request) -> web.Response:
        """``GET /users/@me``: the bot user (with the fields a login reads)."""
        payload = self.world.bot.to_payload()
        payload.update(verified=True, mfa_enabled=False, flags=0, locale="en-US")
        return json_response(payload)

    async def get_application(self, request: web.Request) -> web.Response:
        """``GET /oauth2/applications/@me``."""
        return json_response(self.world.application.to_payload(self.world.owner))

    async def get_gateway(self, request: web.Request) -> web.Response:
        """``GET /gateway[/bot]``: where the fake's gateway is."""
        url = f"ws://{request.host}/gateway/"
        return json_response(
            {
                "url": url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    # -- application commands ----------------------------------------------------------------

    def _command_scope(self, request: web.Request) -> tuple[int | None, web.Response | None]:
        app_id = _int(request.match_info["app"])
        if app_id != self.world.application.id:
            return None, error_response(403, 50001, "Missing Access")
        guild_text = request.match_info.get("guild")
        if guild_text is None:
            return None, None
        guild_id = _int(guild_text)
        if guild_id is None or guild_id not in self.world.guilds:
            return None, error_response(403, 50001, "Missing Access")
        return guild_id, None

    async def get_commands(self, request: web.Request) -> web.Response:
        """``GET /applications/{app}[/guilds/{guild}]/commands``."""
        guild_id, error = self._command_scope(request)
        if error is not None:
            return error
        app = self.world.application
        commands = app.global_commands if guild_id is None else app.guild_commands.get(guild_id, [])
        return json_response(commands)

    async def put_commands(self, request: web.Request) -> web.Response:
        """Bulk overwrite: the body replaces every command in that scope."""
        guild_id, error = self._command_scope(request)
        if error is not None:
            return error
        app = self.world.application
        previous = app.global_commands if guild_id is None else app.guild_commands.get(guild_id, [])
        # Discord keeps a command's id when a command of the same name and type is re-synced.
        known_ids = {(c["name"], c["type"]): c["id"] for c in previous}
        stored = []
        for command in request[_JSON_BODY] or []:
            ctype = command.get("type") or 1
            stored.append(
                {
                    "id": known_ids.get((command["name"], ctype), str(new_snowflake())),
                    "application_id": str(app.id),
                    "version": str(new_snowflake()),
                    "type": ctype,
                    "name": command["name"],
                    "description": command.get("description") or "",
                    "options": command.get("options") or [],
                    "default_member_permissions": command.get("default_member_permissions"),
                    "nsfw": bool(command.get("nsfw", False)),
                    "contexts": command.get("contexts"),
                    "integration_types": command.get("integration_types") or [0],
                    "name_localizations": command.get("name_localizations"),
                    "description_localizations": command.get("description_localizations"),
                    **({"guild_id": str(guild_id)} if guild_id is not None else {}),
                }
            )
        if guild_id is None:
            app.global_commands = stored
        else:
            app.guild_commands[guild_id] = stored
        return json_response(stored)

    # -- interaction callback ----------------------------------------------------------------

    async def interaction_callback(self, request: web.Request) -> web.Response:
        """``POST /interactions/{id}/{token}/callback`` with Discord's timing rules.

        As on Discord: a second callback for an acknowledged interaction is 400 with code 40060
        ("Interaction has already been acknowledged"); a first callback after the 3-second
        window, or for an interaction Discord never sent, is 404 with code 10062 ("Unknown
        interaction").
        """
        record = self.interactions.get(_int(request.match_info["id"]) or 0)
        if record is None or record.token != request.match_info["token"]:
            return error_response(404, 10062, "Unknown interaction")
        body = request[_JSON_BODY] or {}
        callback_type = int(body.get("type", 0))
        data = body.get("data")
        elapsed = self.clock.now() - record.dispatched_at

        def settle(status: int, code: int | None) -> None:
            if not record.callback_future.done():
                record.callback_future.set_result(
                    InteractionCallback(callback_type, data, elapsed, status, code)
                )

        if record.responded:
            settle(400, 40060)
            return error_response(400, 40060, "Interaction has already been acknowledged.")
        if elapsed > self.callback_deadline:
            settle(404, 10062)
            return error_response(404, 10062, "Unknown interaction")
        problem = _callback_type_problem(record.type, callback_type)
        if problem is not None:
            settle(400, 50035)
            return error_response(400, 50035, problem)

        self._apply_callback(record, callback_type, data or {}, request[_UPLOADS])
        record.response_type = callback_type
        with_response = request.query.get("with_response", "").lower() in ("1", "true")
        status = 200 if with_response else 204
        settle(status, None)
        if not with_response:
            return web.Response(status=204)
        return json_response(self._callback_response(record, callback_type))

    def _apply_callback(
        self,
        record: InteractionRecord,
        callback_type: int,
        data: dict[str, Any],
        uploads: list[Upload],
    ) -> None:
        if callback_type == 4:
            record.original = self._store_interaction_message(record, data, uploads=uploads)
        elif callback_type == 5:
            flags = MESSAGE_FLAG_LOADING | (int(data.get("flags") or 0) & MESSAGE_FLAG_EPHEMERAL)
            record.original = self._store_interaction_message(
                record, {"flags": flags}, raw_flags=True
            )
        elif callback_type in (6, 7):
            record.original = self._component_message(record)
            if callback_type == 7:
                _apply_edit(record.original, data, uploads)

    def _callback_response(self, record: InteractionRecord, callback_type: int) -> dict[str, Any]:
        interaction: dict[str, Any] = {"id": str(record.id), "type": record.type}
        # Discord echoes real ids; a test's malformed payload must not make the fake send junk.
        channel_id = _snowflake_text(record.payload.get("channel_id"))
        if channel_id:
            interaction["channel_id"] = channel_id
        guild_id = _snowflake_text(record.payload.get("guild_id"))
        if guild_id:
            interaction["guild_id"] = guild_id
        original = record.original
        if original is not None and callback_type in (4, 5, 7):
            interaction["response_message_id"] = str(original.id)
            interaction["response_message_loading"] = callback_type == 5
            interaction["response_message_ephemeral"] = original.ephemeral
        response: dict[str, Any] = {"interaction": interaction}
        if original is not None and callback_type in (4, 7):
            response["resource"] = {"type": callback_type, "message": original.to_payload()}
        return response

    def _store_interaction_message(
        self,
        record: InteractionRecord,
        data: dict[str, Any],
        *,
        raw_flags: bool = False,
        uploads: list[Upload] | None = None,
    ) -> Message:
        flags = int(data.get("flags") or 0)
        channel_id = int(_snowflake_text(record.payload.get("channel_id")) or 0)
        attachments = stored_attachments(data, uploads or [], channel_id, new_snowflake)
        message = self.world.add_message(
            channel_id,
            content=data.get("content") or "",
            flags=flags if raw_flags else flags & _SETTABLE_FLAGS,
            embeds=resolve_embeds(list(data.get("embeds") or []), attachments),
            attachments=attachments,
            components=list(data.get("components") or []),
            # Type 20 is "chat input command" (a slash-command reply); 0 is a plain message.
            type=20 if record.type == 2 else 0,
            webhook_id=self.world.application.id,
            application_id=self.world.application.id,
            interaction_id=record.id,
        )
        return message

    def _component_message(self, record: InteractionRecord) -> Message:
        """The message a component sits on; adopted into the world if a test made it up."""
        payload = record.payload.get("message")
        if not isinstance(payload, dict):
            payload = {}
        message_id = _int(str(payload.get("id", "0"))) or 0
        existing = self.world.messages.get(message_id)
        if existing is not None:
            return existing
        message = Message(
            id=message_id or new_snowflake(),
            channel_id=int(
                _snowflake_text(payload.get("channel_id"))
                or _snowflake_text(record.payload.get("channel_id"))
                or 0
            ),
            guild_id=_int(_snowflake_text(record.payload.get("guild_id")) or ""),
            author=self.world.bot,
            content=payload.get("content", "") if isinstance(payload.get("content"), str) else "",
            embeds=_list_of_dicts(payload.get("embeds")),
            components=_list_of_dicts(payload.get("components")),
            flags=payload["flags"] if isinstance(payload.get("flags"), int) else 0,
        )
        self.world.messages[message.id] = message
        return message

    # -- interaction webhooks (follow-ups and edits) -----------------------------------------

    def _webhook_record(
        self, request: web.Request
    ) -> tuple[InteractionRecord | None, web.Response | None]:
        token = request.match_info["token"]
        record = self._by_token.get(token)
        if record is None or _int(request.match_info["app"]) != self.world.application.id:
            return None, _unknown("Webhook", 10015)
        if self.clock.now() - record.dispatched_at > TOKEN_LIFETIME_S:
            return None, error_response(401, 50027, "Invalid Webhook Token")
        if not record.responded:
            # Until the interaction is acknowledged there is no webhook to talk to.
            return None, _unknown("Webhook", 10015)
        return record, None

    def _webhook_message(self, record: InteractionRecord, key: str) -> Message | None:
        if key == "@original":
            message = record.original
        else:
            wanted = _int(key)
            candidates = [record.original, *record.followups]
            message = next((m for m in candidates if m is not None and m.id == wanted), None)
        if message is None or message.deleted:
            return None
        return message

    async def create_followup(self, request: web.Request) -> web.Response:
        """``POST /webhooks/{app}/{token}``: a follow-up message.

        As on Discord, the first follow-up after a deferred ("thinking") response replaces the
        loading message instead of posting a new one.
        """
        record, error = self._webhook_record(request)
        if error is not None or record is None:
            return error or _unknown("Webhook", 10015)
        data = request[_JSON_BODY] or {}
        uploads = request[_UPLOADS]
        original = record.original
        if original is not None and original.flags & MESSAGE_FLAG_LOADING:
            _apply_edit(original, data, uploads)
            message = original
        else:
            message = self._store_interaction_message(record, data, uploads=uploads)
            record.followups.append(message)
        if request.query.get("wait", "").lower() in ("1", "true"):
            return json_response(message.to_payload())
        return web.Response(status=204)

    def _addressed_message(self, request: web.Request) -> Message | web.Response:
        """The message a webhook message route names, or Discord's error for why not."""
        record, error = self._webhook_record(request)
        if error is not None or record is None:
            return error or _unknown("Webhook", 10015)
        message = self._webhook_message(record, request.match_info.get("message", "@original"))
        if message is None:
            return _unknown("Message", 10008)
        return message

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        """``GET /webhooks/{app}/{token}/messages/{id|@original}``."""
        message = self._addressed_message(request)
        if isinstance(message, web.Response):
            return message
        return json_response(message.to_payload())

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        """``PATCH /webhooks/{app}/{token}/messages/{id|@original}``."""
        message = self._addressed_message(request)
        if isinstance(message, web.Response):
            return message
        _apply_edit(message, request[_JSON_BODY] or {}, request[_UPLOADS])
        return json_response(message.to_payload())

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        """``DELETE /webhooks/{app}/{token}/messages/{id|@original}``."""
        message = self._addressed_message(request)
        if isinstance(message, web.Response):
            return message
        message.deleted = True
        return web.Response(status=204)

    # -- channels, messages and pins ---------------------------------------------------------

    def _channel_access(
        self, request: web.Request, needed: int, missing_code: int = 50013
    ) -> tuple[int, web.Response | None]:
        """The channel id, or the error Discord gives the bot for it."""
        channel_id = _int(request.match_info["channel"]) or 0
        if self.world.find_channel(channel_id) is None:
            return channel_id, _unknown("Channel", 10003)
        perms = self.world.permissions_in(channel_id, self.world.bot.id)
        if not perms & VIEW_CHANNEL:
            return channel_id, error_response(403, 50001, "Missing Access")
        if perms & needed != needed:
            if missing_code == 50001:
                return channel_id, error_response(403, 50001, "Missing Access")
            return channel_id, error_response(403, 50013, "Missing Permissions")
        return channel_id, None

    async def get_channel(self, request: web.Request) -> web.Response:
        """``GET /channels/{id}``."""
        channel_id, error = self._channel_access(request, VIEW_CHANNEL, 50001)
        if error is not None:
            return error
        channel = self.world.find_channel(channel_id)
        assert channel is not None
        return json_response(channel.to_payload())

    async def create_channel_message(self, request: web.Request) -> web.Response:
        """``POST /channels/{id}/messages``: the bot posting on its own, perhaps as a reply.

        As on Discord: in a thread (a forum post) that takes Send Messages in Threads, and a
        forum itself takes no messages; a reply (``message_reference``) also needs Read
        Message History; a reply to a message that isn't in the channel is refused unless
        ``fail_if_not_exists`` is false (then it is posted as a plain message); the replied-to
        author is pinged unless ``allowed_mentions`` is given without ``replied_user: true``.
        """
        where = self.world.find_channel(_int(request.match_info["channel"]) or 0)
        in_thread = where is not None and where.is_thread
        data = request[_JSON_BODY] or {}
        reference = data.get("message_reference")
        needed = SEND_MESSAGES_IN_THREADS if in_thread else SEND_MESSAGES
        needed |= READ_MESSAGE_HISTORY if reference else 0
        channel_id, error = self._channel_access(request, needed)
        if error is not None:
            return error
        if where is not None and where.type == CHANNEL_FORUM:
            return error_response(400, 50008, "Cannot send messages in a non-text channel")
        uploads = request[_UPLOADS]
        if not (data.get("content") or data.get("embeds") or data.get("components") or uploads):
            return error_response(400, 50006, "Cannot send an empty message")
        replied: Message | None = None
        if isinstance(reference, dict):
            target = _int(str(reference.get("message_id", ""))) or 0
            replied = self.world.visible_message(channel_id, target)
            if replied is None and reference.get("fail_if_not_exists", True) is not False:
                return error_response(
                    400,
                    50035,
                    "Invalid Form Body",
                    errors={
                        "message_reference": {"_errors": [{"code": "REPLIES_UNKNOWN_MESSAGE"}]}
                    },
                )
        attachments = stored_attachments(data, uploads, channel_id, new_snowflake)
        message = self.world.add_message(
            channel_id,
            content=data.get("content") or "",
            flags=int(data.get("flags") or 0) & ~MESSAGE_FLAG_EPHEMERAL & _SETTABLE_FLAGS,
            embeds=resolve_embeds(list(data.get("embeds") or []), attachments),
            attachments=attachments,
            components=list(data.get("components") or []),
        )
        if replied is not None:
            message.type = 19  # REPLY
            message.message_reference = {
                "message_id": str(replied.id),
                "channel_id": str(channel_id),
                **({"guild_id": str(replied.guild_id)} if replied.guild_id else {}),
            }
            mentions = data.get("allowed_mentions")
            if not isinstance(mentions, dict) or mentions.get("replied_user") is True:
                message.mentioned.append(replied.author)
        return json_response(message.to_payload())

    async def get_message(self, request: web.Request) -> web.Response:
        """``GET /channels/{id}/messages/{id}``; ephemeral messages are invisible here."""
        channel_id, error = self._channel_access(request, READ_MESSAGE_HISTORY, 50001)
        if error is not None:
            return error
        message = self.world.visible_message(channel_id, _int(request.match_info["message"]) or 0)
        if message is None:
            return _unknown("Message", 10008)
        return json_response(message.to_payload())

    async def pin(self, request: web.Request) -> web.Response:
        """``PUT /channels/{id}/messages/pins/{id}``: needs Pin Messages; idempotent."""
        channel_id, error = self._channel_access(request, PIN_MESSAGES)
        if error is not None:
            return error
        message = self.world.visible_message(channel_id, _int(request.match_info["message"]) or 0)
        if message is None:
            return _unknown("Message", 10008)
        if message.pinned:
            return web.Response(status=204)
        if len(self.world.pins(channel_id)) >= MAX_PINS_PER_CHANNEL:
            return error_response(
                400, 30003, f"Maximum number of pins reached ({MAX_PINS_PER_CHANNEL})"
            )
        message.pinned_at = iso_now()
        await self._pins_updated(channel_id, message)
        return web.Response(status=204)

    async def unpin(self, request: web.Request) -> web.Response:
        """``DELETE /channels/{id}/messages/pins/{id}``: needs Pin Messages."""
        channel_id, error = self._channel_access(request, PIN_MESSAGES)
        if error is not None:
            return error
        message = self.world.visible_message(channel_id, _int(request.match_info["message"]) or 0)
        if message is None:
            return _unknown("Message", 10008)
        if message.pinned:
            message.pinned_at = None
            await self._pins_updated(channel_id, message)
        return web.Response(status=204)

    async def _pins_updated(self, channel_id: int, message: Message) -> None:
        pins = self.world.pins(channel_id)
        payload: dict[str, Any] = {
            "channel_id": str(channel_id),
            "last_pin_timestamp": pins[0].pinned_at if pins else None,
        }
        if message.guild_id is not None:
            payload["guild_id"] = str(message.guild_id)
        await self.events("CHANNEL_PINS_UPDATE", payload)

    async def list_pins(self, request: web.Request) -> web.Response:
        """``GET /channels/{id}/messages/pins``: ``{"items": [...], "has_more": ...}``."""
        channel_id, error = self._channel_access(request, READ_MESSAGE_HISTORY, 50001)
        if error is not None:
            return error
        limit = _int(request.query.get("limit", "50"))
        if limit is None or not 1 <= limit <= 50:
            return error_response(400, 50035, "Invalid Form Body")
        pins = self.world.pins(channel_id)
        before = request.query.get("before")
        if before:
            pins = [m for m in pins if (m.pinned_at or "") < before]
        page = pins[:limit]
        items = [{"pinned_at": m.pinned_at, "message": m.to_payload()} for m in page]
        return json_response({"items": items, "has_more": len(pins) > limit})


def _snowflake_text(value: object) -> str | None:
    """``value`` as a snowflake string when it is one (payloads in tests may carry junk)."""
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    return text if text.isascii() and text.isdigit() and len(text) <= 20 else None


def _list_of_dicts(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _relative(path: str) -> str:
    return path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path


def _token_in_url(path: str) -> bool:
    """Routes Discord authenticates by the token in the URL, not the Authorization header."""
    return path.startswith("/webhooks/") or path.startswith("/interactions/")


def _callback_type_problem(interaction_type: int, callback_type: int) -> str | None:
    """Why Discord would refuse this callback type for this interaction type, if it would."""
    allowed = {
        2: {4, 5, 9},  # application command
        3: {4, 5, 6, 7, 9},  # component
        4: {8},  # autocomplete
        5: {4, 5, 6, 7},  # modal submit
    }.get(interaction_type, set())
    if callback_type in allowed:
        return None
    return (
        f"Interaction callback type {callback_type} "
        f"is not valid for interaction type {interaction_type}"
    )


def _apply_edit(
    message: Message, data: dict[str, Any], uploads: list[Upload] | None = None
) -> None:
    """Apply a message edit body; fields left out keep their values, as on Discord.

    ``attachments`` lists the existing attachments to keep (by id) and the new uploads; left
    out, the message keeps its attachments and gains any uploaded files.
    """
    uploads = uploads or []
    if "attachments" in data or uploads:
        kept_ids = {str(a.get("id")) for a in data.get("attachments") or [] if isinstance(a, dict)}
        kept = message.attachments
        if "attachments" in data:
            kept = [a for a in message.attachments if a["id"] in kept_ids]
        new = stored_attachments(data, uploads, message.channel_id, new_snowflake)
        message.attachments = kept + new
    if "content" in data:
        message.content = data["content"] or ""
    if "embeds" in data:
        message.embeds = resolve_embeds(list(data["embeds"] or []), message.attachments)
    if "components" in data:
        message.components = list(data["components"] or [])
    if data.get("flags") is not None:
        keep = message.flags & MESSAGE_FLAG_EPHEMERAL
        message.flags = keep | (int(data["flags"]) & _SETTABLE_FLAGS & ~MESSAGE_FLAG_EPHEMERAL)
    # Editing a deferred response is what finishes its loading state.
    message.flags &= ~MESSAGE_FLAG_LOADING
    message.edited_timestamp = iso_now()


async def _read_body(request: web.Request) -> tuple[Any, list[Upload]]:
    """The JSON body (from ``payload_json`` for multipart uploads) and any uploaded files."""
    if not request.can_read_body:
        return None, []
    if request.content_type == "multipart/form-data":
        body: Any = None
        uploads: list[Upload] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                body = json.loads(await part.text())
            else:
                uploads.append(
                    Upload(
                        field=str(part.name),
                        filename=part.filename or str(part.name),
                        content_type=part.headers.get("Content-Type", "application/octet-stream"),
                        data=bytes(await part.read()),
                    )
                )
        return body, uploads
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        return raw.decode("utf-8", "replace"), []
