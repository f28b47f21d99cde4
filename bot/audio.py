"""Voice notes: the crisis topics' first screens as OGG/Opus files, with a review state.

``content/audio/<lang>/<topic>.ogg`` holds the note and ``content/audio/<lang>/index.yaml`` says,
for each topic, who made it (``machine``: espeak-ng; ``community``: a volunteer's recording), the
voice, and the ``source_hash`` of the text it speaks. A note whose text changed since is stale and
is not served (a recording that no longer says what the page says could mislead); ``check``
reports it. ``python -m bot audio generate`` makes the machine notes (espeak-ng and opusenc from
Debian: ``make system-deps``) and never overwrites a ``community`` recording.
"""

from __future__ import annotations

import hashlib
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.library import Library, Page
from bot.content.yamlfile import ContentError, Problem, load

CRISIS_TOPICS = ("at-home", "in-public", "in-car", "at-work", "arrested", "show-officer",
                 "warrant-check", "find-detained")
MAX_SECONDS = 90.0
INDEX = "index.yaml"
STATES = ("machine", "community")
# espeak-ng voices for the languages where its speech is intelligible (README, "Voice notes").
# Left out: zh-hans (espeak-ng 1.51 reads Chinese characters through English letter rules), ar
# (unvocalised Arabic is read without its short vowels), tl and so (no voice), am and pa (voices
# without a dictionary that no speaker has confirmed yet). A volunteer's recording can add any.
VOICES = {"en": "en-us", "es": "es-419", "fr": "fr-fr", "pt-br": "pt-br", "ru": "ru", "uk": "uk",
          "hi": "hi", "vi": "vi", "ht": "ht", "ko": "ko"}
WORDS_PER_MINUTE = 150  # espeak-ng's default 175 is hurried for a frightened listener
BITRATE_KBPS = 16  # mono speech; about 2 KB a second
OGG_SERIAL = 1  # a fixed stream serial number: the same text makes the same file


class AudioError(ValueError):
    """A file is not a usable voice note, or one cannot be made; the message says why."""


@dataclass(frozen=True)
class VoiceNote:
    """One shipped note: where it is, how it was made, and a digest of its bytes."""

    lang: str
    topic: str
    path: Path
    state: str
    voice: str
    source_hash: str
    seconds: float
    digest: str

    @property
    def machine(self) -> bool:
        """Made by a speech synthesizer (the caption says so)."""
        return self.state == "machine"


@dataclass(frozen=True)
class AudioIndex:
    """The notes that may be served, by (language, topic); stale or broken ones are left out."""

    notes: dict[tuple[str, str], VoiceNote] = field(default_factory=dict)

    def get(self, lang: str, topic: str) -> VoiceNote | None:
        """The note for a topic in a language, or None."""
        return self.notes.get((lang, topic))


def spoken_text(page: Page) -> str:
    """What the note says: the title, the first screen and (show-officer) the statement."""
    parts = [page.title] + [b.text for b in page.body] + [b.text for b in page.officer]
    return "\n\n".join(_sentence(p.strip()) for p in parts if p.strip())


def _sentence(text: str) -> str:
    """End a title or list item with a full stop, so the synthesizer pauses after it."""
    return text if text[-1] in ".!?。？！:：।" else text + "."


