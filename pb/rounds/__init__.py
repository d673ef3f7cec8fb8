"""Rounds: configuration, phases, the frozen configuration."""
