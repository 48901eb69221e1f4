"""Which sentences talk about which stage: a small Viterbi pass over the answer. Cues say what a
sentence is about; the answer's order and paragraphs carry a stage through sentences without
cues of their own; headings ("Growth:") settle it."""

from dataclasses import dataclass, field
from functools import cache
from operator import add

from hedgehog.grading.deterministic.patterns import CompiledRubric, CompiledStage
from hedgehog.grading.deterministic.reading import SentenceInfo, works_out


@dataclass
class StageAnalysis:
    primary: list[SentenceInfo] = field(default_factory=list)
    secondary: list[SentenceInfo] = field(default_factory=list)
    embedded: list[SentenceInfo] = field(default_factory=list)


_NONE_EMISSION = 0.9
_STAY_PARAGRAPH = 1.8
_STAY_ACROSS = 0.4
_BACKWARD = -2.0
_SKIP_AHEAD = -0.3
_SECONDARY_THRESHOLD = 3.0
_OPENING_MARKER = 1.1
_HEADING = 8.0


def emission(info: SentenceInfo, cs: CompiledStage) -> float:
    if info.injected:
        return 0.0
    sid = cs.stage.id
    if info.heading is not None:
        return _HEADING if info.heading == sid else 0.0  # the answer says which stage this is
    groups = info.groups.get(sid)
    markers = min(info.markers.get(sid, 0), 2)
    if not groups:
        return 2.2 * markers
    hits = sum(len(v) for v in groups.values())
    cues = sum(cs.group_weights[g] for g in groups) + 0.3 * min(hits - len(groups), 3)
    return 2.2 * markers + cs.stage.cue_weight * cues


_IMPOSSIBLE = float("-inf")


@cache
def _transitions(n_stages: int) -> tuple[list[list[float]], list[list[float]]]:
    """Transition scores into each state from every state, within a paragraph and across one.
    States: the stages, then "about no stage" after each stage (the answer's place is kept, so
    going back to an earlier stage after a cue-less stretch costs what going back directly does),
    then "about no stage" before any stage. Moving into a no-stage state costs nothing."""
    n_states = 2 * n_stages + 1
    start = n_states - 1

    def last_stage(state: int) -> int | None:
        if state < n_stages:
            return state
        return None if state == start else state - n_stages

    def transition(prev: int, cur: int, same_paragraph: bool) -> float:
        before = last_stage(prev)
        if cur >= n_stages:  # into "no stage": only the one that keeps prev's place
            return 0.0 if last_stage(cur) == before else _IMPOSSIBLE
        if before is None:
            return 0.0
        if prev < n_stages and prev == cur:
            return _STAY_PARAGRAPH if same_paragraph else _STAY_ACROSS
        if cur < before:
            return _BACKWARD
        if prev >= n_stages:
            return 0.0  # out of "no stage" forwards (or back to where it was) costs nothing
        return _SKIP_AHEAD * (cur - prev - 1)

    within = [[transition(prev, cur, True) for prev in range(n_states)] for cur in range(n_states)]
    across = [[transition(prev, cur, False) for prev in range(n_states)] for cur in range(n_states)]
    return within, across


