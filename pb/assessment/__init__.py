"""Co-assessment: residents judge what was delivered (ratings, resident inspections)."""
