"""Check that WeasyPrint can make a PDF here, and say what to install when it cannot.

`make run` calls this before starting the server. pip installs WeasyPrint itself, but it
loads Pango, HarfBuzz and fontconfig from the system when first imported, so a machine
without them fails only when someone asks for the committee PDF. This renders a one-line
page instead, at start-up, and names the Debian packages that are missing.

Exit status 0 when a PDF was made, 1 when not (the message says what to run).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

# What WeasyPrint's wheels need from Debian/Ubuntu: Pango (with its FreeType backend),
# HarfBuzz's font subsetter and at least one font.
DEBIAN_PACKAGES = [
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "fontconfig",
    "fonts-dejavu-core",
]


def render_tiny_pdf() -> bytes:
    import weasyprint

    return weasyprint.HTML(string="<p>Partnership performance portal</p>").write_pdf()


def check(render: Callable[[], bytes] = render_tiny_pdf) -> tuple[bool, str]:
    """Whether a PDF can be made, and the message for the person running `make run`."""
    try:
        pdf = render()
    except Exception as error:  # an OSError from cffi when a library is missing, mostly
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
    else:
        if pdf.startswith(b"%PDF"):
            return True, "PDF libraries: WeasyPrint made a test PDF."
        reason = "WeasyPrint returned something that is not a PDF"
    return False, (
        f"PDF libraries missing: the committee PDF export will fail ({reason}).\n"
        f"Install them with: sudo apt-get install {' '.join(DEBIAN_PACKAGES)}\n"
        "(other systems: see WeasyPrint's installation guide, 'First steps')."
    )


def main() -> int:
    ok, message = check()
    print(message, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
