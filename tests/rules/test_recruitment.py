"""REC rules at their boundaries. Base cases are filed on D = 2026-03-02 (W starts 2025-12-02)."""

from datetime import date

import pytest

from portal.cases import Applicant, Match
from tests.rules.builders import (
    D,
    add_activity,
    add_applicant,
    agricultural_case,
    applicant,
    at,
    day,
    days,
    drop_activity,
    event,
    found,
    global_talent_case,
    high_wage_case,
    location,
    low_wage_case,
    one,
    position,
    posting,
    pr_only_case,
    replace,
    rule_ids,
    subjects,
)
from tests.rules.builders import activity as change_activity


def job_match(case, *matches, mode="default"):
    return replace(case, job_match=replace(case.job_match, mode=mode, matches=tuple(matches)))


# --- REC-EXEMPT ----------------------------------------------------------------------------------


def test_global_talent_is_exempt_and_skips_other_recruitment_rules():
    case = global_talent_case()

    assert ("REC-EXEMPT", "recruitment") in found(case)
    assert "Global Talent Stream" in one(case, "REC-EXEMPT").message
    assert one(case, "REC-EXEMPT").severity == "info"
    assert {r for r in rule_ids(case) if r.startswith("REC-")} == {"REC-EXEMPT"}


def test_quebec_facilitated_is_exempt_only_in_quebec():
    facilitated = position(low_wage_case(), quebec_facilitated=True)

    assert "REC-EXEMPT" not in rule_ids(facilitated)
    assert "REC-EXEMPT" in rule_ids(location(facilitated, province="QC"))
    assert "REC-EXEMPT" not in rule_ids(location(low_wage_case(), province="QC"))


@pytest.mark.parametrize(
    ("submitted", "exempt"),
    [
        (date(2022, 1, 11), False),
        (date(2022, 1, 12), True),
        (date(2022, 1, 13), True),
        (date(2025, 12, 30), True),
        (date(2025, 12, 31), True),
        (date(2026, 1, 1), False),
    ],
)
def test_agricultural_suspension_by_submission_date(submitted, exempt):
    case = at(agricultural_case(), submitted)

    assert ("REC-EXEMPT" in rule_ids(case)) is exempt


def test_agricultural_suspension_uses_the_as_of_date_without_submission_date():
    case = at(agricultural_case(), None)

    assert "REC-EXEMPT" in rule_ids(case, as_of=date(2025, 12, 31))
    assert "REC-EXEMPT" not in rule_ids(case, as_of=date(2026, 1, 1))


def test_an_advertising_variation_exempts_but_a_blank_one_does_not():
    case = position(low_wage_case(), advertising_variation="Academics")

    assert 'the ESDC variation "Academics" applies' in one(case, "REC-EXEMPT").message
    assert "REC-EXEMPT" not in rule_ids(position(low_wage_case(), advertising_variation="  "))


def test_exemption_skips_rec_rules_but_not_rec_results():
    case = drop_activity(low_wage_case(), 0)  # no Job Bank at all
    case = add_applicant(
        case, Applicant(name="Eve Moss", status="citizen", applied_on=day("2026-01-30"))
    )
    assert {"REC-JOBBANK", "REC-RESULTS"} <= rule_ids(case)

    exempt = position(case, advertising_variation="Entertainment sector")
    ids = rule_ids(exempt)

    assert "REC-JOBBANK" not in ids
    assert ("REC-RESULTS", "applicants[1]") in found(exempt)  # Eve (Job Bank applicants left)
    assert {r for r in ids if r.startswith("REC-")} == {"REC-EXEMPT", "REC-RESULTS"}


# --- REC-JOBBANK ---------------------------------------------------------------------------------


def test_no_job_bank_activity_fires():
    case = drop_activity(low_wage_case(), 0)

    finding = one(case, "REC-JOBBANK")

    assert finding.subject == "recruitment"
    assert "None of the 2 recruitment activities is on Job Bank" in finding.message
    assert "REC-JOBBANK" not in rule_ids(low_wage_case())


