"""Plain-Python helpers about a position's recruitment: the LMIA form's applicant summary, the
applicant CSV, the filing window and the timeline picture. No Flask, no database."""
