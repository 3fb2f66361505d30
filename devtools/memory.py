"""Peak memory of this process, as the benchmarks report it.

getrusage's ru_maxrss is the wrong number for a job started by `make bench`: Linux carries the high-water
mark across fork and exec, so a child reports its parent's peak (the bench process, after seeding a
million orders, holds ~400 MB). VmHWM in /proc/self/status belongs to the running program's own memory
map, which exec replaces: it is this program's peak and nothing else's.
"""

import re
import resource
from pathlib import Path


def peak_rss_mb() -> float:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:  # not Linux: the portable figure, with the caveat above
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return int(re.search(r"VmHWM:\s+(\d+)", status)[1]) / 1024
