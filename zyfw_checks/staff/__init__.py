"""Tools for civil-affairs staff: organisation identification, the spot-check plan, the risk table,
batch (out-of-core) checks, the 10月底 province report and the forms they print."""
