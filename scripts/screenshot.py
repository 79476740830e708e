"""Screenshot a running cockpit page in headless Chromium (Debian's package, no browser download).

    python scripts/screenshot.py http://127.0.0.1:8501/cases out.png [--width 1600 --height 1000 --full]
"""

from __future__ import annotations

import argparse
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"


def shoot(url: str, out: str, width: int, height: int, full: bool, wait_s: float) -> int:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--use-gl=swiftshader",
                                                                    "--enable-unsafe-swiftshader"])
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url, wait_until="networkidle")
        page.wait_for_selector("[data-testid='stApp']", timeout=60_000)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                               timeout=60_000)
        page.wait_for_timeout(int(wait_s * 1000))
        page.screenshot(path=out, full_page=full)
        errors = page.locator("[data-testid='stException']").count()
        browser.close()
    return 1 if errors else 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("out")
    ap.add_argument("--width", type=int, default=1600)
    ap.add_argument("--height", type=int, default=1000)
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--wait", type=float, default=4.0)
    a = ap.parse_args()
    sys.exit(shoot(a.url, a.out, a.width, a.height, a.full, a.wait))
