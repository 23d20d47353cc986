"""Ledger events: importing tabular event data and naming their forms."""
