"""Pure helpers of the history view: attempt numbering, 'the same question', times."""

from learner_view import attempts_frame, same_question, short_time, stage_frame


def summary(id_, created_at, framework="capacity", question_id="Q742", text="", scores=(1, 2)):
    return {
        "id": id_, "created_at": created_at, "framework": framework, "question_id": question_id,
        "question_text": text, "overall": 10 * id_, "effective_overall": 10 * id_, "attempt_number": 1,
        "reviewed": False,
        "stages": [{"stage_id": f"s{i}", "name": f"S{i}", "automatic_score": s, "effective_score": s}
                   for i, s in enumerate(scores)],
    }


def test_attempts_are_numbered_oldest_first_whatever_the_order_given():
    items = [summary(3, "2026-11-28T09:00:00Z"), summary(1, "2026-11-27T09:00:00Z"), summary(2, "2026-11-28T08:00:00Z")]
    frame = attempts_frame(items)
    assert dict(zip(frame["Submission"], frame["Nr"])) == {1: 1, 2: 2, 3: 3}


def test_stage_frame_keeps_one_framework_and_the_effective_score():
    items = [summary(1, "2026-11-27T09:00:00Z", scores=(0, 4)), summary(2, "2026-11-28T09:00:00Z", framework="scale")]
    frame = stage_frame(items, "capacity")
    assert list(frame["Score"]) == [0, 4] and set(frame["Nr"]) == {1}


def test_same_question():
    assert same_question(summary(1, ""), summary(2, ""))
    assert not same_question(summary(1, ""), summary(2, "", framework="scale"))
    own_a = summary(1, "", question_id=None, text="How big?")
    assert same_question(own_a, summary(2, "", question_id=None, text="How big?"))
    assert not same_question(own_a, summary(2, "", question_id=None, text="How fast?"))


def test_times_say_utc():
    assert short_time("2026-11-28T06:52:01.5Z") == "28 Nov 2026 06:52 UTC"
    assert short_time(None) == "—"
