"""Views of the submission and approval workflow, by who uses them."""
