"""The ledger as a whole: full-fidelity export and import."""
