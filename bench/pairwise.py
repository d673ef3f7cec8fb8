"""Benchmark: the pairwise-copeland rule on synthetic pairwise elections.

    .venv/bin/python bench/pairwise.py [--voters N ...] [--projects P] [--pairs K] [--repeat R]

pabulib has no pairwise files, so the elections are synthetic: P projects with random costs and
a budget of a fifth of their total; each voter answers K disjoint random pairs, preferring a
project with a chance proportional to a hidden popularity (Bradley-Terry voters), from a fixed
seed. It times building the ballots (`PairwiseBallot` validates each one) and `allocate` apart,
as `timeit` does: garbage collector off, one warm-up run, the fastest of R runs, each
`allocate` on a fresh `Profile` (so nothing a run caches is reused by the next).
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pb.allocation import Instance, PairwiseBallot, Profile, Project, allocate


def election(voters: int, projects: int, pairs: int, seed: int = 2026) -> tuple[Instance, list]:
    rng = random.Random(seed)
    ids = [str(number) for number in range(1, projects + 1)]
    costs = {pid: rng.randint(10, 200) * 10_000 for pid in ids}
    popularity = {pid: rng.random() + 0.1 for pid in ids}
    instance = Instance(sum(costs.values()) // 5, tuple(Project(p, costs[p]) for p in ids))
    answers = []
    for _ in range(voters):
        order = ids[:]
        rng.shuffle(order)
        shown = zip(order[0 : 2 * pairs : 2], order[1 : 2 * pairs : 2], strict=True)
        answers.append(
            tuple(
                (a, b) if rng.random() * (popularity[a] + popularity[b]) < popularity[a] else (b, a)
                for a, b in shown
            )
        )
    return instance, answers


def fastest(run, repeat: int) -> float:  # type: ignore[no-untyped-def]
    run()
    best = float("inf")
    for _ in range(repeat):
        gc.disable()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
        gc.enable()
    return best


def measure(instance: Instance, answers: list, repeat: int) -> tuple[float, float, int]:
    """(seconds to build the ballots, seconds to count them, projects funded)."""
    build = fastest(lambda: [PairwiseBallot(a) for a in answers], repeat)
    ballots = [PairwiseBallot(a) for a in answers]

    def count() -> int:  # a fresh profile each run: nothing cached is reused
        profile = Profile("pairwise", ballots)
        return len(allocate(instance, profile, "pairwise-copeland").selected)

    return build, fastest(count, repeat), count()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--projects", type=int, default=30)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print("voters | projects | pairs | build ballots (s) | allocate (s) | funded")
    for voters in args.voters:
        instance, answers = election(voters, args.projects, args.pairs)
        build, seconds, funded = measure(instance, answers, args.repeat)
        print(f"{voters} | {args.projects} | {args.pairs} | {build:.3f} | {seconds:.3f} | {funded}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
