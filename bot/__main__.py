"""Command line: run, console, check, stats, langs, schema, mark-translated, set-webhook,
setup-telegram, site, flyer, card, audio."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import ROOT, Config, ConfigError, from_env

if TYPE_CHECKING:
    from bot.bundle import Bundle


def _bundle(config: Config) -> Bundle:
    from bot.bundle import ContentInvalid, load_bundle

    try:
        return load_bundle(config.content_dir, config.locales_dir, config.review_grace_days,
                           serve_machine=config.serve_machine_translations)
    except ContentInvalid as exc:
        sys.stderr.write(f"The content has errors; run `python -m bot check`.\n{exc}\n")
        raise SystemExit(1) from exc


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    """Run on Telegram (polling, or webhook with --webhook)."""
    from bot.memory import no_core_dumps, report
    from bot.telegram.logs import setup_logging
    from bot.telegram.run import run_polling, run_webhook

    setup_logging(config.log_level)
    no_core_dumps()
    if not config.token:
        sys.stderr.write("TELEGRAM_BOT_TOKEN is not set. For the offline chat: python -m bot console\n")
        return 2
    if args.webhook:
        config.check_webhook(url_required=False)
    report()
    bundle = _bundle(config)
    asyncio.run(run_webhook(config, bundle) if args.webhook else run_polling(config, bundle))
    return 0


def cmd_console(args: argparse.Namespace, config: Config) -> int:
    """Offline chat in the terminal."""
    from bot.console import run_console

    language = args.lang or (sys.stdin.isatty() and config.terminal_language) or None
    run_console(_bundle(config), sys.stdin, sys.stdout, language)
    return 0


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    """Validate content and catalogs; one line per problem."""
    from bot.bundle import Bundle
    from bot.checks import check_audio, check_catalogs, check_rendering
    from bot.content.loader import load_content
    from bot.i18n import load_catalogs
    from bot.search import SearchIndex

    content = Path(args.content) if args.content else config.content_dir
    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    loaded = load_content(content, today=today, grace_days=config.review_grace_days)
    problems = list(loaded.problems)
    if loaded.library is not None:
        lib = loaded.library
        problems += check_catalogs(ROOT, config.locales_dir, lib)
        problems += check_audio(content, lib)
        try:
            catalogs = load_catalogs(config.locales_dir,
                                     [(c, i.catalog_dir) for c, i in lib.languages.items()])
        except (OSError, ValueError) as exc:
            print(f"{config.locales_dir}:1: error: {exc} — run: make i18n")
            return 1
        bundle = Bundle(lib, catalogs, SearchIndex(lib), config.review_grace_days)
        problems += check_rendering(bundle, today)
    errors = 0
    for p in problems:
        severity = "error" if args.strict else p.severity
        errors += severity == "error"
        print(f"{p.file}:{p.line}: {severity}: {p.message} — {p.fix}")
    warnings = len(problems) - errors
    print(f"{errors} errors, {warnings} warnings", file=sys.stderr)
    return 1 if errors else 0


def cmd_stats(args: argparse.Namespace, config: Config) -> int:
    """Per-language completeness and review states; hotlines; catalogs."""
    from bot.stats import stats_table

    print(stats_table(config))
    return 0


def cmd_schema(args: argparse.Namespace, config: Config) -> int:
    """Write JSON Schemas for the content files (for yaml-language-server)."""
    from bot.content.model import SCHEMAS

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, model in SCHEMAS.items():
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        print(path)
    return 0


def cmd_mark_translated(args: argparse.Namespace, config: Config) -> int:
    """Record that a translation now matches the current English text."""
    from bot.translations import mark_translated

    return mark_translated(config.content_dir, args.lang, args.topics)


def cmd_set_webhook(args: argparse.Namespace, config: Config) -> int:
    """Register the webhook once per deploy."""
    from telegram.error import TelegramError

    from bot.telegram.logs import TOKEN_RE, setup_logging
    from bot.telegram.run import set_webhook

    setup_logging(config.log_level)
    config.check_webhook(url_required=True)
    try:
        asyncio.run(set_webhook(config, _bundle(config)))
    except TelegramError as exc:
        sys.stderr.write(TOKEN_RE.sub("<token>", f"set-webhook: Telegram refused: {exc}") + "\n")
        return 2
    print(f"webhook registered (max_connections {config.max_connections})")
    return 0


def cmd_setup_telegram(args: argparse.Namespace, config: Config) -> int:
    """Publish the localized command menu and descriptions."""
    from bot.telegram.logs import setup_logging
    from bot.telegram.run import setup_telegram

    setup_logging(config.log_level)
    asyncio.run(setup_telegram(config, _bundle(config)))
    print("commands and descriptions published")
    return 0


def cmd_site(args: argparse.Namespace, config: Config) -> int:
    """Write the static website: every screen in every language."""
    from bot.site import build_site

    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    out = Path(args.out)
    written = build_site(_bundle(config), out, today)
    print(f"{len(written)} files written; open {out / 'index.html'}")
    return 0


def cmd_flyer(args: argparse.Namespace, config: Config) -> int:
    """Write a PNG and a PDF flyer with a QR code for the deep link."""
    from bot.flyer import FlyerError, make_flyer, write_flyer

    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    try:
        flyer = make_flyer(_bundle(config), config.bot_username, args.lang.strip().lower(), args.topic,
                           today)
    except FlyerError as exc:
        sys.stderr.write(f"flyer: {exc}\n")
        return 2
    if config.bot_username == Config.bot_username:
        sys.stderr.write(f"note: BOT_USERNAME is not set; the QR code opens @{config.bot_username}\n")
    for path in write_flyer(flyer, Path(args.out)):
        print(path)
    print(flyer.link)
    return 0


def cmd_card(args: argparse.Namespace, config: Config) -> int:
    """Write the officer card: phone PNG and wallet-size red card PDF, per language."""
    from bot.card import write_cards
    from bot.flyer import FlyerError

    bundle = _bundle(config)
    langs = [args.lang.strip().lower()] if args.lang else list(bundle.library.languages)
    try:
        written = write_cards(bundle, langs, Path(args.out))
    except FlyerError as exc:
        sys.stderr.write(f"card: {exc}\n")
        return 2
    for path in written:
        print(path)
    return 0


def cmd_audio(args: argparse.Namespace, config: Config) -> int:
    """Make the machine voice notes with espeak-ng (community recordings are kept)."""
    from bot.audio import AudioError, generate

    bundle = _bundle(config)
    try:
        written = generate(config.content_dir, bundle.library,
                           [args.lang.strip().lower()] if args.lang else None,
                           [args.topic] if args.topic else None)
    except AudioError as exc:
        sys.stderr.write(f"audio: {exc}\n")
        return 2
    for path in written:
        print(path)
    return 0


def cmd_po(args: argparse.Namespace, config: Config) -> int:
    """Export topic text to a .po file (and the glossary to .tbx), or import one back."""
    from bot.po import PoError, export_po, glossary_of, glossary_tbx, import_po, write_catalog

    lang = args.lang.strip().lower()
    try:
        if args.po_command == "export":
            out = Path(args.out or f"{lang}.po")
            write_catalog(export_po(config.content_dir, lang), out)
            tbx = out.with_suffix(".tbx")
            tbx.write_text(glossary_tbx(glossary_of(config.content_dir, lang), lang),
                           encoding="utf-8")
            print(f"{out}\n{tbx}")
            return 0
        for line in import_po(config.content_dir, lang, Path(args.file)):
            print(line)
    except (PoError, OSError, ValueError) as exc:
        sys.stderr.write(f"po: {exc}\n")
        return 2
    print("now run: python -m bot check", file=sys.stderr)
    return 0


def cmd_review(args: argparse.Namespace, config: Config) -> int:
    """Write a review packet (HTML and PDF), or `review approve` to set a review stamp."""
    from bot.content.loader import load_content
    from bot.review import packet_html, print_pdf
    from bot.translations import approve

    if args.rest[:1] == ["approve"]:
        sign = argparse.ArgumentParser(prog="python -m bot review approve")
        sign.add_argument("lang")
        sign.add_argument("topic")
        sign.add_argument("--by", required=True, help="who reviewed it (for legal: the organisation)")
        sign.add_argument("--state", required=True, choices=["community", "legal"])
        sign.add_argument("--today", help=argparse.SUPPRESS)
        more = sign.parse_args(args.rest[1:])
        today = dt.date.fromisoformat(more.today) if more.today else dt.date.today()
        try:
            print(approve(config.content_dir, more.lang, more.topic, more.by, more.state, today))
        except ValueError as exc:
            sys.stderr.write(f"review approve: {exc}\n")
            return 2
        return 0
    pack = argparse.ArgumentParser(prog="python -m bot review")
    pack.add_argument("lang", help="language code (en: the English alone, for a legal review)")
    pack.add_argument("--topic", help="one topic (default: all)")
    pack.add_argument("--out", default=".", help="output directory (default: current)")
    args = pack.parse_args(args.rest)
    loaded = load_content(config.content_dir)
    topics = [args.topic] if args.topic else list(loaded.topics)
    if (args.lang not in loaded.translations and args.lang != "en") or any(
            t not in loaded.topics for t in topics):
        sys.stderr.write("review: unknown language or topic\n")
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    name = f"review-{args.lang}" + (f"_{args.topic}" if args.topic else "")
    html_file, pdf = out / f"{name}.html", out / f"{name}.pdf"
    html_file.write_text(packet_html(loaded, args.lang, topics), encoding="utf-8")
    print(html_file)
    if not print_pdf(html_file, pdf):
        sys.stderr.write("review: no PDF: headless Chromium is not installed (make system-deps)\n")
        return 1
    print(pdf)
    return 0


def cmd_langs(args: argparse.Namespace, config: Config) -> int:
    """The offered languages on one line (for the Makefile): codes, or their catalogs' folders."""
    from bot.content.library import locale_dir
    from bot.content.model import LanguagesFile
    from bot.content.yamlfile import load

    langs = LanguagesFile.model_validate(load(config.content_dir / "languages.yaml").data)
    codes = [lang.code for lang in langs.languages]
    if args.catalog_dirs:  # every language but the source has a catalog
        codes = [locale_dir(code) for code in codes if code != langs.source]
    print(" ".join(codes))
    return 0


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run on Telegram (needs TELEGRAM_BOT_TOKEN)")
    run.add_argument("--webhook", action="store_true", help="serve a webhook instead of polling")
    run.set_defaults(func=cmd_run)
    con = sub.add_parser("console", help="offline chat in the terminal")
    con.add_argument("--lang", help="language code to start in, e.g. es")
    con.set_defaults(func=cmd_console)
    chk = sub.add_parser("check", help="validate content and catalogs")
    chk.add_argument("--content", help="content directory (default: content/)")
    chk.add_argument("--strict", action="store_true", help="treat warnings as errors")
    chk.add_argument("--today", help=argparse.SUPPRESS)
    chk.set_defaults(func=cmd_check)
    sub.add_parser("stats", help="translation and review status").set_defaults(func=cmd_stats)
    langs = sub.add_parser("langs", help="the offered language codes, from content/languages.yaml")
    langs.add_argument("--catalog-dirs", action="store_true",
                       help="the catalogs' folder names under locales/ instead (no source)")
    langs.set_defaults(func=cmd_langs)
    sch = sub.add_parser("schema", help="write JSON Schemas for editors")
    sch.add_argument("--out", default=str(ROOT / "schema"))
    sch.set_defaults(func=cmd_schema)
    mark = sub.add_parser("mark-translated", help="stamp translations as made from current English")
    mark.add_argument("lang")
    mark.add_argument("topics", nargs="*", help="topic ids (default: all of that language)")
    mark.set_defaults(func=cmd_mark_translated)
    sub.add_parser("set-webhook", help="register WEBHOOK_URL once per deploy").set_defaults(
        func=cmd_set_webhook)
    sub.add_parser("setup-telegram", help="publish localized commands").set_defaults(
        func=cmd_setup_telegram)
    site = sub.add_parser("site", help="write the static multilingual website")
    site.add_argument("out", help="output directory")
    site.add_argument("--today", help=argparse.SUPPRESS)
    site.set_defaults(func=cmd_site)
    fly = sub.add_parser("flyer", help="PNG and PDF flyer with a QR code for a deep link")
    fly.add_argument("--lang", required=True, help="language code, e.g. es")
    fly.add_argument("--topic", help="topic id the link opens, e.g. at-home (default: the menu)")
    fly.add_argument("--out", default=".", help="output directory (default: current)")
    fly.add_argument("--today", help=argparse.SUPPRESS)
    fly.set_defaults(func=cmd_flyer)
    card = sub.add_parser("card", help="officer card: phone PNG and wallet-size red card PDF")
    card.add_argument("--lang", help="language code (default: every language)")
    card.add_argument("--out", default=".", help="output directory (default: current)")
    card.set_defaults(func=cmd_card)
    audio = sub.add_parser("audio", help="voice notes of the crisis topics")
    audio_sub = audio.add_subparsers(dest="audio_command", required=True)
    gen = audio_sub.add_parser("generate", help="machine voice notes with espeak-ng")
    gen.add_argument("--lang", help="language code (default: every language with a voice)")
    gen.add_argument("--topic", help="one crisis topic (default: all eight)")
    gen.set_defaults(func=cmd_audio)
    po = sub.add_parser("po", help="topic text as a gettext .po file (Poedit, Weblate)")
    po_sub = po.add_subparsers(dest="po_command", required=True)
    exp = po_sub.add_parser("export", help="write LANG's topic text (and glossary .tbx)")
    exp.add_argument("lang")
    exp.add_argument("--out", help="the .po file to write (default: LANG.po)")
    imp = po_sub.add_parser("import", help="read a translated .po file into the content files")
    imp.add_argument("lang")
    imp.add_argument("file")
    po.set_defaults(func=cmd_po)
    rev = sub.add_parser("review", help="review packet (HTML, PDF); `review approve` signs off",
                         usage="python -m bot review LANG [--topic ID] --out DIR\n"
                               "       python -m bot review approve LANG ID --by ORG "
                               "--state community|legal")
    rev.add_argument("rest", nargs=argparse.REMAINDER, help="LANG [--topic ID] --out DIR, or "
                     "approve LANG ID --by ORG --state community|legal")
    rev.set_defaults(func=cmd_review)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m bot`` and ``kyr-bot``."""
    args = parser().parse_args(argv)
    try:
        config = from_env()
    except ConfigError as exc:
        sys.stderr.write(f"configuration error: {exc}\n")
        return 2
    logging.captureWarnings(True)
    if argv is None and args.func is cmd_run:  # a real `run`, not a call from a test
        from bot.memory import restart_with_hygienic_allocator

        restart_with_hygienic_allocator()
    try:
        return int(args.func(args, config))
    except ConfigError as exc:
        sys.stderr.write(f"configuration error: {exc}\n")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
