"""Multidisciplinary case conferences (Veiligheidshuis, MDA++)."""
