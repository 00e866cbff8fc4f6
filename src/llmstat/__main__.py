from llmstat.cli import run

run()
