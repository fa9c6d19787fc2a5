"""openapi-pygen: an OpenAPI document → a typed, formatted, deterministic Python client package."""
