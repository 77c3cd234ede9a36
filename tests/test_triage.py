"""Triage of incoming social and portal messages: needs a reply, urgency, mood, SLA due
time, personal data posted in public; sorted by what to answer first."""

from __future__ import annotations

import pytest

from assistant.triage import classify, mood_of, personal_data

BATCH = {
    "now": "2026-11-23T10:00:00Z",
    "messages": [
        {
            "id": "praise",
            "channel": "social_public",
            "text": "Loved the new app update, great work! 👍",
            "at": "2026-11-23T09:00:00Z",
        },
        {
            "id": "question",
            "channel": "web_portal",
            "text": "How do I change my delivery address?",
            "at": "2026-11-23T08:30:00Z",
        },
        {
            "id": "complaint",
            "channel": "social_public",
            "text": "Still waiting for my refund after 3 weeks. Absolutely unacceptable!!",
            "at": "2026-11-23T09:30:00Z",
        },
        {
            "id": "leak",
            "channel": "social_public",
            "text": "@acme my order hasn't come, email me at dana.s@example.com or ring 07700 900123",
            "at": "2026-11-23T09:45:00Z",
        },
        {
            "id": "request",
            "channel": "social_private",
            "text": "Please cancel my subscription.",
            "at": "2026-11-23T09:50:00Z",
        },
    ],
}


def test_a_batch_comes_back_sorted_by_what_to_answer_first(client):
    response = client.post("/v1/triage", json=BATCH)
    assert response.status_code == 200, response.text
    items = response.json()["messages"]
    assert [item["id"] for item in items] == ["complaint", "leak", "request", "question", "praise"]
    by_id = {item["id"]: item for item in items}
    assert (by_id["complaint"]["kind"], by_id["complaint"]["mood"], by_id["complaint"]["urgency"]) == (
        "complaint",
        "negative",
        "high",
    )
    assert by_id["complaint"]["due_at"] == "2026-11-23T10:30:00Z"  # social: 1 hour of calendar time
    assert by_id["question"]["kind"] == "question" and by_id["question"]["urgency"] == "normal"
    assert by_id["question"]["due_at"] == "2026-11-23T17:30:00Z"  # web portal: 1 business day from 09:00
    assert by_id["question"]["sla_target"] == "1 business day"
    assert by_id["request"]["kind"] == "request" and by_id["request"]["needs_reply"]
    praise = by_id["praise"]
    assert (praise["needs_reply"], praise["kind"], praise["mood"], praise["urgency"], praise["due_at"]) == (
        False,
        "none",
        "positive",
        "low",
        None,
    )
    leak = by_id["leak"]
    assert {p["kind"] for p in leak["personal_data"]} == {"email address", "phone number"}
    assert leak["urgency"] == "high" and "delete the post" in leak["warnings"][0]
    text = BATCH["messages"][3]["text"]
    assert [text[p["start"] : p["end"]] for p in leak["personal_data"]] == ["dana.s@example.com", "07700 900123"]
    assert "DEAL.P16" in leak["criteria"] and "PROBLEMS.K7" in leak["criteria"]


def test_personal_data_in_a_private_message_is_not_a_public_leak(client):
    message = {"id": "dm", "channel": "social_private", "text": "My email is dana@example.com, please help"}
    body = {"messages": [message]}
    [item] = client.post("/v1/triage", json=body).json()["messages"]
    assert item["personal_data"] == [] and item["warnings"] == []


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"messages": [{"id": "x", "channel": "fax", "text": "hi"}]}, 422, "messages.0.channel"),
        (
            {"messages": [{"id": "x", "channel": "email", "text": "hi"}], "guide": "ghost"},
            422,
            "Unknown style guide; known guides: default",
        ),
        ({"messages": [{"id": "x", "channel": "email", "text": "hi"}] * 201}, 422, "messages"),
        ({"messages": [{"id": "big", "channel": "email", "text": "a" * 10_001}]}, 422, "messages.0.text"),
    ],
)
def test_bad_batches_are_problems(client, body, status, says):
    response = client.post("/v1/triage", json=body)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert says in response.json()["detail"]
    assert "ghost" not in response.text and "aaaa" not in response.text  # nothing submitted comes back


