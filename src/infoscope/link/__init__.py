"""Cross-document work: near-copies and coordination, event resolution, corroboration, tally checks."""
