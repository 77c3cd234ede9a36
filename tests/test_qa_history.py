"""Reading helpdesk exports: every row with its context, bad rows by their line."""

import json

import pytest

from assistant.model import Author, Channel
from assistant.qa.history import BadRow, HistoryRow, RowError, read_history

CSV = (
    "text,channel,sent_at,agent_id,agent_name,team,ticket_id,customer_message,customer_message_at\n"
    "Hi Dana,,2026-03-02T10:00:00Z,a1,Sam,billing,T1,Where is my refund?,2026-03-02T08:00:00Z\n"
    '"Hi Dana,\n\nThe refund went today.\n\nSam",chat,2026-03-03T10:00:00Z,a2,,,T2,,\n'
    "Hi again,fax,,,,,,,\n"
    ",email,,,,,,,\n"
    "Hi,email,yesterday,,,,,,\n"
    "Hi,email,,,,,,,,extra\n"
    "Thanks,sms,,,,,,,\n"
)


def rows(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return list(read_history(path))


def test_csv_rows_carry_their_context_and_start_line(tmp_path):
    first, second, *_ = rows(tmp_path, "export.csv", CSV)
    assert isinstance(first, HistoryRow) and first.line == 2
    assert first.context.channel == Channel.email  # the default when the column is empty
    assert (first.context.agent.id, first.context.agent.name, first.context.agent.team) == ("a1", "Sam", "billing")
    assert first.context.thread[0].author == Author.customer
    assert first.context.ticket.last_customer_message_at.isoformat() == "2026-03-02T08:00:00+00:00"
    assert first.context.now == first.sent_at
    assert isinstance(second, HistoryRow) and second.line == 3 and second.text.endswith("Sam")
    assert second.context.channel == Channel.chat and second.context.thread == []


def test_bad_csv_rows_are_named_by_the_line_they_start_on(tmp_path):
    read = rows(tmp_path, "export.csv", CSV)
    bad = {row.line: row.reason for row in read if isinstance(row, BadRow)}
    assert set(bad) == {8, 9, 10, 11}  # the quoted reply spans lines 3-7
    assert bad[8].startswith("channel: Input should be")
    assert bad[9] == "text: empty or missing"
    assert bad[10].startswith("sent_at: not an ISO 8601 time")
    assert bad[11] == "1 more field(s) than the header names"
    assert isinstance(read[-1], HistoryRow) and read[-1].line == 12


def test_a_csv_without_a_text_column_is_refused_whole(tmp_path):
    with pytest.raises(RowError, match="`text`"):
        rows(tmp_path, "export.csv", "reply,channel\nHi,email\n")


def test_jsonl_rows_and_a_line_that_is_not_json(tmp_path):
    content = (
        json.dumps({"text": "Hi Dana, the refund went today.", "channel": "sms", "ticket_id": 42}) + "\n\n"
        "{not json\n" + json.dumps(["a list"]) + "\n" + json.dumps({"text": "<p>Hi</p>", "format": "html"}) + "\n"
    )
    read = rows(tmp_path, "export.jsonl", content)
    assert [row.line for row in read] == [1, 3, 4, 5]
    assert read[0].context.ticket.id == "42" and read[0].context.channel == Channel.sms
    assert isinstance(read[1], BadRow) and read[1].reason.startswith("not valid JSON")
    assert isinstance(read[2], BadRow) and read[2].reason == "expected a JSON object"
    assert read[3].format == "html"


ZENDESK = {
    "ticket": {
        "id": 35436,
        "requester_id": 7,
        "created_at": "2026-03-02T08:00:00Z",
        "group_id": 360001,
        "via": {"channel": "email"},
    },
    "comments": [
        {
            "id": 1,
            "type": "Comment",
            "author_id": 7,
            "public": True,
            "created_at": "2026-03-02T08:00:00Z",
            "body": "My meter reading is wrong, account 12345678.",
        },
        {
            "id": 2,
            "type": "Comment",
            "author_id": 99,
            "public": False,
            "created_at": "2026-03-02T08:30:00Z",
            "body": "Internal: customer is on the watch list.",
        },
        {
            "id": 3,
            "type": "Comment",
            "author_id": 99,
            "public": True,
            "created_at": "2026-03-02T09:00:00Z",
            "body": "Hi, I have corrected the reading. Kind regards, Ana",
            "via": {"channel": "web"},
        },
    ],
    "users": [{"id": 7, "name": "Dana", "role": "end-user"}, {"id": 99, "name": "Ana", "role": "agent"}],
}


def test_zendesk_comments_yield_the_agents_public_replies_with_the_thread_before(tmp_path):
    (reply,) = rows(tmp_path, "comments.json", json.dumps(ZENDESK))
    assert isinstance(reply, HistoryRow) and reply.line == 3 and reply.message_id == "3"
    assert reply.text.startswith("Hi, I have corrected")
    assert reply.context.channel == Channel.web_portal  # the comment's own via wins
    assert [m.author for m in reply.context.thread] == [Author.customer, Author.internal_note]
    assert reply.context.ticket.id == "35436" and reply.context.agent.team == "360001"
    assert reply.context.agent.name == "Ana"
    assert reply.context.ticket.last_customer_message_at.isoformat() == "2026-03-02T08:00:00+00:00"


def test_zendesk_as_a_list_of_tickets_and_as_json_lines(tmp_path):
    no_roles = {**ZENDESK, "users": []}  # agents are whoever is not the requester
    listed = rows(tmp_path, "tickets.json", json.dumps([ZENDESK, {"comments": "oops"}, no_roles]))
    assert [type(row).__name__ for row in listed] == ["HistoryRow", "BadRow", "HistoryRow"]
    assert [row.line for row in listed] == [3, 4, 7]
    lines = rows(
        tmp_path,
        "tickets.jsonl",
        json.dumps(ZENDESK) + "\n" + json.dumps({**ZENDESK, "users": None, "ticket": {}}) + "\n",
    )
    assert isinstance(lines[0], HistoryRow) and lines[0].line == 1
    assert isinstance(lines[1], BadRow) and lines[1].line == 2 and "cannot tell agents" in lines[1].reason
