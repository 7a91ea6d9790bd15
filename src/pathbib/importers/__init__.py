"""Input-format importers (pure): awesome-list Markdown, mojibake repair, list settings."""
