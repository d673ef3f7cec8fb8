"""Proposals and their review by officers."""
