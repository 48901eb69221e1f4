"""The LLM grader: one structured-output request per answer grades every stage; the verdict is
computed in code from checked stage scores; anything unusable falls back to the deterministic
grader, saying why.

Public surface:
- `LLMGrader(settings, cache=None, client=None).grade(request) -> GradeDocument`; without a
  `cache`, the backend named by `settings.llm_cache` is used; without a `client`, a shared
  `openai.OpenAI` built from the settings.
- `grade_many(requests, settings) -> list[GradeDocument]` (and `agrade_many`, its coroutine):
  batch grading with at most `settings.llm_concurrency` answers in flight.

The grading logic is written once, as a generator (`_flow`) that yields the chat requests it
needs and receives their outcomes; `grade` drives it with the blocking client, `agrade_many`
with the async one.
"""

import asyncio
import json
import logging
import statistics
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

import openai

from hedgehog.config import Settings, get_settings
from hedgehog.grading.arithmetic import check_arithmetic
from hedgehog.grading.document import GradeDocument, StageGrade, Usage, overall_score
from hedgehog.grading.quantities import find_quantities
from hedgehog.grading.errors import HedgehogError
from hedgehog.grading.grade import GradeRequest, get_grader
from hedgehog.grading.lexicon import load_lexicon
from hedgehog.llm.cache import CacheBackend, CacheEntry, CacheUnavailableError, cache_from_settings, cache_key
from hedgehog.llm.evidence import check_evidence
from hedgehog.llm.pricing import priced_usage
from hedgehog.llm.prompts import PromptSet, default_prompt_set
from hedgehog.llm.safety import ScreenedText, screen
from hedgehog.llm.schema import GradeVerdict, StageVerdict, verdict_problems
from hedgehog.llm import transport  # noqa: I001  (module and names: transport.request reads clearly)
from hedgehog.llm.transport import ChatCall, ChatOutcome, TokenCount, make_async_client, make_client

log = logging.getLogger(__name__)

# Failures of the connection rather than of one reply: further samples would fail the same way.
TRANSPORT_FAILURES = frozenset({"timeout", "connection", "rate_limited", "server_error", "api_error", "bad_request"})
MAX_CRITIQUE_CHARS = 600
MAX_SUMMARY_CHARS = 1500
MAX_MISSING_ITEMS = 8
SPREAD_FLAG_AT = 2  # a stage whose samples differ by this much is flagged as unstable

# (base_url, model) pairs that rejected a json_schema request: later grades go straight to JSON
# mode instead of paying a failing request each time (graders are created per request).
_ENDPOINTS_WITHOUT_JSON_SCHEMA: set[tuple[str | None, str]] = set()
SCHEMA_ERROR_WORDS = ("response_format", "json_schema", "json schema", "structured output", "schema")

Flow = Generator[ChatCall, ChatOutcome, GradeDocument]


@dataclass
class _Ledger:
    """Everything the requests of one grade cost and did."""

    tokens: TokenCount = field(default_factory=TokenCount)
    requests: int = 0
    attempts: int = 0
    repairs: int = 0
    json_mode: bool = False
    request_ids: list[str] = field(default_factory=list)
    served_by: str | None = None

    def record(self, outcome: ChatOutcome) -> None:
        self.requests += 1
        self.attempts += outcome.attempts
        self.tokens.add(outcome.tokens)
        if outcome.request_id:
            self.request_ids.append(outcome.request_id)
        if outcome.model:
            self.served_by = outcome.model

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "attempts": self.attempts,
            "repairs": self.repairs,
            "json_mode": self.json_mode,
            "request_ids": self.request_ids,
            "served_by": self.served_by,
        }


@dataclass
class _SampleFailure:
    reason: str
    detail: str
    raw: str | None


@dataclass
class _StageJudgement:
    score: int
    model_score: int
    evidence: list[str]
    critique: str
    missing: list[str]


