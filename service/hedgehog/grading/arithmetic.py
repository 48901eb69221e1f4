"""Back-of-the-envelope arithmetic: find chains such as "2M viewers × 5 Mbps = 10 Tbps" or
"a billion users times 2,000 photos is 2 trillion photos, times 3 MB is 600 PB" and check that each
stated result follows from its operands (units and k/M/B/T suffixes included)."""

import math
import re
from dataclasses import dataclass

from hedgehog.grading.quantities import TIME_SECONDS, Quantity

_MUL = re.compile(r"^\s*,?\s*(?:and\s+)?(?:times|×|x|\*|multiplied by)\s*(?:about|roughly|around|approximately|~)?\s*$", re.IGNORECASE)
# Only the sign: a spoken "plus" often adds a margin or an aside ("plus 30%", "675 GB, plus ~200 bytes ...").
_PLUS = re.compile(r"^\s*\+\s*$")
# "2.5 million litres a day for five days is 12.5 million": a rate kept up for a duration.
_FOR = re.compile(r"^\s*,?\s*for\s*(?:the|a|an|about|roughly|around)?\s*$", re.IGNORECASE)
# What comes right before a figure whose chain has lost its start ("players times 3 times 8 MB").
_AFTER_OPERATOR = re.compile(
    r"(?:[×*/+]|\sx|\btimes|\bmultiplied by|\bdivided by|\bplus|\bminus|\bover)\s*,?\s*(?:about |roughly |around |~)?$", re.IGNORECASE
)
# "5.5 million users at 0.75 GB a month for 60 months": the rate is per user, a factor the chain lacks.
_PER_SOMETHING = re.compile(r"\b(?:at|of|with|by|each|per)\s*(?:about|roughly|around|~)?\s*$", re.IGNORECASE)
_DIV = re.compile(r"^\s*,?\s*(?:and\s+)?(?:divided by|/|over)\s*(?:a|an|about|roughly|the)?\s*$", re.IGNORECASE)
# "5 million in 60 seconds is 83,000 a second": an amount within a duration, read as a rate.
_WITHIN = re.compile(r"^\s*(?:in|within|inside)\s*(?:a|an|about|roughly|the|under|just)?\s*$", re.IGNORECASE)
# What each of _MUL, _PLUS, _FOR, _DIV and _WITHIN opens with: one test spares all five on most
# gaps between figures, which are prose.
_OPERATOR_OPENS = re.compile(
    r"\s*,?\s*(?:and\s+)?(?:times|×|x|\*|multiplied by|\+|for|divided by|/|over|in|within|inside)", re.IGNORECASE
)
_EQ = re.compile(
    r"^(?:[^\d.;:!?]{0,60}?(?:=|≈|~|\bis\b|\bare\b|\bequals\b|\bgives\b|\bmakes\b|\bcomes to\b|\bthat'?s\b|\bso\b|\bwhich is\b|\bgets? (?:you|us)\b|\bto get\b|→|->)"
    r"|\s*,)\s*(?:about|roughly|around|approximately|~|only|just|nearly|almost|call it|so)?\s*$",
    re.IGNORECASE,
)
# A stated result this far from the computed one (either way) is wrong, not rounded: an explicit
# operation ("2,520 divided by 40 is about 45") has one answer, and rounding moves it far less.
TOLERANCE = 1.25
# A figure restated over another period may count working days or hours ("2 TB a day, 44 TB a
# month"; "five days, 80 hours a week"), so restatements are allowed more slack.
RESTATEMENT_TOLERANCE = 1.5

_DIMENSIONS: dict[str, dict[str, int]] = {
    "bytes": {"byte": 1},
    "bits": {"bit": 1},
    "bitrate": {"bit": 1, "s": -1},
    "byterate": {"byte": 1, "s": -1},
    "rate": {"s": -1},
    "time": {"s": 1},
    "money": {"usd": 1},
    "power": {"watt": 1},
    "energy": {"watt": 1, "s": 1},
    "count": {},
    "multiplier": {},
    "percent": {},
}


