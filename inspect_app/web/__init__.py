"""Web plumbing shared by every blueprint: the commit boundary, loaders, forms, navigation."""
