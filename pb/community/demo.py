"""The demo's ward registers (approved entries, one suggestion waiting) and ward focus."""

from __future__ import annotations

from pb.accounts.models import User
from pb.community import services
from pb.wards.models import Ward

ENTRIES = (
    # (name, what they do, services, contact, contact published)
    (
        "Friends of Northfield Park",
        "Monthly litter picks, bulb planting and a summer fun day in the park.",
        "Parks, street cleaning",
        "friends.northfield@example.org",
        True,
    ),
    (
        "Northfield Repair Café",
        "Volunteers fix bikes, lamps and clothes every second Saturday at the church hall.",
        "Waste and recycling",
        "07700 900123",
        False,
    ),
    (
        "Good Neighbours Northfield",
        "Lifts to appointments and weekly phone calls for older residents living alone.",
        "Adult social care, transport",
        "hello@goodneighbours.example.org",
        True,
    ),
)
WAITING = (
    "Northfield Youth Football",
    "Saturday football for 8 to 14 year olds, run by parents.",
    "Sport, youth services",
    "",
    False,
)
FOCUS = {
    "NTH": ["Parks and green spaces", "Adult social care", "Youth services"],
    "RIV": ["Youth services", "Streets and transport", "Culture"],
}


def populate(wards: list[Ward], councillor: User, officer: User, residents: list[User]) -> None:
    by_code = {ward.code: ward for ward in wards}
    northfield = by_code["NTH"]
    for index, values in enumerate((*ENTRIES, WAITING)):
        entry = services.suggest(residents[index], northfield, services.EntryDraft(*values))
        if values is not WAITING:
            services.decide(officer, entry.id, approve=True)
    for code, areas in FOCUS.items():
        services.set_focus(councillor, by_code[code], areas)
