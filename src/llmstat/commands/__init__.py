"""One module per subcommand; each imports the core inside its function, not at import time."""
