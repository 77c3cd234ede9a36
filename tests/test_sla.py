"""SLA: the business clock (hours, holidays, clock changes), the policy in the guide,
`metrics.sla` and the breached / at-risk / broken-promise findings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from assistant.business_time import BusinessClock, HolidayCalendar
from assistant.checks.sla import SlaCheck, SlaOptions
from assistant.guide import GuideError, load_guides
from assistant.model import Context
from assistant.promises import find_promises
from assistant.sections import guide_sections
from assistant.settings import PROJECT_ROOT
from assistant.text import prepare_draft

LONDON = ZoneInfo("Europe/London")
GUIDES = load_guides(PROJECT_ROOT / "style_guides", guide_sections())
DEFAULT: SlaOptions = GUIDES["default"].sections["sla"]

REPLY = "Hi Dana,\n\nYour refund of £40 is on its way and should reach your account by Friday.\n\nKind regards,\nSam"
SORRY = (
    "Hi Dana,\n\nI'm sorry it has taken us so long to get back to you. Your refund of £40 is on its way "
    "and should reach your account by Friday.\n\nKind regards,\nSam"
)


def london(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


def sla(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["check"] == "sla"]


def run(text: str, **context) -> tuple[list, dict]:
    outcome = SlaCheck().run(prepare_draft(text), Context.model_validate({"channel": "email", **context}), DEFAULT)
    return outcome.findings, outcome.metrics


# --- the business clock ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (london(2026, 11, 20, 17), london(2026, 11, 23, 10), 1.5),  # Friday 17:00 -> Monday 10:00
        (london(2026, 3, 27, 17), london(2026, 3, 30, 10), 1.5),  # across the spring clock change
        (london(2026, 10, 23, 17), london(2026, 10, 26, 10), 1.5),  # across the autumn clock change
        (london(2026, 5, 22, 17), london(2026, 5, 26, 10), 1.5),  # Spring Bank Holiday Monday skipped
        (london(2026, 4, 2, 17), london(2026, 4, 7, 10), 1.5),  # Good Friday and Easter Monday skipped
        (london(2026, 11, 21, 12), london(2026, 11, 22, 12), 0.0),  # a weekend
        (london(2026, 11, 23, 8), london(2026, 11, 23, 18), 8.5),  # a whole day, from before opening
        (london(2026, 11, 23, 10), london(2026, 11, 20, 17), -1.5),  # backwards is negative
    ],
)
def test_business_time_between_two_instants(start, end, hours):
    assert DEFAULT.clock.elapsed(start, end) == timedelta(hours=hours)


def test_adding_business_time_skips_nights_weekends_and_bank_holidays():
    clock = DEFAULT.clock
    assert clock.add(london(2026, 11, 20, 16), timedelta(hours=4)) == london(2026, 11, 23, 11, 30)
    assert clock.add(london(2026, 5, 22, 16), timedelta(hours=4)) == london(2026, 5, 26, 11, 30)
    assert clock.add(london(2026, 11, 21, 12), timedelta(0)) == london(2026, 11, 23, 9)  # next opening
    assert clock.add(london(2026, 3, 27, 17), timedelta(hours=1.5)) == london(2026, 3, 30, 10)  # BST Monday
    assert clock.add(london(2026, 3, 30, 10), timedelta(0)).hour == 9  # 10:00 BST is 09:00 UTC


def test_round_the_clock_hours_count_real_time_across_the_clock_change():
    always = BusinessClock(LONDON, {day: [(0, 24 * 60)] for day in range(7)})
    assert always.elapsed(london(2026, 3, 28, 12), london(2026, 3, 29, 12)) == timedelta(hours=23)
    assert always.elapsed(london(2026, 10, 24, 12), london(2026, 10, 25, 12)) == timedelta(hours=25)
    assert always.add(london(2026, 3, 28, 12), timedelta(hours=24)) == london(2026, 3, 29, 13)


def test_holiday_calendars_come_from_the_holidays_library_and_unite():
    england = HolidayCalendar([("GB", "ENG")])
    both = HolidayCalendar([("GB", "ENG"), ("GB", "SCT")], closures=[date(2026, 12, 24)])
    assert date(2026, 5, 25) in england and date(2026, 12, 28) in england  # Boxing Day observed
    assert date(2026, 1, 2) not in england and date(2026, 1, 2) in both  # Scotland's 2 January
    assert date(2026, 11, 30) in both  # St Andrew's Day
    assert date(2026, 12, 24) in both and date(2026, 12, 24) not in england  # our own closure
    assert date(2031, 12, 25) in england  # years outside the preloaded ones are computed on use


# --- the policy in the guide -------------------------------------------------------------


def test_default_policy_is_the_shipped_one():
    assert DEFAULT.timezone == "Europe/London"
    assert str(DEFAULT.allowance("email", "first_reply", None)[0]) == "1 business day"
    assert str(DEFAULT.allowance("email", "first_reply", "Urgent")[0]) == "4 business hours"
    assert str(DEFAULT.allowance("web_portal", "first_reply", "urgent")[0]) == "4 business hours"
    assert str(DEFAULT.allowance("chat", "first_reply", "high")[0]) == "2 minutes"
    assert str(DEFAULT.allowance("social_public", "next_reply", None)[0]) == "1 hour"
    assert str(DEFAULT.allowance("sms", "first_reply", None)[0]) == "1 business day"
    assert str(DEFAULT.allowance("letter", "first_reply", None)[0]) == "5 business days"
    assert GUIDES["strict"].sections["sla"].targets == DEFAULT.targets  # inherited


def write(folder, body):
    (folder / "acme").mkdir(parents=True)
    (folder / "acme" / "guide.yaml").write_text(body)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("sla:\n  timezone: Europe/Londres\n", "sla.timezone: Value error, unknown time zone"),
        ("sla:\n  hours: {mon: '17:30-09:00'}\n", "opening time must come before"),
        ("sla:\n  hours: {monday: '09:00-17:00'}\n", "unknown weekday(s) monday"),
        ("sla:\n  holidays: [{country: GB, subdivision: XXX}]\n", "does not have subdivision XXX"),
        ("sla:\n  targets: {email: {first_reply: {default: soon}}}\n", "'soon' is not a time allowance"),
        ("sla:\n  targets: {fax: {first_reply: {default: 1 hour}}}\n", "sla.targets.fax"),
        ("sla:\n  acknowledgements: ['(sorry']\n", "not a regular expression"),
        ("sla:\n  closing_time: 5pm\n", "sla.closing_time: Extra inputs are not permitted"),
        ("sla:\n  targets: {email: {first_reply: {default: 1 business day}}}\n", "opens on no day"),
    ],
)
def test_a_bad_policy_fails_at_load_naming_the_field(tmp_path, body, says):
    write(tmp_path, body)
    with pytest.raises(GuideError) as error:
        load_guides(tmp_path, guide_sections())
    assert says in str(error.value) and "acme/guide.yaml" in str(error.value)


def test_a_guide_sets_its_own_hours_holidays_and_closures(tmp_path):
    write(
        tmp_path,
        """