def text_hash(text: str) -> str:
    """The ``source_hash`` recorded for a note made from ``text``."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def opus_seconds(data: bytes) -> float:
    """Duration of an Ogg stream holding Opus audio; AudioError if it is anything else."""
    pos, serial, granule, pre_skip, pages = 0, None, 0, 0, 0
    while pos < len(data):
        if data[pos:pos + 4] != b"OggS" or len(data) < pos + 27:
            raise AudioError("not an Ogg file (or damaged)")
        granule, page_serial = struct.unpack_from("<qI", data, pos + 6)
        nsegs = data[pos + 26]
        body = pos + 27 + nsegs
        size = sum(data[pos + 27:body])
        if body + size > len(data):
            raise AudioError("the Ogg file is cut short")
        if serial is None:
            if data[body:body + 8] != b"OpusHead" or size < 19:
                raise AudioError("the Ogg file holds no Opus audio (Telegram needs OGG/Opus)")
            pre_skip = struct.unpack_from("<H", data, body + 10)[0]
            serial = page_serial
        elif page_serial != serial:
            raise AudioError("the Ogg file holds more than one stream")
        pos, pages = body + size, pages + 1
    if pages < 3:
        raise AudioError("the Ogg file holds no audio")
    return max(0.0, (granule - pre_skip) / 48000)


def load_audio(root: Path, library: Library) -> tuple[AudioIndex, list[Problem]]:
    """The servable notes under ``root/audio``, and every problem found on the way."""
    notes: dict[tuple[str, str], VoiceNote] = {}
    problems: list[Problem] = []
    folder = root / "audio"
    for lang_dir in sorted(p for p in folder.glob("*") if p.is_dir()):
        lang = lang_dir.name
        label = f"content/audio/{lang}/{INDEX}"
        if lang not in library.languages:
            problems.append(Problem(label, 1, f"'{lang}' is not an offered language",
                                    "name the folder after a code in content/languages.yaml"))
            continue
        try:
            doc = load(lang_dir / INDEX, label)
        except ContentError as exc:
            problems.append(exc.problem)
            continue
        except FileNotFoundError:
            problems.append(Problem(label, 1, "index missing",
                                    f"run: python -m bot audio generate --lang {lang}"))
            continue
        data = doc.data if isinstance(doc.data, dict) else {}
        for topic, meta in data.items():
            note = _note(lang_dir, lang, str(topic), meta, library, doc.line((topic,)), label,
                         problems)
            if note is not None:
                notes[(lang, note.topic)] = note
        for ogg in sorted(lang_dir.glob("*.ogg")):
            if ogg.stem not in data:
                problems.append(Problem(f"content/audio/{lang}/{ogg.name}", 1,
                                        "a voice note missing from the index",
                                        f"add '{ogg.stem}' to {label} or delete the file"))
    return AudioIndex(notes), problems


def _note(lang_dir: Path, lang: str, topic: str, meta: object, library: Library, line: int,
          label: str, problems: list[Problem]) -> VoiceNote | None:
    """One index entry checked against its file and the current text."""
    def problem(message: str, fix: str, severity: str = "error") -> None:
        problems.append(Problem(label, line, message, fix, severity))

    if topic not in CRISIS_TOPICS:
        problem(f"'{topic}' is not a crisis topic with a Listen button",
                f"use one of: {' '.join(CRISIS_TOPICS)}")
        return None
    fields = meta if isinstance(meta, dict) else {}
    state, voice, source = (str(fields.get(k, "")) for k in ("state", "voice", "source_hash"))
    if state not in STATES or not voice or not source:
        problem(f"'{topic}' needs state (machine or community), voice and source_hash",
                "see the README, section Voice notes")
        return None
    path = lang_dir / f"{topic}.ogg"
    try:
        blob = path.read_bytes()
        seconds = opus_seconds(blob)
    except FileNotFoundError:
        problem(f"{path.name} is missing", f"run: python -m bot audio generate --lang {lang}")
        return None
    except AudioError as exc:
        problem(f"{path.name}: {exc}", "save it as OGG/Opus, mono (opusenc, or ffmpeg -c:a libopus)")
        return None
    if seconds > MAX_SECONDS:
        problem(f"{path.name} lasts {seconds:.0f} s, over {MAX_SECONDS:.0f} s",
                "record the first screen only, or speak faster")
        return None
    page = library.page(lang, topic)
    if page is None or not page.translated:
        problem(f"'{topic}' has no page in {lang} to speak", "translate the topic first")
        return None
    if text_hash(spoken_text(page)) != source:
        fix = (f"record it again, or run: python -m bot audio generate --lang {lang} "
               f"--topic {topic}")
        problem(f"stale voice note: the text of '{topic}' changed since it was made (not served)",
                fix, "warning")
        return None
    return VoiceNote(lang, topic, path, state, voice, source, seconds,
                     hashlib.sha256(blob).hexdigest()[:16])


# --- generating machine notes ----------------------------------------------------------------

def generate(root: Path, library: Library, langs: list[str] | None = None,
             topics: list[str] | None = None) -> list[Path]:
    """Make machine notes with espeak-ng for ``langs`` (default: every language with a voice).

    A ``community`` recording is kept. Writes the .ogg files and the index; returns the files
    written. AudioError when a tool is missing or a note would be too long.
    """
    for tool in ("espeak-ng", "opusenc"):
        _tool(tool)
    wanted = langs or [c for c in library.languages if c in VOICES]
    for lang in wanted:
        if lang not in VOICES:
            raise AudioError(f"no intelligible espeak-ng voice for {lang!r}; voices: "
                             f"{' '.join(VOICES)} (a volunteer's recording can be added instead)")
    written: list[Path] = []
    for lang in wanted:
        folder = root / "audio" / lang
        folder.mkdir(parents=True, exist_ok=True)
        index = _read_index(folder / INDEX)
        for topic in topics or CRISIS_TOPICS:
            page = library.page(lang, topic)
            if page is None or not page.translated or index.get(topic, {}).get("state") == "community":
                continue
            text = spoken_text(page)
            path = folder / f"{topic}.ogg"
            blob = synthesize(text, VOICES[lang])
            if opus_seconds(blob) > MAX_SECONDS:
                raise AudioError(f"{lang} {topic}: the first screen takes over {MAX_SECONDS:.0f} s")
            path.write_bytes(blob)
            index[topic] = {"state": "machine", "voice": f"espeak-ng {VOICES[lang]}",
                            "source_hash": text_hash(text)}
            written.append(path)
        written.append(_write_index(folder / INDEX, index))
    return written


def synthesize(text: str, voice: str) -> bytes:
    """``text`` spoken by espeak-ng, as mono OGG/Opus at a low bitrate."""
    espeak, opusenc = _tool("espeak-ng"), _tool("opusenc")
    # fixed argument lists; the text goes in on stdin, never through a shell
    wav = subprocess.run([espeak, "-v", voice, "-s", str(WORDS_PER_MINUTE), "--stdout"],  # noqa: S603
                         input=text.encode(), capture_output=True, check=True, timeout=120).stdout
    return subprocess.run([opusenc, "--quiet", "--speech", "--bitrate", str(BITRATE_KBPS),  # noqa: S603
                           "--downmix-mono", "--serial", str(OGG_SERIAL), "--discard-comments",
                           "-", "-"],
                          input=wav, capture_output=True, check=True, timeout=120).stdout


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise AudioError(f"{name} is not installed; run: make system-deps")
    return path


def _read_index(path: Path) -> dict[str, dict[str, str]]:
    if not path.is_file():
        return {}
    data = load(path).data
    if not isinstance(data, dict):
        return {}
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in data.items()
            if isinstance(v, dict)}


def _write_index(path: Path, index: dict[str, dict[str, str]]) -> Path:
    lines = ["# Voice notes of the crisis topics' first screens. state: machine (espeak-ng, made by",
             "# python -m bot audio generate) or community (a volunteer's recording, never",
             "# overwritten). source_hash: the text the note speaks (python -m bot check).", ""]
    for topic in sorted(index, key=lambda t: CRISIS_TOPICS.index(t) if t in CRISIS_TOPICS else 99):
        lines.append(f'"{topic}":')
        lines += [f'  {key}: "{index[topic][key]}"' for key in ("state", "voice", "source_hash")
                  if key in index[topic]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
