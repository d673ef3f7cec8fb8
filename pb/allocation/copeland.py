"""The pairwise rule: Copeland scores from head-to-head comparisons, then greedy.

1. Every two projects meet head to head: the one more voters preferred when they were shown
   together wins; equal numbers (including pairs nobody compared) are a draw
   (`pb.allocation.pairwise`).
2. Each project scores 2 points per win and 1 per draw (its Copeland score, doubled).
3. Projects are funded from the highest score down; one that no longer fits in the budget left
   is skipped and counting goes on with the next (as `greedy` does).

Ties: projects with the same Copeland score are taken in the election's tie-break order (for
`most-votes`, "votes" are the voters who preferred the project at least once). Nothing is
random and all arithmetic is on integers, so a recount always gives the same outcome.

The outcome's `details["pairwise"]` holds every project's record: wins, draws, losses, times
preferred, times compared, and its score, so the result can be explained in plain words.
"""

from __future__ import annotations

from pb.allocation import pairwise
from pb.allocation.election import Election
from pb.allocation.greedy import greedy_with
from pb.allocation.outcome import Outcome

RULE = "pairwise-copeland"


def pairwise_copeland(election: Election) -> Outcome:
    """Fund projects by Copeland score from pairwise ballots, greedily within the budget.

    Ties in score go to the project earlier in the election's tie-break order.
    """
    details = {
        "scoring": "copeland: 2 points per head-to-head win, 1 per draw",
        "pairwise": pairwise.records_json(election.pairwise_records),
    }
    return greedy_with(election, RULE, details)
