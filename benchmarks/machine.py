"""Description of the machine a benchmark runs on."""

import platform


def cpu_name() -> str:
    """Return the processor's model name from /proc/cpuinfo, or else platform.processor()."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
