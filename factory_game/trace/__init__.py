"""Request logs as traffic: read a log (CSV or JSON Lines), turn it into a level (replay or fit), and make
synthetic logs of the same format. See docs/planning.md."""
