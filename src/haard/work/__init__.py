"""The user's work list (from every app's work providers) and reminders."""
