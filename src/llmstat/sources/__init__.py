"""Input formats: each module turns one recording into Exchanges (or records, for bare dumps)."""
