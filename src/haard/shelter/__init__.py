"""Shelter facilities, places, placements and the waiting list."""
