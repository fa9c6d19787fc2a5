"""The commands built on the pipeline: `check` (drift), `watch` (regenerate on change), `diff` (breaking
changes between two specs)."""