sla:
  timezone: Europe/London
  hours: {mon: "09:00-17:00", tue: "09:00-17:00", wed: ["09:00-12:00", "13:00-17:00"], sat: "10:00-14:00"}
  holidays: [{country: GB, subdivision: SCT}]
  closures: [2026-11-24]
  targets: {email: {first_reply: {default: 2 business days}}}
""",
    )
    options = load_guides(tmp_path, guide_sections())["acme"].sections["sla"]
    assert options.business_day == timedelta(hours=8)  # the longest open day
    assert options.clock.elapsed(london(2026, 11, 21, 0), london(2026, 11, 26, 0)) == timedelta(hours=4 + 8 + 7)
    assert options.clock.elapsed(london(2026, 11, 30, 0), london(2026, 12, 1, 0)) == timedelta(0)  # St Andrew's Day


# --- metrics.sla -------------------------------------------------------------------------


def test_the_clock_is_in_the_metrics_with_no_findings_when_on_time():
    findings, metrics = run(REPLY, now="2026-11-23T10:00:00Z", ticket={"created_at": "2026-11-20T17:00:00Z"})
    assert findings == []
    assert metrics == {
        "state": "ok",
        "target": "first_reply",
        "priority": "default",
        "channel": "email",
        "allowed": "1 business day",
        "clock": "business",
        "started_at": "2026-11-20T17:00:00+00:00",
        "due_at": "2026-11-23T17:00:00+00:00",
        "now": "2026-11-23T10:00:00+00:00",
        "remaining_minutes": 420.0,
        "overdue_minutes": 0.0,
        "timezone": "Europe/London",
    }


def test_times_without_a_zone_are_read_in_the_guides_zone():
    _, summer = run(REPLY, now="2026-07-01T10:00:00", ticket={"created_at": "2026-07-01T09:00:00"})
    assert summer["started_at"] == "2026-07-01T09:00:00+01:00" and summer["remaining_minutes"] == 450.0


def test_next_reply_runs_from_the_customers_latest_message():
    thread = [
        {"author": "customer", "text": "Where is my refund?", "at": "2026-11-16T09:00:00Z"},
        {"author": "agent", "text": "Looking into it.", "at": "2026-11-16T10:00:00Z"},
        {"author": "customer", "text": "Any news?", "at": "2026-11-23T16:00:00Z"},
    ]
    _, metrics = run(REPLY, now="2026-11-24T09:30:00Z", ticket={"priority": "urgent"}, thread=thread)
    assert metrics["target"] == "next_reply" and metrics["priority"] == "urgent"
    assert metrics["due_at"] == "2026-11-24T11:30:00+00:00" and metrics["state"] == "ok"


def test_times_with_and_without_zones_mix():
    thread = [
        {"author": "customer", "text": "Where is my refund?", "at": "2026-11-16T09:00:00"},
        {"author": "agent", "text": "I'll call you back tomorrow.", "at": "2026-11-16T10:00:00+00:00"},
        {"author": "internal_note", "text": "Rang her.", "at": "2026-11-17T10:00:00"},
        {"author": "customer", "text": "Thanks. And the refund?", "at": "2026-11-17T11:00:00Z"},
    ]
    findings, metrics = run(REPLY, now="2026-11-18T09:00:00", thread=thread)
    assert [f.rule for f in findings] == ["sla.at_risk"]  # the promise was followed up (the note)
    assert metrics["state"] == "at_risk" and metrics["started_at"] == "2026-11-17T11:00:00+00:00"


def test_a_follow_up_after_the_agents_own_reply_owes_nothing():
    thread = [
        {"author": "customer", "text": "Where is my refund?", "at": "2026-11-02T09:00:00Z"},
        {"author": "agent", "text": "It has been sent.", "at": "2026-11-02T10:00:00Z"},
    ]
    findings, metrics = run(REPLY, now="2026-11-20T10:00:00Z", thread=thread)
    assert metrics["state"] == "answered" and findings == []


def test_a_status_waiting_on_the_customer_pauses_the_clock():
    findings, metrics = run(
        REPLY, now="2026-11-27T10:00:00Z", ticket={"created_at": "2026-11-02T10:00:00Z", "status": "Pending"}
    )
    assert metrics["state"] == "paused" and metrics["status"] == "Pending" and findings == []


def test_times_out_of_range_skip_the_check_and_long_waits_stay_cheap():
    from assistant.checks import NotApplicable

    with pytest.raises(NotApplicable, match="between 1900 and 2200"):
        run(REPLY, now="9999-12-31T23:00:00Z", ticket={"created_at": "9999-12-30T10:00:00Z"})
    began = datetime.now(UTC)
    _, metrics = run(REPLY, now="2026-11-27T10:00:00Z", ticket={"created_at": "1990-01-02T10:00:00Z"})
    assert metrics["state"] == "breached" and (datetime.now(UTC) - began) < timedelta(seconds=1)
    exact = DEFAULT.clock.elapsed(london(2024, 12, 20, 12), london(2027, 1, 5, 12))
    by_day = sum(
        (
            DEFAULT.clock.elapsed(
                london(2024, 12, 20, 12) + timedelta(days=i), london(2024, 12, 20, 12) + timedelta(days=i + 1)
            )
            for i in range((date(2027, 1, 5) - date(2024, 12, 20)).days)
        ),
        timedelta(0),
    )
    assert exact == by_day  # whole years counted at once agree with day by day


def test_no_start_time_no_clock():
    assert run(REPLY, now="2026-11-27T10:00:00Z") == ([], {})


def test_calendar_targets_run_through_nights_and_clock_changes():
    # Social: 1 hour of real time; 00:30 GMT + 1 h is 02:30 BST on the night the clocks go forward.
    _, metrics = run(
        REPLY, channel="social_public", now="2026-03-29T00:40:00Z", ticket={"created_at": "2026-03-29T00:30:00Z"}
    )
    assert metrics["due_at"] == "2026-03-29T02:30:00+01:00" and metrics["clock"] == "calendar"
    assert metrics["remaining_minutes"] == 50.0


# --- findings ----------------------------------------------------------------------------


def test_a_week_old_email_without_an_apology_is_flagged_and_with_one_is_not(check):
    context = {"now": "2026-11-27T10:00:00Z", "ticket": {"created_at": "2026-11-20T10:00:00Z"}, "checks": ["sla"]}
    late = check(REPLY, **context)
    [finding] = sla(late)
    assert finding["rule"] == "sla.breached" and finding["severity"] == "warning"
    assert finding["start"] is None and finding["excerpt"] == ""
    assert finding["suggestions"] == ["I'm sorry it has taken us so long to get back to you."]
    assert {"DEAL.P12", "DEAL.K14"} <= set(finding["criteria"])
    assert "was due Mon 23 Nov 10:00" in finding["message"] and "4 business days late" in finding["message"]
    assert late["metrics"]["sla"]["state"] == "breached" and late["verdict"] == "warn"
    assert late["checks"]["sla"]["status"] == "ok"
    sorry = check(SORRY, **context)
    assert sla(sorry) == [] and sorry["metrics"]["sla"]["state"] == "breached"


@pytest.mark.parametrize(
    "acknowledgement",
    [
        "Apologies for the slow reply.",
        "Thank you for your patience.",
        "Sorry to have kept you waiting.",
        "I apologise for the delay.",
    ],
)
def test_ways_of_acknowledging_the_wait(acknowledgement):
    findings, _ = run(
        f"Hi Dana,\n\n{acknowledgement} Your refund is on its way.",
        now="2026-11-27T10:00:00Z",
        ticket={"created_at": "2026-11-20T10:00:00Z"},
    )
    assert findings == []


def test_an_apology_in_the_quoted_history_does_not_count():
    text = REPLY + "\n\nOn Mon, 16 Nov 2026, Dana wrote:\n> Sorry to chase, but where is my refund?"
    findings, _ = run(text, now="2026-11-27T10:00:00Z", ticket={"created_at": "2026-11-20T10:00:00Z"})
    assert [f.rule for f in findings] == ["sla.breached"]


def test_a_guide_can_make_a_breach_a_blocker(tmp_path):
    write(tmp_path, "extends: default\nsla:\n  breach_severity: blocker\n")
    (tmp_path / "default").mkdir()
    (tmp_path / "default" / "guide.yaml").write_text((PROJECT_ROOT / "style_guides/default/guide.yaml").read_text())
    options = load_guides(tmp_path, guide_sections())["acme"].sections["sla"]
    context = Context.model_validate(
        {"channel": "email", "now": "2026-11-27T10:00:00Z", "ticket": {"created_at": "2026-11-20T10:00:00Z"}}
    )
    [finding] = SlaCheck().run(prepare_draft(REPLY), context, options).findings
    assert finding.severity == "blocker"


def test_at_risk_suggests_a_holding_reply():
    # Urgent: 4 business hours from 09:00 is 13:00; at 12:30 an eighth is left.
    findings, metrics = run(
        REPLY, now="2026-11-23T12:30:00Z", ticket={"created_at": "2026-11-23T09:00:00Z", "priority": "urgent"}
    )
    assert metrics["state"] == "at_risk" and metrics["remaining_minutes"] == 30.0
    [finding] = findings
    assert finding.rule == "sla.at_risk" and finding.severity == "suggestion"
    assert "30 business minutes left" in finding.message and "13:00 today" in finding.message
    assert "holding reply" in finding.message


def test_chat_is_at_risk_then_breached_within_minutes():
    ticket = {"created_at": "2026-11-23T12:00:00Z"}
    assert run(REPLY, channel="chat", now="2026-11-23T12:00:30Z", ticket=ticket)[1]["state"] == "ok"
    assert run(REPLY, channel="chat", now="2026-11-23T12:01:45Z", ticket=ticket)[1]["state"] == "at_risk"
    [finding], metrics = run(REPLY, channel="chat", now="2026-11-23T12:05:00Z", ticket=ticket)
    assert metrics["state"] == "breached" and metrics["overdue_minutes"] == 3.0
    assert finding.rule == "sla.breached" and "3 minutes late" in finding.message


# --- promises ----------------------------------------------------------------------------

PROMISED = [
    {"author": "customer", "text": "My boiler is still broken.", "at": "2026-11-16T09:00:00Z"},
    {
        "author": "agent",
        "text": "Thanks, Dana. I'll call you back tomorrow with the engineer's visit time.",
        "at": "2026-11-16T10:00:00Z",
    },
    {"author": "customer", "text": "Nobody called me.", "at": "2026-11-18T09:00:00Z"},
]


def test_a_passed_call_back_promise_must_be_addressed(check):
    report = check(REPLY, now="2026-11-18T10:00:00Z", thread=PROMISED, checks=["sla"])
    [finding] = sla(report)
    assert finding["rule"] == "sla.broken_promise" and finding["severity"] == "warning"
    assert "DELIVER.P14" in finding["criteria"] and finding["start"] is None
    assert finding["details"]["promise"] == "I'll call you back tomorrow with the engineer's visit time"
    assert finding["details"]["due_at"] == "2026-11-18T00:00:00+00:00"
    owned = check(
        "Hi Dana,\n\nI'm sorry I didn't call you back yesterday as I promised. The engineer will visit on Thursday.",
        now="2026-11-18T10:00:00Z",
        thread=PROMISED,
        checks=["sla"],
    )
    assert sla(owned) == []


def test_a_promise_in_quoted_history_is_not_the_latest_messages_promise():
    quoting = PROMISED[:1] + [
        {
            "author": "agent",
            "text": "The engineer comes on 4 December.\n\nOn Mon, 2 Nov 2026, Sam wrote:\n"
            "> I'll call you back tomorrow.",
            "at": "2026-11-16T10:00:00Z",
        }
    ]
    assert run(REPLY, now="2026-11-18T10:00:00Z", thread=quoting)[0] == []


def test_a_promise_still_in_time_or_followed_up_is_not_flagged():
    assert run(REPLY, now="2026-11-16T15:00:00Z", thread=PROMISED[:2])[0] == []
    noted = PROMISED + [{"author": "internal_note", "text": "Called her.", "at": "2026-11-17T11:00:00Z"}]
    assert [f.rule for f in run(REPLY, now="2026-11-18T10:00:00Z", thread=noted)[0]] == []


@pytest.mark.parametrize(
    ("said", "due"),
    [
        ("I'll call you back tomorrow.", "2026-11-20T00:00"),
        ("We will update you by Friday.", "2026-11-21T00:00"),
        ("I will get back to you by 3pm.", "2026-11-18T15:00"),
        ("I will get back to you by 10am.", "2026-11-19T10:00"),  # said at 11:00: tomorrow
        ("You'll hear from us on Monday morning.", "2026-11-23T12:00"),
        ("We'll email you by 1 December.", "2026-12-02T00:00"),
        ("I'll confirm on 4/12 at 14:30.", "2026-12-04T14:30"),
        ("We'll be in touch within 2 working days.", "2026-11-20T11:00"),
        ("I'll ring you within 48 hours.", "2026-11-20T11:00"),
        ("We'll send it by the end of the week.", "2026-11-21T00:00"),
        ("Expect a call today.", "2026-11-19T00:00"),
        ("I'll chase the courier and refund you by Friday if it has not turned up.", "2026-11-21T00:00"),
    ],
)
def test_promised_times(said, due):
    [promise] = find_promises(said, london(2026, 11, 18, 11), DEFAULT.clock, DEFAULT.business_day)
    assert promise.due.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M") == due


@pytest.mark.parametrize(
    "said", ["We will look into it.", "I'll call the courier.", "Our office opens at 9am.", "Thanks for waiting."]
)
def test_no_promise_without_a_commitment_and_a_time(said):
    assert find_promises(said, london(2026, 11, 18, 11), DEFAULT.clock, DEFAULT.business_day) == []


def test_the_check_is_cheap():
    context = Context.model_validate(
        {
            "channel": "email",
            "now": "2026-11-27T10:00:00Z",
            "ticket": {"created_at": "2026-11-02T10:00:00Z"},
            "thread": PROMISED,
        }
    )
    draft, check = prepare_draft(SORRY), SlaCheck()
    check.run(draft, context, DEFAULT)
    began = datetime.now(UTC)
    for _ in range(200):
        check.run(draft, context, DEFAULT)
    assert (datetime.now(UTC) - began) / 200 < timedelta(milliseconds=2)