@pytest.mark.parametrize(
    ("text", "kind", "mood"),
    [
        ("Where is my parcel?", "question", "neutral"),
        ("is the shop open on Sunday", "question", "neutral"),
        ("Could you send me a new charger please", "request", "neutral"),
        ("My kettle arrived broken. Not happy 😡", "complaint", "negative"),
        ("WORST SERVICE EVER. NOBODY HAS CALLED", "complaint", "negative"),
        ("Thank you so much, sorted now!", "none", "positive"),
        ("Just landed in Lisbon", "none", "neutral"),
    ],
)
def test_kinds_and_moods(text, kind, mood):
    assert (classify(text), mood_of(text)) == (kind, mood)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("card 4539 1488 0343 6467 was charged twice", ["card number"]),  # passes Luhn
        ("ref 4539 1488 0343 6468", []),  # fails Luhn, and too many digits for a phone
        ("I live at 12 Acacia Avenue, SW1A 1AA", ["home address", "postcode"]),
        ("my account number is AB-48213", ["account number"]),
        # An order reference is no personal data: the confidentiality check never counted
        # it, and triage now finds exactly what the check finds (one entity table).
        ("my order number is AB-48213", []),
        ("DOB 01/02/1980", ["date of birth"]),
        ("call +44 20 7946 0958", ["phone number"]),
        ("Nothing personal here, just a question about prices", []),
    ],
)
def test_personal_data(text, kinds, services):
    assert [item["kind"] for item in personal_data(text, services.privacy.detect_text)] == kinds


@pytest.mark.parametrize(
    "text",
    [
        "@acme my card 4539 1488 0343 6467 was charged twice, ring 07700 900123",
        "I live at 12 Acacia Avenue, SW1A 1AA and my DOB is 01/02/1980",
        "Email me at dana.s@example.com, my account number is AB-48213",
    ],
)
def test_triage_and_the_check_find_the_same_personal_data(client, text):
    """One entity table for both doors: what triage lists in a public post is what the
    confidentiality check flags in a public reply holding the same words."""
    message = {"id": "m", "channel": "social_public", "text": text}
    triaged = client.post("/v1/triage", json={"messages": [message]}).json()["messages"][0]["personal_data"]
    report = client.post("/v1/check", json={"text": text, "channel": "social_public", "checks": ["confidentiality"]})
    flagged = [(f["start"], f["end"]) for f in report.json()["findings"] if f["details"].get("entity")]
    assert triaged and [(p["start"], p["end"]) for p in triaged] == flagged


MOODS = [
    "Where is my parcel?",
    "Could you send me a new charger please",
    "My kettle arrived broken. Not happy 😡",
    "WORST SERVICE EVER. NOBODY HAS CALLED",
    "Thank you so much, sorted now!",
    "This is the third time I have asked. I am worried sick about the bill.",
    "I'm not happy with the new app",
]


def test_triage_and_the_check_read_the_same_mood(client, check):
    """One mood model: what /v1/triage says of a message is what /v1/check says of the
    customer who wrote it (the reply's thread holding only that message)."""
    messages = [{"id": str(i), "channel": "social_public", "text": text} for i, text in enumerate(MOODS)]
    triaged = {
        item["id"]: item["mood"] for item in client.post("/v1/triage", json={"messages": messages}).json()["messages"]
    }
    checked = {
        str(i): check("Thanks for letting us know.", "social_public", thread=[{"author": "customer", "text": text}])[
            "metrics"
        ]["tone"]["customer"]["mood"]
        for i, text in enumerate(MOODS)
    }
    assert triaged == checked
    assert [triaged[str(i)] for i in range(len(MOODS))] == [
        "neutral",
        "neutral",
        "negative",
        "negative",
        "positive",
        "negative",
        "negative",
    ]
