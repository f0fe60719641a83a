"""Plain-language names for the case format's codes, shown in forms and pages."""

from flask_babel import lazy_gettext as _l

STREAMS = {
    "high_wage": _l("High-wage"),
    "low_wage": _l("Low-wage"),
    "global_talent": _l("Global Talent Stream"),
    "agricultural": _l("Agricultural"),
    "pr_only": _l("Permanent residence only"),
}
PROGRAMS = {
    "sawp": _l("Seasonal Agricultural Worker Program (SAWP)"),
    "agricultural_stream": _l("Agricultural Stream"),
}
WAGE_UNITS = {"hour": _l("hour"), "week": _l("week"), "month": _l("month"), "year": _l("year")}
KINDS = {"posting": _l("Posting (runs between dates)"), "event": _l("Event (one day)")}
METHODS = {
    "job_bank": _l("Job Bank"),
    "job_board": _l("Job board (e.g. Indeed)"),
    "occupation_site": _l("Occupation-specific site"),
    "newspaper": _l("Newspaper"),
    "professional_association": _l("Professional association"),
    "union": _l("Union"),
    "community_organization": _l("Community organisation"),
    "underrepresented_group_org": _l("Organisation serving an under-represented group"),
    "employment_centre": _l("Employment centre"),
    "job_fair": _l("Job fair"),
    "recruitment_agency": _l("Recruitment agency"),
    "internal": _l("Internal posting"),
    "social_media": _l("Social media"),
    "other": _l("Other"),
}
TARGET_GROUPS = {
    "indigenous": _l("Indigenous persons"),
    "vulnerable_youth": _l("Vulnerable youth"),
    "newcomers": _l("Newcomers to Canada"),
    "persons_with_disabilities": _l("Persons with disabilities"),
    "asylum_claimants": _l("Asylum claimants with a work permit"),
}
APPLICANT_STATUSES = {
    "citizen": _l("Canadian citizen"),
    "permanent_resident": _l("Permanent resident"),
    "authorized": _l("Other person authorized to work in Canada"),
    "foreign": _l("Foreign national"),
    "unknown": _l("Unknown"),
}
CHANNELS = {
    "direct_apply": _l("Job Bank Direct Apply"),
    "job_match": _l("Job Match invitation"),
    "email": _l("Email"),
    "in_person": _l("In person"),
    "other": _l("Other"),
}
REASON_CODES = {
    "lacks_education": _l("Lacks the education"),
    "lacks_experience": _l("Lacks the experience"),
    "lacks_certification": _l("Lacks a required certification"),
    "lacks_language_en_fr": _l("Lacks English or French"),
    "declined_offer": _l("Declined the offer"),
    "no_show": _l("Did not come to the interview"),
    "no_response": _l("Did not respond"),
    "withdrew": _l("Withdrew"),
    "failed_reference_check": _l("Failed the reference check"),
    "not_available_for_schedule": _l("Not available for the schedule"),
    "not_suitable": _l("Not suitable"),
    "overqualified": _l("Overqualified"),
    "other": _l("Other"),
}
AREAS = {
    "recruitment": _l("Recruitment"),
    "advertising": _l("Advertisement content"),
    "wage": _l("Wage"),
    "low_wage": _l("Low-wage stream"),
    "high_wage": _l("High-wage stream"),
    "position": _l("Position"),
    "offer": _l("Job offer"),
    "fees": _l("Fees and fraud warning signs"),
}
SEVERITIES = {"error": _l("Error"), "warning": _l("Warning"), "info": _l("Information")}
