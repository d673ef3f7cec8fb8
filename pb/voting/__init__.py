"""Ballot formats, eligibility, casting and replacing ballots."""
