"""Management information (issue 8, DM-2): the managers' daily overview and the performance
report."""
