"""Domain verbs. They flush and never commit; the caller owns the transaction."""
