"""Attachment issue codes and their texts in Kazakh, Russian and English (pure, no Django).

The codes are part of the API contract (docs/conventions.md, "Attachments"); never rename them.
``scan_quality`` is a warning only (SPEC R-DOC-5), never a ground to refuse a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

FORMAT_NOT_ALLOWED: Final = "format_not_allowed"
EMPTY: Final = "empty"
CORRUPT: Final = "corrupt"
ENCRYPTED: Final = "encrypted"
ACTIVE_CONTENT: Final = "active_content"
NAME_INVALID: Final = "name_invalid"
TOO_LARGE: Final = "too_large"
SCAN_QUALITY: Final = "scan_quality"

#: Every detected_format value of the attachment object (docs/conventions.md "Attachments").
DETECTED_FORMATS: Final = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "jpeg", "unknown"})
#: R-DOC-1: what every proceeding accepts. Criminal proceedings add "jpeg".
DEFAULT_ALLOWED_FORMATS: Final = frozenset({"pdf", "doc", "docx", "xls", "xlsx"})
CRIMINAL_ALLOWED_FORMATS: Final = DEFAULT_ALLOWED_FORMATS | {"jpeg"}

MESSAGES: Final[dict[str, dict[str, str]]] = {
    FORMAT_NOT_ALLOWED: {
        "kk": "Бұл файл форматына рұқсат етілмейді. PDF, DOC, DOCX, XLS немесе XLSX жүктеңіз.",
        "ru": "Недопустимый формат файла. Загрузите PDF, DOC, DOCX, XLS или XLSX.",
        "en": "This file format is not allowed. Upload PDF, DOC, DOCX, XLS or XLSX.",
    },
    EMPTY: {
        "kk": "Файл бос.",
        "ru": "Файл пустой.",
        "en": "The file is empty.",
    },
    CORRUPT: {
        "kk": "Файл бүлінген немесе оқылмайды.",
        "ru": "Файл повреждён или не читается.",
        "en": "The file is damaged or cannot be read.",
    },
    ENCRYPTED: {
        "kk": "Файл шифрланған немесе құпиясөзбен қорғалған.",
        "ru": "Файл зашифрован или защищён паролем.",
        "en": "The file is encrypted or password-protected.",
    },
    ACTIVE_CONTENT: {
        "kk": "Файлда скрипттер, макростар, ендірілген файлдар немесе мультимедиа бар.",
        "ru": "Файл содержит скрипты, макросы, вложенные файлы или мультимедиа.",
        "en": "The file contains scripts, macros, embedded files or multimedia.",
    },
    NAME_INVALID: {
        "kk": "Файл атауы жарамсыз.",
        "ru": "Недопустимое имя файла.",
        "en": "The file name is not usable.",
    },
    TOO_LARGE: {
        "kk": "Файл тым үлкен.",
        "ru": "Файл слишком большой.",
        "en": "The file is too large.",
    },
    SCAN_QUALITY: {
        "kk": "Сканерленген құжат 200–300 dpi, ақ-қара немесе сұр реңкті болуы керек.",
        "ru": "Скан должен быть 200–300 dpi, чёрно-белым или в оттенках серого.",
        "en": "Scans should be 200–300 dpi, black-and-white or greyscale.",
    },
}

#: Reasons that say more than a code's text, where the applicant can act on them. A reason is
#: stored with the issue (``{"code", "message", "reason"}``); the API still shows code and
#: message, the message being the reason's text (README "Documents we accept").
TOO_COMPLEX: Final = "too_complex"
FORBIDS_PRINT_COPY: Final = "forbids_print_copy"
TRUNCATED: Final = "truncated"
OLD_OFFICE_FORMAT: Final = "old_office_format"
REASON_MESSAGES: Final[dict[str, dict[str, str]]] = {
    TOO_COMPLEX: {
        "kk": "Файл тексеру үшін тым күрделі (нысандары тым көп немесе оқу тым ұзаққа созылады). "
        "Оны қарапайым PDF ретінде қайта сақтаңыз немесе PDF-ке басып шығарыңыз.",
        "ru": "Файл слишком сложен для проверки (слишком много объектов или чтение занимает "
        "слишком долго). Сохраните его заново как простой PDF или распечатайте в PDF.",
        "en": "The file is too complex to check (too many objects, or it takes too long to "
        "read). Save it again as a simple PDF, or print it to PDF.",
    },
    FORBIDS_PRINT_COPY: {
        "kk": "PDF файлы басып шығаруға немесе мәтінді көшіруге тыйым салады. Шектеулерді алып "
        "тастап, қайта жүктеңіз.",
        "ru": "PDF запрещает печать или копирование текста. Снимите ограничения и загрузите "
        "файл заново.",
        "en": "The PDF forbids printing or copying its text. Remove the restrictions and "
        "upload it again.",
    },
    OLD_OFFICE_FORMAT: {
        "kk": "Бұл 1995 жылға дейінгі Word немесе Excel форматы. Файлды DOCX, XLSX немесе PDF "
        "ретінде сақтап, қайта жүктеңіз.",
        "ru": "Это формат Word или Excel до 1995 года. Сохраните файл как DOCX, XLSX или PDF и "
        "загрузите его заново.",
        "en": "This is a Word or Excel format from before 1995. Save the file as DOCX, XLSX or "
        "PDF and upload it again.",
    },
    TRUNCATED: {
        "kk": "Файл толық емес (сақтау немесе жүктеу кезінде үзілген). Оны қайта жүктеңіз.",
        "ru": "Файл неполный (оборван при сохранении или загрузке). Загрузите его заново.",
        "en": "The file is incomplete (cut off while saving or uploading). Upload it again.",
    },
}

LANGUAGES: Final = ("kk", "ru", "en")


def message_for(code: str, language: str = "en", reason: str = "") -> str:
    """The text of ``code`` in ``language`` (kk, ru or en; a regional tag like ``ru-RU`` works).

    A known ``reason`` (``REASON_MESSAGES``) gives its own, more precise text. Unknown languages
    fall back to English, unknown codes to the code itself.
    """
    texts = REASON_MESSAGES.get(reason) or MESSAGES.get(code)
    if texts is None:
        return code
    return texts.get(language.split("-")[0].lower(), texts["en"])


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding about a file. ``message`` is English; ``detail`` says what exactly was found.

    ``detail`` is technical English for logs and support (e.g. "PDF action /Launch"); it never
    contains file content.
    """

    code: str
    message: str
    detail: str = ""
    #: A ``REASON_MESSAGES`` key when the code's own text is not precise enough, else "".
    reason: str = ""

    @classmethod
    def of(cls, code: str, detail: str = "", reason: str = "") -> Issue:
        return cls(
            code=code, message=message_for(code, reason=reason), detail=detail, reason=reason
        )

    def as_dict(self) -> dict[str, str]:
        """The API shape ``{"code", "message"}``, plus ``reason`` when there is one (stored)."""
        shape = {"code": self.code, "message": self.message}
        if self.reason:
            shape["reason"] = self.reason
        return shape


