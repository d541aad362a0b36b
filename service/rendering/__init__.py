"""The docx engine: sandboxed Jinja environment, filters, context and templates.

Nothing in this package imports Flask: it is usable from the CLI, the worker
pool and the benchmarks alike.
"""
