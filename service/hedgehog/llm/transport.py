"""One chat request to an OpenAI-compatible server, with our retry policy, for the sync and the
async client alike. Nothing here decides about grades: every reply or failure comes back as a
`ChatOutcome` for the grader's flow to judge.

Retries: 429, 408/409, 5xx, timeouts and connection errors are retried up to
`settings.llm_max_retries` times. The wait is the server's `Retry-After` (or `retry-after-ms`)
when given, else exponential backoff from `settings.llm_backoff_seconds`, capped at
`settings.llm_backoff_max_seconds`, with up to 25% jitter. A `Retry-After` longer than
`settings.llm_retry_after_max_seconds` is not waited for. The openai client's own retries are
switched off (max_retries=0) because its backoff constants cannot be configured.
"""

import asyncio
import email.utils
import math
import random
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import openai
import pydantic
from openai.types.chat import ChatCompletion

from hedgehog.config import Settings
from hedgehog.llm.schema import GradeVerdict, describe_validation_error, parse_verdict


@dataclass(frozen=True)
class ChatCall:
    messages: list[dict[str, str]]
    json_schema: bool  # True: structured outputs via parse(); False: JSON mode + our validation
    seed: int
    temperature: float


@dataclass
class TokenCount:
    prompt: int = 0
    cached: int = 0
    completion: int = 0

    def add(self, other: "TokenCount") -> None:
        self.prompt += other.prompt
        self.cached += other.cached
        self.completion += other.completion


@dataclass
class ChatOutcome:
    """What one request (after retries) produced."""

    verdict: GradeVerdict | None = None
    content: str | None = None  # the raw reply text, kept for repair and inspection
    problems: list[str] = field(default_factory=list)  # why the content is not a verdict
    failure: str | None = None  # timeout, connection, rate_limited, server_error, schema_unsupported,
    #                             bad_request, api_error, refusal, length, content_filter, invalid_reply
    detail: str = ""
    tokens: TokenCount = field(default_factory=TokenCount)
    attempts: int = 1
    request_id: str | None = None
    model: str | None = None
    server_message: str = ""  # the error message of a failed request, as the server wrote it


@dataclass(frozen=True)
class _Failure:
    reason: str
    detail: str
    retryable: bool
    retry_after: float | None = None
    server_message: str = ""


def make_client(settings: Settings) -> openai.OpenAI:
    """A blocking client shared by every grader with the same endpoint options (it is thread-safe
    and keeps its connection pool; graders are created per request)."""
    options = _client_options(settings)
    return _shared_client(options["api_key"], options["base_url"], options["timeout"])


@lru_cache(maxsize=8)
def _shared_client(api_key: str, base_url: str | None, timeout: float) -> openai.OpenAI:
    return openai.OpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0)


def make_async_client(settings: Settings) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(**_client_options(settings))


def _client_options(settings: Settings) -> dict[str, Any]:
    return {
        # Local servers (vLLM, Ollama, llama.cpp) accept any key; the client insists on one.
        "api_key": settings.openai_api_key or "no-key-needed",
        "base_url": settings.openai_base_url,
        "timeout": settings.llm_timeout_seconds,
        "max_retries": 0,
    }


def _request_kwargs(settings: Settings, call: ChatCall) -> dict[str, Any]:
    return {
        "model": settings.hedgehog_model,
        "messages": call.messages,
        "temperature": call.temperature,
        "seed": call.seed,
        "max_completion_tokens": settings.llm_max_output_tokens,
    }


