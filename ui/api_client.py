"""A small HTTP client for the Hedgehog API. The UI never imports the database or the grader:
everything goes through here, and every failure becomes an `ApiError` with a readable message."""

from __future__ import annotations

import os
from typing import Any

import httpx

DEFAULT_API_URL = "http://127.0.0.1:8000"
# Grading with an LLM can take a while (the service retries, then falls back); everything else is quick.
READ_TIMEOUT_SECONDS = 10.0
GRADE_TIMEOUT_SECONDS = 240.0


class ApiError(Exception):
    """A failed API call, with a message fit to show a person (`st.error(str(err))`).

    `kind` says what went wrong: "unauthorized", "forbidden", "not_found", "invalid", "rate_limited",
    "unavailable", "timeout", "unreachable", "server", "bad_response" or "http".
    """

    def __init__(self, message: str, *, kind: str, status: int | None = None, detail: Any = None):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.status = status
        self.detail = detail

    def __str__(self) -> str:
        return self.message


def api_url_from_environment() -> str:
    return (os.environ.get("HEDGEHOG_API_URL") or DEFAULT_API_URL).rstrip("/")


def _field_name(loc: Any) -> str:
    # FastAPI locations look like ["body", "answer"]; the first part says where, not what.
    parts = [str(p) for p in (loc or []) if p not in ("body", "query", "path", "form")]
    return ".".join(parts)


def describe_detail(body: Any) -> str:
    """Turn an API error body (FastAPI `detail` string or list, or {"error": {...}}) into one line."""
    if isinstance(body, dict):
        for key in ("detail", "error", "message"):
            if key in body:
                return describe_detail(body[key])
        return ""
    if isinstance(body, list):
        parts = []
        for item in body:
            if isinstance(item, dict) and "msg" in item:
                field = _field_name(item.get("loc"))
                parts.append(f"{field}: {item['msg']}" if field else str(item["msg"]))
            else:
                parts.append(describe_detail(item))
        return "; ".join(p for p in parts if p)
    return "" if body is None else str(body)


def error_from_response(response: httpx.Response) -> ApiError:
    status = response.status_code
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text.strip()[:300]
    detail = describe_detail(body)
    suffix = f": {detail}" if detail else "."
    if status == 401:
        return ApiError(
            f"Not signed in, or the session has expired{suffix} Please sign in again.",
            kind="unauthorized", status=status, detail=body,
        )
    if status == 403:
        return ApiError(f"You do not have access to this{suffix}", kind="forbidden", status=status, detail=body)
    if status == 404:
        return ApiError(f"Not found{suffix}", kind="not_found", status=status, detail=body)
    if status in (400, 409, 413, 422):
        return ApiError(f"The request was refused{suffix}", kind="invalid", status=status, detail=body)
    if status == 429:
        wait = response.headers.get("Retry-After")
        hint = f" Try again in {wait} seconds." if wait else " Wait a moment and try again."
        return ApiError(f"Too many requests{suffix}{hint}", kind="rate_limited", status=status, detail=body)
    if status == 503:
        return ApiError(
            f"The service is temporarily unavailable{suffix} Try again shortly.",
            kind="unavailable", status=status, detail=body,
        )
    if status >= 500:
        return ApiError(f"The API failed (HTTP {status}){suffix}", kind="server", status=status, detail=body)
    return ApiError(f"Unexpected answer from the API (HTTP {status}){suffix}", kind="http", status=status, detail=body)


