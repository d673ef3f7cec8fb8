"""Following a funded project (or, later, a proposal): in-app notices and e-mail when asked for."""