def test_a_written_rationale_replaces_job_bank_but_blank_does_not():
    case = drop_activity(low_wage_case(), 0)

    assert "REC-JOBBANK" not in rule_ids(
        replace(case, job_bank_alternative_rationale="WorkBC used under the BC agreement.")
    )
    assert "REC-JOBBANK" in rule_ids(replace(case, job_bank_alternative_rationale=" \n"))


def test_a_job_bank_event_counts_as_using_job_bank():
    case = drop_activity(low_wage_case(), 0)
    case = add_activity(case, event("jbe", "job_bank", "2026-02-01"))

    assert "REC-JOBBANK" not in rule_ids(case)


@pytest.mark.parametrize(
    ("submitted", "fires"),
    [(date(2017, 8, 27), False), (date(2017, 8, 28), True), (date(2017, 8, 29), True)],
)
def test_job_bank_is_mandatory_from_2017_08_28(submitted, fires):
    case = at(drop_activity(low_wage_case(), 0), submitted)

    assert ("REC-JOBBANK" in rule_ids(case)) is fires


@pytest.mark.parametrize("make", [high_wage_case, pr_only_case, agricultural_case])
def test_job_bank_required_in_hw_pr_and_ag(make):
    assert "REC-JOBBANK" in rule_ids(drop_activity(make(), 0))


# --- REC-ADDL-2 and REC-ADDL-TYPES ---------------------------------------------------------------


def test_one_additional_method_is_not_enough():
    case = drop_activity(low_wage_case(), 1)

    finding = one(case, "REC-ADDL-2")

    assert finding.subject == "recruitment"
    assert finding.message == (
        "Only 1 additional recruitment method besides Job Bank (community organization); "
        "at least 2 are needed."
    )
    assert "REC-ADDL-2" not in rule_ids(low_wage_case())


def test_an_event_counts_as_an_additional_method():
    case = drop_activity(low_wage_case(), 1)
    case = add_activity(case, event("fair", "job_fair", "2026-02-10"))

    assert "REC-ADDL-2" not in rule_ids(case)


@pytest.mark.parametrize(
    ("submitted", "fires"),
    [(date(2022, 1, 11), False), (date(2025, 12, 31), False), (date(2026, 1, 1), True)],
)
def test_agricultural_needs_two_additional_methods_from_2026(submitted, fires):
    case = at(drop_activity(agricultural_case(), 1), submitted)

    assert ("REC-ADDL-2" in rule_ids(case)) is fires


def test_additional_methods_rule_starts_2017_08_28():
    case = drop_activity(high_wage_case(), 1)

    assert "REC-ADDL-2" not in rule_ids(at(case, date(2017, 8, 27)))
    assert "REC-ADDL-2" in rule_ids(at(case, date(2017, 8, 28)))


def test_two_additional_methods_of_one_type_warn():
    case = change_activity(high_wage_case(), 2, method="job_board")

    finding = one(case, "REC-ADDL-TYPES")

    assert (finding.severity, finding.subject) == ("warning", "recruitment")
    assert "all of one type (job board)" in finding.message
    assert "REC-ADDL-TYPES" not in rule_ids(high_wage_case())


def test_types_not_judged_with_fewer_than_two_additional_methods():
    case = drop_activity(high_wage_case(), 2)

    assert "REC-ADDL-TYPES" not in rule_ids(case)
    assert "REC-ADDL-2" in rule_ids(case)


def test_a_third_method_of_another_type_is_enough():
    case = change_activity(high_wage_case(), 2, method="job_board")
    case = add_activity(case, posting("np", "newspaper", "2026-01-05", "2026-02-10"))

    assert "REC-ADDL-TYPES" not in rule_ids(case)


def test_types_apply_to_agriculture_before_2026_too():
    case = change_activity(agricultural_case(), 2, method="underrepresented_group_org")

    assert "REC-ADDL-TYPES" in rule_ids(at(case, date(2022, 1, 11)))


# --- REC-NATIONAL --------------------------------------------------------------------------------


