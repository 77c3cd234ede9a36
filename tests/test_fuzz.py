"""Whatever a client sends, the answer is a report or a clear problem: never a 500."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIELDS = ["locale", "guide", "checks", "audience", "reading_support", "customer", "ticket", "thread"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=200),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10,
)
bodies = st.fixed_dictionaries(
    {
        "text": st.text(max_size=400) | json_values,
        "channel": st.sampled_from(["email", "chat", "sms", "fax", ""]) | json_values,
    },
    optional={name: json_values for name in FIELDS} | {"format": st.sampled_from(["text", "html", "pdf"])},
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_any_body_gets_a_report_or_a_problem(client, body):
    response = client.post("/v1/check", json=body)
    assert response.status_code in (200, 413, 422), response.text
    if response.status_code == 200:
        report = response.json()
        for finding in report["findings"]:
            if finding["start"] is None:  # about the whole draft
                assert finding["end"] is None and finding["excerpt"] == ""
                continue
            assert report["text"][finding["start"]:finding["end"]] == finding["excerpt"]
    else:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(html=st.text(alphabet=st.sampled_from(list("<>/&;#abpdiv =\"'lr\n x😀")), max_size=300))
def test_any_html_keeps_offsets_consistent(check, html):
    report = check(html, format="html")
    for finding in report["findings"]:
        if finding["start"] is None:  # about the whole draft
            continue
        assert report["text"][finding["start"]:finding["end"]] == finding["excerpt"]
