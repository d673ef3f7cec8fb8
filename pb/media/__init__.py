"""Uploaded images: checked and re-encoded by Pillow, stored in the database, one route."""
