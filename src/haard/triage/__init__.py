"""Safety assessment: instruments, the five-working-day clock, routes and hand-overs."""
