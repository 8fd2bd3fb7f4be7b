"""Pictures dk2 attaches to replies: the gauge for doses and levels, the moderators' chart.

Drawn with Pillow in the bundled DejaVu Sans Condensed font (`fonts/`, with its licence).
"""
