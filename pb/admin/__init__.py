"""The administrator's area."""
