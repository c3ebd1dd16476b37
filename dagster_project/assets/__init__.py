"""The asset graph: sources -> standardise -> linkage -> golden."""
