"""Helpers for the tests and the benchmark; neither the app nor its image imports them."""
