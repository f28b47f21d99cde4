"""The content schema: what volunteers write in content/*.yaml, validated by pydantic.

The JSON Schema that editors use (``python -m bot schema``) is generated from these classes.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from bot.ids import LANG_CODE, REGION_CODE, TOPIC_ID

TopicId = Annotated[str, StringConstraints(pattern=TOPIC_ID, max_length=40)]
LangCode = Annotated[str, StringConstraints(pattern=LANG_CODE, max_length=12)]
RegionCode = Annotated[str, StringConstraints(pattern=REGION_CODE)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _https(url: str) -> str:
    if not url.startswith("https://") or " " in url or len(url) < 12:
        raise ValueError("must be a full https:// address without spaces")
    return url


def _e164(number: str) -> str:
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number in E.164 form like +18005551234 ({exc})") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError("phonenumbers says this is not a valid number: check the digits")
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if formatted != number:
        raise ValueError(f"write it in E.164 form: {formatted}")
    return number


HttpsUrl = Annotated[str, AfterValidator(_https)]
E164 = Annotated[str, AfterValidator(_e164)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Language(_Strict):
    """One offered language."""

    code: LangCode
    name: Line = Field(description="Native name shown in the language picker")
    greetings: list[Line] = Field(default_factory=list, description="Typed words that open the menu")


class LanguagesFile(_Strict):
    """content/languages.yaml"""

    source: LangCode = "en"
    languages: list[Language] = Field(min_length=1)


class MenuFile(_Strict):
    """content/menu.yaml: main menu order, most urgent first."""

    menu: list[TopicId] = Field(min_length=1)


class Source(_Strict):
    """A public source that backs a topic's facts: the publisher's own page, dated."""

    url: HttpsUrl
    publisher: Line = Field(description="Who published the fact (the body, court, organisation or outlet)")
    published: dt.date | None = Field(default=None, description="When the page was published")
    seen: dt.date | None = Field(default=None, description="When the page was last read")
    supports: Line = Field(description="Which statement this source supports")
    first: bool = Field(default=False, description="Shown on the topic's first screen (at most two)")

    @model_validator(mode="after")
    def _dated(self) -> Source:
        if self.published is None and self.seen is None:
            raise ValueError("a source needs a date: published, or seen (when it was last read)")
        return self

    @property
    def date(self) -> dt.date:
        """The date a reader is shown: publication when known, else when it was last read."""
        return self.published or self.seen  # type: ignore[return-value]  # one is set (validator)


class Review(_Strict):
    """Review stamp of the English source text."""

    state: Literal["source-checked", "legal"]
    by: Line | None = Field(default=None, description="Who reviewed it (for legal: the organisation)")
    reviewed: dt.date
    next_review: dt.date

    @model_validator(mode="after")
    def _signed(self) -> Review:
        if self.by is None:
            raise ValueError(f"a {self.state} review needs 'by': who reviewed it "
                             "(for legal, the organisation whose lawyer read it)")
        return self

    @property
    def who(self) -> str:
        """``by``, which the validator guarantees."""
        return self.by or ""


class TranslationReview(_Strict):
    """Review stamp of a translation; `machine` means no person has reviewed it."""

    state: Literal["machine", "community", "legal"]
    by: Line | None = None
    reviewed: dt.date | None = None
    next_review: dt.date | None = None

    @model_validator(mode="after")
    def _signed(self) -> TranslationReview:
        if self.state == "machine":
            return self
        if self.by is None:
            raise ValueError(f"a {self.state} review needs 'by': the person or organisation that "
                             "checked the translation")
        if self.reviewed is None:
            raise ValueError(f"a {self.state} review needs 'reviewed': the date it was checked")
        return self


Hash8 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8}$")]


class SourceParagraphs(_Strict):
    """Hashes of the English units a translation was made from, per field, in order."""

    title: list[Hash8] = Field(default_factory=list)
    summary: list[Hash8] = Field(default_factory=list)
    body: list[Hash8] = Field(default_factory=list)
    more: list[Hash8] = Field(default_factory=list)
    officer_statement: list[Hash8] = Field(default_factory=list)
    choices: list[Hash8] = Field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        """Field → hashes, empty fields left out."""
        return {k: list(v) for k, v in self.model_dump().items() if v}


class Choice(_Strict):
    """A button in a step-by-step flow (for example the warrant check)."""

    label: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    topic: TopicId


class Topic(_Strict):
    """An English source topic: content/topics/<id>.yaml."""

    id: TopicId
    status: Literal["verified", "unverified"]
    title: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    summary: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    body: Line
    more: str | None = None
    officer_statement: str | None = None
    choices: list[Choice] = Field(default_factory=list)
    related: list[TopicId] = Field(default_factory=list)
    hotlines: list[TopicId] = Field(default_factory=list)
    keywords: list[Line] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)
    review: Review


class TopicTranslation(_Strict):
    """A topic in another language: content/translations/<lang>/topics/<id>.yaml."""

    id: TopicId
    source_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")] | None = Field(
        default=None, description="Older files: hash of the whole English text this was made from"
    )
    source_paragraphs: SourceParagraphs | None = Field(
        default=None, description="Hashes of the English paragraphs this was made from "
        "(python -m bot mark-translated fills it in)")
    review: TranslationReview
    title: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    summary: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    body: Line
    more: str | None = None
    officer_statement: str | None = None
    choices: list[Annotated[str, StringConstraints(min_length=1, max_length=90)]] = Field(
        default_factory=list
    )
    keywords: list[Line] = Field(default_factory=list)


class HotlineSource(_Strict):
    """Where a number was printed, and when: published (if the page shows it) and last seen."""

    url: HttpsUrl
    published: dt.date | None = None
    seen: dt.date

    @property
    def date(self) -> dt.date:
        """The date recency is judged on."""
        return self.published or self.seen


class Hotline(_Strict):
    """A phone line: content/hotlines.yaml."""

    id: TopicId
    name: Line
    operator: Literal["community", "government", "ice"] = Field(
        description="Who runs it; an 'ice' line is never on the hotlines screens, only on the "
        "topics that attach it, labelled as run by ICE")
    purpose: Line = Field(description="What the line is for, in a few words")
    number: E164
    sms: E164 | None = None
    vanity: str | None = None
    hours: str | None = None
    languages: list[LangCode] = Field(default_factory=list)
    regions: list[RegionCode] = Field(min_length=1)
    note: str | None = None
    status: Literal["verified", "unverified"]
    verify: str | None = Field(default=None, description="What would verify an unverified line, or "
                               "the live re-check still owed on a verified one")
    sources: list[HotlineSource] = Field(min_length=1)


class HotlinesFile(_Strict):
    """content/hotlines.yaml"""

    hotlines: list[Hotline]


class HotlineText(_Strict):
    """A hotline's words in another language."""

    name: str | None = None
    purpose: str | None = None
    hours: str | None = None
    note: str | None = None


