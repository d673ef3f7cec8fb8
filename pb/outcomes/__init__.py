"""The outcomes report (issue 18, Grow it): what a round or a ward got for its money and time."""
