"""haard: one secure place for every signal of domestic violence and child abuse in a region."""
