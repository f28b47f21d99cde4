"""The shapes of ids, written once: the content schema and the callback data both check them."""

from __future__ import annotations

import re

TOPIC_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"  # also hotline ids, in callback data too
LANG_CODE = r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$"  # lower-case IETF tags: es, zh-hans, pt-br
REGION_CODE = r"^[A-Z]{2}$"  # a US state or territory: CA, PR

TOPIC_ID_RE = re.compile(TOPIC_ID)
LANG_CODE_RE = re.compile(LANG_CODE)
REGION_CODE_RE = re.compile(REGION_CODE)
