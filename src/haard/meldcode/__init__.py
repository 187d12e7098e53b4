"""The partner network and professionals' meldcode records."""
