"""What the tenancy test cannot derive for the test-only example app (see tests/declared.py)."""

COVERED_ELSEWHERE = {
    "exampleapp.voucher": "test-only model",
    "exampleapp.cashentry": "test-only model",
}