@pytest.mark.parametrize("national", [False, None])
def test_high_wage_needs_a_national_additional_method(national):
    case = change_activity(high_wage_case(), 1, national=national)

    assert ("REC-NATIONAL", "recruitment") in found(case)
    assert "REC-NATIONAL" not in rule_ids(high_wage_case())


def test_a_national_job_bank_posting_does_not_count():
    case = change_activity(high_wage_case(), 1, national=False)
    case = change_activity(case, 0, national=True)

    assert "REC-NATIONAL" in rule_ids(case)


def test_national_scope_is_for_hw_and_pr_only():
    assert "REC-NATIONAL" in rule_ids(change_activity(pr_only_case(), 1, national=False))
    assert "REC-NATIONAL" not in rule_ids(low_wage_case())
    assert "REC-NATIONAL" not in rule_ids(agricultural_case())


# --- REC-URG-2 -----------------------------------------------------------------------------------


def groups(case, first, second):
    case = change_activity(case, 1, target_groups=first)
    return change_activity(case, 2, target_groups=second)


def test_two_activities_reaching_the_same_group_fire():
    case = groups(low_wage_case(), ("newcomers",), ("newcomers",))

    finding = one(case, "REC-URG-2")

    assert finding.subject == "recruitment"
    assert finding.message.startswith("Only one under-represented group was targeted (newcomers)")
    assert "REC-URG-2" not in rule_ids(low_wage_case())


def test_one_activity_reaching_two_groups_fires():
    case = groups(low_wage_case(), ("newcomers", "indigenous"), None)

    finding = one(case, "REC-URG-2")

    assert finding.message.startswith(
        "Only one activity, the Youth Employment Services ad (under-represented group "
        "organization), targets under-represented groups (Indigenous persons and newcomers)"
    )
    assert "recruitment[" not in finding.message
    assert finding.fix == (
        "Add a recruitment activity aimed at another group, one not yet targeted, choosing it "
        'under "Under-represented groups targeted": Vulnerable youth, Persons with disabilities '
        "or Asylum claimants with a work permit."
    )


def test_no_group_targeted_fires():
    case = groups(low_wage_case(), (), None)

    finding = one(case, "REC-URG-2")

    assert "No additional recruitment activity targets" in finding.message
    assert finding.fix == (
        "Add two recruitment activities aimed at two different groups, choosing them under "
        '"Under-represented groups targeted" from Indigenous persons, Vulnerable youth, '
        "Newcomers to Canada, Persons with disabilities or Asylum claimants with a work permit."
    )


def test_the_fix_suggests_only_groups_not_already_targeted():
    case = groups(low_wage_case(), ("newcomers",), ("newcomers",))

    fix = one(case, "REC-URG-2").fix

    assert "Newcomers to Canada" not in fix
    assert fix.endswith(
        ": Indigenous persons, Vulnerable youth, Persons with disabilities or Asylum claimants "
        "with a work permit."
    )


@pytest.mark.parametrize(("submitted", "suggested"), [("2024-04-30", False), ("2024-05-01", True)])
def test_asylum_claimants_are_suggested_only_when_they_count(submitted, suggested):
    case = at(groups(low_wage_case(), ("indigenous",), ("indigenous",)), day(submitted))

    fix = one(case, "REC-URG-2").fix

    assert ("Asylum claimants" in fix) is suggested
    assert "Indigenous persons" not in fix
    assert "Vulnerable youth, Newcomers to Canada" in fix
    assert "Persons with disabilities" in fix


def test_every_group_targeted_by_one_activity_asks_for_a_second_activity():
    every = ("indigenous", "vulnerable_youth", "newcomers", "persons_with_disabilities")
    case = groups(low_wage_case(), (*every, "asylum_claimants"), None)

    assert one(case, "REC-URG-2").fix == (
        "Add a second recruitment activity aimed at one of the groups, so that two activities "
        "reach two different groups."
    )


