"""Can a window open here? Checked before Qt loads its platform plugin, which aborts with a dump."""

from __future__ import annotations

import ctypes.util
import os
import sys
from collections.abc import Callable, Mapping

# The system libraries Qt 6's X11 platform plugin (libqxcb.so and libQt6XcbQpa) links to and PyQt6's
# wheel does not bundle (readelf -d on PyQt6 6.x), with the Debian/Ubuntu package of each.
XCB_LIBRARIES = {
    "xcb": "libxcb1", "X11-xcb": "libx11-xcb1", "X11": "libx11-6",
    "xcb-cursor": "libxcb-cursor0", "xcb-icccm": "libxcb-icccm4", "xcb-image": "libxcb-image0",
    "xcb-keysyms": "libxcb-keysyms1", "xcb-randr": "libxcb-randr0", "xcb-render-util": "libxcb-render-util0",
    "xcb-render": "libxcb-render0", "xcb-shape": "libxcb-shape0", "xcb-shm": "libxcb-shm0",
    "xcb-sync": "libxcb-sync1", "xcb-util": "libxcb-util1", "xcb-xfixes": "libxcb-xfixes0",
    "xcb-xkb": "libxcb-xkb1", "xkbcommon-x11": "libxkbcommon-x11-0", "xkbcommon": "libxkbcommon0",
}


def missing_xcb_packages(find_library: Callable[[str], str | None] | None = None) -> list[str]:
    """The Debian packages of the X11 plugin's libraries the system lacks, in a stable order."""
    find_library = find_library or ctypes.util.find_library
    return sorted({package for lib, package in XCB_LIBRARIES.items() if not find_library(lib)})


def display_problem(env: Mapping[str, str] | None = None,
                    find_library: Callable[[str], str | None] | None = None) -> str | None:
    """Why Qt could not open a window here (it would abort with a long plugin message), or None."""
    env = os.environ if env is None else env
    platform = env.get("QT_QPA_PLATFORM", "")
    if sys.platform != "linux" or (platform and not platform.startswith("xcb")):
        return None  # offscreen, wayland, vnc ...: Qt's own checks suffice; macOS and Windows have a display
    if not platform and env.get("WAYLAND_DISPLAY"):
        return None
    if not env.get("DISPLAY"):
        return ("no display: run it on a desktop, set DISPLAY, or use xvfb-run textrecog-ui "
                "(QT_QPA_PLATFORM=offscreen for tests)")
    missing = missing_xcb_packages(find_library)
    if missing:
        return (f"Qt's X11 platform needs {len(missing)} system "
                f"librar{'y' if len(missing) == 1 else 'ies'} not installed: "
                f"sudo apt install {' '.join(missing)} (Debian/Ubuntu)")
    return None
