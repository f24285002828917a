"""The ledger's disclosure control as merged for issue 12 (commit 93d2faa): greedy audit-and-repair with a 12 s
budget. Kept verbatim (imports aside) as the baseline of bench/disclosure.py; nothing in the services uses it."""
