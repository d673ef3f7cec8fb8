"""The public side of the audit: transparency pages, the bulletin board, bundles, checkpoints."""