class RefusedSource(_Strict):
    """A site that is never cited: a copy, aggregator or content farm."""

    domain: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")]
    why: Line


class SourcesPolicyFile(_Strict):
    """content/refused-sources.yaml: domains that are never a source (subdomains included)."""

    refused: list[RefusedSource]


class RegionsFile(_Strict):
    """content/regions.yaml and translations/<lang>/regions.yaml: code → name."""

    regions: dict[RegionCode, Line]


class GlossaryTerm(_Strict):
    """An English term and the renderings approved for it in one language."""

    en: list[Line] = Field(min_length=1, description="The English term and its variants")
    use: list[Line] = Field(min_length=1, description="Approved renderings (any one will do)")
    note: str | None = None


class GlossaryFile(_Strict):
    """content/glossary/<lang>.yaml"""

    terms: list[GlossaryTerm] = Field(default_factory=list)


class SearchFile(_Strict):
    """content/search/<lang>.yaml: what people type when they need a topic (slang, no accents)."""

    topics: dict[TopicId, list[Line]] = Field(
        description="Topic id → words and phrases people type for it; a query holding a whole "
        "phrase of two words or more can open the topic at once")


SCHEMAS: dict[str, type[BaseModel]] = {
    "languages": LanguagesFile,
    "menu": MenuFile,
    "topic": Topic,
    "topic-translation": TopicTranslation,
    "hotlines": HotlinesFile,
    "regions": RegionsFile,
    "refused-sources": SourcesPolicyFile,
    "glossary": GlossaryFile,
    "search": SearchFile,
}
