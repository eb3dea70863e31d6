"""Model downloads over the Hugging Face resolve protocol (the Hub or a mirror)."""
