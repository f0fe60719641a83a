"""A worker's payroll pages: the pay periods with the PAY-* checks against the issued offer, the
CSV/XLSX import, its template, and one period's form. Parsing and checks are plain Python in
``portal/road/payroll.py``; ``views`` is the Flask blueprint ``payroll``.
"""
