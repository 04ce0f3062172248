"""Outbound engagement: conversations, reply rate and reply time, the inbox and goals.

The measures are registered metrics (:mod:`.measures`); :mod:`.conversations` threads
interactions, :mod:`.inbox` ranks what still needs an answer, :mod:`.goals` reports attainment.
"""

__all__: list[str] = []
