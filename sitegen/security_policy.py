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


def headers_file() -> str:
    """`_headers` in the format Netlify and Cloudflare Pages read: a path pattern, then indented headers."""
    lines = ["/*"] + [f"  {name}: {value}" for name, value in RESPONSE_HEADERS.items()]
    return "\n".join(lines) + "\n"
