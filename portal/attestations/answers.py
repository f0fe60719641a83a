"""The worker attestation in plain Python: its questions in English and Canadian French, the
checking of a submitted answer into the answers object (``lmia-case/2`` contract 1, without
``answered_on``), and the private link's token.

The link carries a random 32-byte token; only its SHA-256 is stored, so a copy of the database
or of the audit log cannot answer for the worker. A link lives 14 days and works once.
"""

import hashlib
import re
import secrets
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

LANGUAGES = ("en", "fr")
LIFETIME = timedelta(days=14)
# Rows of the payment table shown at first, added per "add more" click, and at most: no script,
# so the page posts itself back with more rows.
FIRST_ROWS = 3
MORE_ROWS = 3
MAX_PAYMENTS = 10
PAYEE_MAX = 200
WHAT_FOR_MAX = 500
AMOUNT_MAX = Decimal("1000000")
EARLIEST_PAYMENT = date(1990, 1, 1)
TIP_LINE = "1-866-602-9448"
# Yes/no questions after the payments, in page order. "unsure" is kept as null.
QUESTIONS = ("holds_passport", "holds_permit", "contract_before_start_in_language", "knows_help")
CHOICES = {"yes": True, "no": False, "unsure": None}
ROW_FIELDS = ("payee", "amount", "paid_on", "what_for")

RIGHTS_LINKS = {
    "en": (
        "https://www.canada.ca/en/employment-social-development/services/foreign-workers/"
        "protected-rights.html",
        "https://www.canada.ca/en/employment-social-development/services/foreign-workers/"
        "report-abuse.html",
    ),
    "fr": (
        "https://www.canada.ca/fr/emploi-developpement-social/services/travailleurs-etrangers/"
        "droits-proteges.html",
        "https://www.canada.ca/fr/emploi-developpement-social/services/travailleurs-etrangers/"
        "signaler-abus.html",
    ),
}

