"""The partnership bundle: everything a partnership is, as a folder of files, and back.

`export_bundle(folder)` writes it; `import_bundle(folder, dry_run=..., actor=...)` loads it
all or nothing, raising `BundleRefused` with every problem (file, row, column, message).
The files and their columns are documented in docs/bundle.md.
"""

from .exporting import export_bundle
from .files import FILES, BundleRefused, Problem
from .importing import Report, import_bundle

__all__ = ["FILES", "BundleRefused", "Problem", "Report", "export_bundle", "import_bundle"]
