"""Style guides: extends, validation errors that name the file and field."""

import pytest

from assistant.guide import GuideError, load_guides
from assistant.model import Audience, Channel, Context
from assistant.settings import PROJECT_ROOT


def write(folder, guide_id, body):
    (folder / guide_id).mkdir(parents=True)
    (folder / guide_id / "guide.yaml").write_text(body)


def test_shipped_guides_load_and_strict_extends_default():
    guides = load_guides(PROJECT_ROOT / "style_guides")
    strict, default = guides["strict"], guides["default"]
    assert strict.languagetool.ignore_words == default.languagetool.ignore_words
    assert strict.languagetool.picky and not default.languagetool.picky
    assert strict.readability.audiences["general"].max_grade == 8
    assert strict.readability.audiences["general"].max_sentence_words == default.readability.audiences["general"].max_sentence_words


def test_channel_and_reading_support_tighten_the_audience_target():
    options = load_guides(PROJECT_ROOT / "style_guides")["default"].readability
    email = options.target_for(Context(channel=Channel.email, audience=Audience.technical))
    sms = options.target_for(Context(channel=Channel.sms, audience=Audience.technical))
    support = options.target_for(Context(channel=Channel.email, reading_support=True))
    assert sms.max_sentence_words < email.max_sentence_words
    assert sms.max_grade == email.max_grade
    assert support.max_grade < email.max_grade


@pytest.mark.parametrize(
    "body, message",
    [
        ("id: acme\nlanguagetool: {picky: maybe}", "languagetool.picky"),
        ("id: acme\nreadibility: {}", "readibility"),
        ("id: acme\nlanguagetool: [unclosed", "not valid YAML"),
        ("id: other", "must match its folder"),
        ("id: acme\nextends: ghost", "extends 'ghost', which does not exist"),
        ("id: acme\nextends: acme", "extends itself"),
        ("- a list", "mapping"),
    ],
)
def test_bad_guides_say_what_is_wrong_and_where(tmp_path, body, message):
    write(tmp_path, "acme", body)
    with pytest.raises(GuideError, match="acme") as error:
        load_guides(tmp_path)
    assert message in str(error.value)


def test_an_empty_folder_is_an_error(tmp_path):
    with pytest.raises(GuideError, match="No style guides"):
        load_guides(tmp_path)
