"""周例会 The weekly meeting: one ISO week's figures (weekly), its briefing (briefing), the display tables
(tables) and the exportable pack (pack: xlsx, pptx, maps), each in the current language."""
