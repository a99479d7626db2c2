"""What the route walk and the tenancy test cannot derive for core (see tests/declared.py)."""

ROUTE_MODEL = {
    "core:approval_detail": "core.ApprovalRequest",
    "core:approval_sign": "core.ApprovalRequest",
    "core:attachment_download": "core.Attachment",
    "core:attachment_upload": "maintenance.WorkOrder",  # any school-owned object takes attachments
    "core:person_import_job": "core.ImportJob",
}

COVERED_ELSEWHERE = {
    "core.approvalrequest": "test_approvals.test_other_schools_approval_is_404 (+ API contract)",
    "core.signoff": "test_approvals: signed only through its approval; append-only",
    "core.importjob": "made by an import's upload: test_importer.TestTheJobPage (other school's 404) + route walk",
    "core.exportjob": "made by a long export: test_exports.test_only_its_owner_opens_an_export (the owner only; "
                      "same school's others, other school and officer 404) + route walk",
    "core.attachment": "test_attachments.test_download_is_an_attachment_of_the_own_school_only",
    "core.notification": "test_notifications.test_notifications_are_private (per recipient)",
    "core.membership": "test_members (list scoped, grant/revoke per role, other school's 404)",
}

NOT_SCHOOL_OBJECTS = {
    "core:lookup": "its argument is a kind of row (rooms, people), not an object; its rows are the "
                   "active school's only (tests/core/test_lookup.py, another school's never offered)",
    "core:token_revoke": "a user's own API token, not a school's: another user's is 404 "
                         "(tests/security/test_auth_holes.py test_hole3_tokens_are_listed_and_revoked_on_the_own_page)",
}
