"""A run's machinery: the worker pool, the spool of lists, the output, progress lines, failures."""
