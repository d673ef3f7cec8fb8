"""Map it and Focus it: the ward register of existing co-production, and the ward focus; and
Market it: posters for rounds and funded projects."""
