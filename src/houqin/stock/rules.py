"""Who may do what in the stock app, added to the one rules table in core."""

from houqin.core.choices import Role as R
from houqin.core.rules import EVERYONE, MANAGERS, RULES, rule

KEEPERS = MANAGERS | {R.KEEPER}

RULES.update({
    "stock.warehouse": rule(EVERYONE, add=KEEPERS, delete=MANAGERS),
    "stock.item": rule(EVERYONE, add=KEEPERS, delete=()),
    "stock.stockbalance": rule(KEEPERS | {R.ACCOUNTANT, R.CANTEEN, R.BUYER}, add=()),
    "stock.batch": rule(KEEPERS | {R.ACCOUNTANT, R.CANTEEN}, add=()),
    # The ledger is written only by services.
    "stock.movement": rule(KEEPERS | {R.ACCOUNTANT, R.CANTEEN}, add=()),
    # Anyone may ask for supplies; what he then sees is narrowed to his own requisitions.
    "stock.requisition": rule(EVERYONE, add=EVERYONE, change=EVERYONE, delete=()),
    "stock.stockcount": rule(KEEPERS | {R.ACCOUNTANT}, add=KEEPERS, change=KEEPERS, delete=()),
})
