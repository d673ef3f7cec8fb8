"""Wards and the postcode list."""
