"""Helpers for the generated-client behaviour tests: a spec-checking HTTP server and package generation."""
