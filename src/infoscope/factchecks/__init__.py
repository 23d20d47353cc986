"""Earlier fact-checks: importing them (ClaimReview, CSV, TSV) and matching claims to them."""
