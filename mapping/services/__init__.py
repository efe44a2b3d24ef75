"""Every write in the mapping app that does more than save one form (see the modules)."""
