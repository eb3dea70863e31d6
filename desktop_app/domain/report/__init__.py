"""The decision report: what it holds and the scenario it embeds."""
