"""The LLM grader (issue 4): per-stage scoring over any OpenAI-compatible API.

Modules: `grader` (LLMGrader, grade_many, agrade_many), `transport` (requests and retries),
`schema` (the structured reply), `prompts` (templates in prompts/), `safety` (the answer as data),
`evidence` (quote checking), `cache` (CacheBackend, MemoryCache, SqlCache, LLMCacheEntry),
`pricing` (prompts/pricing.yaml). Import the module you need: this package's import is kept
free of openai so that `hedgehog.llm.cache` stays light.
"""
