"""Every screen in English says nothing in Japanese of its own: its words, choices, labels and the catalog's
names come in the language chosen. What stays Japanese is marked `lang="ja"` by the page itself: what
people wrote (names, addresses, notes, the audit log's recorded values) and the legal references' titles.
The catalog's reasons, documents and deadline notes come in English; one the catalog has not translated
would show in Japanese marked `data-untranslated`, and fails the test as any Japanese text does. The test
reads the text a person sees (and the labels a screen reader says), leaving out the marked parts."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

# hiragana, katakana (not the middle dot ・ or the long-vowel mark alone) and kanji
JAPANESE = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u3400-\u4dbf\u4e00-\u9fff]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """The text of a page and its accessible labels, without scripts, styles and `lang="ja"` parts."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # per open element: whether it starts an excluded part
        self.excluded = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if not self.excluded:
            for name in ("aria-label", "title", "placeholder", "alt"):
                if attributes.get(name):
                    self.texts.append(str(attributes[name]))
        if tag in VOID:
            return
        excluded = tag in {"script", "style"} or attributes.get("lang") == "ja"
        self.stack.append(excluded)
        self.excluded += excluded

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not self.stack:
            return
        self.excluded -= self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.excluded and data.strip():
            self.texts.append(" ".join(data.split()))


def _test_only_labels() -> tuple[str, ...]:
    """Audit events other test modules register for themselves (category "test"): not product text."""
    from madoguchi.audit.events import categories, registered_events

    events = [str(e.label) for e in registered_events().values() if e.category == "test"]
    return (*events, *(str(c.label) for c in categories() if c.code == "test"))


UNTRANSLATED = re.compile(r"<span lang=\"ja\" data-untranslated>([^<]*)</span>")


def japanese_in(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    ignored = _test_only_labels()
    untranslated = [f"untranslated catalog text: {text}" for text in UNTRANSLATED.findall(html)]
    return untranslated + [
        t for t in parser.texts if JAPANESE.search(t) and not any(label in t for label in ignored)
    ]


def report(found: dict[str, list[str]]) -> str:
    return "Japanese left in English pages:\n" + "\n".join(
        f"  {page}: {' | '.join(texts)}" for page, texts in found.items()
    )


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


FAMILY = {
    "event_date": "2026-11-20",
    "moved_from": "other_municipality",
    "m-0-relationship": "head",
    "m-0-birth_date": "1984-07-01",
    "m-0-subject": "on",
    "m-1-relationship": "child",
    "m-1-birth_date": "2017-10-10",
    "m-1-subject": "on",
}


def test_the_detector_finds_japanese_and_respects_lang_ja() -> None:
    assert japanese_in('<p>Hello <span lang="ja">港 花子</span></p>') == []
    assert japanese_in("<p>Status：送付済み</p>") == ["Status：送付済み"]
    assert japanese_in('<button aria-label="閉じる">x</button>') == ["閉じる"]
    assert japanese_in("<p>One・Two（3）</p>") == []  # punctuation alone is not Japanese text
    fallback = '<p>Bring: ID; <span lang="ja" data-untranslated>印鑑</span></p>'
    assert japanese_in(fallback) == ["untranslated catalog text: 印鑑"]


def test_staff_screens_in_english_say_nothing_in_japanese(staff_of: Any, signed_in: Any) -> None:
    from madoguchi.center.models import WorkItem
    from madoguchi.demo.cases import bereavement_handed_over, make_submitted_case

    clerk = staff_of("onestop_clerk")
    case = make_submitted_case(clerk)
    handed, _ticket = bereavement_handed_over(clerk)
    item = WorkItem.objects.filter(source_key=f"case:{case.pk}").first()
    assert item is not None
    pages: dict[str, list[tuple[str, str, dict[str, str] | None]]] = {
        "onestop_clerk": [
            ("get", "/home/onestop_clerk/", None),
            ("get", "/reception/", None),
            ("get", "/reception/counter/", None),
            ("get", "/cases/", None),
            ("get", f"/cases/{case.pk}/", None),
            ("get", "/navigator/", None),
            ("post", "/navigator/tennyu/", FAMILY),
            ("post", "/navigator/tennyu/checklist/", {**FAMILY, "lang": "en"}),
            ("get", f"/cases/{case.pk}/receipt/?lang=en", None),
            ("get", "/center/returns/", None),
        ],
        "department_staff": [
            ("get", "/departments/", None),
            ("get", f"/departments/cases/{handed.pk}/", None),
        ],
        "center_staff": [
            ("get", "/center/", None),
            ("get", f"/center/items/{item.pk}/", None),
            ("get", "/center/dashboard/", None),
        ],
        "center_approver": [("get", "/center/approvals/", None)],
        "manager": [
            ("get", "/screening/", None),
            ("get", "/simulations/", None),
            ("get", "/reception/status/", None),
            ("get", "/audit/", None),
            ("get", "/offices/", None),
        ],
        "administrator": [("get", "/staff/", None)],
    }
    found: dict[str, list[str]] = {}
    for role, requests in pages.items():
        client = english(signed_in(staff_of(role)))
        for method, url, data in requests:
            response = client.post(url, data) if method == "post" else client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            if left := japanese_in(response.content.decode()):
                found[f"{role} {url}"] = left
    assert not found, report(found)


def test_resident_pages_in_english_say_nothing_in_japanese(staff_of: Any) -> None:
    from madoguchi.organization.models import Queue
    from madoguchi.reception.actions import do_issue_ticket

    concierge = staff_of("concierge")
    queue = Queue.objects.get(office=concierge.office, code="one-stop")
    ticket = do_issue_ticket(concierge, queue=queue, channel="concierge", purpose="tennyu")
    client = english(Client())
    found: dict[str, list[str]] = {}
    for url in [f"/wait/{ticket.status_token}/", "/reserve/", "/reserve/chuo/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        if left := japanese_in(response.content.decode()):
            found[url] = left
    assert not found, report(found)
