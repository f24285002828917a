"""The screens of the other people at the table (issue 17): the corporation's allocation officer, the
municipality's policy officer, the region's transfer point, the ministry's analyst and the administrators.
Built as the case worker's screens are (screens/README.md): the same gateway, dispatcher and shell."""

ALLOCATION_OFFICER, POLICY_OFFICER, TRANSFER_OFFICER = "allocation_officer", "policy_officer", "transfer_officer"
ANALYST, ORG_ADMIN, SYSTEM_ADMIN = "analyst", "org_admin", "system_admin"