def test_an_event_is_named_as_an_event():
    case = groups(low_wage_case(), None, None)
    case = add_activity(
        case,
        event(
            "fair",
            "job_fair",
            "2026-02-10",
            platform="Newcomer Centre",
            target_groups=("newcomers",),
        ),
    )

    assert "Only one under-represented group" in one(case, "REC-URG-2").message
    case = add_activity(case, event("fair2", "job_fair", "2026-02-11"))
    case = change_activity(case, 3, target_groups=("newcomers", "indigenous"))

    assert one(case, "REC-URG-2").message.startswith(
        "Only one activity, the Newcomer Centre event (job fair), targets"
    )


def test_overlapping_groups_can_still_be_matched():
    case = groups(low_wage_case(), ("newcomers", "indigenous"), ("newcomers",))

    assert "REC-URG-2" not in rule_ids(case)


def test_job_bank_targeting_does_not_count():
    case = groups(low_wage_case(), ("newcomers",), None)
    case = change_activity(case, 0, target_groups=("indigenous",))

    assert "REC-URG-2" in rule_ids(case)


@pytest.mark.parametrize(
    ("submitted", "fires"),
    [(date(2024, 4, 30), True), (date(2024, 5, 1), False), (date(2024, 5, 2), False)],
)
def test_asylum_claimants_count_from_2024_05_01(submitted, fires):
    case = at(groups(low_wage_case(), ("asylum_claimants",), ("newcomers",)), submitted)

    assert ("REC-URG-2" in rule_ids(case)) is fires
    if fires:
        assert "asylum claimants count only from 2024-05-01" in one(case, "REC-URG-2").message


@pytest.mark.parametrize(
    ("submitted", "fires"),
    [(date(2022, 1, 11), False), (date(2025, 12, 31), False), (date(2026, 1, 1), True)],
)
def test_agricultural_needs_two_groups_from_2026(submitted, fires):
    case = agricultural_case()
    case = change_activity(case, 2, target_groups=("vulnerable_youth",))

    assert ("REC-URG-2" in rule_ids(at(case, submitted))) is fires


def test_underrepresented_groups_rule_starts_2017_08_28_and_skips_high_wage():
    case = groups(low_wage_case(), (), None)

    assert "REC-URG-2" not in rule_ids(at(case, date(2017, 8, 27)))
    assert "REC-URG-2" in rule_ids(at(case, date(2017, 8, 28)))
    assert "REC-URG-2" not in rule_ids(groups(high_wage_case(), (), None))


# --- REC-DURATION-4W -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "ran", "fires"),
    [("2026-02-03", 27, True), ("2026-02-02", 28, False), ("2026-02-01", 29, False)],
)
def test_a_running_posting_counts_up_to_the_day_before_submission(start, ran, fires):
    case = change_activity(low_wage_case(), 0, start=day(start))

    assert (("REC-DURATION-4W", "recruitment[0]") in found(case)) is fires
    if fires:
        assert f"ran {ran} days before 2026-03-02" in one(case, "REC-DURATION-4W").message


@pytest.mark.parametrize(("end", "fires"), [("2026-01-31", True), ("2026-02-01", False)])
def test_an_ended_posting_counts_start_to_end_inclusive(end, fires):
    case = change_activity(low_wage_case(), 1, end=day(end))

    assert (("REC-DURATION-4W", "recruitment[1]") in found(case)) is fires


def test_an_end_after_submission_counts_only_to_the_day_before():
    case = change_activity(low_wage_case(), 0, start=day("2026-02-03"), end=day("2026-04-30"))

    assert ("REC-DURATION-4W", "recruitment[0]") in found(case)


def test_the_job_bank_message_and_fix():
    case = change_activity(low_wage_case(), 0, start=day("2026-02-09"))

    finding = one(case, "REC-DURATION-4W")

    assert (
        finding.message == "The Job Bank ad ran 21 days before 2026-03-02; at least 28 are needed."
    )
    assert finding.fix == "Keep it running and file on 2026-03-09 or later."


def test_a_posting_that_ended_too_early_must_be_rerun():
    case = change_activity(low_wage_case(), 2, end=day("2026-01-20"))

    finding = one(case, "REC-DURATION-4W")

    assert "The Newcomer Centre ad (community organization) ran 15 days" in finding.message
    assert finding.fix.startswith("It ended on 2026-01-20")


