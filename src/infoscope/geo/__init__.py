"""Places: a gazetteer of countries and cities built from packaged GeoNames data (offline)."""
