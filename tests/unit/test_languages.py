from services.kernel.languages import from_accept_language

OURS = ("nl", "en")


def test_the_browsers_first_language_we_speak_wins_by_q_then_by_position():
    assert from_accept_language("en-GB,en;q=0.9,nl;q=0.8", OURS, "nl") == "en"
    assert from_accept_language("de-DE,de;q=0.9,en;q=0.5,nl;q=0.7", OURS, "nl") == "nl"
    assert from_accept_language("fr, en", OURS, "nl") == "en"  # same q: the earlier one


def test_no_header_a_foreign_list_or_q_zero_gives_the_default():
    assert from_accept_language(None, OURS, "nl") == "nl"
    assert from_accept_language("de, fr;q=0.5", OURS, "nl") == "nl"
    assert from_accept_language("en;q=0", OURS, "nl") == "nl"  # q=0: "not this one"
    assert from_accept_language("en;q=zero", OURS, "nl") == "nl"
