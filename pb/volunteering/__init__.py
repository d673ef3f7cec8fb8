"""Residents' time on funded projects: skills, tasks, pledges, the time-credit ledger."""
