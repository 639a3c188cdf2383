"""``python -m tests.support.peak_rss CMD…``: run CMD, print ``{"code", "maxrss_kb"}`` of its largest descendant.

The peak RSS of a child tree (parity and its crawl child) can only be read by
the process that waited for them; pytest's own children of earlier tests would
count too, so a test runs the measured command under this small parent.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys


def main(argv: list[str]) -> int:
    code = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    print(json.dumps({"code": code, "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
