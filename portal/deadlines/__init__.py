"""Deadlines: the user's list across their employers, the private calendar feed, reminders.

``collect`` and ``ics`` are plain Python; ``services`` reads the rows; ``views`` the pages."""