def test_a_posting_starting_on_the_submission_date_ran_zero_days():
    case = add_activity(low_wage_case(), posting("late", "newspaper", "2026-03-02"))

    assert "ran 0 days" in one(case, "REC-DURATION-4W").message


def test_one_finding_per_short_posting_in_index_order():
    case = change_activity(low_wage_case(), 1, end=day("2026-01-10"))
    case = change_activity(case, 2, end=day("2026-01-10"))

    assert subjects(case, "REC-DURATION-4W") == ["recruitment[1]", "recruitment[2]"]


def test_events_and_agriculture_are_not_held_to_four_weeks():
    case = add_activity(low_wage_case(), event("fair", "job_fair", "2026-02-28"))
    assert "REC-DURATION-4W" not in rule_ids(case)
    short_ag = change_activity(agricultural_case(), 1, end=day("2026-02-14"))
    assert "REC-DURATION-4W" not in rule_ids(short_ag)


# --- REC-AG-14D ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "fires"), [("2026-02-17", True), ("2026-02-16", False), ("2026-02-15", False)]
)
def test_agricultural_job_bank_posting_needs_14_days(start, fires):
    case = change_activity(agricultural_case(), 0, start=day(start))

    assert (("REC-AG-14D", "recruitment") in found(case)) is fires
    if fires:
        assert one(case, "REC-AG-14D").message == (
            "The longest Job Bank posting ran 13 days before 2026-03-02; agricultural positions "
            "need at least 14."
        )


def test_one_long_enough_job_bank_posting_is_enough():
    case = change_activity(agricultural_case(), 0, start=day("2026-02-25"))
    case = add_activity(case, posting("jb2", "job_bank", "2026-01-10", "2026-01-31"))

    assert "REC-AG-14D" not in rule_ids(case)


def test_silent_without_job_bank_and_outside_agriculture():
    case = drop_activity(agricultural_case(), 0)
    assert "REC-AG-14D" not in rule_ids(case)
    assert "REC-JOBBANK" in rule_ids(case)
    short_lw = change_activity(low_wage_case(), 0, start=day("2026-02-20"))
    assert "REC-AG-14D" not in rule_ids(short_lw)


def test_not_checked_while_agricultural_advertising_is_suspended():
    case = change_activity(agricultural_case(), 0, start=day("2025-12-25"))

    assert "REC-AG-14D" not in rule_ids(at(case, date(2025, 12, 31)))
    assert "REC-AG-14D" in rule_ids(at(case, date(2026, 1, 1)))


# --- REC-WINDOW-3M -------------------------------------------------------------------------------


def test_the_window_starts_three_calendar_months_before_submission():
    # 2026-03-02 - 3 months = 2025-12-02; 28 days in window need an end on 2025-12-29.
    ok = change_activity(low_wage_case(), 1, start=day("2025-11-01"), end=day("2025-12-29"))
    short = change_activity(low_wage_case(), 1, start=day("2025-11-01"), end=day("2025-12-28"))

    assert "REC-WINDOW-3M" not in rule_ids(ok)
    finding = one(short, "REC-WINDOW-3M")
    assert finding.subject == "recruitment[1]"
    assert "ran 58 days, but only 27 of them fall within" in finding.message
    assert "(2025-12-02 to 2026-03-01)" in finding.message


@pytest.mark.parametrize(
    ("submitted", "end", "fires"),
    [
        # D = 2026-05-31: W starts 2026-02-28 (relativedelta clamps to the month's end).
        ("2026-05-31", "2026-03-27", False),
        ("2026-05-31", "2026-03-26", True),
        # D = 2026-03-31: W starts 2025-12-31.
        ("2026-03-31", "2026-01-27", False),
        ("2026-03-31", "2026-01-26", True),
        # D = 2024-05-31 (leap year): W starts 2024-02-29.
        ("2024-05-31", "2024-03-27", False),
        ("2024-05-31", "2024-03-26", True),
    ],
)
def test_month_end_windows(submitted, end, fires):
    case = at(low_wage_case(), day(submitted))
    case = change_activity(case, 1, start=day("2023-06-01"), end=day(end))

    assert (("REC-WINDOW-3M", "recruitment[1]") in found(case)) is fires


