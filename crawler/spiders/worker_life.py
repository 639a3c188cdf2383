"""How a crawl's worker processes live and die (article extraction, document parsing).

Workers ignore SIGINT: Ctrl-C reaches the whole process group, and Scrapy's
graceful stop must be able to finish the pages in flight. When the crawl
process dies (even by SIGKILL) the workers die with it (``PR_SET_PDEATHSIG`` on
Linux, a parent watch elsewhere): no orphan keeps running.
"""

from __future__ import annotations

import os
import signal
import threading
import time


def init_worker(parent: int | None = None) -> None:
    """Ignore Ctrl-C (the crawl process decides when to stop); die with the crawl process (``parent``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = parent or os.getppid()
    if os.getppid() != parent:  # the crawl process died while this worker was starting
        os._exit(0)
    try:  # Linux: the kernel sends SIGKILL when the crawl process dies, even by SIGKILL
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # died between fork and prctl
        os._exit(0)

    def watch() -> None:  # elsewhere: notice the orphaning within a second
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
