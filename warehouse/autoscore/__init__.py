"""The auto-score in the database: conversations read for `scoring`, its results written, and
the sampling facts kept beside them."""
