"""Reports and exports of the ledger."""
