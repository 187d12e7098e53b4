"""Temporary restraining orders (tijdelijk huisverbod): register, risk assessment, deadlines, decisions."""
