"""Who may take part in a round, verified how: the verification methods' registry, the census
register (hashed), and the one question voting asks (may this person cast now, under which key)."""