def test_a_posting_too_short_anyway_is_reported_on_duration_not_on_the_window():
    case = change_activity(low_wage_case(), 1, start=day("2025-10-01"), end=day("2025-10-20"))

    assert ("REC-DURATION-4W", "recruitment[1]") in found(case)
    assert "REC-WINDOW-3M" not in rule_ids(case)
    long_enough = change_activity(case, 1, end=day("2025-10-28"))  # 28 days, none in W
    assert ("REC-WINDOW-3M", "recruitment[1]") in found(long_enough)
    assert "REC-DURATION-4W" not in rule_ids(long_enough)


@pytest.mark.parametrize(
    ("on", "fires"),
    [
        ("2025-12-01", True),
        ("2025-12-02", False),
        ("2026-03-01", False),
        ("2026-03-02", True),
        ("2026-03-03", True),
    ],
)
def test_events_must_be_dated_inside_the_window(on, fires):
    case = add_activity(low_wage_case(), event("fair", "job_fair", on))

    assert (("REC-WINDOW-3M", "recruitment[3]") in found(case)) is fires


@pytest.mark.parametrize(("end", "fires"), [("2025-12-15", False), ("2025-12-14", True)])
def test_agricultural_postings_need_14_days_in_the_window(end, fires):
    case = change_activity(agricultural_case(), 1, start=day("2025-11-01"), end=day(end))

    assert (("REC-WINDOW-3M", "recruitment[1]") in found(case)) is fires


# --- REC-ONGOING ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "fires"),
    [
        ({"end": day("2026-03-01")}, True),
        ({"end": day("2026-03-02")}, False),
        ({"end": day("2026-03-03")}, False),
        ({"end": None}, False),
    ],
)
def test_a_posting_must_still_run_on_the_submission_date(changes, fires):
    case = change_activity(low_wage_case(), 0, **changes)

    assert (("REC-ONGOING", "recruitment") in found(case)) is fires
    if fires:
        assert "(the last one ended on 2026-03-01)" in one(case, "REC-ONGOING").message


def test_a_posting_starting_on_d_is_running_but_one_starting_later_is_not():
    ended = change_activity(low_wage_case(), 0, end=day("2026-02-28"))

    assert "REC-ONGOING" not in rule_ids(
        add_activity(ended, posting("n", "newspaper", "2026-03-02"))
    )
    assert "REC-ONGOING" in rule_ids(add_activity(ended, posting("n", "newspaper", "2026-03-03")))


def test_an_event_on_d_does_not_keep_recruitment_running():
    ended = change_activity(agricultural_case(), 0, end=day("2026-02-28"))

    assert "REC-ONGOING" in rule_ids(add_activity(ended, event("f2", "job_fair", "2026-03-02")))


# --- REC-JOBMATCH and REC-JOBMATCH-MODE ----------------------------------------------------------

# The low-wage Job Bank posting starts 2026-01-05: the first 30 days are 2026-01-05..2026-02-03.


@pytest.mark.parametrize(
    ("first_seen", "fires"),
    [
        ("2026-01-04", False),
        ("2026-01-05", True),
        ("2026-02-03", True),
        ("2026-02-04", False),
    ],
)
def test_matches_first_seen_in_the_first_30_days_must_be_invited(first_seen, fires):
    case = job_match(low_wage_case(), Match(first_seen=day(first_seen), stars=2))

    assert (("REC-JOBMATCH", "recruitment") in found(case)) is fires


@pytest.mark.parametrize(
    ("invited_on", "fires"), [("2026-03-01", False), ("2026-03-02", True), (None, True)]
)
def test_invitations_must_come_before_submission(invited_on, fires):
    invited = day(invited_on) if invited_on else None
    case = job_match(
        low_wage_case(), Match(first_seen=day("2026-01-10"), stars=5, invited_on=invited)
    )

    assert ("REC-JOBMATCH" in rule_ids(case)) is fires


