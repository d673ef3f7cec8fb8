"""The verification methods a councillor chooses from, per round (a registry, like ballot formats).

A method says how a person is known to be a resident, with an assurance level. A round's level is
its weakest method's: a round mixing self-declared accounts with the census guarantees only what
self-declared accounts do. A round whose methods are all census-backed gives one participation key
per census entry, so one person casts one ballot whatever the number of accounts.

Adding a method (access codes: docs/eligibility.md): an entry here, and a branch in
`pb.eligibility.services.participant` that finds the person's key for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from flask_babel import lazy_gettext as _l


class Assurance(IntEnum):
    """How sure the council is that one participation key is one resident (higher: surer)."""

    SELF_DECLARED = 1  # a confirmed e-mail address and a ward the person chose
    CODE_BY_POST = 2  # a code posted to a census address (issue 11 item 3)
    CENSUS = 3  # details matched against the register the council uploaded
    IN_PERSON = 4  # seen by a poll clerk (issue 11 item 4)


ASSURANCE_LABELS = {
    Assurance.SELF_DECLARED: _l("Self-declared"),
    Assurance.CODE_BY_POST: _l("Code by post"),
    Assurance.CENSUS: _l("Census-verified"),
    Assurance.IN_PERSON: _l("In person"),
}


@dataclass(frozen=True)
class VerificationMethod:
    name: str  # the registry key, stored on the round and in its frozen configuration
    label: object  # a lazy string
    description: object
    assurance: Assurance
    census_backed: bool  # its participation key is a census entry's (one per person)
    key_prefix: str  # participation keys of this method start with it ("census:")
    # Census-backed when the round also uses the census: access codes are then bound to entries.
    bound_with_census: bool = False
    # The participation channels it records (None: any channel no other method claims). The
    # census and in person share the key prefix, so turnout by method tells them by channel.
    channels: tuple[str, ...] | None = None


METHODS: dict[str, VerificationMethod] = {
    method.name: method
    for method in (
        VerificationMethod(
            "email",
            _l("Confirmed e-mail address (self-declared ward)"),
            _l(
                "Anyone with a confirmed e-mail address who says they live in the ward. One"
                " person with several addresses can vote several times."
            ),
            Assurance.SELF_DECLARED,
            census_backed=False,
            key_prefix="user:",
        ),
        VerificationMethod(
            "census",
            _l("Census register"),
            _l(
                "Residents match their account to the register the council uploaded. One"
                " ballot per register entry, whatever the number of accounts."
            ),
            Assurance.CENSUS,
            census_backed=True,
            key_prefix="census:",
        ),
        VerificationMethod(
            "code",
            _l("Access code by post"),
            _l(
                "The council posts a letter with a one-time code; no account is needed. When the"
                " round also uses the census register, each code belongs to one register entry,"
                " so nobody votes both by code and online."
            ),
            Assurance.CODE_BY_POST,
            census_backed=False,
            key_prefix="code:",  # "census:…" instead when the code is bound to a register entry
            bound_with_census=True,
            channels=("code",),
        ),
        VerificationMethod(
            "in_person",
            _l("In person, at a polling station (poll clerk and census register)"),
            _l(
                "A poll clerk finds the person on the register and marks them; they vote at a"
                " kiosk or on paper. The same register entry as online: one ballot per person."
            ),
            Assurance.IN_PERSON,
            census_backed=True,
            key_prefix="census:",
            channels=("kiosk", "paper"),
        ),
    )
}
# Channels a polling station records participation under (pb/eligibility/stations.py).
STATION_CHANNELS = ("kiosk", "paper")
# Channels some method claims whatever the key (a code bound to a census entry takes part under
# the entry's key, but was used by post); the other methods count only the remaining channels.
CLAIMED_CHANNELS = frozenset(c for m in METHODS.values() for c in m.channels or ())
DEFAULT_METHODS = ("email",)


def get_method(name: str) -> VerificationMethod:
    return METHODS[name]


def known(names: list[str] | tuple[str, ...]) -> bool:
    return bool(names) and all(name in METHODS for name in names)


def round_assurance(names: list[str] | tuple[str, ...]) -> Assurance:
    """The weakest level among a round's methods (self-declared if none is known)."""
    levels = [METHODS[name].assurance for name in names if name in METHODS]
    return min(levels, default=Assurance.SELF_DECLARED)


def _backed(method: VerificationMethod, names: list[str] | tuple[str, ...]) -> bool:
    return method.census_backed or (method.bound_with_census and "census" in names)


def one_per_person(names: list[str] | tuple[str, ...]) -> bool:
    return known(names) and all(_backed(METHODS[name], names) for name in names)


def method_of_key(key: str, channel: str = "web") -> str:
    """The method a participation key was issued by ("census:…" -> "census"; marked at a
    polling station: "in_person")."""
    for method in METHODS.values():
        if method.channels is not None and channel in method.channels:
            return method.name
    for method in METHODS.values():
        if key.startswith(method.key_prefix) and counts_channel(method, channel):
            return method.name
    return "other"


def counts_channel(method: VerificationMethod, channel: str) -> bool:
    """Whether a participation recorded on `channel` belongs to this method."""
    if method.channels is not None:
        return channel in method.channels
    return channel not in CLAIMED_CHANNELS


@dataclass(frozen=True)
class RoundVerification:
    """What a round's pages say about how its residents were verified."""

    methods: tuple[VerificationMethod, ...]
    assurance: Assurance

    @property
    def assurance_label(self) -> object:
        return ASSURANCE_LABELS[self.assurance]

    @property
    def self_declared(self) -> bool:
        return self.assurance is Assurance.SELF_DECLARED

    @property
    def one_per_person(self) -> bool:
        names = [method.name for method in self.methods]
        return all(_backed(method, names) for method in self.methods)


def describe(names: list[str] | tuple[str, ...]) -> RoundVerification:
    known_names = [name for name in names if name in METHODS] or list(DEFAULT_METHODS)
    return RoundVerification(
        methods=tuple(METHODS[name] for name in sorted(known_names)),
        assurance=round_assurance(known_names),
    )
