"""An error as its user reads it: the exception's one line, in the user's language.

The exceptions stay English (``str(exc)``: what a library user, a log or a test sees);
:func:`error_text` says one in ``lang``: an :class:`~perceptron_lab.errors.InputError`'s
frame from the catalog's "errors" section, its expected, got and hint through the
errors' phrasebook (:mod:`.i18n.phrasebook`); a VerificationError's and a
DivergenceError's from their fields. The CLI prints it; a notebook can too.
"""

from __future__ import annotations

import errno
import os

from ..errors import DivergenceError, InputError, VerificationError
from .i18n import Words
from .i18n.phrasebook import phrasebook

# the system's reasons the catalog words, by errno name (others: the C library's English)
REASONS = (
    "ENOENT",
    "EACCES",
    "EPERM",
    "ENOSPC",
    "EROFS",
    "ENAMETOOLONG",
    "EISDIR",
    "ENOTDIR",
    "EEXIST",
    "ENOTEMPTY",
    "EMFILE",
    "EIO",
    "EXDEV",
    "EBUSY",
    "EADDRINUSE",
)


def error_text(exc: BaseException, lang: str | None = None) -> str:
    """``exc``'s message in ``lang`` (None: the locale's); English is ``str(exc)`` itself.

    An error of another kind is its message through the phrasebook.

    A phrase the phrasebook lacks stays as written, in English.
    """
    words = Words(lang, "errors")
    say = phrasebook("errors", words.lang).say
    if type(exc) is VerificationError:  # a subclass (watch's diagnosis) words its own cause
        return words(
            "verification",
            step=exc.step,
            quantity=say(exc.quantity),
            tolerance=f"{exc.tolerance:.0e}",
            disagreement=f"{exc.disagreement:.3e}",
        )
    if isinstance(exc, DivergenceError):
        return words("divergence", step=exc.step, quantity=say(exc.quantity), hint=say(exc.hint))
    if isinstance(exc, InputError):
        key = "input_hint" if exc.hint else "input"
        return words(
            key,
            argument=exc.argument,
            expected=say(exc.expected),
            got=say(exc.got),
            hint=say(exc.hint or ""),
        )
    return say(str(exc))  # a message of its own (the playground's missing extra)


def os_reason(exc: OSError, lang: str | None = None) -> str:
    """Why the system refused, in words of ``lang``: 'No space left on device'."""
    name = errno.errorcode.get(exc.errno or 0)
    words = Words(lang, "errors")
    if name in REASONS and words.lang != "en":  # English: the system's own words
        return words(f"os_{name}")
    return os.strerror(exc.errno) if exc.errno else str(exc)
