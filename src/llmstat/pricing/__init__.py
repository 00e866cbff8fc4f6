"""Cost: offline prices for records (genai-prices' bundled data, the user's own table, a cache of both)."""
