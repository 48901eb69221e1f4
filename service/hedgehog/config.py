"""All runtime settings in one place, read from the environment (and a `.env` file)."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "dev", "development"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Service
    hedgehog_env: str = Field("production", description="'development' allows a placeholder secret.")
    database_url: str = "sqlite:///./hedgehog.db"
    hedgehog_secret_key: str = ""
    access_token_minutes: int = 60 * 12
    redis_url: str | None = None
    max_body_bytes: int = 1_000_000
    grade_rate_per_minute: int = 120
    rate_limit_window_seconds: float = Field(60.0, description="Window of grade_rate_per_minute (grade_rate_per_minute=0 disables the limit).")
    rate_limit_key_prefix: str = Field("hedgehog:ratelimit", description="Redis key prefix of the shared rate-limit counters.")
    hedgehog_api_url: str = "http://127.0.0.1:8000"
    # Per worker process. A request holds a database connection only inside one thread call, so
    # the pool may be smaller than the threadpool; waits beyond the timeout answer 503.
    worker_threads: int = Field(16, ge=1, description="Threads that run the API's blocking work (grading, database), per worker; raise it when slow LLM calls dominate.")
    db_pool_size: int = Field(5, ge=1, description="Database connections kept open per worker.")
    db_max_overflow: int = Field(10, ge=0, description="Extra connections a worker opens under load.")
    db_pool_timeout_seconds: float = Field(30.0, gt=0, description="Wait for a free connection before answering 503.")

    # LLM grader (any OpenAI-compatible endpoint)
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    hedgehog_model: str = "gpt-4o-mini-2024-07-18"
    llm_timeout_seconds: float = 60.0
    llm_max_retries: int = 3
    llm_concurrency: int = 8
    llm_samples: int = 1
    llm_seed: int = 7
    # Retries are ours (the openai client's backoff constants are fixed): exponential from
    # llm_backoff_seconds, capped, unless the server's Retry-After says otherwise.
    llm_backoff_seconds: float = 0.5
    llm_backoff_max_seconds: float = 8.0
    llm_retry_after_max_seconds: float = 60.0
    llm_max_output_tokens: int = 2000
    llm_sample_temperature: float = Field(0.7, description="Used only when llm_samples > 1; one sample runs at 0.")
    llm_cache: str = Field("database", description="Where LLM grades are cached: database, redis, memory or off.")
    llm_cache_key_prefix: str = Field("hedgehog:llm-cache", description="Redis key prefix of the LLM cache (llm_cache=redis).")
    llm_cache_ttl_seconds: int = Field(30 * 24 * 3600, description="Expiry of a Redis LLM cache entry.")

    @property
    def db_pool_options(self) -> dict:
        return {"pool_size": self.db_pool_size, "max_overflow": self.db_max_overflow,
                "pool_timeout": self.db_pool_timeout_seconds}

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_api_key or self.openai_base_url)

    @property
    def is_development(self) -> bool:
        return self.hedgehog_env.lower() in {"development", "dev", "test"}


@lru_cache
def get_settings() -> Settings:
    return Settings()
