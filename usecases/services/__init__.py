"""Every write that does more than save one form: document workflow, assessments, seeding."""
