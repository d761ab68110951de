"""One exception hierarchy for the whole package.

    BriefingError
    ├── ConfigError          bad or missing config file / key (CLI exit 2)
    ├── InputError           bad command-line input, e.g. an unparseable --as-of (CLI exit 2)
    ├── SourceError          a feed or article could not be fetched or parsed
    │   ├── FetchError       network / HTTP level failure
    │   │   └── BlockedAddressError   SSRF guard refused the address
    │   └── ParseError       the body is not a usable feed or page
    ├── StoreError           SQLite problem (locked, corrupt, bad migration)
    ├── LockError            another build holds the lock (CLI exit 3)
    ├── RenderError          templates or PDF failed
    └── DeliveryError        SMTP / outbox failure
        └── InsecureTransportError   credentials would go out in clear text

Only ``cli.py`` turns these into one-line messages and exit codes.
"""

from __future__ import annotations


class BriefingError(Exception):
    """Base class of every error this package raises on purpose."""

    exit_code = 1


class ConfigError(BriefingError):
    exit_code = 2


class InputError(BriefingError):
    exit_code = 2


class SourceError(BriefingError):
    pass


class FetchError(SourceError):
    pass


class BlockedAddressError(FetchError):
    pass


class ParseError(SourceError):
    pass


class StoreError(BriefingError):
    pass


class LockError(BriefingError):
    exit_code = 3


class RenderError(BriefingError):
    pass


class DeliveryError(BriefingError):
    pass


class InsecureTransportError(DeliveryError):
    pass