@dataclass(frozen=True, slots=True)
class RepairedCopy:
    """A repaired copy of a damaged PDF that passed every check (README "Documents we accept").

    The original stays what was signed; this copy is what the judge reads. ``reason`` is
    technical English for logs (what strict reading stumbled on).
    """

    sha256: str
    size: int
    reason: str


@dataclass(slots=True)
class ValidationResult:
    """What ``validate_file`` found. ``ok`` is True when there are no errors (warnings allowed)."""

    detected_format: str = "unknown"
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    #: The sanitised file name, when ``validate_file`` was given one.
    filename: str | None = None
    #: Set when a damaged PDF was repaired and the repaired copy is acceptable.
    repaired: RepairedCopy | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_codes(self) -> list[str]:
        return [issue.code for issue in self.errors]

    @property
    def warning_codes(self) -> list[str]:
        return [issue.code for issue in self.warnings]

    def error_dicts(self) -> list[dict[str, str]]:
        """The attachment's ``errors`` list: ``[{"code", "message"}]``."""
        return [issue.as_dict() for issue in self.errors]

    def warning_dicts(self) -> list[dict[str, str]]:
        return [issue.as_dict() for issue in self.warnings]

    def error(self, code: str, detail: str = "", reason: str = "") -> None:
        """Record an error once per code (the first detail wins)."""
        if code not in self.error_codes:
            self.errors.append(Issue.of(code, detail, reason))

    def warn(self, code: str, detail: str = "") -> None:
        if code not in self.warning_codes:
            self.warnings.append(Issue.of(code, detail))