def assign_stages(infos: list[SentenceInfo], compiled: CompiledRubric, compact: bool = False) -> dict[str, StageAnalysis]:
    """`compact`: the answer is too short for a sentence per stage (its scores are capped anyway),
    so one sentence may serve several stages."""
    stage_ids = [cs.stage.id for cs in compiled.stages]
    n_states = len(stage_ids) + 1  # last state: the sentence is about no stage
    none = n_states - 1
    analyses = {sid: StageAnalysis() for sid in stage_ids}
    if not infos:
        return analyses
    silent = [0.0] * len(stage_ids) + [_NONE_EMISSION]
    emissions = []
    for i, info in enumerate(infos):
        if not (info.groups or info.markers or info.heading is not None):
            emissions.append(list(silent))  # nothing in it speaks for any stage
            continue
        if info.heading is None and not info.injected:
            # emission() of a stage the sentence has no cue for is 0.0: compute only the others.
            row = list(silent)
            for k, cs in enumerate(compiled.stages):
                if cs.stage.id in info.groups or cs.stage.id in info.markers:
                    row[k] = emission(info, cs)
        else:
            row = [emission(info, cs) for cs in compiled.stages] + [_NONE_EMISSION]
        # A paragraph's opening sentence usually announces its stage: its markers weigh more.
        if info.markers and (i == 0 or info.sentence.paragraph != infos[i - 1].sentence.paragraph):
            for k, sid in enumerate(stage_ids):
                row[k] += _OPENING_MARKER * min(info.markers.get(sid, 0), 2)
        emissions.append(row)

    n_stages = len(stage_ids)
    within, across = _transitions(n_stages)
    states = range(2 * n_stages + 1)
    last_state = 2 * n_stages
    expanded = [row[:n_stages] + [row[none]] * (n_stages + 1) for row in emissions]
    score = expanded[0][:n_stages] + [_IMPOSSIBLE] * n_stages + [expanded[0][-1]]
    back: list[list[int]] = []
    for i in range(1, len(infos)):
        columns = within if infos[i].sentence.paragraph == infos[i - 1].sentence.paragraph else across
        row, ptr = [], []
        for cur in range(n_stages):
            # The best previous state by score + transition; ties go to the later state.
            totals = list(map(add, score, columns[cur]))
            best = max(totals)
            totals.reverse()
            row.append(best + expanded[i][cur])
            ptr.append(last_state - totals.index(best))
        # "No stage" after stage k is reached only from k or from itself, at no cost (the same
        # max as above, without the impossible transitions).
        silence = expanded[i][none]
        for k in range(n_stages):
            kept = score[n_stages + k]
            if kept >= score[k]:
                row.append(kept + silence)
                ptr.append(n_stages + k)
            else:
                row.append(score[k] + silence)
                ptr.append(k)
        row.append(score[-1] + silence)
        ptr.append(len(score) - 1)
        score = row
        back.append(ptr)
    state = max(states, key=lambda s: (score[s], -s))
    path = [state]
    for ptr in reversed(back):
        state = ptr[state]
        path.append(state)
    path.reverse()
    path = [state if state < n_stages else none for state in path]

    collects_totals = {cs.stage.id for cs in compiled.stages if cs.stage.collects_worked_totals}
    for info, state, em in zip(infos, path, emissions, strict=True):
        if info.injected:
            continue
        if state != none and (em[state] > 0 or _continues(info)):
            analyses[stage_ids[state]].primary.append(info)
        if not info.groups and not info.markers:
            continue  # no stage can claim it as a second one
        for k, sid in enumerate(stage_ids):
            if k == state:
                continue
            # A second stage claims the sentence when the sentence announces it, or when the
            # stage is where worked estimates belong and the sentence works one out.
            announced = em[k] >= _SECONDARY_THRESHOLD and (info.markers.get(sid) or len(info.groups.get(sid, {})) >= 2)
            worked_total = sid in collects_totals and info.groups.get(sid) and works_out(info)
            if announced or worked_total:
                analyses[sid].secondary.append(info)

    # A stage never addressed on its own may still surface inside others ("the retries pile on
    # top" within a bottleneck); repeated, applied mentions count as embedded evidence.
    for cs in compiled.stages:
        sid, analysis = cs.stage.id, analyses[cs.stage.id]
        if analysis.primary or analysis.secondary or cs.stage.cue_weight < 1:
            continue
        embedded = [i for i in infos if not i.injected and i.applied and i.groups.get(sid)]
        # Only groups of full weight speak for the stage on their own: component nouns and
        # mitigation words inside a calculation are not a bottleneck analysis.
        telling = {g.id for g in cs.stage.groups if g.weight >= 1}
        if not any(telling & set(i.groups[sid]) for i in embedded):
            continue
        if compact or len(embedded) >= 2 or any(len(i.groups[sid]) >= 2 for i in embedded):
            analysis.embedded = embedded
    return analyses


def _continues(info: SentenceInfo) -> bool:
    """A cue-less sentence carries its paragraph's stage when it adds numbers or substance."""
    return bool(info.concrete) or len(info.content_words) >= 3
