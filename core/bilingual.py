"""The bilingual rule: a text stored in Chinese and English reads in the active language, and in the other
one when that is empty. Every bilingual name, label and title of the project goes through here."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def reads_chinese() -> bool:
    """Whether the active language is Chinese. No active language (translations off) reads English."""
    return (get_language() or "").startswith("zh")


def in_language(zh: str | None, en: str | None) -> str:
    """`zh` or `en` by the active language; the other when that one is empty; "" when both are."""
    first, other = (zh, en) if reads_chinese() else (en, zh)
    return first or other or ""


class BilingualName(models.Model):
    """Master data named in both languages (currencies, units, customers, carriers, templates...)."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return in_language(self.name_zh, self.name_en)

    def __str__(self):
        return self.name


class BilingualLabel(models.Model):
    """Configured items labelled in both languages (checklist and spot-check items). Each model declares its
    own `label_zh` and `label_en` (their lengths differ); the label reads by the same rule as a name."""

    class Meta:
        abstract = True

    @property
    def label(self) -> str:
        return in_language(self.label_zh, self.label_en)

    def __str__(self):
        return self.label
