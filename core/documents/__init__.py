"""Documents Sepakat produces: the decree lampiran (PDF), the spelled-out amounts, ..."""
