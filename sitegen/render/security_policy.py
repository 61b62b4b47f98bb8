"""The one Content-Security-Policy and referrer policy, shared by every page's <meta>, the `_headers` file
for hosts that read one (Netlify, Cloudflare Pages) and the preview server's headers.

'wasm-unsafe-eval' lets Pagefind's WebAssembly search run; it does not allow eval() of JavaScript.
"""

from __future__ import annotations

_DIRECTIVES = (
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
    "upgrade-insecure-requests",
)
# A <meta> policy ignores frame-ancestors (whatwg/html#523), so it is sent only as a header.
_HEADER_ONLY_DIRECTIVES = ("frame-ancestors 'none'",)
CONTENT_SECURITY_POLICY = "; ".join(_DIRECTIVES)
HEADER_CONTENT_SECURITY_POLICY = "; ".join(_DIRECTIVES + _HEADER_ONLY_DIRECTIVES)
# A condition page's address is health information: never tell another site which page a reader came from.
REFERRER_POLICY = "no-referrer"

RESPONSE_HEADERS = {
    "Content-Security-Policy": HEADER_CONTENT_SECURITY_POLICY,
    "Referrer-Policy": REFERRER_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), browsing-topics=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# The form editor at /admin/ (Decap CMS) only: readers' pages keep the policy above. Decap compiles its config
# schema with ajv (new Function: 'unsafe-eval') and styles itself with emotion (<style> tags: 'unsafe-inline');
# it talks to GitHub's API, shows GitHub avatars, previews media as blob: URLs and, opened on this computer,
# reaches decap-server on localhost:8081. Nothing here applies to any other page.
_ADMIN_DIRECTIVES = (
    "default-src 'none'",
    "script-src 'self' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https://avatars.githubusercontent.com https://raw.githubusercontent.com",
    "font-src 'self' data:",
    "connect-src 'self' blob: https://api.github.com http://localhost:8081",
    "frame-src 'self' blob:",
    "child-src 'self' blob:",
    "manifest-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
)
ADMIN_CONTENT_SECURITY_POLICY = "; ".join(_ADMIN_DIRECTIVES)
ADMIN_PATH = "/admin/*"


def headers_file(admin: bool = False) -> str:
    """`_headers` in the format Netlify and Cloudflare Pages read: a path pattern, then indented headers. With
    `admin`, a later /admin/* rule gives the editor its own policy (Netlify applies the last matching rule's
    value for a header)."""
    lines = ["/*"] + [f"  {name}: {value}" for name, value in RESPONSE_HEADERS.items()]
    if admin:
        policy = "; ".join(_ADMIN_DIRECTIVES + _HEADER_ONLY_DIRECTIVES)
        lines += ["", ADMIN_PATH, f"  Content-Security-Policy: {policy}", "  X-Robots-Tag: noindex"]
    return "\n".join(lines) + "\n"
