"""Accounts: citizens and staff, roles, sign-in."""
