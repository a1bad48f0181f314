"""The state behind the local Slack Web API stand-in: identity, users, channels, messages, views.

No sockets and no clock: `SlackWorkspace.call(method, params)` answers one Web API method the way
Slack does (same field names, same error codes), and the HTTP layer in `sandbox.slack_api` adds
auth, fault injection and recording around it. Not thread-safe on its own; the HTTP layer calls it
under a lock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox.slack_blocks import block_problems

JsonObject = dict[str, Any]

# Slack answers a message with more blocks than this with invalid_blocks (views allow 100).
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
_FIRST_TS_SECOND = 1_700_000_000


@dataclass(frozen=True, slots=True)
class WorkspaceIdentity:
    """Who the app is installed as: what auth.test answers."""

    team_id: str = "T_PIVOT"
    team_name: str = "Pivot Interactives"
    team_domain: str = "pivot-support"
    enterprise_id: str | None = None
    bot_user_id: str = "U_BOT"
    bot_id: str = "B_BOT"
    bot_name: str = "rosterbot"
    app_id: str = "A_ROSTER"
    scopes: tuple[str, ...] = (
        "app_mentions:read",
        "channels:read",
        "chat:write",
        "commands",
        "groups:read",
        "im:history",
        "users:read",
    )


@dataclass(frozen=True, slots=True)
class SlackUser:
    id: str
    team_id: str
    name: str
    is_restricted: bool = False
    is_ultra_restricted: bool = False
    is_bot: bool = False
    enterprise_id: str | None = None


@dataclass(frozen=True, slots=True)
class SlackChannel:
    id: str
    name: str
    is_ext_shared: bool = False
    is_private: bool = False
    is_im: bool = False
    connected_team_ids: tuple[str, ...] = ()
    members: tuple[str, ...] = ()  # what conversations.members lists


@dataclass(frozen=True, slots=True)
class ApiReply:
    """One Web API answer: HTTP status, JSON body and extra response headers."""

    body: JsonObject
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.body.get("ok"))


def error_reply(error: str, *, status: int = 200, **extra: Any) -> ApiReply:
    return ApiReply({"ok": False, "error": error, **extra}, status=status)


class SlackWorkspace:
    """One installed workspace as seen through the Web API."""

    def __init__(self, identity: WorkspaceIdentity) -> None:
        self.identity = identity
        self.users: dict[str, SlackUser] = {}
        self.channels: dict[str, SlackChannel] = {}
        self.messages: dict[tuple[str, str], JsonObject] = {}
        self.ephemeral: list[JsonObject] = []
        self.views: dict[str, JsonObject] = {}
        self.home_views: dict[str, str] = {}  # user id -> view id
        self._counter = 0
        self.add_user(SlackUser(identity.bot_user_id, identity.team_id, identity.bot_name,
                                is_bot=True, enterprise_id=identity.enterprise_id))
        self._methods: dict[str, Callable[[JsonObject], ApiReply]] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "conversations.info": self._conversations_info,
            "conversations.open": self._conversations_open,
            "conversations.members": self._conversations_members,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
        }

    @property
    def method_names(self) -> frozenset[str]:
        return frozenset(self._methods)

    def add_user(self, user: SlackUser) -> None:
        self.users[user.id] = user

    def add_channel(self, channel: SlackChannel) -> None:
        self.channels[channel.id] = channel

    def call(self, method: str, params: JsonObject) -> ApiReply:
        handler = self._methods.get(method)
        if handler is None:
            return error_reply("unknown_method")
        return handler(params)

    def permalink(self, channel: str, ts: str) -> str:
        domain = self.identity.team_domain
        link = f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        thread_ts = self.messages.get((channel, ts), {}).get("thread_ts")
        if thread_ts and thread_ts != ts:
            link += f"?thread_ts={thread_ts}&cid={channel}"
        return link

    # -- identity ---------------------------------------------------------------------------------

    def _auth_test(self, params: JsonObject) -> ApiReply:
        me = self.identity
        body: JsonObject = {
            "ok": True,
            "url": f"https://{me.team_domain}.slack.com/",
            "team": me.team_name,
            "user": me.bot_name,
            "team_id": me.team_id,
            "user_id": me.bot_user_id,
            "bot_id": me.bot_id,
            "is_enterprise_install": False,
        }
        if me.enterprise_id:
            body["enterprise_id"] = me.enterprise_id
        return ApiReply(body, headers={"x-oauth-scopes": ",".join(me.scopes)})

    def _users_info(self, params: JsonObject) -> ApiReply:
        user = self.users.get(str(params.get("user", "")))
        if user is None:
            return error_reply("user_not_found")
        return ApiReply({"ok": True, "user": self._user_object(user)})

    def _user_object(self, user: SlackUser) -> JsonObject:
        obj: JsonObject = {
            "id": user.id,
            "team_id": user.team_id,
            "name": user.name,
            "real_name": user.name,
            "deleted": False,
            "is_bot": user.is_bot,
            "is_app_user": False,
            "is_restricted": user.is_restricted,
            "is_ultra_restricted": user.is_ultra_restricted,
            "profile": {"team": user.team_id, "real_name": user.name, "display_name": user.name},
        }
        if user.enterprise_id:
            obj["enterprise_user"] = {
                "id": user.id,
                "enterprise_id": user.enterprise_id,
                "teams": [user.team_id],
            }
        home_org = self.identity.enterprise_id
        same_org = user.enterprise_id is not None and user.enterprise_id == home_org
        if user.team_id != self.identity.team_id and not same_org:
            obj["is_stranger"] = True
        return obj

    # -- conversations ----------------------------------------------------------------------------

    def _conversations_info(self, params: JsonObject) -> ApiReply:
        channel = self.channels.get(str(params.get("channel", "")))
        if channel is None:
            return error_reply("channel_not_found")
        obj: JsonObject = {
            "id": channel.id,
            "name": channel.name,
            "is_channel": not channel.is_im and not channel.is_private,
            "is_group": channel.is_private,
            "is_im": channel.is_im,
            "is_private": channel.is_private or channel.is_im,
            "is_ext_shared": channel.is_ext_shared,
            "is_shared": channel.is_ext_shared,
            "is_org_shared": False,
            "context_team_id": self.identity.team_id,
        }
        if channel.is_ext_shared:
            obj["connected_team_ids"] = [self.identity.team_id, *channel.connected_team_ids]
            obj["internal_team_ids"] = [self.identity.team_id]
        return ApiReply({"ok": True, "channel": obj})

    def _conversations_members(self, params: JsonObject) -> ApiReply:
        """All members in one page (cursor and limit are accepted and not needed)."""
        channel = self.channels.get(str(params.get("channel", "")))
        if channel is None:
            return error_reply("channel_not_found")
        return ApiReply({"ok": True, "members": list(channel.members),
                         "response_metadata": {"next_cursor": ""}})

    def _conversations_open(self, params: JsonObject) -> ApiReply:
        users = str(params.get("users", ""))
        if not users:
            return error_reply("users_list_not_supplied")
        if "," in users:
            return error_reply("not_enough_users")  # group DMs are not simulated
        if users not in self.users:
            return error_reply("user_not_found")
        return ApiReply({"ok": True, "channel": {"id": self._direct_channel(users)}})

    def _direct_channel(self, user_id: str) -> str:
        """The bot's DM channel with a user, as conversations.open (or a post to the user id)
        finds it."""
        channel_id = "D" + user_id.removeprefix("U").removeprefix("W")
        self.channels.setdefault(channel_id, SlackChannel(channel_id, channel_id, is_im=True,
                                                          members=(user_id,)))
        return channel_id

    # -- messages ---------------------------------------------------------------------------------

    def _next_ts(self) -> str:
        self._counter += 1
        return f"{_FIRST_TS_SECOND + self._counter}.{self._counter % 1_000_000:06d}"

    def _message_content(self, params: JsonObject) -> ApiReply | JsonObject:
        """The text and blocks of a post or update, or Slack's error for them."""
        text = params.get("text")
        blocks = _json_field(params.get("blocks"))
        attachments = _json_field(params.get("attachments"))
        if not text and not blocks and not attachments:
            return error_reply("no_text")
        if blocks is not None:
            problems = block_problems(blocks, max_blocks=MAX_MESSAGE_BLOCKS)
            if problems:
                return error_reply("invalid_blocks", response_metadata={"messages": problems})
        content: JsonObject = {"text": text or ""}
        if blocks is not None:
            content["blocks"] = blocks
        if attachments is not None:
            content["attachments"] = attachments
        return content

    def _chat_post_message(self, params: JsonObject) -> ApiReply:
        channel = str(params.get("channel") or "")
        if not channel:
            return error_reply("channel_not_found")
        if channel in self.users:  # a user id: the post goes to the bot's DM with them
            channel = self._direct_channel(channel)
        content = self._message_content(params)
        if isinstance(content, ApiReply):
            return content
        ts = self._next_ts()
        message: JsonObject = {
            "type": "message",
            "user": self.identity.bot_user_id,
            "bot_id": self.identity.bot_id,
            "app_id": self.identity.app_id,
            "team": self.identity.team_id,
            "ts": ts,
            **content,
        }
        if params.get("thread_ts"):
            message["thread_ts"] = str(params["thread_ts"])
        if params.get("metadata"):
            message["metadata"] = _json_field(params["metadata"])
        self.messages[(channel, ts)] = message
        return ApiReply({"ok": True, "channel": channel, "ts": ts, "message": message})

    def _chat_update(self, params: JsonObject) -> ApiReply:
        channel, ts = str(params.get("channel") or ""), str(params.get("ts") or "")
        if not channel:
            return error_reply("channel_not_found")
        if not ts:
            return error_reply("message_not_found")
        content = self._message_content(params)
        if isinstance(content, ApiReply):
            return content
        # Messages this stub did not post (e.g. a payload's message_ts) are accepted as if they
        # existed, so tests can update messages built by sandbox.slack_requests.
        message = self.messages.setdefault(
            (channel, ts), {"type": "message", "user": self.identity.bot_user_id, "ts": ts}
        )
        message.pop("blocks", None)
        message.update(content)
        message["edited"] = {"user": self.identity.bot_user_id, "ts": self._next_ts()}
        return ApiReply(
            {"ok": True, "channel": channel, "ts": ts, "text": message["text"], "message": message}
        )

    def _chat_post_ephemeral(self, params: JsonObject) -> ApiReply:
        channel, user = str(params.get("channel") or ""), str(params.get("user") or "")
        if not channel:
            return error_reply("channel_not_found")
        if not user:
            return error_reply("user_not_in_channel")
        content = self._message_content(params)
        if isinstance(content, ApiReply):
            return content
        ts = self._next_ts()
        self.ephemeral.append({"channel": channel, "user": user, "ts": ts, **content})
        return ApiReply({"ok": True, "message_ts": ts})

    def _chat_get_permalink(self, params: JsonObject) -> ApiReply:
        channel, ts = str(params.get("channel") or ""), str(params.get("message_ts") or "")
        if not channel:
            return error_reply("channel_not_found")
        if not ts:
            return error_reply("message_not_found")
        return ApiReply({"ok": True, "channel": channel, "permalink": self.permalink(channel, ts)})

    # -- views ------------------------------------------------------------------------------------

    def _store_view(self, view: JsonObject, *, view_id: str | None = None) -> JsonObject:
        self._counter += 1
        view_id = view_id or f"V{self._counter:08d}"
        stored: JsonObject = {
            "id": view_id,
            "team_id": self.identity.team_id,
            "app_id": self.identity.app_id,
            "bot_id": self.identity.bot_id,
            "app_installed_team_id": self.identity.team_id,
            "root_view_id": view_id,
            "previous_view_id": None,
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "state": {"values": {}},
            **view,
            "hash": f"{_FIRST_TS_SECOND + self._counter}.{view_id}",
        }
        self.views[view_id] = stored
        return stored

    def _view_param(self, params: JsonObject) -> ApiReply | JsonObject:
        view = _json_field(params.get("view"))
        if not isinstance(view, dict) or "type" not in view:
            return error_reply("invalid_arguments")
        problems = block_problems(view.get("blocks", []), max_blocks=MAX_VIEW_BLOCKS)
        if problems:
            return error_reply("invalid_arguments", response_metadata={"messages": problems})
        return view

    def _views_open(self, params: JsonObject) -> ApiReply:
        if not params.get("trigger_id") and not params.get("interactivity_pointer"):
            return error_reply("invalid_arguments")
        view = self._view_param(params)
        if isinstance(view, ApiReply):
            return view
        return ApiReply({"ok": True, "view": self._store_view(view)})

    def _views_update(self, params: JsonObject) -> ApiReply:
        view = self._view_param(params)
        if isinstance(view, ApiReply):
            return view
        view_id = str(params.get("view_id") or "")
        if not view_id and params.get("external_id"):
            found = [v for v in self.views.values() if v["external_id"] == params["external_id"]]
            if not found:
                return error_reply("not_found")
            view_id = found[0]["id"]
        if not view_id:
            return error_reply("invalid_arguments")
        current = self.views.get(view_id)
        if current is not None and params.get("hash") and params["hash"] != current["hash"]:
            return error_reply("hash_conflict")
        # Unknown view ids (from built view_submission payloads) are accepted as existing views.
        return ApiReply({"ok": True, "view": self._store_view(view, view_id=view_id)})

    def _views_publish(self, params: JsonObject) -> ApiReply:
        user_id = str(params.get("user_id") or "")
        if not user_id:
            return error_reply("invalid_arguments")
        view = self._view_param(params)
        if isinstance(view, ApiReply):
            return view
        if view.get("type") != "home":
            return error_reply("invalid_arguments")
        stored = self._store_view(view, view_id=self.home_views.get(user_id))
        self.home_views[user_id] = stored["id"]
        return ApiReply({"ok": True, "view": stored})


def _json_field(value: Any) -> Any:
    """A structured argument as Slack accepts it: JSON text (form bodies) or already decoded."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value
