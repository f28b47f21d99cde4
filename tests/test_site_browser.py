"""The static website in headless Chromium: loads with no request leaving the machine, Arabic lays out
right to left, screenshots show something, and the officer card prints as one wallet-size page.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from bot.bundle import Bundle
from bot.site import build_site
from tests import chromium
from tests.chromium import Recorder, print_pdf, recorder, screenshot
from tests.conftest import TODAY

pytestmark = pytest.mark.skipif(
    chromium.CHROMIUM is None,
    reason="Debian's chromium is not installed: run `make system-deps` (make test does)")

PAGES = ["index.html", "ar/t/show-officer.html", "zh-hans/t/at-home.html", "es/r/IL.html",
         "ru/x/at-home.html", "ko/s/1.html"]
MM_PER_PT = 25.4 / 72


@pytest.fixture(scope="module")
def site(bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site(bundle, out, TODAY)
    return out


@pytest.fixture
def proxy() -> Iterator[Recorder]:
    """Chromium's proxy: every request for anything off this machine lands here."""
    with recorder() as rec:
        yield rec


def ink(png: Path) -> tuple[int, float]:
    """How many dark (text) pixels, and their mean x as a fraction of the width."""
    image = Image.open(png).convert("L")
    mask = image.point(lambda v: 255 if v < 100 else 0)
    count = mask.histogram()[255]
    columns = list(mask.resize((image.width, 1), Image.Resampling.BOX).tobytes())
    total = sum(columns)
    return count, (sum(x * c for x, c in enumerate(columns)) / total / image.width if total else 0.5)


def shoot(site: Path, paths: list[str], tmp_path: Path, proxy: Recorder) -> list[Path]:
    """Screenshots of several site pages, a few browsers at a time."""
    pngs = [tmp_path / f"page{i}.png" for i in range(len(paths))]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda p, png: screenshot((site / p).as_uri(), png, proxy), paths, pngs))
    return pngs


def test_the_proxy_sees_a_page_that_loads_from_elsewhere(tmp_path: Path, proxy: Recorder) -> None:
    # The control: without it, an empty request log would prove nothing.
    page = tmp_path / "leaky.html"
    page.write_text('<!doctype html><link rel="stylesheet" href="https://fonts.example.org/a.css">'
                    '<p>x</p><img src="http://cdn.example.org/pixel.png">', encoding="utf-8")
    screenshot(page.as_uri(), tmp_path / "leaky.png", proxy)
    seen = " ".join(proxy.external)
    assert "cdn.example.org" in seen and "fonts.example.org" in seen


def test_pages_load_from_the_file_system_with_no_external_request(
        site: Path, tmp_path: Path, proxy: Recorder) -> None:
    for path, png in zip(PAGES, shoot(site, PAGES, tmp_path, proxy), strict=True):
        count, _ = ink(png)
        assert count > 2000, f"{path}: the screenshot is (nearly) blank"
        assert len(Image.open(png).getcolors(1 << 24) or []) > 2, path
    assert proxy.external == []


def test_served_over_http_every_request_hits_the_local_server(site: Path, tmp_path: Path,
                                                              proxy: Recorder) -> None:
    with recorder(site) as server:
        screenshot(f"http://127.0.0.1:{server.port}/ar/t/show-officer.html", tmp_path / "a.png",
                   proxy)
    assert proxy.external == [] and server.external == []
    paths = {p for p, _ in server.served}
    assert {"/ar/t/show-officer.html", "/style.css"} <= paths  # the stylesheet is allowed to load
    # Chromium asks for /favicon.ico on its own; everything the page asked for exists.
    assert all(status == 200 for p, status in server.served if p != "/favicon.ico")


def test_arabic_lays_out_right_to_left(site: Path, tmp_path: Path, proxy: Recorder) -> None:
    en, ar = (ink(png)[1] for png in shoot(site, ["en/index.html", "ar/index.html"], tmp_path, proxy))
    # Text hugs the left edge of the English page and the right edge of the Arabic one.
    assert en < 0.45 and ar > 0.55, (en, ar)


def test_officer_card_prints_as_one_wallet_size_page(bundle: Bundle, site: Path, tmp_path: Path,
                                                     proxy: Recorder) -> None:
    def card(lang: str) -> str:
        html = (site / lang / "t/show-officer.html").read_text(encoding="utf-8")
        start = html.index('<section class="card">')
        return html[start : html.index("</section>", start) + len("</section>")]

    template = (site / "ar/t/show-officer.html").read_text(encoding="utf-8")
    main = template[template.index("<main>") : template.index("</main>")]
    langs = list(bundle.library.languages)
    # Every language's card in one document (one browser run); each must fill exactly one page.
    every = "<main>" + "".join(card(lang).replace('class="card"', f'class="card" lang="{lang}"')
                               for lang in langs)
    # The control: a statement too long for a card spills onto a second page.
    long = "<main>" + card("tl").replace("</section>", card("tl")[len('<section class="card">'):])
    docs = {"every": template.replace(main, every), "long": template.replace(main, long)}
    for name, text in docs.items():
        (site / f"ar/t/{name}.html").write_text(text, encoding="utf-8")
    urls = {name: (site / f"ar/t/{name}.html").as_uri() for name in docs}
    urls |= {"en": (site / "en/t/show-officer.html").as_uri(),
             "ar": (site / "ar/t/show-officer.html").as_uri(),
             "plain": (site / "en/t/warrant-check.html").as_uri()}
    with ThreadPoolExecutor(4) as pool:
        printed = dict(zip(urls, pool.map(lambda n: pdf_pages(urls[n], tmp_path / f"{n}.pdf", proxy),
                                          urls), strict=True))
    for name in docs:
        (site / f"ar/t/{name}.html").unlink()
    assert len(printed["every"]) == len(langs)
    for name in ("every", "en", "ar"):
        for w, h in printed[name]:
            assert abs(w - 85.6) < 0.5 and abs(h - 54) < 0.5, (name, w, h)
    assert len(printed["en"]) == len(printed["ar"]) == 1
    assert len(printed["long"]) > 1
    assert printed["plain"][0][0] > 200  # an ordinary page prints on ordinary paper
    assert proxy.external == []


def pdf_pages(url: str, pdf: Path, proxy: Recorder) -> list[tuple[float, float]]:
    """Print ``url``; the size of each page in millimetres."""
    print_pdf(url, pdf, proxy)
    return [(float(p.mediabox.width) * MM_PER_PT, float(p.mediabox.height) * MM_PER_PT)
            for p in PdfReader(pdf).pages]