@dataclass(frozen=True)
class ArithmeticCheck:
    start: int
    end: int
    text: str
    computed: float
    stated: float
    consistent: bool
    expression: str
    period: float | None = None  # a rate result is told per this many seconds, as the answer states it
    unit: str | None = None  # power, energy and data rates are told in the result's own unit (kW, MWh, Mbps)
    unit_size: float = 1.0

    def describe(self) -> str:
        if self.unit:
            computed, stated = _plain(self.computed / self.unit_size), _plain(self.stated / self.unit_size)
            return f"{self.expression} is about {computed} {self.unit}, not {stated} {self.unit}"
        if self.period and self.period != 1:
            per = _period_name(self.period)
            return f"{self.expression} is about {_human(self.computed * self.period)} {per}, not {_human(self.stated * self.period)}"
        return f"{self.expression} is about {_human(self.computed)}, not {_human(self.stated)}"


def _plain(value: float) -> str:
    """3333.3 -> "3,333", 41.7 -> "42", 0.417 -> "0.417"."""
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.3g}"


def _human(value: float) -> str:
    if abs(value) >= 1e21:
        return f"{value:.3g}"  # beyond the suffixes: 8.4e+22
    for size, suffix in ((1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}"


def _dims(q: Quantity, literal_time: bool) -> tuple[float, dict[str, int]]:
    """Value and dimension vector; with literal_time, '50 weeks' and '100 a day' count as plain numbers
    (and "50 TB a month" as 50 TB)."""
    if literal_time and q.dimension in _LITERAL_DIMENSIONS:
        return q.number, {}
    if q.dimension == "bytes" and q.period and not literal_time:
        return q.value / q.period, {"byte": 1, "s": -1}  # data per period is a data rate
    return q.value, dict(_DIMENSIONS.get(q.dimension, {}))


def _stated(q: Quantity, literal: bool) -> float:
    """A chain's stated result as the check compares it: per second for rates and data per period;
    read literally, the figure as written (data in bytes)."""
    if literal:
        return q.value if q.dimension == "bytes" else q.number
    return _dims(q, False)[0]


def _per_period(q: Quantity) -> bool:
    """A rate, or an amount of data per period ("50 TB a month")."""
    return q.dimension == "rate" or (q.dimension == "bytes" and q.period is not None)


def _combine(a: dict[str, int], b: dict[str, int], sign: int) -> dict[str, int]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out.get(k, 0) + sign * v
    return {k: v for k, v in out.items() if v}


def _compare(computed: float, cdims: dict[str, int], stated: float, sdims: dict[str, int]) -> tuple[float, bool | None]:
    """(computed, told in the stated result's units; True/False when comparable, None when the
    units do not line up: no verdict)."""
    if cdims != sdims:
        bits_as_bytes = {("bit" if k == "byte" else k): v for k, v in sdims.items()}
        if cdims == bits_as_bytes:
            computed /= 8  # worked out in bits, stated in bytes
        elif {("bit" if k == "byte" else k): v for k, v in cdims.items()} == sdims:
            computed *= 8  # worked out in bytes, stated in bits
        else:
            return computed, None
    if computed <= 0 or stated <= 0:
        return computed, None
    return computed, _off_by(computed, stated) <= TOLERANCE


# ("100 a second averaged over the day, which is 8.6 million a day": said to be the average, the
# rate is the same one restated.)
_RESTATE = re.compile(
    r"^\s*(?:(?:on average|as an average|averaged? (?:over|across) (?:the|a) (?:day|week|month|year|hour))\s*(?=[,:=~≈]|or\b|i\.e\.|that|which|is\b))?"
    r"[\s,:=~≈]*(?:(?:or|i\.e\.|that'?s|which is|is)\b[\s,]*)*(?:about|roughly|around|approximately|~|some|nearly)?\s*$",
    re.IGNORECASE,
)


# Per second against per minute, hour, day, month or year: the classic QPS conversions. Hours and days are left
# alone ("a day" may be a 10-hour working day), and "so" may hide a factor ("each user ... so").
_CONVERSIONS = [{1.0, 60.0}, {1.0, 3600.0}, {60.0, 3600.0}, {1.0, 86400.0}, {1.0, 2592000.0}, {1.0, 31536000.0}]
# Data told per day, week or month is a total that piles up, restated over a longer period. (Per second
# it is usually a peak or a while-running rate, and a year may hold fewer working days: neither is
# checked against a daily total.)
_DATA_CONVERSIONS = [{86400.0, 604800.0}, {86400.0, 2592000.0}, {2592000.0, 31536000.0}]
_ARTICLE_FIGURE = re.compile(r"an?\s", re.IGNORECASE)  # "(half) a terabyte a day"


# "... 400 a second in the release window", "48 a second over the 14 hours": the second rate is
# told over a narrower window than the first, so it is not the same rate restated.
_NARROWER = re.compile(
    r"\s*,?\s*(?:in|during|at|over|across|within|for|inside) (?:the|a|an|its|our|that|this|those|peak|busy|busiest|first|last|\d)",
    re.IGNORECASE,
)


def _restated_rates(text: str, quantities: list[Quantity]) -> list[ArithmeticCheck]:
    """The same rate restated over another period ("800 a second, that's 6.9 million a day")."""
    checks = []
    for a, b in zip(quantities, quantities[1:]):
        if not (_per_period(a) and _per_period(b)) or a.dimension != b.dimension:
            continue
        if {a.period, b.period} not in (_CONVERSIONS if a.dimension == "rate" else _DATA_CONVERSIONS):
            continue
        if _ARTICLE_FIGURE.match(a.text):
            continue  # "(half) a terabyte a day": a gesture, not a figure to multiply out
        gap = text[a.end:b.start]
        if "\n" in gap or not gap.strip() or not _RESTATE.match(gap):
            continue  # list lines and bare juxtapositions are not restatements
        if _NARROWER.match(text, b.end):
            continue
        a_rate, b_rate = _dims(a, False)[0], _dims(b, False)[0]
        consistent = _off_by(a_rate, b_rate) <= RESTATEMENT_TOLERANCE if a_rate > 0 and b_rate > 0 else True
        expression = f"{a.text} over {_period_name(b.period)}"
        checks.append(ArithmeticCheck(a.start, b.end, text[a.start:b.end], a_rate * b.period, _stated(b, True), consistent, expression))
    return checks


# "20,000 minutes, about 33 hours", "90 minutes (1.5 hours)", "3 days, i.e. 72 hours"
_RESTATE_AS = re.compile(
    r"^[ \t]*(?:,|\(|\bor\b|\bi\.e\.)[ \t,]*(?:(?:about|roughly|around|approximately|~|some|nearly)[ \t]+)*$",
    re.IGNORECASE,
)
_OPERAND_BEFORE = re.compile(r"(?:[x×*/]|\btimes|\bby|\bover)\s*(?:about |roughly |~)?$", re.IGNORECASE)


# "6.2 million gigabytes, so roughly 6.2 terabytes": an amount of data told in another unit. (A
# bare comma is not enough: "25 MB, 38 GB a day" lists two amounts.)
_RESTATE_DATA_AS = re.compile(
    r"^[ \t]*(?:\(|,?[ \t]*(?:so|that.s|which is|or|i\.e\.)[ \t,]+)(?:(?:about|roughly|around|approximately|~|some|nearly)[ \t]+)*$",
    re.IGNORECASE,
)


def _restated_durations(text: str, quantities: list[Quantity]) -> list[ArithmeticCheck]:
    """The same duration, or amount of data, told in another unit ("20,000 minutes, about 33 hours")."""
    checks = []
    for a, b in zip(quantities, quantities[1:]):
        if a.dimension != b.dimension or a.dimension not in ("time", "bytes") or not a.number or not b.number:
            continue
        if a.period or b.period:
            continue  # data per period is a rate: _restated_rates has it
        if math.isclose(a.value / a.number, b.value / b.number):
            continue  # the same unit: two amounts, not one converted
        # A restatement looks like a conversion: a larger unit with a smaller number ("25 MB a frame,
        # so 37.5 GB a flight" is a total), and at most a unit slip apart ("8 MB a save, so 6 TB a day").
        larger_unit = b.value / b.number > a.value / a.number
        if (b.number >= a.number) if larger_unit else (b.number <= a.number):
            continue
        if _off_by(a.value, b.value) > 1001:
            continue
        restates = _RESTATE_AS if a.dimension == "time" else _RESTATE_DATA_AS
        if not restates.match(text[a.end:b.start]):
            continue
        if _PER_SOMETHING.search(text, max(0, a.start - 12), a.start):
            continue  # "15,600 calls a month; at 8 minutes, roughly 2,080 hours": a per-item figure times a count
        if _OPERAND_BEFORE.search(text, max(0, a.start - 16), a.start):
            continue  # "x 13 weeks is 15,800 hours" ends a calculation: the chain check has it
        consistent = _off_by(a.value, b.value) <= RESTATEMENT_TOLERANCE if a.value > 0 and b.value > 0 else True
        checks.append(
            ArithmeticCheck(a.start, b.end, text[a.start:b.end], a.value, b.value, consistent, a.text,
                            unit=_unit_text(b), unit_size=b.value / b.number)
        )
    return checks


# "7.2 million logins across the month, which is about 24,000 a day": an amount spread over one
# named period, then restated as a rate. (Only "the/a/one <period>": a counted duration such as
# "over 30 days" is a figure of its own, which the chain check divides by.)
# ("300,000 commands fired in the same minute, about 5,000 a second": a participle may say how.)
_SPREAD_OVER = re.compile(
    r"^\s*(?:[a-z]+(?:ed|ing)\s+)?(?:across|over|in|during|within|through(?:out)?)\s+"
    r"(?:the|a|an|one|an average|a typical|a normal|the same|a single)\s+"
    r"(minute|hour|day|week|month|quarter|year)\b\s*,?\s*(?:which is|that.s|that is|so|=|is|or|i\.e\.)\s*"
    r"(?:about|roughly|around|approximately|~|some|nearly|only|just)?\s*$",
    re.IGNORECASE,
)


def _spread_over_period(text: str, quantities: list[Quantity]) -> list[ArithmeticCheck]:
    """An amount over a named period restated per a shorter one ("7.2 million across the month,
    about 240,000 a day")."""
    checks = []
    for a, b in zip(quantities, quantities[1:]):
        if a.dimension != "count" or b.dimension != "rate" or not b.period or a.value <= 0 or b.value <= 0:
            continue
        spread = _SPREAD_OVER.match(text[a.end:b.start])
        if spread is None:
            continue
        if b.noun is not None and (a.noun is None or _singular(a.noun) != _singular(b.noun)):
            continue  # "2M visits over the month, 5,000 orders a day": a factor was left unsaid
        seconds = TIME_SECONDS[spread.group(1).lower()]
        if b.period >= seconds:
            continue  # "over the day, 200,000 a week" is no restatement
        per_second = a.value / seconds
        consistent = _off_by(per_second, b.value) <= RESTATEMENT_TOLERANCE
        period = spread.group(1).lower()
        expression = f"{a.text} over {'an' if period == 'hour' else 'a'} {period}"
        checks.append(ArithmeticCheck(a.start, b.end, text[a.start:b.end], per_second, b.value, consistent, expression, b.period))
    return checks


def _period_name(seconds: float) -> str:
    names = {1: "a second", 60: "a minute", 3600: "an hour", 86400: "a day", 604800: "a week", 2592000: "a month", 31536000: "a year"}
    return names.get(int(seconds), f"{seconds:g} seconds")


def check_arithmetic(text: str, quantities: list[Quantity]) -> list[ArithmeticCheck]:
    """Every stated result that follows an explicit operation (x, times, /, divided by), and
    every rate restated over another period."""
    checks: list[ArithmeticCheck] = (
        _restated_rates(text, quantities) + _restated_durations(text, quantities) + _spread_over_period(text, quantities)
    )
    i = 0
    while i < len(quantities) - 1:
        chain_start = quantities[i]
        # "5 million players times 3 times 8 MB", "8 times 5 plus 2 times 20": a chain that opens after
        # an operator has lost a factor or a term, so its result is not checked. (Looked up only
        # when a result is about to be checked: most figures start no chain.)
        truncated: bool | None = None
        operands: list[tuple[str, Quantity]] = [("", chain_start)]
        j = i
        while j < len(quantities) - 1:
            nxt = quantities[j + 1]
            gap = text[quantities[j].end:nxt.start]
            operator = _OPERATOR_OPENS.match(gap) is not None
            if not operator and len(operands) == 1:
                break  # prose between two figures: every branch below would end the chain
            if operator and _MUL.match(gap):
                operands.append(("*", nxt))
            elif operator and _PLUS.match(gap):
                operands.append(("+", nxt))
            elif (
                operator and nxt.dimension == "time" and _per_period(quantities[j]) and _FOR.match(gap)
                and len(operands) == 1 and not _PER_SOMETHING.search(text, max(0, quantities[j].start - 12), quantities[j].start)
            ):
                operands.append(("*", nxt))
            elif text.startswith("24/7", quantities[j].start):
                break  # round the clock, not a division
            elif operator and _DIV.match(gap) and (nxt.dimension == "time" or not _said_over(gap)):
                # "over a 10-hour day" divides only when a rate comes out; "over three days" is a duration.
                operands.append(("/over" if _said_over(gap) else "/", nxt))
            elif operator and nxt.dimension == "time" and _WITHIN.match(gap):
                operands.append(("/over", nxt))  # like "over": only a rate stated next is checked
            elif len(operands) > 1 and _EQ.match(gap):
                verdict = _evaluate(operands, nxt)
                if verdict is not None and truncated is None:
                    truncated = bool(_AFTER_OPERATOR.search(text, max(0, chain_start.start - 20), chain_start.start))
                if verdict is not None and not truncated:
                    computed, consistent, literal = verdict
                    expression = text[chain_start.start:quantities[j].end]
                    # Figures read as plain numbers are told that way; otherwise in the result's unit.
                    own_unit = not literal and nxt.dimension in _OWN_UNIT_DIMENSIONS and nxt.number
                    per_period = not literal and (nxt.dimension in _RATES or _per_period(nxt))
                    checks.append(
                        ArithmeticCheck(
                            chain_start.start, nxt.end, text[chain_start.start:nxt.end], computed,
                            _stated(nxt, literal), consistent, expression,
                            nxt.period if per_period else None,
                            _unit_text(nxt) if own_unit else None, nxt.value / nxt.number if own_unit else 1.0,
                        )
                    )
                # The stated result carries the chain on ("..., times 3 MB is 600 PB").
                operands = [("", nxt)]
                truncated = False
                chain_start = nxt
            else:
                break
            j += 1
        i = max(j, i + 1)
    return sorted(checks, key=lambda c: c.start)


def _said_over(gap: str) -> bool:
    """"over 24 hours", ", and over 24 hours": the division is said with "over"."""
    return re.sub(r"^and\s+", "", gap.strip(" ,").lower()).startswith("over")


def _evaluate(operands: list[tuple[str, Quantity]], result: Quantity) -> tuple[float, bool, bool] | None:
    """(computed, consistent, read literally), or None when the units give no basis for a verdict.

    Units are checked physically first. Reading "50 weeks" or "100 a day" as plain numbers may
    only rescue a result that then agrees; it condemns one only where it is the sole reading (see
    _spread_within and _counted_literally), since elsewhere it is a guess.
    """
    if any(op == "/over" for op, _ in operands) and result.dimension not in _PER_TIME_RESULTS and not _per_period(result):
        return None
    if _hidden_factor(operands, result):
        return None
    spread = _spread_within(operands, result)
    if spread is not None:
        return spread
    if result.dimension == "percent" and not any(q.dimension == "percent" for _, q in operands):
        # "350 x 0.5 x 0.7, roughly 120%": percentage points multiplied as plain numbers
        value = _work_out(operands, False)[0]
        if value > 0 and _off_by(value, result.number) <= TOLERANCE:
            return value, True, True
    physical = _compute(operands, result, literal_time=False)
    if physical[1] is False and _only_scale_differs(physical[0], result, operands):
        return None  # "200 x 11 = 2.2 MW": the operands' units were left unsaid, not miscounted
    if physical[1] is True:
        return physical[0], True, False
    # "6 billion a day / 86,400 = 70k a second": the speaker divides the day's count by its seconds.
    # (Without a time or rate among the figures a literal reading is the physical one.)
    literal = None
    if any(q.dimension in _LITERAL_DIMENSIONS or _per_period(q) for q in (result, *(q for _, q in operands))):
        literal = _compute(operands, result, literal_time=True)
        if literal[1]:
            return literal[0], True, True
    if physical[1] is None:
        carried = _time_carried(operands, result)
        if carried is not None:
            return carried[0], carried[1], False
        return _counted_literally(operands, result, literal)
    # Wrong either way: tell it in the reading that comes closer to what the speaker wrote.
    if literal is not None and literal[1] is False and _off_by(literal[0], _dims(result, True)[0]) < _off_by(physical[0], _dims(result, False)[0]):
        return literal[0], False, True
    return physical[0], False, False


_RATES = {"rate", "bitrate", "byterate"}
_LITERAL_DIMENSIONS = {"time", "rate"}  # what a literal reading takes as plain numbers (see _dims)
_OWN_UNIT_DIMENSIONS = {"power", "energy", "bitrate", "byterate", "bits", "time"}


# A result "over" a duration is checked only when something per unit of time comes out of it.
_PER_TIME_RESULTS = _RATES | {"power"}
_PLAIN_NUMBER = re.compile(r"[\d,]*\.?\d+")


def _counted_literally(
    operands: list[tuple[str, Quantity]], result: Quantity, literal: tuple[float, bool | None] | None
) -> tuple[float, bool, bool] | None:
    """Chains whose only reading is the literal one, so it may condemn as well as agree:
    - "14 times 86,400, which is 120,960 seconds": bare numbers carry their units in the speaker's
      head, so the figures themselves must agree (up to a thousand-fold unit: "200 x 11 = 2.2 MW");
    - "20 million customers times 6 versions times 7 years is 134 million rows": durations
      multiplied into a count count periods."""
    if result.vague:
        return None
    if all(q.dimension == "count" and q.noun is None and not q.vague for _, q in operands):
        value = _work_out(operands, True)[0]
        if value <= 0 or result.number <= 0:
            return None
        ratio = _off_by(value, result.number)
        thousands = 1000 ** max(0, round(math.log(ratio, 1000)))
        # Told in the result's own unit: "52 times six, about 210 terabytes" is 312 TB.
        return value * _dims(result, False)[0] / result.number, _off_by(ratio, thousands) <= TOLERANCE, False
    multiplied_durations = all(
        q.dimension in ("count", "multiplier") or (q.dimension == "time" and op in ("", "*") and q.value >= 86400 * q.number)
        for op, q in operands
    )  # whole days, weeks, months or years are counted; "200 microseconds" is a physical duration
    if result.dimension == "count" and multiplied_durations and literal is not None and literal[1] is not None:
        return literal[0], literal[1], True
    return None


def _spread_within(operands: list[tuple[str, Quantity]], result: Quantity) -> tuple[float, bool, bool] | None:
    """"5,600 a day, and over 24 hours that's about 233 an hour", "130 million a day divided by 86,400
    seconds is about 1,500 a second": a period's count spread over the hours it runs in (no longer
    than the period: "3,000 an hour over 8 hours" runs for 8 hours)."""
    if len(operands) != 2 or operands[1][0] not in ("/over", "/") or result.dimension != "rate":
        return None
    (_, amount), (_, duration) = operands
    if amount.dimension != "rate" or not amount.period or not 0 < duration.value <= amount.period:
        return None
    computed = amount.number / duration.value  # per second
    return computed, _off_by(computed, result.value) <= TOLERANCE, False


def _hidden_factor(operands: list[tuple[str, Quantity]], result: Quantity) -> bool:
    """"120 tables within 15 minutes, that's 80 plates a minute": the result counts something no
    operand counts, so a factor (plates per table) was left unsaid; there is no basis for a verdict."""
    if result.noun is None or result.dimension != "rate":
        return False  # "170 images a second x 4 GPU-seconds = 680 GPUs" converts units: checked
    counted = [q for _, q in operands if q.dimension in ("count", "rate")]
    return bool(counted) and all(q.noun is not None and _singular(q.noun) != _singular(result.noun) for q in counted)


def _singular(noun: str) -> str:
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun


def _time_carried(operands: list[tuple[str, Quantity]], result: Quantity) -> tuple[float, bool] | None:
    """"100,000 times 250, 2.5 million tokens a second", "200,000 listeners times 128 kilobits is
    2.56 gigabits per second": amounts give a rate because the speaker carries the "per second" of
    an earlier figure in their head. With no time among the operands, the figures must agree."""
    if any("s" in _DIMENSIONS.get(q.dimension, {}) for _, q in operands):
        return None
    value, dims = _work_out(operands, False)
    stated, stated_dims = _dims(result, False)
    if _combine(dims, {"s": -1}, 1) != stated_dims or value <= 0 or stated <= 0:
        return None
    # The carried time is the result's own period: "290 over 8 is about 4 agents a day" is 36 a day.
    period = result.period or 1.0
    return value / period, _off_by(value, stated * period) <= TOLERANCE


def _unit_text(q: Quantity) -> str:
    """"600 kW" -> "kW": the unit as the answer wrote it."""
    return re.sub(r"^[\d.,\s]+(?:(?:hundred|thousand|million|billion|trillion)\s+)?", "", q.text).strip() or q.dimension


def _off_by(computed: float, stated: float) -> float:
    """How many times apart two positive figures are (1.0: equal); infinity when either is not positive."""
    return max(computed, stated) / min(computed, stated) if computed > 0 and stated > 0 else float("inf")


def _only_scale_differs(computed: float, result: Quantity, operands: list[tuple[str, Quantity]]) -> bool:
    """The digits agree and only a power of 1,000 separates them, with a bare number among the
    operands whose unit (kW, thousands, millions) the speaker carried in their head."""
    if not any(q.dimension == "count" and q.noun is None and _PLAIN_NUMBER.fullmatch(q.text.strip()) for _, q in operands):
        return False  # "30 million times 8 GB is 240 TB" states every scale: a real slip
    ratio = _off_by(computed, result.value)
    if ratio < 1000 ** 0.5 or ratio == float("inf"):
        return False
    return _off_by(ratio, 1000 ** round(math.log(ratio, 1000))) <= 1.05


_UNLIKE = {"unlike terms": 1}  # a sum of unlike terms: no unit the stated result could have


def _work_out(operands: list[tuple[str, Quantity]], literal_time: bool) -> tuple[float, dict[str, int]]:
    """The chain's value and dimensions, worked left to right, products before sums
    ("70 x 52 + 120 x 104")."""
    total: tuple[float, dict[str, int]] | None = None
    value, dims = _dims(operands[0][1], literal_time)
    for op, q in operands[1:]:
        v, d = _dims(q, literal_time)
        if op == "+":
            total = _add(total, value, dims)
            value, dims = v, d
        elif op == "*":
            value, dims = value * v, _combine(dims, d, 1)
        elif v:
            value, dims = value / v, _combine(dims, d, -1)
    return _add(total, value, dims)


def _add(total: tuple[float, dict[str, int]] | None, value: float, dims: dict[str, int]) -> tuple[float, dict[str, int]]:
    if total is None:
        return value, dims
    if total[1] != dims:
        return 0.0, dict(_UNLIKE)
    return total[0] + value, dims


def _compute(operands: list[tuple[str, Quantity]], result: Quantity, literal_time: bool) -> tuple[float, bool | None]:
    value, dims = _work_out(operands, literal_time)
    stated, sdims = _dims(result, literal_time)
    return _compare(value, dims, stated, sdims)
