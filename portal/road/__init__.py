"""After the LMIA, in plain Python: each worker's road to the first day of work, the checks on
it, the pay periods compared with the offer, and the dates the portal reminds people of."""
