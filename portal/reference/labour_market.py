"""Labour-market reference data the rules need, looked up "as of" a date (plain Python).

CONTRACT (shared by portal/rules and the loaders; keep these names and shapes):

    data = LabourMarketData.packaged()          # the copies shipped in portal/reference/data/
    data.noc("63200") -> NocUnitGroup | None
    data.search_noc("cook", limit=20) -> list[NocUnitGroup]    # by code prefix or title words
    data.wage_threshold("ON", date) -> WageThreshold | None    # None: no row covers the date
    data.prevailing_wage("63200", "ER3530", "ON") -> PrevailingWage | None
        # Job Bank median, economic region, else province, else Canada; hourly rows as is,
        # annual rows (Annual_Wage_Flag = 1) divided by 2080; None when nothing is published.
    data.cma_refusal("Toronto", date) -> CmaRefusal
        # status "refused" (listed for a period containing date), "not_listed" (a loaded
        # period contains date and the CMA is not on it), "unknown" (no loaded period has date)
    data.economic_regions(province=None) -> list[EconomicRegion]
    data.sources -> list[ReferenceSource]          # what is loaded, from where, as of when
    data.version -> str                            # short id of the loaded data, for "ruleset"

Names (CMA, region) compare after Unicode normalisation ignoring case, accents, surrounding
whitespace and punctuation (see portal.rules conventions).
"""
