"""The benchmark of issue 11 (`make bench`, `make bench-big`): generates its own data and
measures each ratio side by side in one run. Kept apart from the portal's code paths: only
the `bench` management command imports it."""
