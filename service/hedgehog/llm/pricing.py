"""Estimated cost of a grade from its token usage and the price table `prompts/pricing.yaml`."""

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from hedgehog.grading.document import Usage
from hedgehog.grading.rubric import parse_model
from hedgehog.paths import prompts_dir


class ModelPrice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(ge=0)
    cached_input: float = Field(ge=0)
    output: float = Field(ge=0)


class PriceTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    currency: str
    per_million_tokens: dict[str, ModelPrice]

    def price_for(self, model: str) -> ModelPrice | None:
        """The longest listed name that prefixes `model` (dated snapshots share their family's price)."""
        matches = [name for name in self.per_million_tokens if model.startswith(name)]
        return self.per_million_tokens[max(matches, key=len)] if matches else None


@cache
def load_price_table(path: Path | None = None) -> PriceTable:
    return parse_model(PriceTable, path or prompts_dir() / "pricing.yaml")


def estimate_cost(model: str, prompt_tokens: int, cached_tokens: int, completion_tokens: int) -> float | None:
    """USD, or None when the model has no listed price."""
    price = load_price_table().price_for(model)
    if price is None:
        return None
    uncached = max(prompt_tokens - cached_tokens, 0)
    total = uncached * price.input + cached_tokens * price.cached_input + completion_tokens * price.output
    return round(total / 1_000_000, 6)


def priced_usage(model: str, prompt_tokens: int, cached_tokens: int, completion_tokens: int) -> tuple[Usage, bool]:
    """The Usage record and whether a price was found for the model."""
    cost = estimate_cost(model, prompt_tokens, cached_tokens, completion_tokens)
    usage = Usage(
        prompt_tokens=prompt_tokens,
        cached_tokens=cached_tokens,
        completion_tokens=completion_tokens,
        estimated_cost_usd=cost or 0.0,
    )
    return usage, cost is not None
