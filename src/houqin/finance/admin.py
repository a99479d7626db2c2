"""Django admin, for the superuser: nothing of finance is edited there — the budget, the journal
and the closes are written through the services (the journal refuses any change anyway)."""
