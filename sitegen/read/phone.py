"""One phone-number detector for text readers see: numbers belong in site.yml, so they are right in one place.

It finds the emergency and NHS numbers (999, 111, 112, 911), numbers written in groups ("0300 123 4567",
"+44 (0)20 7946 0958") and tel: links; not counts, ranges, years or the digits inside addresses and references
("100 metres", "2-3 weeks", "2021", "/page-2/", "10.1136/bmj")."""

from __future__ import annotations

import re

PHONE_NUMBER = re.compile(r"(?<![\w/.-])(?:999|111|112|911|\+?\(?\d{2,5}\)?[ -]\d{3,4}[ -]?\d{3,4})(?![\w/-])|\btel:")
