"""Paper ballots entered after the close: double entry in batches, reconciliation, completion."""
