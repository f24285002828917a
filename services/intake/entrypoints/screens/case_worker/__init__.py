"""The case worker's screens (issue 16): candidates, their offers, and the organisation's notifications."""

#: The person role these screens are made for (the next issue adds the other roles' screens).
CASE_WORKER = "case_worker"
