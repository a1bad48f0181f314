"""The port through which the service posts to Slack, and its slack_sdk implementation.

The service never sees a WebClient; tests, the terminal demo and Slack each bring a Messenger.
"""

from __future__ import annotations

from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

from bot.blocks import Message


class Messenger(Protocol):
    def post(self, channel: str, message: Message, *, thread_ts: str | None = None) -> str:
        """Post and return the new message's ts."""
        ...

    def update(self, channel: str, ts: str, message: Message) -> None: ...

    def direct(self, user: str, message: Message) -> tuple[str, str]:
        """Post in the bot's direct messages with `user`; (channel, ts) of the new message."""
        ...

    def ephemeral(self, channel: str, user: str, message: Message, *,
                  thread_ts: str | None = None) -> None: ...

    def respond(self, response_url: str, message: Message, *,
                replace_original: bool = False) -> None: ...

    def publish_home(self, user: str, view: dict[str, Any]) -> None: ...

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None: ...

    def permalink(self, channel: str, ts: str) -> str: ...


def retry_handlers(max_retries: int = 2) -> list[Any]:
    """Slack 429s (honouring Retry-After), 5xx and dropped connections are retried a few times."""
    return [
        RateLimitErrorRetryHandler(max_retry_count=max_retries),
        ServerErrorRetryHandler(max_retry_count=max_retries),
        ConnectionErrorRetryHandler(max_retry_count=max_retries),
    ]


def web_client(token: str, *, base_url: str | None = None, timeout: int = 10) -> WebClient:
    """A WebClient with the retry handlers; `base_url` points at a Web API stand-in in tests."""
    client = WebClient(token=token, timeout=timeout,
                       base_url=_api_base(base_url) if base_url else WebClient.BASE_URL)
    for handler in retry_handlers():
        client.retry_handlers.append(handler)
    return client


def _api_base(url: str) -> str:
    url = url.rstrip("/")
    return url + "/" if url.endswith("/api") else url + "/api/"


class SlackMessenger:
    def __init__(self, client: WebClient) -> None:
        self._client = client

    def post(self, channel: str, message: Message, *, thread_ts: str | None = None) -> str:
        answer = self._client.chat_postMessage(channel=channel, thread_ts=thread_ts,
                                               unfurl_links=False, **message.payload())
        return str(answer["ts"])

    def update(self, channel: str, ts: str, message: Message) -> None:
        self._client.chat_update(channel=channel, ts=ts, **message.payload())

    def direct(self, user: str, message: Message) -> tuple[str, str]:
        # chat.postMessage to a user id posts in the app's DM with them (chat:write suffices)
        answer = self._client.chat_postMessage(channel=user, unfurl_links=False,
                                               **message.payload())
        return str(answer["channel"]), str(answer["ts"])

    def ephemeral(self, channel: str, user: str, message: Message, *,
                  thread_ts: str | None = None) -> None:
        self._client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts,
                                        **message.payload())

    def respond(self, response_url: str, message: Message, *,
                replace_original: bool = False) -> None:
        hook = WebhookClient(response_url, retry_handlers=retry_handlers())
        hook.send(response_type="ephemeral" if message.ephemeral else "in_channel",
                  replace_original=replace_original, **message.payload())

    def publish_home(self, user: str, view: dict[str, Any]) -> None:
        self._client.views_publish(user_id=user, view=view)

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        self._client.views_open(trigger_id=trigger_id, view=view)

    def permalink(self, channel: str, ts: str) -> str:
        try:
            return str(self._client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
        except Exception:  # a missing permalink must never block an escalation
            return ""
