"""Reference lists shipped with the portal, each with a ``*.SOURCE.md`` naming source and date."""

import csv
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent

# Provinces and territories, ISO 3166-2:CA codes.
PROVINCES = {
    "AB": "Alberta",
    "BC": "British Columbia",
    "MB": "Manitoba",
    "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador",
    "NS": "Nova Scotia",
    "NT": "Northwest Territories",
    "NU": "Nunavut",
    "ON": "Ontario",
    "PE": "Prince Edward Island",
    "QC": "Quebec",
    "SK": "Saskatchewan",
    "YT": "Yukon",
}

# The bodies that license lawyers (and Quebec notaries) in Canada.
LAW_SOCIETIES = [
    "Law Society of British Columbia",
    "Law Society of Alberta",
    "Law Society of Saskatchewan",
    "Law Society of Manitoba",
    "Law Society of Ontario",
    "Barreau du Québec",
    "Chambre des notaires du Québec",
    "Law Society of New Brunswick",
    "Nova Scotia Barristers' Society",
    "Law Society of Prince Edward Island",
    "Law Society of Newfoundland and Labrador",
    "Law Society of Yukon",
    "Law Society of the Northwest Territories",
    "Law Society of Nunavut",
]


@cache
def common_naics_codes() -> list[tuple[str, str]]:
    with (REFERENCE_DIR / "naics_common.csv").open(encoding="utf-8", newline="") as rows:
        return [(row["code"], row["title"]) for row in csv.DictReader(rows)]
