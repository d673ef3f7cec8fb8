"""CSV downloads for the people who write the council's report (issue 17, item 5)."""
