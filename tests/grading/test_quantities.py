"""Quantities with units and the arithmetic checker."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hedgehog.grading.arithmetic import check_arithmetic
from hedgehog.grading.matcher import fold_case
from hedgehog.grading.quantities import (
    _NUMBER,
    _PREFIX_MULTIPLIER,
    _numbers,
    _vocabulary,
    _word_numbers,
    find_quantities,
)


def one(text):
    found = find_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text, value, dimension",
    [
        ("about 2M viewers", 2e6, "count"),
        ("at 5 Mbps", 5e6, "bitrate"),
        ("peak of 12.5 Tbps", 12.5e12, "bitrate"),
        ("roughly 900 gigabits per second", 9e11, "bitrate"),
        ("each photo is 3 MB", 3e6, "bytes"),
        ("about 1.5 petabytes", 1.5e15, "bytes"),
        ("a 25% buffer", 0.25, "percent"),
        ("grows 10x", 10, "multiplier"),
        ("traffic ×3", 3, "multiplier"),
        ("two and a half... no, 2.5 times the average", 2.5, "multiplier"),
        ("40 cars an hour", 40 / 3600, "rate"),
        ("10k reads a second", 1e4, "rate"),
        ("$200 a month", 200, "money"),
        ("about 340 gigabytes a second", 340e9, "byterate"),
        ("a billion users", 1e9, "count"),
        ("1,500 agents", 1500, "count"),
    ],
)
def test_units_and_suffixes(text, value, dimension):
    q = one(text)
    assert q.dimension == dimension
    assert q.value == pytest.approx(value)
    assert text[q.start:q.end] == q.text


@pytest.mark.parametrize("text", ["the 12th week", "in 720p", "since 2019 we", "Q742 asks"])
def test_non_quantities_are_ignored(text):
    assert [q for q in find_quantities(text) if q.is_concrete] == []


def checks(text):
    return check_arithmetic(text, find_quantities(text))


@pytest.mark.parametrize(
    "text",
    [
        "2M viewers × 5 Mbps = 10 Tbps",
        "so 400 thousand streams times 4 Mbps, which is 1.6 terabits per second",
        "60 million users * 2 GB is 120 petabytes",
        "3,000 calls divided by 12 per agent is 250 agents",
        "900k events over a 10-hour day is about 25 a second",
        "50 TB, times 3 for replication, is 150 TB",
    ],
)
def test_right_arithmetic_is_consistent(text):
    found = checks(text)
    assert found and all(c.consistent for c in found), [c.describe() for c in found]


@pytest.mark.parametrize(
    "text, stated",
    [
        ("2M viewers × 5 Mbps = 1 Tbps", 1e12),
        ("80 million photos times 4 MB is 32 TB", 32e12),
        ("a billion users times 2,000 photos is 2 trillion photos, times 3 MB is 600 petabytes", 600e15),
    ],
)
def test_wrong_arithmetic_is_caught(text, stated):
    wrong = [c for c in checks(text) if not c.consistent]
    assert len(wrong) == 1
    assert wrong[0].stated == pytest.approx(stated)
    assert "not" in wrong[0].describe()


def test_bits_and_bytes_convert():
    found = checks("1 million streams times 8 Mbps is 1 terabyte per second")
    assert len(found) == 1 and found[0].consistent
    wrong = checks("1 million streams times 8 Mbps is 8 terabytes per second")
    assert len(wrong) == 1 and not wrong[0].consistent


def test_no_operator_means_no_verdict():
    assert checks("we have 8 pumps and 40 cars an hour, so 96 an hour of capacity") == []


def test_a_rate_restated_over_another_period_is_checked():
    wrong = checks("At 900 a second, that's about 7.8 million payments a day.")
    assert len(wrong) == 1 and not wrong[0].consistent
    right = checks("40 requests per second = 100 million requests per month")
    assert len(right) == 1 and right[0].consistent


@pytest.mark.parametrize(
    "text",
    [
        "each pump turns about 12 cars an hour: 96 an hour of pump capacity",  # a hidden factor of 8 pumps
        "So 7,500 calls a day, 750 an hour.",  # a 10-hour working day
        "each user adds 1,000 items a year, so about 3.3 billion items a day",  # per user, then in total
        "1 request per second = 2.5 million requests per month\n40 requests per second = 100 million requests per month",
    ],
)
def test_restatements_with_hidden_factors_get_no_verdict(text):
    assert all(c.consistent for c in checks(text))


@pytest.mark.parametrize(
    "text",
    [
        "600k calls a day, about 400 requests a second in the release window",  # a narrower window
        "2.4 million a day, about 48 a second over the 14 hours",
        "if they all plug in at once on 11 kW chargers that's 200 x 11 = 2.2 MW",  # kW carried in the head
        "payment codes go to 0.5 x 2 x 1.2 = 1.2 million",  # millions carried in the head
    ],
)
def test_narrower_windows_and_unsaid_units_get_no_false_alarm(text):
    assert all(c.consistent for c in checks(text)), [c.describe() for c in checks(text)]


@pytest.mark.parametrize(
    "text",
    [
        "600k calls a day, about 400 requests a second",
        "30 million times 8 GB is 240 TB",  # every scale stated: a real slip of 1,000
        "168 Mbps x 60 = 1 Gbps",
    ],
)
def test_the_same_slips_with_every_unit_stated_are_caught(text):
    assert any(not c.consistent for c in checks(text)), [c.describe() for c in checks(text)]


# The fast paths below must find exactly what the plain patterns they stand in for would.
_WORDY = ["ſix", "mıllion", "\u0130", "a",  "an", "A", "a few", "a couple of", "two", "twenty-one", "hundred", "thousand", "million", "half",
          "data", "and", "banana", "mb", "megabytes", "gigabit per second", "per second", "%", "x", "-", "5", "1.5",
          "Gbps", "TB", "kilobytes a second", "days", "ms", "fold", "times", "users", "\n", "\u00a0", "a-million"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_WORDY), st.sampled_from(["", " ", "  ", "-", "."])), max_size=30))
def test_word_numbers_are_what_the_number_word_pattern_finds(parts):
    text = "".join(word + sep for word, sep in parts)
    vocab = _vocabulary()
    # A bare "a"/"an" before neither space nor hyphen can never be a quantity: it is not looked at.
    expected = [
        (m.start(), m.group())
        for m in vocab.word_number.finditer(text)
        if m.group().lower() not in ("a", "an") or re.match(r"[\s-]", text[m.end():m.end() + 1])
    ]
    assert [(m.start(), m.group()) for m in _word_numbers(text, vocab, fold_case(text))] == expected


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(_vocabulary().unit_by_name)), st.sampled_from(["", "s", " ", "x", "/", "1", "-a"]),
       st.sampled_from(["", " ", "-", " - "]))
def test_the_unit_trie_picks_the_longest_unit_like_a_longest_first_alternation(name, after, before):
    names = sorted(_vocabulary().unit_by_name, key=len, reverse=True)
    alternation = "|".join(re.escape(n) + (r"(?![A-Za-z])" if n[-1].isalnum() else "") for n in names)
    plain = re.compile(rf"\s?-?\s?({alternation})", re.IGNORECASE)
    for text in (before + name + after, before + name.upper() + after):
        expected = plain.match(text)
        found = _vocabulary().unit_pattern.match(text)
        assert (found and found.group(0)) == (expected and expected.group(0)), text


_FIGURES = ["$", "$ ", "1", "20", "1,500", "2.5", ".", "x", "×", "k", "M", "bn", " million", "a", "v", "_", " ", "-"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_FIGURES), max_size=25))
def test_numbers_are_what_the_number_pattern_finds(parts):
    text = "".join(parts)
    assert [m.span() for m in _numbers(text)] == [m.span() for m in _NUMBER.finditer(text)]
    # The x-first multiplier pattern is the plain look-behind one, reordered for speed.
    plain = re.compile(r"(?<![\w])[x×]((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?![\w.])")
    assert [m.span() for m in _PREFIX_MULTIPLIER.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_letters_a_case_insensitive_regex_reads_as_ascii_are_read_as_ascii():
    """"ſ" (long s), "ı"/"İ" and the Kelvin sign match s, i and k case-insensitively; the unit and
    number-word lookups must follow (they used to raise KeyError)."""
    found = {q.text: (q.dimension, q.value) for q in find_quantities("2 Mbpſ, ſix servers, a millionſ uſers, 10 \u212aB")}
    assert found["2 Mbpſ"] == ("bitrate", 2e6)
    assert found["ſix servers"] == ("count", 6)
    assert found["10 \u212aB"][0] == "bytes"
    assert any(text.startswith("a millionſ") and value == 1e6 for text, (_, value) in found.items())


@pytest.mark.parametrize(
    ("text", "consistent"),
    [
        ("Eight million alerts in 60 seconds is about 133,000 a second.", True),
        ("Eight million alerts in 60 seconds is about 13,000 a second.", False),
        ("We sell 3 million tickets within two hours, so roughly 400 a second.", True),
    ],
)
def test_an_amount_within_a_duration_is_checked_as_a_rate(text, consistent):
    found = checks(text)
    assert len(found) == 1 and found[0].consistent is consistent


def test_a_wrong_rate_is_described_per_the_period_the_answer_uses():
    (check,) = checks("18,000 calls in two hours, that's 20,000 an hour.")
    assert not check.consistent
    assert check.describe() == "18,000 calls in two hours is about 9k an hour, not 20k"


def test_a_count_within_a_duration_with_no_rate_after_it_gets_no_verdict():
    assert checks("10,000 students arrive in the first 5 minutes, 30 requests each.") == []


@pytest.mark.parametrize(
    "text, value, dimension",
    [
        ("a 1.5 MW grid connection", 1.5e6, "power"),
        ("11 kW chargers", 11e3, "power"),
        ("45 kWh per van", 45 * 3.6e6, "energy"),
        ("10 megawatt-hours a night", 10 * 3.6e9, "energy"),
        ("£630,000 installed", 630_000, "money"),
        ("€2.5 million a year", 2.5e6, "money"),
    ],
)
def test_power_energy_and_other_currencies(text, value, dimension):
    q = find_quantities(text)[0]
    assert (q.value, q.dimension) == (pytest.approx(value), dimension)


def test_energy_and_power_arithmetic_is_told_in_the_answers_own_units():
    right = checks("6 MWh over 10 hours is 600 kW")
    assert len(right) == 1 and right[0].consistent
    wrong = [c for c in checks("45 kWh x 200 = 90 MWh") if not c.consistent]
    assert len(wrong) == 1 and wrong[0].describe() == "45 kWh x 200 is about 9 MWh, not 90 MWh"


def test_a_days_count_divided_by_its_seconds_is_read_as_the_speaker_counted():
    found = checks("120M x 50 = 6 billion messages a day, / 86,400 = 70k messages/s on average")
    assert found and all(c.consistent for c in found), [c.describe() for c in found]
    (wrong,) = checks("500 a second x 86,400 = 4.3 million a day")
    assert not wrong.consistent and wrong.describe() == "500 a second x 86,400 is about 43.2M, not 4.3M"


def test_a_bytes_for_bits_slip_is_told_in_the_answers_unit():
    (wrong,) = checks("6 TB in 4 hours is about 420 Mbps, still under the gigabit")
    assert not wrong.consistent
    assert wrong.describe() == "6 TB in 4 hours is about 3,333 Mbps, not 420 Mbps"


def test_plain_counts_giving_a_rate_must_agree_in_their_digits():
    # The "per second" comes from an earlier figure; the product of the plain counts is the rate.
    wrong = checks("each session sends about 40 frames, so 30,000 times 40, 120,000 frames a second")
    assert len(wrong) == 1 and not wrong[0].consistent
    assert wrong[0].describe() == "30,000 times 40 is about 1.2M, not 120k"
    right = checks("each session sends about 40 frames, so 30,000 times 40, 1.2 million frames a second")
    assert len(right) == 1 and right[0].consistent
    # A duration among the operands makes it a real conversion, left to the unit check.
    assert all(c.consistent for c in checks("500 agents times 8 hours is 4,000 agent-hours a day"))


def test_amounts_of_bits_are_data_and_convert_in_their_own_unit():
    (q,) = [q for q in find_quantities("each player sends 30 kilobits") if q.is_concrete]
    assert (q.dimension, q.value) == ("bits", 30e3)
    right = checks("5.25 million times 30 kilobits is about 160 gigabits")
    assert len(right) == 1 and right[0].consistent
    wrong = checks("5.25 million times 30 kilobits is about 16 gigabits")
    assert wrong[0].describe() == "5.25 million times 30 kilobits is about 158 gigabits, not 16 gigabits"


def test_a_comma_grouped_figure_is_no_year():
    found = checks("That's 2,000 times 300 times 3 megabytes, 1.8 terabytes a week.")
    assert len(found) == 1 and found[0].consistent and found[0].expression.startswith("2,000")
    assert [q.text for q in find_quantities("in 2019 we had 200 servers")] == ["200 servers"]


def test_amounts_giving_a_rate_carry_the_per_second_in_the_head():
    wrong = checks("So: 200,000 listeners times 128 kilobits is 2.56 gigabits per second.")
    assert len(wrong) == 1 and not wrong[0].consistent
    assert wrong[0].describe() == "200,000 listeners times 128 kilobits is about 26 gigabits per second, not 2.56 gigabits per second"
    right = checks("So: 200,000 listeners times 128 kilobits is 25.6 gigabits per second.")
    assert len(right) == 1 and right[0].consistent


def test_a_rate_of_something_no_operand_counts_hides_a_factor():
    # Ten plates a table were left unsaid: no verdict rather than a false alarm.
    assert checks("If mains go to all 120 tables within 15 minutes, that's 80 plates a minute.") == []
    # A unit conversion to another noun is still checked.
    wrong = checks("That's 170 images a second × 4 seconds of GPU each, so 68 GPUs busy.")
    assert len(wrong) == 1 and not wrong[0].consistent


def test_a_duration_told_again_in_another_unit_is_checked():
    wrong = checks("40 million over 2,000 a minute is 20,000 minutes, about 33 hours on one GPU.")
    assert [c.describe() for c in wrong if not c.consistent] == ["20,000 minutes is about 333 hours, not 33 hours"]
    assert all(c.consistent for c in checks("The show runs 90 minutes (1.5 hours), about 3 days, i.e. 72 hours, in all."))
    # A conclusion is not a restatement: "every two weeks, so 200 hours a fortnight" hides a factor.
    assert all(c.consistent for c in checks("an assignment every two weeks, so 200 hours a fortnight"))
    assert all(c.consistent for c in checks("38 FTE x 32 hours x 13 weeks is about 15,800 hours"))


def test_a_carried_period_is_the_results_own():
    (wrong,) = checks("so 290 divided by 8 is about 4 agents a day.")
    assert not wrong.consistent and wrong.describe() == "290 divided by 8 is about 36.2 a day, not 4"


@pytest.mark.parametrize(
    ("text", "number"),
    [("8.4 times 10 to the 22 FLOPs", 8.4e22), ("8.4e22 FLOPs", 8.4e22), ("3 x 10^9 requests", 3e9)],
)
def test_scientific_notation_is_one_number(text, number):
    (q,) = find_quantities(text)
    assert q.number == pytest.approx(number)


def test_a_product_told_in_scientific_notation_is_checked():
    (right,) = checks("so 6 times 7 billion times 2 trillion is 8.4 times 10 to the 22 FLOPs.")
    assert right.consistent
    (wrong,) = checks("so 6 times 7 billion times 2 trillion is 8.4 times 10 to the 20 FLOPs.")
    assert wrong.describe() == "6 times 7 billion times 2 trillion is about 8.4e+22, not 840E"


@pytest.mark.parametrize(
    ("text", "consistent"),
    [
        ("About 4.5 million check-ins across the month, which is about 150,000 a day.", True),
        ("About 4.5 million check-ins across the month, which is about 15,000 a day.", False),
        ("Roughly 2,100 tickets over a week, so about 300 a day.", True),
        ("We ship 90,000 parcels in a typical year, that's about 250 a day.", True),
    ],
)
def test_an_amount_over_a_named_period_restated_as_a_rate_is_checked(text, consistent):
    found = checks(text)
    assert [c.consistent for c in found] == [consistent], [c.describe() for c in found]
    if not consistent:
        assert "a day" in found[0].describe() and "150k" in found[0].describe()


@pytest.mark.parametrize(
    "text",
    [
        "3 million page views over the month, that's 20,000 orders a day.",  # orders per view unsaid
        "About 50 outages in a day, so 400 a week.",  # a longer period is no spread
        "12,000 readings over 30 days, so 400 a day.",  # a counted duration: the chain check's case
    ],
)
def test_no_spread_check_without_a_basis(text):
    assert not [c for c in checks(text) if "over a" in c.expression]


def test_data_per_period_keeps_its_period_and_stays_an_amount_of_data():
    q = one("we add 50 terabytes a month")
    assert (q.dimension, q.value, q.period, q.text) == ("bytes", 50e12, 2592000, "50 terabytes a month")
    assert one("a 25 MB clip").period is None


@pytest.mark.parametrize(
    ("text", "consistent", "told"),
    [
        # a chain through data per period: 20M x 25 MB is 500 TB a month
        ("So 20 million clips a month, times 25 MB, that's 50 terabytes a month.", False, "500T a month, not 50T"),
        ("So 20 million clips a month, times 25 MB, that's 500 terabytes a month.", True, None),
        ("10,000 uploads a day times 5 MB is 5 GB a day.", False, "50G a day, not 5G"),
        # read as written: a day's data times 365 is a year's
        ("about 216 GB a day, times 365 is about 79 TB a year.", True, None),
        # a day's data restated over a month
        ("We add 2 TB a day, that's about 6 TB a month.", False, "60T, not 6T"),
        ("We add 2 TB a day, that's about 60 TB a month.", True, None),
    ],
)
def test_data_per_period_is_checked_as_a_rate(text, consistent, told):
    found = checks(text)
    assert [c.consistent for c in found][-1:] == [consistent], [c.describe() for c in found]
    if told:
        assert told in found[-1].describe()


@pytest.mark.parametrize(
    "text",
    [
        "roughly half a terabyte a day, about 185 TB a year",  # "(half) a terabyte": a gesture
        "120 MB a second at the peak, 4.5 TB a day",  # a peak rate against a daily total
        "115 TB a day while collecting, about 25 PB a year",  # a year may hold fewer working days
    ],
)
def test_data_restatements_without_a_basis_get_no_verdict(text):
    assert all(c.consistent for c in checks(text)), [c.describe() for c in checks(text)]


@pytest.mark.parametrize(
    ("text", "consistent"),
    [
        ("about 100 a second averaged over the day, which is roughly 864,000 authorisations a day.", False),
        ("about 100 a second averaged over the day, which is roughly 8.6 million authorisations a day.", True),
        ("about 100 a second on average, which is 8.6 million a day.", True),
    ],
)
def test_a_rate_said_to_be_the_average_and_restated_is_checked(text, consistent):
    assert [c.consistent for c in checks(text)] == [consistent]


@pytest.mark.parametrize(
    ("text", "consistent"),
    [
        ("That's 300,000 actions fired in the same minute, which is about 500 a second.", False),
        ("That's 300,000 actions fired in the same minute, which is about 5,000 a second.", True),
    ],
)
def test_an_amount_within_a_named_minute_restated_per_second_is_checked(text, consistent):
    assert [c.consistent for c in checks(text)] == [consistent]


@pytest.mark.parametrize(
    ("text", "consistent"),
    [
        ("At 40 per kiosk an hour, 2,520 divided by 40 is about 45 kiosks.", False),  # 63: 40% off is no rounding
        ("At 40 per kiosk an hour, 2,520 divided by 40 is about 60 kiosks.", True),
        ("So 2.5 hours times 3.6 is about 7 hours.", False),
        ("2.5 hours times 3.6 is about 9 hours.", True),
    ],
)
def test_an_explicit_operation_allows_rounding_not_a_wrong_answer(text, consistent):
    assert [c.consistent for c in checks(text)] == [consistent]


def test_a_wrong_duration_is_told_in_the_answers_own_unit():
    (wrong,) = checks("So 2.5 hours times 3.6 is about 7 hours.")
    assert wrong.describe() == "2.5 hours times 3.6 is about 9 hours, not 7 hours"


@pytest.mark.parametrize(
    "text",
    [
        "2 TB a day, that's about 44 TB a month.",  # 22 working days
        "On two 8-hour shifts, five days, 80 hours a week.",  # working hours, not a restated duration
    ],
)
def test_restatements_over_working_periods_keep_their_slack(text):
    assert all(c.consistent for c in checks(text)), [c.describe() for c in checks(text)]


@pytest.mark.parametrize(
    ("text", "consistent"),
    [
        ("That's 70 x 52 + 120 x 104, about 16,100 genomes.", True),  # products before the sum
        ("That's 70 x 52 + 120 x 104, about 12,500 genomes.", False),
        ("2.5 million litres a day for five days is 1.25 million litres.", False),
        ("2.5 million litres a day for five days is 12.5 million litres.", True),
        ("5,600 bales a day, and over 24 hours that's about 2,340 bales an hour.", False),
        ("5,600 bales a day, and over 24 hours that's about 233 bales an hour.", True),
        ("5,600 orders a day over a 16-hour day is 350 an hour.", True),
    ],
)
def test_sums_rates_kept_up_for_a_duration_and_a_day_spread_over_its_hours_are_checked(text, consistent):
    assert [c.consistent for c in checks(text)][-1:] == [consistent], [c.describe() for c in checks(text)]


@pytest.mark.parametrize(
    "text",
    [
        "5.5 million users at 0.75 GB a month for 60 months is roughly 250 PB.",  # per user: a factor unsaid
        "3,000 an hour over 8 hours, that's 24,000 a day.",  # runs for 8 hours, not spread over them
        "That's 560, plus 20 times 8 is 160 more.",  # a spoken "plus" is an aside, not a sum
    ],
)
def test_no_false_alarm_from_rates_per_something_long_runs_or_spoken_plus(text):
    assert all(c.consistent for c in checks(text)), [c.describe() for c in checks(text)]


def test_a_chain_that_opens_after_an_operator_is_not_checked():
    # "5 million players" never joins the chain: checking "3 times 8 megabytes" alone would be a false alarm.
    assert checks("so 5 million free-weekend players times 3 times 8 megabytes is 120 terabytes") == []


def test_microseconds_are_a_duration():
    q = one("about 200 microseconds of CPU")
    assert (q.dimension, q.value) == ("time", pytest.approx(200e-6))
    (wrong,) = checks("100 billion times 200 microseconds is 2 million seconds")
    assert wrong.describe() == "100 billion times 200 microseconds is about 20,000,000 seconds, not 2,000,000 seconds"


@pytest.mark.parametrize(
    ("text", "consistent"),
    [
        # bare numbers carry their units in the speaker's head: the figures must agree
        ("For the backfill, two weeks is 14 times 86,400, which is 120,960 seconds.", False),
        ("For the backfill, two weeks is 14 times 86,400, which is 1,209,600 seconds.", True),
        ("if they all plug in at once on 11 kW chargers that's 200 x 11 = 2.2 MW", True),  # kW to MW
        # whole years multiplied into a count count years
        ("20 million customers times 6 versions times 7 years times 1.6 is about 134 million rows.", False),
        ("20 million customers times 6 versions times 7 years times 1.6 is about 1.3 billion rows.", True),
        # a day's count divided by the day's seconds
        ("So 130 million files a day divided by 86,400 seconds is about 150 files a second.", False),
        ("So 130 million files a day divided by 86,400 seconds is about 1,500 files a second.", True),
        ("That's 2.6 million requests in an hour, which is about 7,200 requests a second.", False),
    ],
)
def test_chains_read_literally_when_that_is_the_only_reading(text, consistent):
    assert [c.consistent for c in checks(text)] == [consistent], [c.describe() for c in checks(text)]


@pytest.mark.parametrize(
    "text",
    [
        "two sites active-active for the 24/7 requirement, so 16 nodes",  # round the clock, no division
        "So editing is 8 times 5 plus 2 times 20, 80 hours a week.",  # the chain lost its first term
        "100 billion times 200 microseconds is 20 million CPU-seconds.",  # a physical duration, not a count of periods
    ],
)
def test_no_literal_reading_where_it_would_be_a_false_alarm(text):
    assert all(c.consistent for c in checks(text)), [c.describe() for c in checks(text)]


def test_a_number_word_after_an_operator_is_a_factor():
    assert [q.text for q in find_quantities("that's 52 times six, about 210 terabytes")] == ["52", "six", "210 terabytes"]
    (wrong,) = checks("that's 52 times six, about 210 terabytes")
    assert wrong.describe() == "52 times six is about 312T, not 210T"
    assert [q.text for q in find_quantities("it grew three times over")] == ["three times"]


@pytest.mark.parametrize(
    ("text", "consistent"),
    [
        ("15.5 TB each is about 6.2 million gigabytes, so roughly 6.2 terabytes in total.", False),  # 6.2 PB
        ("about 6.2 million gigabytes, so roughly 6.2 petabytes in total.", True),
        ("we hold 500 GB, or about 0.5 terabytes", True),
    ],
)
def test_an_amount_of_data_restated_in_another_unit_is_checked(text, consistent):
    assert [c.consistent for c in checks(text)][-1:] == [consistent], [c.describe() for c in checks(text)]


@pytest.mark.parametrize(
    "text",
    [
        "1,500 frames at 25 MB, so 37.5 GB a flight.",  # a larger unit and a larger number: a total
        "each save about 8 megabytes, so 6 terabytes uploaded a day",  # further apart than any unit slip
        "30 times 830 GB, over 6, times 2, about 8 TB.",  # a chain opening after "over" lost its start
        "In a summer month, 360,000 over 12 times 1.5 is 45,000 cans.",
    ],
)
def test_totals_and_broken_chains_are_not_read_as_restatements(text):
    assert all(c.consistent for c in checks(text)), [c.describe() for c in checks(text)]


@pytest.mark.parametrize(
    "text",
    [
        "about 15,600 a month; at 8 minutes, roughly 2,080 hours, 17 agents",  # per call, times the calls
        "With those, 350% becomes about 350 x 0.5 x 0.7, roughly 120%.",  # percentage points multiplied
    ],
)
def test_per_item_durations_and_percentage_points_get_no_false_alarm(text):
    assert all(c.consistent for c in checks(text)), [c.describe() for c in checks(text)]


def test_a_duration_restated_wrongly_is_still_caught():
    (wrong,) = checks("That's 20,000 minutes, about 83 hours of calls.")
    assert not wrong.consistent