@pytest.mark.parametrize(
    ("make", "stars", "fires"),
    [
        (low_wage_case, 1, False),
        (low_wage_case, 2, True),
        (agricultural_case, 1, False),
        (agricultural_case, 2, True),
        (high_wage_case, 3, False),
        (high_wage_case, 4, True),
        (pr_only_case, 3, False),
        (pr_only_case, 4, True),
    ],
)
def test_star_thresholds_four_for_high_wage_two_otherwise(make, stars, fires):
    base = make()
    first_seen = base.recruitment[0].start + days(1)
    case = job_match(base, Match(first_seen=first_seen, stars=stars))

    assert ("REC-JOBMATCH" in rule_ids(case)) is fires


def test_the_message_names_the_window_and_the_matches():
    case = job_match(
        high_wage_case(),
        Match(first_seen=day("2026-01-06"), stars=4),
        Match(first_seen=day("2026-01-07"), stars=3),
        Match(first_seen=day("2026-01-08"), stars=5, invited_on=day("2026-03-05")),
    )

    assert one(case, "REC-JOBMATCH").message == (
        "2 Job Match candidates rated 4 stars or more and first seen in the first 30 days of the "
        "Job Bank posting (2026-01-05 to 2026-02-03) were not invited before 2026-03-02: "
        "the one first seen on 2026-01-06 (4 stars) and the one first seen on 2026-01-08 "
        "(5 stars, invited on 2026-03-05)."
    )
    assert one(case, "REC-JOBMATCH").fix.startswith(
        "Invite every such match through Job Bank before filing and record the date under "
        '"Invited to apply on"'
    )


def test_several_job_bank_postings_count_from_the_earliest_start():
    case = add_activity(low_wage_case(), posting("jb0", "job_bank", "2025-12-20", "2026-01-20"))

    assert "REC-JOBMATCH" in rule_ids(job_match(case, Match(first_seen=day("2026-01-18"), stars=2)))
    assert "REC-JOBMATCH" not in rule_ids(
        job_match(case, Match(first_seen=day("2026-01-19"), stars=2))
    )


def test_a_missing_job_match_record_fires_only_with_a_job_bank_posting():
    case = replace(low_wage_case(), job_match=None)

    assert "no Job Match record" in one(case, "REC-JOBMATCH").message
    assert "REC-JOBMATCH" not in rule_ids(drop_activity(case, 0))


def test_job_match_rules_start_2017_08_28():
    case = replace(low_wage_case(), job_match=None)

    assert "REC-JOBMATCH" not in rule_ids(at(case, date(2017, 8, 27)))
    assert "REC-JOBMATCH" in rule_ids(at(case, date(2017, 8, 28)))


def test_strict_mode_warns():
    case = job_match(low_wage_case(), mode="strict")

    assert one(case, "REC-JOBMATCH-MODE").severity == "warning"
    assert "REC-JOBMATCH-MODE" not in rule_ids(low_wage_case())
    assert "REC-JOBMATCH-MODE" not in rule_ids(drop_activity(case, 0))
    assert "REC-JOBMATCH-MODE" not in rule_ids(at(case, date(2017, 8, 27)))


# --- REC-DIRECTAPPLY -----------------------------------------------------------------------------


@pytest.mark.parametrize("direct_apply", [False, None])
def test_direct_apply_must_be_on_for_each_job_bank_posting(direct_apply):
    case = change_activity(low_wage_case(), 0, direct_apply=direct_apply)

    assert ("REC-DIRECTAPPLY", "recruitment[0]") in found(case)
    assert "REC-DIRECTAPPLY" not in rule_ids(low_wage_case())


@pytest.mark.parametrize(
    ("submitted", "fires"),
    [(date(2025, 8, 31), False), (date(2025, 9, 1), True), (date(2025, 9, 2), True)],
)
def test_direct_apply_rule_starts_2025_09_01(submitted, fires):
    case = at(change_activity(low_wage_case(), 0, direct_apply=False), submitted)

    assert ("REC-DIRECTAPPLY" in rule_ids(case)) is fires


