"""Tallying through pb.allocation, storing and publishing results."""