# Every word the worker reads, per language. Plain words for a phone: short sentences, "you".
TEXT = {
    "en": {
        "language_name": "English",
        "title": "Questions about your job",
        "intro": "%(employer)s asked you to answer a few questions about how you got this job "
        "(%(position)s). It takes about 5 minutes.",
        "who_sees": "Who will see your answers: %(employer)s (your employer), its lawyer or "
        "immigration consultant, and, if they ask, the Government of Canada (ESDC or IRCC). "
        "Please answer truthfully. You cannot be punished for telling the truth.",
        "once": "You can send your answers once. This link works until %(date)s.",
        "paid_legend": "Did you or your family pay anyone for this job, the job offer or the LMIA?",
        "paid_hint": "For example a recruiter, an agent, a consultant, the employer or a "
        "person who helped you. Count money sent by transfer, cash, or taken from your pay.",
        "payments_legend": "Who did you pay, how much, and when?",
        "payments_hint": "One payment per row. Leave the rows empty if you answered no.",
        "payee": "Paid to (name)",
        "amount": "Amount in Canadian dollars",
        "paid_on": "Date paid (if you know it)",
        "what_for": "What it was for (if you know)",
        "payment_n": "Payment %(n)d",
        "add_more": "Add more rows",
        "holds_passport": "Do you hold your own passport?",
        "holds_permit": "Do you hold your own work permit?",
        "contract_before_start_in_language": "Did you get your work contract in your language "
        "before you started?",
        "knows_help": "Do you know where to get help if something is wrong at work?",
        "yes": "Yes",
        "no": "No",
        "unsure": "I am not sure",
        "help_title": "Where to get help",
        "help_tip_line": "Service Canada confidential tip line: %(phone)s (24 hours a day, "
        "7 days a week). You do not have to give your name.",
        "help_rights": "Your rights as a temporary foreign worker",
        "help_report": "Report abuse online",
        "help_no_fees": "Nobody may charge you for a job or an LMIA. Your employer may not "
        "punish you for reporting.",
        "submit": "Send my answers",
        "errors_title": "Please check these answers",
        "thanks_title": "Thank you",
        "thanks": "Your answers were sent on %(date)s. You do not need to do anything else.",
        "used_title": "Answers already sent",
        "used": "These answers were already sent on %(date)s. The link cannot be used again.",
        "expired_title": "This link expired",
        "expired": "This link expired on %(date)s; ask your employer or their representative "
        "for a new one.",
        "unknown_title": "Link not found",
        "unknown": "This link is not valid. Check that you copied the whole link, or ask your "
        "employer or their representative for a new one.",
        "throttled": "Too many tries. Please wait %(minutes)d minutes and try again.",
        "switch": "Français",
        # Errors, named by the question they are about.
        "err_choose": "Choose an answer.",
        "err_paid_rows": "You answered yes: write at least one payment below.",
        "err_not_paid_rows": "You answered no, but a payment is written below: change the "
        "answer or clear the payment.",
        "err_payee": "Write who you paid.",
        "err_too_long": "Too long: at most %(n)d characters.",
        "err_amount": "Write the amount as a number, for example 3000 or 3,000.00.",
        "err_amount_range": "The amount must be more than $0 and at most $1,000,000.",
        "err_date": "Write the date as year-month-day, for example 2026-10-01.",
        "err_date_future": "The date cannot be in the future.",
        "err_date_old": "The date cannot be before 1990.",
        "err_too_many": "At most %(n)d payments.",
    },
    "fr": {
        "language_name": "Français",
        "title": "Questions sur votre emploi",
        "intro": "%(employer)s vous demande de répondre à quelques questions sur la façon dont "
        "vous avez obtenu cet emploi (%(position)s). Cela prend environ 5 minutes.",
        "who_sees": "Qui verra vos réponses : %(employer)s (votre employeur), son avocat ou "
        "consultant en immigration et, s’il le demande, le gouvernement du Canada (EDSC ou "
        "IRCC). Répondez honnêtement. Vous ne pouvez pas être puni pour avoir dit la vérité.",
        "once": "Vous pouvez envoyer vos réponses une seule fois. Ce lien fonctionne jusqu’au "
        "%(date)s.",
        "paid_legend": "Vous ou votre famille avez-vous payé quelqu’un pour cet emploi, l’offre "
        "d’emploi ou l’EIMT?",
        "paid_hint": "Par exemple un recruteur, un agent, un consultant, l’employeur ou une "
        "personne qui vous a aidé. Comptez l’argent envoyé par virement, en espèces, ou retenu "
        "sur votre paie.",
        "payments_legend": "Qui avez-vous payé, combien et quand?",
        "payments_hint": "Un paiement par ligne. Laissez les lignes vides si vous avez "
        "répondu non.",
        "payee": "Payé à (nom)",
        "amount": "Montant en dollars canadiens",
        "paid_on": "Date du paiement (si vous la savez)",
        "what_for": "Pour quoi (si vous le savez)",
        "payment_n": "Paiement %(n)d",
        "add_more": "Ajouter des lignes",
        "holds_passport": "Avez-vous votre propre passeport avec vous?",
        "holds_permit": "Avez-vous votre propre permis de travail avec vous?",
        "contract_before_start_in_language": "Avez-vous reçu votre contrat de travail dans "
        "votre langue avant de commencer?",
        "knows_help": "Savez-vous où trouver de l’aide si quelque chose ne va pas au travail?",
        "yes": "Oui",
        "no": "Non",
        "unsure": "Je ne suis pas sûr",
        "help_title": "Où trouver de l’aide",
        "help_tip_line": "Ligne de signalement confidentielle de Service Canada : %(phone)s "
        "(24 heures sur 24, 7 jours sur 7). Vous n’avez pas à donner votre nom.",
        "help_rights": "Vos droits comme travailleur étranger temporaire",
        "help_report": "Signaler un abus en ligne",
        "help_no_fees": "Personne ne peut vous faire payer pour un emploi ou une EIMT. Votre "
        "employeur ne peut pas vous punir parce que vous avez fait un signalement.",
        "submit": "Envoyer mes réponses",
        "errors_title": "Vérifiez ces réponses",
        "thanks_title": "Merci",
        "thanks": "Vos réponses ont été envoyées le %(date)s. Vous n’avez rien d’autre à faire.",
        "used_title": "Réponses déjà envoyées",
        "used": "Ces réponses ont déjà été envoyées le %(date)s. Le lien ne peut plus servir.",
        "expired_title": "Ce lien a expiré",
        "expired": "Ce lien a expiré le %(date)s; demandez-en un nouveau à votre employeur ou "
        "à son représentant.",
        "unknown_title": "Lien introuvable",
        "unknown": "Ce lien n’est pas valide. Vérifiez que vous avez copié le lien au complet, "
        "ou demandez-en un nouveau à votre employeur ou à son représentant.",
        "throttled": "Trop d’essais. Attendez %(minutes)d minutes, puis réessayez.",
        "switch": "English",
        "err_choose": "Choisissez une réponse.",
        "err_paid_rows": "Vous avez répondu oui : inscrivez au moins un paiement ci-dessous.",
        "err_not_paid_rows": "Vous avez répondu non, mais un paiement est inscrit ci-dessous : "
        "changez la réponse ou effacez le paiement.",
        "err_payee": "Inscrivez qui vous avez payé.",
        "err_too_long": "Trop long : au plus %(n)d caractères.",
        "err_amount": "Inscrivez le montant en chiffres, par exemple 3000 ou 3 000,00.",
        "err_amount_range": "Le montant doit être de plus de 0 $ et d’au plus 1 000 000 $.",
        "err_date": "Inscrivez la date sous la forme année-mois-jour, par exemple 2026-10-01.",
        "err_date_future": "La date ne peut pas être dans le futur.",
        "err_date_old": "La date ne peut pas être avant 1990.",
        "err_too_many": "Au plus %(n)d paiements.",
    },
}


