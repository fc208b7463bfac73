"""The portal's WSGI application, plus the benchmark's static files under /bench-static/.

The static file the published page is compared with goes through the same gunicorn, the
same way the portal's own static files do (WhiteNoise), so the two are measured alike.
"""

import os

from whitenoise import WhiteNoise

from portal.wsgi import application as portal

application = WhiteNoise(portal, root=os.environ["BENCH_STATIC_DIR"], prefix="bench-static/")
