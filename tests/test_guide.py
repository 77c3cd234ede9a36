"""Style guides: extends, validation errors that name the file and field."""

import pytest

from assistant.guide import GuideError, load_guides
from assistant.model import Audience, Channel, Context
from assistant.sections import guide_sections
from assistant.settings import PROJECT_ROOT


def write(folder, guide_id, body):
    (folder / guide_id).mkdir(parents=True)
    (folder / guide_id / "guide.yaml").write_text(body)


def test_shipped_guides_load_and_strict_extends_default():
    guides = load_guides(PROJECT_ROOT / "style_guides", guide_sections())
    strict, default = guides["strict"], guides["default"]
    assert strict.sections["grammar"].ignore_words == default.sections["grammar"].ignore_words
    assert strict.sections["grammar"].picky and not default.sections["grammar"].picky
    assert strict.sections["readability"].audiences["general"].max_grade == 8
    assert (
        strict.sections["readability"].audiences["general"].max_sentence_words
        == default.sections["readability"].audiences["general"].max_sentence_words
    )


def test_channel_and_reading_support_tighten_the_audience_target():
    options = load_guides(PROJECT_ROOT / "style_guides", guide_sections())["default"].sections["readability"]
    email = options.target_for(Context(channel=Channel.email, audience=Audience.technical))
    sms = options.target_for(Context(channel=Channel.sms, audience=Audience.technical))
    support = options.target_for(Context(channel=Channel.email, reading_support=True))
    assert sms.max_sentence_words < email.max_sentence_words
    assert sms.max_grade == email.max_grade
    assert support.max_grade < email.max_grade


def test_a_channel_tightens_an_audience_target_and_never_loosens_it(tmp_path):
    write(
        tmp_path,
        "acme",
        """
readability:
  audiences:
    general: {max_sentence_words: 18, max_grade: 8, min_reading_ease: 65}
    reading_support: {max_sentence_words: 12, min_reading_ease: 60}
  channels:
    chat: {max_sentence_words: 20, max_grade: 7, min_reading_ease: 70}
""",
    )
    options = load_guides(tmp_path, guide_sections())["acme"].sections["readability"]
    chat = options.target_for(Context(channel=Channel.chat))
    assert (chat.max_sentence_words, chat.max_grade, chat.min_reading_ease) == (18, 7, 70)
    support = options.target_for(Context(channel=Channel.chat, reading_support=True))
    assert (support.max_sentence_words, support.max_grade, support.min_reading_ease) == (12, 7, 70)


@pytest.mark.parametrize(
    "body, message",
    [
        ("id: acme\ngrammar: {picky: maybe}", "grammar.picky"),
        ("id: acme\nreadibility: {}", "unknown section(s) readibility"),
        ("id: acme\nreadability: {audiences: {genral: {max_grade: 8}}}", "readability.audiences.genral"),
        ("id: acme\nreadability: {channels: {fax: {max_grade: 8}}}", "readability.channels.fax"),
        ("id: acme\ngrammar: [unclosed", "not valid YAML"),
        ("id: other", "must match its folder"),
        ("id: acme\nextends: ghost", "extends 'ghost', which does not exist"),
        ("id: acme\nextends: acme", "extends itself"),
        ("- a list", "mapping"),
    ],
)
def test_bad_guides_say_what_is_wrong_and_where(tmp_path, body, message):
    write(tmp_path, "acme", body)
    with pytest.raises(GuideError, match="acme") as error:
        load_guides(tmp_path, guide_sections())
    assert message in str(error.value)


def test_an_empty_folder_is_an_error(tmp_path):
    with pytest.raises(GuideError, match="No style guides"):
        load_guides(tmp_path, guide_sections())