def text(language: str, key: str, **values) -> str:
    """One sentence of the page in ``language`` (English for an unknown language)."""
    words = TEXT.get(language, TEXT["en"])[key]
    return words % values if values else words


# --- The link's token ----------------------------------------------------------------------


def new_token() -> str:
    """A fresh link token: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256 in hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def looks_like_token(token: str) -> bool:
    """Whether ``token`` could be one of ours (43 URL-safe characters); others are not looked up."""
    return len(token) == 43 and re.fullmatch(r"[A-Za-z0-9_-]{43}", token) is not None


def expires_at(sent_at: datetime) -> datetime:
    return sent_at + LIFETIME


def is_expired(expires: datetime, now: datetime) -> bool:
    """A link is dead from its expiry instant on."""
    return now >= expires


# --- Checking a submitted answer -------------------------------------------------------------


class Submission:
    """What the worker sent, as typed (to refill the form), and the problems found, per field."""

    def __init__(self, values: dict, rows: int, errors: dict[str, str]):
        self.values = values
        self.rows = rows
        self.errors = errors


def row_count(form: Mapping, *, more: bool = False) -> int:
    """How many payment rows the page shows: the posted count (bounded), plus more if asked."""
    raw = str(form.get("rows", "") or "")
    rows = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 2 else FIRST_ROWS
    rows = min(max(rows, FIRST_ROWS), MAX_PAYMENTS)
    if more:
        rows = min(rows + MORE_ROWS, MAX_PAYMENTS)
    return rows


def parse_amount(raw: str) -> Decimal | None:
    """An amount as typed ("3000", "$3,000.00", "3 000,50") as an exact Decimal, else None."""
    cleaned = re.sub(r"[\s\u00a0\u202f$]", "", raw)
    cleaned = cleaned.removesuffix("CAD").removesuffix("cad")
    if not cleaned:
        return None
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "")  # 3,000.50
    elif re.fullmatch(r"\d{1,3}(,\d{3})+", cleaned):
        cleaned = cleaned.replace(",", "")  # 3,000 (a money amount has no 3 decimals)
    elif re.fullmatch(r"\d+,\d{1,2}", cleaned):
        cleaned = cleaned.replace(",", ".")  # 3000,50 (French)
    if not re.fullmatch(r"\d+(\.\d{1,2})?", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only numbers
        return None


def _date(raw: str, today: date, language: str) -> tuple[date | None, str | None]:
    if not raw:
        return None, None
    try:
        if len(raw) != 10 or not raw.isascii():
            raise ValueError(raw)
        day = date.fromisoformat(raw)
    except ValueError:
        return None, text(language, "err_date")
    if day > today:
        return None, text(language, "err_date_future")
    if day < EARLIEST_PAYMENT:
        return None, text(language, "err_date_old")
    return day, None


def _typed(form: Mapping, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def check_answers(
    form: Mapping, language: str, today: date, rows: int | None = None
) -> tuple[dict | None, Submission]:
    """Turn a submitted form into the answers object, or say what is wrong with it.

    Returns ``(answers, submission)``: ``answers`` is None when ``submission.errors`` has
    anything. Amounts are exact Decimals in the result; text is kept as typed (trimmed).
    """
    rows = row_count(form) if rows is None else rows
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for name in ("paid", *QUESTIONS):
        values[name] = _typed(form, name)

    paid_choice = values["paid"]
    if paid_choice not in ("yes", "no"):
        errors["paid"] = text(language, "err_choose")
    payments = []
    filled_rows = 0
    # Rows past the shown ones are ignored: the page never sent them.
    for index in range(rows):
        row = {field: _typed(form, f"{field}-{index}") for field in ROW_FIELDS}
        values |= {f"{field}-{index}": row[field] for field in ROW_FIELDS}
        if not any(row.values()):
            continue
        filled_rows += 1
        payment, row_errors = _check_row(row, index, today, language)
        errors |= row_errors
        if payment is not None:
            payments.append(payment)
    if filled_rows > MAX_PAYMENTS:  # pragma: no cover - rows never exceed MAX_PAYMENTS
        errors["payee-0"] = text(language, "err_too_many", n=MAX_PAYMENTS)
    if paid_choice == "yes" and filled_rows == 0:
        errors["paid"] = text(language, "err_paid_rows")
    if paid_choice == "no" and filled_rows:
        errors["paid"] = text(language, "err_not_paid_rows")

    for name in QUESTIONS:
        if values[name] not in CHOICES:
            errors[name] = text(language, "err_choose")

    submission = Submission(values, rows, errors)
    if errors:
        return None, submission
    answers = {
        "language": language,
        "paid": paid_choice == "yes",
        "payments": payments,
        **{name: CHOICES[values[name]] for name in QUESTIONS},
    }
    return answers, submission


def _check_row(row: dict, index: int, today: date, language: str):
    errors = {}
    if not row["payee"]:
        errors[f"payee-{index}"] = text(language, "err_payee")
    elif len(row["payee"]) > PAYEE_MAX:
        errors[f"payee-{index}"] = text(language, "err_too_long", n=PAYEE_MAX)
    amount = parse_amount(row["amount"])
    if amount is None:
        errors[f"amount-{index}"] = text(language, "err_amount")
    elif not Decimal(0) < amount <= AMOUNT_MAX:
        errors[f"amount-{index}"] = text(language, "err_amount_range")
    paid_on, problem = _date(row["paid_on"], today, language)
    if problem:
        errors[f"paid_on-{index}"] = problem
    if len(row["what_for"]) > WHAT_FOR_MAX:
        errors[f"what_for-{index}"] = text(language, "err_too_long", n=WHAT_FOR_MAX)
    if errors:
        return None, errors
    return {
        "payee": row["payee"],
        "amount": amount.quantize(Decimal("0.01")),
        "paid_on": paid_on,
        "what_for": row["what_for"] or None,
    }, {}


def stored_form(answers: dict) -> dict:
    """The answers object as the JSON column keeps it: dates as ISO text, amounts as numbers.

    An amount has at most 2 decimals and at most 7 digits before them, so the JSON number reads
    back as the same Decimal (``Decimal(str(value))``).
    """
    payments = [
        {
            "payee": p["payee"],
            "amount": float(p["amount"]),
            "paid_on": p["paid_on"].isoformat() if p["paid_on"] else None,
            "what_for": p["what_for"],
        }
        for p in answers["payments"]
    ]
    return {**answers, "payments": payments}


def amount_of(stored_payment: dict) -> Decimal:
    """A stored payment's amount, exact."""
    return Decimal(str(stored_payment["amount"])).quantize(Decimal("0.01"))