@dataclass
class _Sample:
    verdict: GradeVerdict
    stages: dict[str, _StageJudgement]
    flags: list[str]
    notes: list[str]


class LLMGrader:
    """Grades with an OpenAI-compatible model; see the module docstring."""

    name = "llm"

    def __init__(
        self,
        settings: Settings | None = None,
        cache: CacheBackend | None = None,
        client: openai.OpenAI | None = None,
        prompts: PromptSet | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.prompts = prompts or default_prompt_set()
        self._client = client
        self._client_given = client is not None
        self._cache_note: str | None = None
        if cache is not None:
            self.cache: CacheBackend | None = cache
        else:
            try:
                self.cache = cache_from_settings(self.settings)
            except CacheUnavailableError as e:
                log.warning("LLM cache disabled: %s", e)
                self.cache, self._cache_note = None, str(e)

    @property
    def client(self) -> openai.OpenAI:
        if self._client is None:
            self._client = make_client(self.settings)
        return self._client

    @property
    def _endpoint(self) -> tuple[str | None, str]:
        return (self.settings.openai_base_url, self.settings.hedgehog_model)

    # -- driving the flow -------------------------------------------------------------------

    def grade(self, request: GradeRequest) -> GradeDocument:
        flow = self._flow(request, client_available=self._client_given)
        try:
            call = next(flow)
            while True:
                call = flow.send(transport.request(self.client, self.settings, call))
        except StopIteration as done:
            return done.value
        except HedgehogError:
            raise  # bad data files: the user must hear about them
        except Exception as e:  # a defect must not cost the learner a grade; it is logged and flagged
            return self._internal_error(request, e)

    async def agrade(self, request: GradeRequest, client: openai.AsyncOpenAI, *, client_given: bool = True) -> GradeDocument:
        flow = self._flow(request, client_available=client_given)
        try:
            call = next(flow)
            while True:
                call = flow.send(await transport.arequest(client, self.settings, call))
        except StopIteration as done:
            return done.value
        except HedgehogError:
            raise
        except Exception as e:
            return self._internal_error(request, e)

    def _internal_error(self, request: GradeRequest, error: Exception) -> GradeDocument:
        log.exception("LLM grading failed unexpectedly")
        return self._fallback(request, "internal_error", f"{error.__class__.__name__}: {error}"[:300], _Ledger())

    # -- the grading logic ------------------------------------------------------------------

    def _flow(self, request: GradeRequest, *, client_available: bool) -> Flow:
        settings = self.settings
        ledger = _Ledger()
        if not (settings.llm_configured or client_available):
            return self._fallback(
                request,
                "not_configured",
                "no OpenAI-compatible endpoint is configured (set OPENAI_BASE_URL or OPENAI_API_KEY)",
                ledger,
            )
        key = self.cache_key(request)
        cached = self._cache_get(key)
        if cached is not None:
            return cached

        screened = screen(request.answer)
        samples, temperature = self._sampling()
        results: list[_Sample] = []
        failures: list[_SampleFailure] = []
        for index in range(samples):
            result = yield from self._sample(request, screened, settings.llm_seed + index, temperature, ledger)
            if isinstance(result, _SampleFailure):
                failures.append(result)
                if result.reason in TRANSPORT_FAILURES:
                    break
            else:
                results.append(result)
        if not results:
            first = failures[0]
            return self._fallback(request, first.reason, first.detail, ledger, raw=first.raw)
        document = self._compose(request, screened, results, failures, ledger, temperature)
        if not failures:  # a grade missing some of its samples is served once, not remembered
            self._cache_set(key, document)
        return document

    def _sampling(self) -> tuple[int, float]:
        samples = max(1, self.settings.llm_samples)
        return samples, (0.0 if samples == 1 else self.settings.llm_sample_temperature)

    def _sample(
        self, request: GradeRequest, screened: ScreenedText, seed: int, temperature: float, ledger: _Ledger
    ) -> Generator[ChatCall, ChatOutcome, _Sample | _SampleFailure]:
        json_schema = self._endpoint not in _ENDPOINTS_WITHOUT_JSON_SCHEMA
        messages = self.prompts.messages(request, screened, json_mode=not json_schema)
        repaired = False
        while True:
            outcome = yield ChatCall(messages, json_schema, seed, temperature)
            ledger.record(outcome)
            if outcome.failure == "schema_unsupported":
                # The server has no JSON-schema support: JSON mode, our validation, one repair.
                # Remembered only when the error says so (a 400 for another cause must not stick).
                if any(word in outcome.server_message.lower() for word in SCHEMA_ERROR_WORDS):
                    _ENDPOINTS_WITHOUT_JSON_SCHEMA.add(self._endpoint)
                json_schema = False
                ledger.json_mode = True
                messages = self.prompts.messages(request, screened, json_mode=True)
                continue
            ledger.json_mode = ledger.json_mode or not json_schema
            if outcome.failure:
                return _SampleFailure(outcome.failure, outcome.detail, outcome.content)
            problems = outcome.problems if outcome.verdict is None else verdict_problems(outcome.verdict, request.rubric)
            if not problems:
                assert outcome.verdict is not None
                return self._judge(request, screened, outcome.verdict)
            if repaired:
                return _SampleFailure("invalid_reply", "after one repair: " + "; ".join(problems), outcome.content)
            repaired = True
            ledger.repairs += 1
            messages = [
                *messages,
                {"role": "assistant", "content": outcome.content or ""},
                {"role": "user", "content": self.prompts.repair_message(request, problems)},
            ]

    def _judge(self, request: GradeRequest, screened: ScreenedText, verdict: GradeVerdict) -> _Sample:
        """Check one verdict's evidence against the answer and cap unsupported scores."""
        by_id: dict[str, StageVerdict] = {s.stage_id: s for s in verdict.stages}
        stages: dict[str, _StageJudgement] = {}
        flags: list[str] = []
        notes: list[str] = []
        for stage in request.rubric.stages:
            given = by_id[stage.id]
            checked = check_evidence(request.answer, given.evidence, screened.injection_spans)
            score = given.score
            if checked.unfound:
                flags.append("unverified_evidence")
                notes.append(f"{stage.id}: dropped {len(checked.unfound)} quote(s) not found in the answer")
            if checked.from_injection:
                flags.append("unverified_evidence")
                notes.append(f"{stage.id}: dropped {len(checked.from_injection)} quote(s) from text addressed to the grader")
            if score >= 2 and not checked.verified:
                flags.append("evidence_cap")
                notes.append(f"{stage.id}: model score {score} capped at 1, no verified evidence")
                score = 1
            critique = given.critique.strip()[:MAX_CRITIQUE_CHARS] or stage.critique.for_score(score)
            missing = [m.strip()[:200] for m in given.missing if m.strip()][:MAX_MISSING_ITEMS]
            stages[stage.id] = _StageJudgement(score, given.score, checked.verified, critique, missing)
        return _Sample(verdict, stages, flags, notes)

    def _compose(
        self,
        request: GradeRequest,
        screened: ScreenedText,
        samples: list[_Sample],
        failures: list[_SampleFailure],
        ledger: _Ledger,
        temperature: float,
    ) -> GradeDocument:
        rubric = request.rubric
        labels = {a.score: a.label for a in rubric.anchors}
        flags: list[str] = []
        notes: list[str] = []
        for sample in samples:
            flags.extend(sample.flags)
            notes.extend(sample.notes)
        stage_grades: list[StageGrade] = []
        spread: dict[str, int] = {}
        for stage in rubric.stages:
            scores = [s.stages[stage.id].score for s in samples]
            median = statistics.median_low(scores)
            chosen = next(s.stages[stage.id] for s in samples if s.stages[stage.id].score == median)
            spread[stage.id] = max(scores) - min(scores)
            stage_grades.append(
                StageGrade(
                    id=stage.id,
                    name=stage.name,
                    score=median,
                    evidence=chosen.evidence,
                    critique=chosen.critique,
                    missing=chosen.missing,
                    label=labels.get(median, ""),
                )
            )
        details: dict[str, Any] = {"llm": ledger.summary()}
        if len(samples) > 1 or failures:
            details["samples"] = {
                "requested": self._sampling()[0],
                "used": len(samples),
                "temperature": temperature,
                "scores": {st.id: [s.stages[st.id].score for s in samples] for st in rubric.stages},
                "spread": spread,
                "failed": [f"{f.reason}: {f.detail}" for f in failures],
            }
            unstable = [sid for sid, width in spread.items() if width >= SPREAD_FLAG_AT]
            if unstable:
                flags.append("unstable_grade")
                notes.append(f"samples disagree by {SPREAD_FLAG_AT}+ points on: {', '.join(unstable)}")
        if screened.injection_found:
            flags.append("injection")
            notes.append(
                f"injection: {len(screened.injection_spans)} passage(s) addressed to the grader were removed before grading"
            )
        if any(s.verdict.injection_detected for s in samples):
            if "injection" not in flags:
                flags.append("injection")
            notes.append("injection: the model reported text addressed to the grader; it was ignored for scoring")
        self._check_arithmetic(request, screened, stage_grades, flags, notes)
        usage = self._usage(ledger, details)
        if self._cache_note:
            details["cache"] = {"error": self._cache_note}
        summary = samples[0].verdict.summary.strip()[:MAX_SUMMARY_CHARS]
        return GradeDocument(
            framework=request.framework,  # type: ignore[arg-type]
            rubric_version=rubric.rubric_version,
            grader=self.name,
            question_id=request.question.id,
            question_text=request.question.text,
            overall=overall_score([g.score for g in stage_grades], [s.weight for s in rubric.stages]),
            stages=stage_grades,
            flags=list(dict.fromkeys(flags)),
            summary=summary,
            prompt_version=self.prompts.version,
            model=self.settings.hedgehog_model,
            usage=usage,
            notes=list(dict.fromkeys(notes)),
            details=details,
        )

    @staticmethod
    def _check_arithmetic(
        request: GradeRequest, screened: ScreenedText, stage_grades: list[StageGrade], flags: list[str], notes: list[str]
    ) -> None:
        """The contract's cap is enforced in code, not left to the model: a calculation in the answer
        whose stated result does not follow caps capacity_needs at 2 (the deterministic checker)."""
        wrong = [
            c
            for c in check_arithmetic(request.answer, find_quantities(request.answer))
            if not c.consistent and not any(a <= c.start < b for a, b in screened.injection_spans)
        ]
        if not wrong:
            return
        flags.append("arithmetic_error")
        notes.extend(f"Arithmetic: {c.describe()}." for c in wrong)
        labels = {a.score: a.label for a in request.rubric.anchors}
        named = "Check the arithmetic: " + "; ".join(c.describe() for c in wrong) + "."
        for i, grade in enumerate(stage_grades):
            if grade.id == "capacity_needs" and grade.score > 2:
                stage_grades[i] = grade.model_copy(
                    update={"score": 2, "label": labels[2], "critique": f"{grade.critique} {named}".strip()}
                )

    def _usage(self, ledger: _Ledger, details: dict[str, Any]) -> Usage:
        model = self.settings.hedgehog_model
        usage, priced = priced_usage(model, ledger.tokens.prompt, ledger.tokens.cached, ledger.tokens.completion)
        if not priced:
            details["cost"] = f"no price listed for {model!r} in prompts/pricing.yaml; estimated at 0"
        return usage

    def _fallback(
        self, request: GradeRequest, reason: str, detail: str, ledger: _Ledger, raw: str | None = None
    ) -> GradeDocument:
        """The deterministic grade, saying that and why the model's grade could not be used."""
        document = get_grader("deterministic", self.settings).grade(request)
        details = {
            **document.details,
            "llm_fallback": {"reason": reason, "detail": detail, "model": self.settings.hedgehog_model},
            "llm": ledger.summary(),
        }
        usage = self._usage(ledger, details) if ledger.requests else document.usage
        level = logging.INFO if reason == "not_configured" else logging.WARNING
        log.log(level, "LLM grade fell back to the deterministic grader: %s: %s", reason, detail)
        return document.model_copy(
            update={
                "flags": list(dict.fromkeys([*document.flags, "llm_fallback", f"llm_{reason}"])),
                "notes": [*document.notes, f"llm_fallback: {reason}: {detail}"],
                "raw_reply": raw if raw is not None else document.raw_reply,
                "usage": usage,
                "details": details,
            }
        )

    # -- cache ------------------------------------------------------------------------------

    def cache_key(self, request: GradeRequest) -> str:
        samples, temperature = self._sampling()
        question = request.question
        return cache_key(
            model=self.settings.hedgehog_model,
            rubric_version=request.rubric.rubric_version,
            prompt_version=self.prompts.version,
            prompt_hash=self.prompts.content_hash,
            lexicon_version=load_lexicon().version,
            samples=samples,
            temperature=temperature,
            seed=self.settings.llm_seed,
            max_output_tokens=self.settings.llm_max_output_tokens,
            framework=request.framework,
            question_id=question.id,
            question_text=question.text,
            hints=question.hints,
            answer=request.answer,
        )

    def _cache_get(self, key: str) -> GradeDocument | None:
        if self.cache is None:
            return None
        try:
            entry = self.cache.get(key)
        except CacheUnavailableError as e:
            log.warning("LLM cache read skipped: %s", e)
            return None
        if entry is None:
            return None
        document = GradeDocument.model_validate_json(entry.document_json)
        details = {**document.details, "cache": {"hit": True, "key": key, "original_usage": json.loads(entry.usage_json)}}
        # This grade cost nothing: the spend is recorded as the original grade's, in details.
        return document.model_copy(update={"usage": Usage(), "details": details})

    def _cache_set(self, key: str, document: GradeDocument) -> None:
        if self.cache is None:
            return
        entry = CacheEntry(
            key=key,
            model=document.model or self.settings.hedgehog_model,
            rubric_version=document.rubric_version,
            prompt_version=document.prompt_version or self.prompts.version,
            document_json=document.model_dump_json(),
            usage_json=(document.usage or Usage()).model_dump_json(),
        )
        try:
            self.cache.set(entry)
        except CacheUnavailableError as e:
            log.warning("LLM cache write skipped: %s", e)


async def agrade_many(
    requests: Sequence[GradeRequest],
    settings: Settings | None = None,
    *,
    cache: CacheBackend | None = None,
    client: openai.AsyncOpenAI | None = None,
) -> list[GradeDocument]:
    """Grade many answers with at most `settings.llm_concurrency` in flight; results in input order."""
    settings = settings or get_settings()
    grader = LLMGrader(settings, cache=cache)
    async_client = client or make_async_client(settings)
    gate = asyncio.Semaphore(max(1, settings.llm_concurrency))

    async def one(item: GradeRequest) -> GradeDocument:
        async with gate:
            return await grader.agrade(item, async_client, client_given=client is not None)

    try:
        return list(await asyncio.gather(*(one(item) for item in requests)))
    finally:
        if client is None:
            await async_client.close()


def grade_many(
    requests: Sequence[GradeRequest],
    settings: Settings | None = None,
    *,
    cache: CacheBackend | None = None,
) -> list[GradeDocument]:
    """Blocking wrapper of `agrade_many` (call it from code that has no running event loop)."""
    return asyncio.run(agrade_many(requests, settings, cache=cache))
