"""Helpdesk exports of sent replies, read row by row for a bulk audit: CSV, JSON Lines,
and Zendesk's ticket comments (the List Comments response, with users sideloaded).

Each row becomes a HistoryRow (the reply and the Context it was written in), or a BadRow
naming its line and what is wrong, so one bad row never stops the run. The columns are
documented in docs/usage.md ("Bulk audit")."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..model import Channel, Context
from ..text import Format

COLUMNS = (
    "text",
    "format",
    "channel",
    "sent_at",
    "agent_id",
    "agent_name",
    "team",
    "ticket_id",
    "ticket_created_at",
    "priority",
    "customer_message",
    "customer_message_at",
    "id",
)
# Zendesk's `via.channel` -> ours; anything else takes the run's default channel.
ZENDESK_CHANNELS = {
    "email": Channel.email,
    "web": Channel.web_portal,
    "web_form": Channel.web_portal,
    "chat": Channel.chat,
    "native_messaging": Channel.chat,
    "sms": Channel.sms,
    "twitter": Channel.social_public,
    "facebook": Channel.social_public,
    "twitter_dm": Channel.social_private,
    "facebook_message": Channel.social_private,
    "whatsapp": Channel.social_private,
}
ZENDESK_AGENT_ROLES = {"agent", "admin"}


@dataclass(frozen=True)
class HistoryRow:
    line: int  # where the row starts in the file (1-based); for Zendesk JSON, the comment's position
    text: str
    format: Format
    context: Context
    sent_at: datetime | None
    message_id: str | None


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str  # what is wrong, never the row's content


class RowError(ValueError):
    pass


def read_history(path: Path, default_channel: Channel = Channel.email) -> Iterator[HistoryRow | BadRow]:
    """Every row of the export at `path`, by its extension: .csv, .jsonl/.ndjson (rows, or
    one Zendesk ticket per line), .json (Zendesk: one ticket's comments or a list of them)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from _csv_rows(path, default_channel)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _jsonl_rows(path, default_channel)
    elif suffix == ".json":
        yield from _zendesk_document(path, default_channel)
    else:
        raise RowError(f"{path.name}: unknown export format; use .csv, .jsonl or Zendesk's .json")


def _csv_rows(path: Path, default_channel: Channel) -> Iterator[HistoryRow | BadRow]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "text" not in reader.fieldnames:
            raise RowError(f"{path.name}: the first line must name the columns, one of them `text`")
        line = reader.line_num + 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                yield BadRow(line, f"not readable as CSV ({type(exc).__name__})")
                return  # the reader cannot resynchronise after a broken quote
            if None in record:
                yield BadRow(line, f"{len(record[None])} more field(s) than the header names")
            else:
                yield _parsed(line, record, default_channel)
            line = reader.line_num + 1


def _jsonl_rows(path: Path, default_channel: Channel) -> Iterator[HistoryRow | BadRow]:
    with path.open(encoding="utf-8", errors="strict") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except json.JSONDecodeError as exc:
                yield BadRow(number, f"not valid JSON (column {exc.colno}: {exc.msg})")
                continue
            if isinstance(record, dict) and "comments" in record:
                yield from _zendesk_ticket(record, default_channel, first_line=number, one_line=True)
            elif isinstance(record, dict):
                yield _parsed(number, record, default_channel)
            else:
                yield BadRow(number, "expected a JSON object")


def _parsed(
    line: int, record: dict[str, Any], default_channel: Channel, thread: list[dict[str, Any]] | None = None
) -> HistoryRow | BadRow:
    try:
        return _row(line, record, default_channel, thread)
    except RowError as exc:
        return BadRow(line, str(exc))


def _row(
    line: int, record: dict[str, Any], default_channel: Channel, earlier: list[dict[str, Any]] | None = None
) -> HistoryRow:
    """One reply; `earlier` is the thread before it when the export holds it (Zendesk)."""
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise RowError("text: empty or missing")
    fmt: Format = "html" if record.get("format") == "html" else "text"
    if _blank_to_none(record.get("format")) not in (None, "text", "html"):
        raise RowError("format: neither text nor html")
    sent_at = _time(record, "sent_at")
    customer_message = _blank_to_none(record.get("customer_message"))
    customer_at = _time(record, "customer_message_at")
    thread = [{"author": "customer", "text": customer_message, "at": customer_at}] if customer_message else []
    if earlier is not None:
        thread = [message for message in earlier if message["text"]]
        customer_at = max((_time(m, "at") for m in thread if m["author"] == "customer"), default=None, key=_order)
    data = {
        "channel": _blank_to_none(record.get("channel")) or default_channel.value,
        "agent": {"id": _text(record, "agent_id"), "name": _text(record, "agent_name"), "team": _text(record, "team")},
        "ticket": {
            "id": _text(record, "ticket_id"),
            "priority": _text(record, "priority"),
            "created_at": _time(record, "ticket_created_at") or customer_at,
            "last_customer_message_at": customer_at,
        },
        "thread": thread,
        "now": sent_at,
    }
    return HistoryRow(line, text, fmt, _context(data), sent_at, _text(record, "id"))


def _context(data: dict[str, Any]) -> Context:
    try:
        return Context.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise RowError(f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}") from None


def _order(moment: datetime | None) -> float:
    return moment.timestamp() if moment else float("-inf")


def _blank_to_none(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _text(record: dict[str, Any], column: str) -> str | None:
    value = _blank_to_none(record.get(column))
    return None if value is None else str(value)


def _time(record: dict[str, Any], column: str) -> datetime | None:
    value = _blank_to_none(record.get(column))
    if value is None:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise RowError(f"{column}: not an ISO 8601 time (e.g. 2026-03-02T09:15:00Z)") from None


# -- Zendesk -------------------------------------------------------------------------
def _zendesk_document(path: Path, default_channel: Channel) -> Iterator[HistoryRow | BadRow]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RowError(f"{path.name}: not a JSON document ({type(exc).__name__})") from None
    tickets = document if isinstance(document, list) else [document]
    position = 0
    for ticket in tickets:
        if not isinstance(ticket, dict) or not isinstance(ticket.get("comments"), list):
            position += 1
            yield BadRow(position, "expected a Zendesk comments response: an object with `comments`")
            continue
        rows = list(_zendesk_ticket(ticket, default_channel, first_line=position + 1, one_line=False))
        position += max(len(ticket["comments"]), 1)
        yield from rows


def _zendesk_ticket(
    document: dict[str, Any], default_channel: Channel, *, first_line: int, one_line: bool
) -> Iterator[HistoryRow | BadRow]:
    """The agents' public comments of one ticket, each with the thread before it. A comment
    is an agent's when its author's sideloaded role is agent or admin, or, without users,
    when its author is not the ticket's requester."""
    ticket = document.get("ticket") or {}
    users = {user.get("id"): user for user in document.get("users") or [] if isinstance(user, dict)}
    requester = ticket.get("requester_id")
    if not users and requester is None:
        yield BadRow(first_line, "cannot tell agents from customers: sideload users or give ticket.requester_id")
        return
    comments = [c for c in document["comments"] if isinstance(c, dict)]
    comments.sort(key=lambda c: str(c.get("created_at") or ""))
    thread: list[dict[str, Any]] = []
    for index, comment in enumerate(comments):
        line = first_line if one_line else first_line + index
        author = users.get(comment.get("author_id"), {})
        is_agent = author.get("role") in ZENDESK_AGENT_ROLES if users else comment.get("author_id") != requester
        body = comment.get("plain_body") or comment.get("body") or ""
        public = comment.get("public", True) is not False
        if is_agent and public:
            record = {
                "text": body,
                "channel": _zendesk_channel(comment, ticket, default_channel),
                "sent_at": comment.get("created_at"),
                "agent_id": comment.get("author_id"),
                "agent_name": author.get("name"),
                "team": ticket.get("group_id"),
                "ticket_id": ticket.get("id") or document.get("ticket_id"),
                "ticket_created_at": ticket.get("created_at"),
                "priority": ticket.get("priority"),
                "id": comment.get("id"),
            }
            yield _parsed(line, record, default_channel, list(thread))
        thread.append(
            {
                "author": ("agent" if is_agent else "customer") if public else "internal_note",
                "text": body,
                "public": public,
                "at": _blank_to_none(comment.get("created_at")),
            }
        )


def _zendesk_channel(comment: dict[str, Any], ticket: dict[str, Any], default_channel: Channel) -> str:
    via = (comment.get("via") or {}).get("channel") or (ticket.get("via") or {}).get("channel")
    return ZENDESK_CHANNELS.get(str(via), default_channel).value
