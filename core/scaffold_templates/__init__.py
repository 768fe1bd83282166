"""Templates of ``sepakat new-province`` (``string.Template``: ``${name}`` is replaced, ``$$`` is
a dollar sign). A package, so the files ship as its package data."""
