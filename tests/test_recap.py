"""The thread recap (DEAL.P15): the customer's key points and each side's actions."""

from assistant.drafting.recap import recap_thread
from assistant.model import Message

THREAD = [
    Message(author="customer", text="My bill for March is wrong. It says I used twice as much gas as usual."),
    Message(
        author="agent",
        text="Thanks, I can see that. Could you send a photo of the meter? "
        "I'll recalculate the bill as soon as it arrives.",
    ),
    Message(author="internal_note", text="I will waive the fee, don't tell them yet."),
    Message(author="customer", text="OK, I'll send the photo tonight."),
]


def test_points_and_each_sides_actions():
    recap = recap_thread(THREAD)
    assert recap.points == ["My bill for March is wrong.", "It says I used twice as much gas as usual."]
    assert recap.agent_actions == ["recalculate the bill as soon as it arrives"]
    assert recap.customer_actions == ["send a photo of the meter", "send the photo tonight"]


def test_internal_notes_never_reach_the_recap():
    recap = recap_thread(THREAD)
    assert not any("waive" in item for item in recap.agent_actions + recap.customer_actions + recap.points)


def test_an_empty_thread_has_an_empty_recap():
    assert not recap_thread([])


def test_a_draft_includes_the_recap(client):
    thread = [{"author": m.author.value, "text": m.text} for m in THREAD]
    response = client.post(
        "/v1/drafts",
        json={
            "template": "agreement-summary",
            "channel": "email",
            "customer": {"name": "Sam"},
            "ticket": {"id": "1"},
            "thread": thread,
        },
    )
    assert response.status_code == 200, response.text
    text = response.json()["text"]
    assert "- We will recalculate the bill as soon as it arrives." in text
    assert "- You will send a photo of the meter." in text
    assert "waive" not in text
