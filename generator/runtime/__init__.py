"""Modules copied verbatim into every generated package."""
