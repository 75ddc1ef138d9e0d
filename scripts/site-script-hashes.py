#!/usr/bin/env python3
"""Prints the CSP sources ('sha256-…') of a built page's inline scripts, space-separated:
the SiteScriptHashes parameter of template.yaml. The same rule as `server`
(functions/server/src/site.rs): every <script> without src=, its text hashed as is.

Usage: scripts/site-script-hashes.py frontend/dist/index.html
"""

import base64
import hashlib
import sys


def inline_scripts(html):
    for rest in html.split("<script")[1:]:
        open_tag, sep, body = rest.partition(">")
        script, closed, _ = body.partition("</script>")
        if sep and closed and "src=" not in open_tag:
            yield script


def script_hashes(html):
    return " ".join(
        "'sha256-%s'" % base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        for script in inline_scripts(html)
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip())
    with open(sys.argv[1], encoding="utf-8") as page:
        print(script_hashes(page.read()))