class HedgehogClient:
    """One method per endpoint the UI uses. `token` is the bearer token from `sign_in`."""

    def __init__(self, base_url: str | None = None, token: str | None = None, *, transport: httpx.BaseTransport | None = None):
        self.base_url = (base_url or api_url_from_environment()).rstrip("/")
        self.token = token
        self._transport = transport

    # -- plumbing -------------------------------------------------------------------------------

    def _request(self, method: str, path: str, *, timeout: float = READ_TIMEOUT_SECONDS, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            with httpx.Client(base_url=self.base_url, timeout=timeout, transport=self._transport) as http:
                response = http.request(method, path, headers=headers, **kwargs)
        except httpx.TimeoutException as e:
            raise ApiError(
                f"The API at {self.base_url} did not answer within {timeout:.0f} seconds. Try again.",
                kind="timeout",
            ) from e
        except httpx.TransportError as e:
            raise ApiError(
                f"Cannot reach the Hedgehog API at {self.base_url}. Is it running? ({type(e).__name__})",
                kind="unreachable",
            ) from e
        if response.is_error:
            raise error_from_response(response)
        return response

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError as e:
            raise ApiError(f"The API sent something that is not JSON for {path}.", kind="bad_response") from e

    # -- accounts -------------------------------------------------------------------------------

    def sign_in(self, username: str, password: str) -> str:
        """POST /v1/auth/token; keeps and returns the access token."""
        body = self._json("POST", "/v1/auth/token", data={"username": username, "password": password})
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise ApiError("The API did not return an access token.", kind="bad_response")
        self.token = token
        return token

    def me(self) -> dict[str, Any]:
        return self._json("GET", "/v1/me")

    def set_target_role(self, target_role: str) -> dict[str, Any]:
        """PATCH /v1/me: a learner's target role (product_manager or data_engineer) orders readiness."""
        return self._json("PATCH", "/v1/me", json={"target_role": target_role})

    def health(self) -> dict[str, Any]:
        return self._json("GET", "/healthz")

    # -- questions, rubrics, router -------------------------------------------------------------

    def questions(self) -> list[dict[str, Any]]:
        return self._json("GET", "/v1/questions")

    def rubrics(self) -> list[dict[str, Any]]:
        return self._json("GET", "/v1/rubrics")

    def rubric(self, framework: str) -> dict[str, Any]:
        return self._json("GET", f"/v1/rubrics/{framework}")

    def classify(self, question_text: str) -> dict[str, Any]:
        return self._json("POST", "/v1/classify", json={"question": question_text})

    # -- grading and submissions ----------------------------------------------------------------

    @staticmethod
    def _grade_body(answer: str, question_id: str | None, question_text: str | None,
                    framework: str | None, grader: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {"answer": answer}
        if question_id:
            body["question_id"] = question_id
        else:
            body["question_text"] = question_text
        if framework:
            body["framework"] = framework
        if grader:
            body["grader"] = grader
        return body

    def grade(self, answer: str, *, question_id: str | None = None, question_text: str | None = None,
              framework: str | None = None, grader: str | None = None) -> dict[str, Any]:
        body = self._grade_body(answer, question_id, question_text, framework, grader)
        return self._json("POST", "/v1/grade", json=body, timeout=GRADE_TIMEOUT_SECONDS)

    def submit(self, answer: str, *, question_id: str | None = None, question_text: str | None = None,
               framework: str | None = None, grader: str | None = None) -> dict[str, Any]:
        body = self._grade_body(answer, question_id, question_text, framework, grader)
        return self._json("POST", "/v1/submissions", json=body, timeout=GRADE_TIMEOUT_SECONDS)

    def submission(self, submission_id: Any) -> dict[str, Any]:
        return self._json("GET", f"/v1/submissions/{submission_id}")

    def submissions_page(self, learner_id: Any, *, cursor: str | None = None, question_id: str | None = None,
                         framework: str | None = None, limit: int | None = None) -> dict[str, Any]:
        params = {k: v for k, v in {"cursor": cursor, "question_id": question_id,
                                    "framework": framework, "limit": limit}.items() if v is not None}
        return self._json("GET", f"/v1/learners/{learner_id}/submissions", params=params)

    def all_submissions(self, learner_id: Any, *, max_pages: int = 10, page_size: int = 100,
                        **filters: Any) -> list[dict[str, Any]]:
        """A learner's submissions (newest first), following the cursor a bounded number of times."""
        items: list[dict[str, Any]] = []
        cursor = None
        for _ in range(max_pages):
            page = self.submissions_page(learner_id, cursor=cursor, limit=page_size, **filters)
            items.extend(page.get("items", []))
            cursor = page.get("next_cursor")
            if not cursor:
                break
        return items

    def progress(self, learner_id: Any, *, compare: tuple[Any, Any] | None = None) -> dict[str, Any]:
        """Per-stage first/best/latest and trend, weakest stage, attempts per question, readiness;
        with `compare` (two submission ids at the same question) also their side-by-side comparison."""
        params = {"compare": f"{compare[0]},{compare[1]}"} if compare else {}
        return self._json("GET", f"/v1/learners/{learner_id}/progress", params=params)

    # -- coach ----------------------------------------------------------------------------------

    def coach_learners(self) -> list[dict[str, Any]]:
        body = self._json("GET", "/v1/coach/learners")
        return body.get("learners", []) if isinstance(body, dict) else body

    def review(self, submission_id: Any, *, comment: str, overrides: list[dict[str, Any]]) -> dict[str, Any]:
        return self._json("POST", f"/v1/submissions/{submission_id}/reviews",
                          json={"comment": comment, "overrides": overrides})

    def export_csv(self, learner_id: Any) -> bytes:
        return self._request("GET", f"/v1/learners/{learner_id}/export.csv").content

    def cohort_export_csv(self) -> bytes:
        return self._request("GET", "/v1/coach/export.csv").content
