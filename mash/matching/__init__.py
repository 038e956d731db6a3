"""Person matching (SC-4, IN-5): find a child's history however their details were written.

`records` holds the shape both the online search and the batch jobs score; `engine` scores and
explains pairs; `keys` generates the blocking keys that make candidate search an index lookup.
"""
