"""Helpers of the documentation site and its tests (not public API).

- `figures`: is a rendered figure a grid of blank samples?
- `cell_tags`: tags that hide smoke-mode plumbing in the chapter pages.
"""
