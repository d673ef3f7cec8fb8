"""Delivery of funded projects: plans, milestones, status with reasons, progress, spend, updates."""
