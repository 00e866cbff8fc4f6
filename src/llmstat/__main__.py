from llmstat.cli import main

main()
