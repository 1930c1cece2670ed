"""The ``textrecog-ui`` entry point: a missing PyQt6 or Qt library is one line, not a traceback."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Open the window (``textrecog-ui --help``); without PyQt6 say how to install it."""
    try:
        from textrecog.ui.app import main as app_main
    except ImportError as exc:  # PyQt6 not installed (the light install), or a library Qt itself needs
        print(f"textrecog-ui: the window cannot start: {exc}. It needs PyQt6: "
              f"pip install \"textrecog[ui]\" (and, on Linux, the system's OpenGL and fontconfig: "
              f"sudo apt install libgl1 libegl1 libfontconfig1 libdbus-1-3)", file=sys.stderr)
        return 2
    return app_main(argv)


if __name__ == "__main__":
    sys.exit(main())
