"""周例会 The weekly meeting: one ISO week's figures (weekly) and the exportable pack (pack)."""
