"""What the tenancy test cannot derive for finance (see tests/declared.py): nothing — every
finance model has its pages and endpoints, and so its contracts."""
