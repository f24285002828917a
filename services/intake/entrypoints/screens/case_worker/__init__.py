"""The case worker's screens (issue 16): candidates, their offers, and the organisation's notifications."""
