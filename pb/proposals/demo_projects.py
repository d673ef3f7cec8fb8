"""The demo's project ideas: (title, estimated cost in pence, category, description) per ward,
and how likely a synthetic resident is to choose each one on their ballot."""

from __future__ import annotations

RIVERSIDE_PROJECTS = [
    (
        "Riverside Park outdoor gym",
        4_500_000,
        "Sport and play",
        "Eight pieces of weatherproof outdoor fitness equipment near the Mill Lane entrance, "
        "with an accessible surface and a noticeboard showing simple routines.",
    ),
    (
        "Safer crossing at Mill Lane School",
        6_800_000,
        "Streets and transport",
        "A raised zebra crossing with new lighting outside the primary school gates, where "
        "parents report near misses every week.",
    ),
    (
        "Community fridge at St Anne's Hall",
        1_200_000,
        "Community and social care",
        "A food-sharing fridge run by volunteers so that surplus food from local shops reaches "
        "households instead of the bin.",
    ),
    (
        "Wildflower verges on Canal Road",
        900_000,
        "Green spaces",
        "Replace mown grass verges with native wildflowers to bring back pollinators and cut "
        "mowing costs.",
    ),
    (
        "Repair cafe tool library",
        1_500_000,
        "Community and social care",
        "Tools, a workbench and insurance for a monthly repair cafe and a lending library of "
        "household tools.",
    ),
    (
        "New benches along the towpath",
        2_200_000,
        "Green spaces",
        "Twelve benches with armrests every 200 metres along the towpath, so older residents can "
        "walk further with places to rest.",
    ),
    (
        "Youth music studio",
        5_500_000,
        "Culture",
        "Convert the unused basement of the youth centre into a soundproofed music studio with "
        "free evening sessions.",
    ),
    (
        "LED lighting in Ash Grove alleyways",
        3_800_000,
        "Streets and transport",
        "Brighter, energy-efficient lighting in the three alleyways residents avoid after dark.",
    ),
    (
        "Covered bike racks at the health centre",
        1_600_000,
        "Streets and transport",
        "Secure, covered parking for 30 bikes and two cargo bikes outside the health centre.",
    ),
    (
        "Adventure playground refurbishment",
        9_000_000,
        "Sport and play",
        "Replace the worn-out climbing frame and add inclusive equipment that wheelchair users "
        "can enjoy.",
    ),
    (
        "Library Saturday homework club",
        1_800_000,
        "Education",
        "Two years of Saturday sessions with tutors and laptops for secondary school pupils.",
    ),
    (
        "Street trees for Victoria Road",
        4_200_000,
        "Green spaces",
        "Twenty-five street trees with tree pits and three years of watering and care.",
    ),
    (
        "Mural trail by local artists",
        2_600_000,
        "Culture",
        "Five murals on blank walls chosen with residents, with a printed walking-trail map.",
    ),
    (
        "Drinking water fountains",
        1_100_000,
        "Green spaces",
        "Three refill fountains in the park, at the market square and by the sports pitches.",
    ),
    (
        "Digital skills drop-in for older residents",
        1_400_000,
        "Education",
        "Weekly sessions at the community centre helping residents use online services safely.",
    ),
]
RIVERSIDE_POPULARITY = [
    0.42,
    0.55,
    0.31,
    0.38,
    0.18,
    0.33,
    0.21,
    0.36,
    0.15,
    0.47,
    0.24,
    0.40,
    0.17,
    0.29,
    0.2,
]

NORTHFIELD_PROJECTS = [
    (
        "Northfield skate park extension",
        7_500_000,
        "Sport and play",
        "Extend the skate park with a beginners' area and shaded seating for parents.",
    ),
    (
        "Community orchard at Elm Farm",
        1_800_000,
        "Green spaces",
        "Forty fruit trees on council land, planted and cared for by residents and schools.",
    ),
    (
        "Pedestrian crossing on Station Road",
        5_200_000,
        "Streets and transport",
        "A signal-controlled crossing between the station and the shopping parade.",
    ),
    (
        "Warm hub winter evenings",
        2_400_000,
        "Community and social care",
        "Heated space, hot drinks and activities at the library on winter evenings.",
    ),
    (
        "Open-air cinema summer season",
        1_500_000,
        "Culture",
        "Six free outdoor film nights in Northfield Park with captioned screenings.",
    ),
    (
        "Pond restoration in Meadow Park",
        3_600_000,
        "Green spaces",
        "Dredge and replant the silted-up pond and add a dipping platform for school visits.",
    ),
    (
        "Accessible toilets in Meadow Park",
        6_200_000,
        "Community and social care",
        "A fully accessible toilet with a changing place next to the playground.",
    ),
    (
        "Bus shelter seating",
        1_200_000,
        "Streets and transport",
        "Seats and timetables at the eight bus stops that have none.",
    ),
    (
        "Family learning garden",
        2_100_000,
        "Education",
        "Raised beds and a shed at the children's centre for family gardening sessions.",
    ),
    (
        "Football pitch drainage",
        4_800_000,
        "Sport and play",
        "Drain the two junior pitches that flood every winter so matches are not cancelled.",
    ),
    (
        "Local history audio guide",
        900_000,
        "Culture",
        "A free audio walk of Northfield's history recorded by residents of all ages.",
    ),
    (
        "Cycle path link to Riverside",
        8_800_000,
        "Streets and transport",
        "A protected cycle path joining Northfield to the Riverside towpath.",
    ),
]
NORTHFIELD_POPULARITY = [0.35, 0.42, 0.5, 0.3, 0.22, 0.37, 0.28, 0.33, 0.19, 0.31, 0.16, 0.26]

YOUTH_PROPOSALS = [
    (
        "Free swimming lessons in the summer holidays",
        1_900_000,
        "Sport and play",
        "Ten weeks of free lessons at the leisure centre for children who cannot swim yet.",
    ),
    (
        "Teen-designed shelter in Riverside Park",
        2_500_000,
        "Sport and play",
        "A covered hang-out space designed with young people, with phone charging and lighting.",
    ),
]