@pytest.mark.parametrize(("applied", "fires"), [("2026-02-09", False), ("2026-02-08", True)])
def test_resume_not_downloaded_after_21_days(applied, fires):
    case = applicant(low_wage_case(), 0, applied_on=day(applied), resume_downloaded_on=None)

    assert (("REC-DIRECTAPPLY", "applicants[0]") in found(case)) is fires
    if fires:
        assert "was not downloaded in the 22 days before 2026-03-02" in (
            one(case, "REC-DIRECTAPPLY").message
        )


@pytest.mark.parametrize(("downloaded", "fires"), [("2026-02-10", False), ("2026-02-11", True)])
def test_resume_downloaded_more_than_21_days_after_applying(downloaded, fires):
    case = applicant(low_wage_case(), 0, resume_downloaded_on=day(downloaded))

    assert (("REC-DIRECTAPPLY", "applicants[0]") in found(case)) is fires
    if fires:
        assert "downloaded 22 days after" in one(case, "REC-DIRECTAPPLY").message


def test_only_direct_apply_applicants_from_a_job_bank_posting_are_checked():
    late = {"applied_on": day("2026-01-01"), "resume_downloaded_on": None}
    by_email = applicant(low_wage_case(), 0, channel="email", **late)
    elsewhere = applicant(low_wage_case(), 0, source="yc", **late)
    no_source = applicant(low_wage_case(), 0, source=None, **late)

    for case in (by_email, elsewhere, no_source):
        assert "REC-DIRECTAPPLY" not in rule_ids(case)


# --- REC-RESULTS ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "fires"),
    [
        ("citizen", True),
        ("permanent_resident", True),
        ("authorized", True),
        ("foreign", False),
        ("unknown", False),
    ],
)
def test_local_applicants_not_hired_need_a_reason(status, fires):
    case = applicant(low_wage_case(), 1, status=status, reason_code=None)

    assert (("REC-RESULTS", "applicants[1]") in found(case)) is fires


@pytest.mark.parametrize(
    ("detail", "fires"), [(None, True), ("", True), ("  ", True), ("Failed the trade test", False)]
)
def test_reason_other_needs_words(detail, fires):
    case = applicant(low_wage_case(), 0, reason_code="other", reason_detail=detail)

    assert (("REC-RESULTS", "applicants[0]") in found(case)) is fires


@pytest.mark.parametrize(("hired", "fires"), [(True, False), (False, True), (None, True)])
def test_only_applicants_not_hired_need_a_reason(hired, fires):
    case = applicant(low_wage_case(), 0, hired=hired, reason_code=None)

    assert ("REC-RESULTS" in rule_ids(case)) is fires


def test_results_message_names_the_applicant():
    case = applicant(low_wage_case(), 1, reason_code=None)

    assert one(case, "REC-RESULTS").message == (
        "Bo Chen (permanent resident) was not hired and no reason is recorded."
    )


def test_results_fix_uses_the_applicant_form_labels():
    """U3: the fix speaks the form's words, not the case file's codes."""
    missing = one(applicant(low_wage_case(), 1, reason_code=None), "REC-RESULTS")
    other = one(applicant(low_wage_case(), 1, reason_code="other"), "REC-RESULTS")

    assert missing.fix == (
        'Choose the specific reason under "Why not hired" (e.g. "Lacks the experience" or '
        '"Declined the offer") and describe it under "The reason in your words".'
    )
    assert other.message.endswith('was not hired and the reason is "Other" with no explanation.')
    assert other.fix == (
        'Describe the reason under "The reason in your words", or choose a more specific one '
        'under "Why not hired".'
    )


def test_results_are_checked_for_global_talent_too():
    case = add_applicant(
        global_talent_case(),
        Applicant(name="Fay Li", status="citizen", applied_on=day("2026-01-30")),
    )

    assert ("REC-RESULTS", "applicants[0]") in found(case)


def test_base_submission_date():
    assert date(2026, 3, 2) == D