def retry_after_seconds(headers: Any) -> float | None:
    """The server's requested wait (`retry-after-ms`, `Retry-After` in seconds or as an HTTP date)."""
    if headers is None:
        return None
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            return max(float(value) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _classify(error: openai.OpenAIError, call: ChatCall, settings: Settings) -> _Failure:
    if isinstance(error, openai.APITimeoutError):
        return _Failure("timeout", f"no reply within {settings.llm_timeout_seconds:g}s", True)
    if isinstance(error, openai.APIConnectionError):
        return _Failure("connection", f"cannot reach the model server: {error.__cause__ or error}", True)
    if isinstance(error, openai.APIStatusError):
        status = error.status_code
        wait = retry_after_seconds(error.response.headers)
        message = _error_message(error)
        if status == 429:
            if wait is not None and wait > settings.llm_retry_after_max_seconds:
                return _Failure("rate_limited", f"429, Retry-After {wait:g}s is too long to wait: {message}", False)
            return _Failure("rate_limited", f"429: {message}", True, wait)
        if status >= 500 or status in (408, 409):
            return _Failure("server_error", f"{status}: {message}", True, wait)
        if status in (400, 422) and call.json_schema:
            return _Failure("schema_unsupported", f"{status} on a json_schema request: {message}", False, None, message)
        if status in (400, 422):
            return _Failure("bad_request", f"{status}: {message}", False)
        return _Failure("api_error", f"{status}: {message}", False)
    if isinstance(error, openai.APIResponseValidationError):
        return _Failure("invalid_reply", f"the server's response is not a chat completion: {error}", False)
    return _Failure("api_error", f"{error.__class__.__name__}: {error}", False)


def _error_message(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:300]
        if isinstance(inner, str):
            return inner[:300]
    return str(error.message)[:300]


def _backoff(settings: Settings, attempt: int, retry_after: float | None) -> float:
    if retry_after is not None:
        return retry_after
    delay = min(settings.llm_backoff_seconds * (2 ** (attempt - 1)), settings.llm_backoff_max_seconds)
    return delay * (1 - 0.25 * random.random())


def _tokens(completion: ChatCompletion | None) -> TokenCount:
    usage = completion.usage if completion is not None else None
    if usage is None:
        return TokenCount()
    details = usage.prompt_tokens_details
    cached = (details.cached_tokens or 0) if details is not None else 0
    return TokenCount(usage.prompt_tokens or 0, cached, usage.completion_tokens or 0)


def _message_and_finish(completion: ChatCompletion) -> tuple[Any, str | None]:
    if not completion.choices:
        return None, None
    choice = completion.choices[0]
    return choice.message, choice.finish_reason


def _read_reply(raw: Any, call: ChatCall) -> ChatOutcome:
    """Turn the raw HTTP response into an outcome: parsed verdict, refusal, cut-off or bad content."""
    request_id = raw.headers.get("x-request-id")
    content_type = raw.headers.get("content-type", "")
    if "json" not in content_type:  # e.g. a proxy's HTML error page with status 200
        return ChatOutcome(failure="invalid_reply", detail=f"the server answered {content_type or 'without a content type'}, not JSON", request_id=request_id)
    if call.json_schema:
        try:
            completion = raw.parse()  # ParsedChatCompletion: message.parsed / message.refusal
        except openai.LengthFinishReasonError as e:
            return _cut_off(e.completion, "length", request_id)
        except openai.ContentFilterFinishReasonError as e:
            return _cut_off(e.completion, "content_filter", request_id)
        except pydantic.ValidationError as e:
            # The content does not fit the schema (or is not JSON): keep it for the repair request.
            completion = _unparsed(raw)
            message, _ = _message_and_finish(completion)
            return ChatOutcome(
                content=getattr(message, "content", None),
                problems=describe_validation_error(e),
                tokens=_tokens(completion),
                request_id=request_id,
                model=completion.model,
            )
    else:
        completion = raw.parse()
    if not isinstance(completion, ChatCompletion):
        return ChatOutcome(failure="invalid_reply", detail="the response is not a chat completion", request_id=request_id)
    message, finish_reason = _message_and_finish(completion)
    outcome = ChatOutcome(tokens=_tokens(completion), request_id=request_id, model=completion.model)
    if message is None:
        outcome.failure, outcome.detail = "invalid_reply", "the reply has no choices"
        return outcome
    outcome.content = message.content
    if message.refusal:
        outcome.failure, outcome.detail = "refusal", str(message.refusal)[:500]
        return outcome
    if finish_reason in ("length", "content_filter"):
        return _cut_off(completion, finish_reason, request_id)
    parsed = getattr(message, "parsed", None)
    if isinstance(parsed, GradeVerdict):
        outcome.verdict = parsed
    else:
        outcome.verdict, outcome.problems = parse_verdict(message.content)
    return outcome


def _unparsed(raw: Any) -> ChatCompletion:
    try:
        return ChatCompletion.model_validate(raw.http_response.json())
    except (ValueError, pydantic.ValidationError):
        return ChatCompletion.model_construct(id="", choices=[], created=0, model="", object="chat.completion")


def _cut_off(completion: ChatCompletion | None, reason: str, request_id: str | None) -> ChatOutcome:
    content = None
    if completion is not None and completion.choices:
        content = completion.choices[0].message.content
    detail = "the reply was cut off at the output token limit" if reason == "length" else "the content filter stopped the reply"
    return ChatOutcome(
        content=content,
        failure=reason,
        detail=detail,
        tokens=_tokens(completion),
        request_id=request_id,
        model=completion.model if completion is not None else None,
    )


def _give_up_or_wait(e: openai.OpenAIError, call: ChatCall, settings: Settings, attempt: int) -> "ChatOutcome | float":
    """After a failed attempt: the final outcome, or how many seconds to wait before the next try
    (shared by the sync and async request loops)."""
    failure = _classify(e, call, settings)
    if not failure.retryable or attempt > settings.llm_max_retries:
        return ChatOutcome(
            failure=failure.reason,
            detail=_after(failure.detail, attempt),
            attempts=attempt,
            server_message=failure.server_message,
        )
    return _backoff(settings, attempt, failure.retry_after)


def request(client: openai.OpenAI, settings: Settings, call: ChatCall, sleep=time.sleep) -> ChatOutcome:
    """One chat request with retries (blocking)."""
    attempt = 0
    while True:
        attempt += 1
        try:
            if call.json_schema:
                raw = client.chat.completions.with_raw_response.parse(
                    response_format=GradeVerdict, **_request_kwargs(settings, call)
                )
            else:
                raw = client.chat.completions.with_raw_response.create(
                    response_format={"type": "json_object"}, **_request_kwargs(settings, call)
                )
            outcome = _read_reply(raw, call)
        except ValueError as e:  # a 200 whose body is not JSON at all
            return ChatOutcome(failure="invalid_reply", detail=f"unreadable response: {e}"[:300], attempts=attempt)
        except openai.OpenAIError as e:
            verdict = _give_up_or_wait(e, call, settings, attempt)
            if isinstance(verdict, ChatOutcome):
                return verdict
            sleep(verdict)
            continue
        outcome.attempts = attempt
        return outcome


async def arequest(client: openai.AsyncOpenAI, settings: Settings, call: ChatCall) -> ChatOutcome:
    """One chat request with retries (async twin of `request`)."""
    attempt = 0
    while True:
        attempt += 1
        try:
            if call.json_schema:
                raw = await client.chat.completions.with_raw_response.parse(
                    response_format=GradeVerdict, **_request_kwargs(settings, call)
                )
            else:
                raw = await client.chat.completions.with_raw_response.create(
                    response_format={"type": "json_object"}, **_request_kwargs(settings, call)
                )
            outcome = _read_reply(raw, call)
        except ValueError as e:  # a 200 whose body is not JSON at all
            return ChatOutcome(failure="invalid_reply", detail=f"unreadable response: {e}"[:300], attempts=attempt)
        except openai.OpenAIError as e:
            verdict = _give_up_or_wait(e, call, settings, attempt)
            if isinstance(verdict, ChatOutcome):
                return verdict
            await asyncio.sleep(verdict)
            continue
        outcome.attempts = attempt
        return outcome


def _after(detail: str, attempts: int) -> str:
    return f"{detail} (after {attempts} attempt{'s' if attempts != 1 else ''})"
