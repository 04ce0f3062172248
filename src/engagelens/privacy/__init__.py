"""Privacy: forget a person everywhere (GDPR art. 17) and pseudonymise authors with a keyed
HMAC, both recorded in the privacy ledger. See docs/privacy.md."""

from .catalog import CATALOG, PersonColumn
from .forget import MODES, ForgetReport, forget_author, ledger, parse_author, was_forgotten
from .keys import key_path, load_key, pseudonym
from .pseudonymise import pseudonymise_authors
from .tables import PRIVACY_LEDGER

__all__ = [
    "CATALOG",
    "ForgetReport",
    "MODES",
    "PRIVACY_LEDGER",
    "PersonColumn",
    "forget_author",
    "key_path",
    "ledger",
    "load_key",
    "parse_author",
    "pseudonym",
    "pseudonymise_authors",
    "was_forgotten",
]
