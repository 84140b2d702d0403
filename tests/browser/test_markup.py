"""Message bodies in Chromium (static/chat/markup.js): links, a little Markdown and mentions,
built as DOM nodes and never as HTML. A corpus of Markdown and of attacks goes through the real
renderer on the real room page, and as real messages over the socket into the list: no script
runs, only the allowed elements appear, every link is http(s) with its rel and target, and the
text the author typed stays visible."""

import re
from typing import NamedTuple

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import Person, unique_name
from tests.browser.visitor import Visitor
from tests.servers import LiveServer

pytestmark = pytest.mark.browser

REL = "noopener noreferrer nofollow ugc"

# Anything that would call these is a script the author smuggled in.
XSS_TRAP = """
window.__xss = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__xss.push([name, ...args.map(String)]); };
}
"""


class Case(NamedTuple):
    body: str  # as typed
    text: str  # what shows, without the delimiters of markup that applied
    hrefs: tuple = ()  # the links' href, in order
    has: tuple = ()  # selectors that match inside the body
    lacks: tuple = ()  # selectors that do not


def literal(body: str, *lacks: str, hrefs: tuple = ()) -> Case:
    """A body that shows exactly as typed."""
    return Case(body, body, hrefs, (), lacks)


CORPUS = [
    literal("[x](javascript:alert(1))", "a"),
    literal("javascript:alert(1)", "a"),
    literal("JaVaScRiPt:alert(1) vbscript:msgbox(1) file:///etc/passwd mailto:a@b.example", "a"),
    literal("<img src=x onerror=alert(1)>", "img"),
    literal("<script>alert(1)</script>", "script"),
    literal('<a href="javascript:alert(1)">click</a>', "a"),
    literal("data:text/html,<script>alert(1)</script>", "a"),
    literal("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "a"),
    literal("javascript:alert(1)//https://example.com", "a"),
    literal(
        'https://example.com/"onmouseover="alert(1)',
        "[onmouseover]",
        hrefs=("https://example.com/",),
    ),
    literal("see www.example.com.", hrefs=("https://www.example.com/",)),
    literal("https://example.com/a_(b)", "em", hrefs=("https://example.com/a_(b)",)),
    literal("(see https://example.com/a_(b)), ok?", hrefs=("https://example.com/a_(b)",)),
    literal(
        "https://例子.测试/路径", hrefs=("https://xn--fsqu00a.xn--0zwm56d/%E8%B7%AF%E5%BE%84",)
    ),
    literal(
        "请看https://example.com/页面。谢谢！也看看 www.example.org，好吗？",
        hrefs=(
            "https://example.com/%E9%A1%B5%E9%9D%A2",
            "https://www.example.org/",
        ),
    ),
    literal(
        "Read https://example.com/docs?q=1&x=2#top! Then (https://example.org).",
        hrefs=(
            "https://example.com/docs?q=1&x=2#top",
            "https://example.org/",
        ),
    ),
    Case("**bold *nested* bold**", "bold nested bold", has=("strong > em",)),
    Case("*italic **bold** italic*", "italic bold italic", has=("em > strong",)),
    Case("***both***", "both", has=("strong > em",)),
    literal("**bold", "strong", "em"),
    Case("*a **b* c**", "a **b c**", has=("em",), lacks=("strong",)),
    Case("`code **not bold**`", "code **not bold**", has=("code",), lacks=("strong",)),
    Case(
        "`https://example.com` `@bob`",
        "https://example.com @bob",
        has=("code",),
        lacks=(
            "a",
            ".mention",
        ),
    ),
    Case("*around `code` here*", "*around code here*", has=("code",), lacks=("em",)),
    Case(
        "```python\nprint('**hi**')\n<b>x</b> https://example.com\n```\nafter **bold**",
        "print('**hi**')\n<b>x</b> https://example.com\nafter bold",
        has=("pre > code", "strong"),
        lacks=("a", "b"),
    ),
    Case("```\nno end *here*", "```\nno end here", has=("em",), lacks=("pre",)),
    Case(
        "> quote with **bold**\n> second line\nnot quoted",
        "quote with bold\nsecond line\nnot quoted",
        has=("blockquote > strong",),
    ),
    Case("> > nested", "> nested", has=("blockquote",), lacks=("blockquote blockquote",)),
    Case("snake_case_names, _this_ is italic", "snake_case_names, this is italic", has=("em",)),
    literal("2 * 3 * 4 and a_b_c", "em", "strong"),
    Case(
        "中文的**粗体**和*斜体*，`代码`。", "中文的粗体和斜体，代码。", has=("strong", "em", "code")
    ),
    literal("*" * 4000, "em", "strong"),
    literal("`" * 4000, "code", "pre"),
    Case("*a" * 1500, "a" * 1500, has=("em",), lacks=("em em", "strong")),
]
# Only in the page: longer than a message may be.
HUGE = [
    Case("> " * 10000 + "deep", "> " * 9999 + "deep", has=("blockquote",)),
    literal(">" * 10000 + "deep", "blockquote"),
    literal("@" * 10000, ".mention"),
    literal("_" * 10000 + "x" + "_" * 10000, "em"),
]

# What a rendered body holds: its elements and their attributes, its links, its visible text.
INSPECT = """(body) => ({
    elements: [...body.querySelectorAll("*")].map((node) => ({
        tag: node.tagName.toLowerCase(),
        className: node.className,
        attributes: node.getAttributeNames(),
    })),
    links: [...body.querySelectorAll("a")].map((a) => ({
        href: a.getAttribute("href"), rel: a.rel, target: a.target, text: a.textContent,
    })),
    text: body.innerText,
})"""

RENDER = """async ([body, options]) => {
    const { renderBody } = await import("/static/chat/markup.js");
    let host = document.getElementById("markup-host");
    if (!host) {
        host = document.createElement("div");
        host.id = "markup-host";
        host.className = "body";
        document.querySelector("#messages").before(host);
    }
    const started = performance.now();
    renderBody(host, body, options ?? {});
    const elapsed = performance.now() - started;
    return { elapsed };
}"""

ALLOWED = {
    "a": {"href", "target", "rel"},
    "strong": set(),
    "em": set(),
    "code": set(),
    "pre": set(),
    "blockquote": set(),
    "br": set(),
    "span": {"class", "data-user-id"},
}


@pytest.fixture(scope="module")
def server():
    # Guests may post links at once: these tests are about how links look.
    env = {"CHAT_RATE_LIMIT_MESSAGES": "1000", "CHAT_GUEST_LINK_MINUTES": "0"}
    with LiveServer(env=env) as server:
        yield server


@pytest.fixture(scope="module")
def base_url(server):
    return server.url


def room_create(owner: Person, title: str) -> str:
    slug = unique_name("room").replace("_", "-")
    page = owner.page
    page.goto(f"{owner.base_url}/")
    page.fill("#id_title", title)
    page.fill("#id_slug", slug)
    page.get_by_role("button", name="Create room").click()
    page.wait_for_url(f"**/chat/{slug}/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
    return slug


def squashed(text: str) -> str:
    """The text without its white space: where a line breaks around a block is layout."""
    return re.sub(r"\s+", "", text)


def check(seen: dict, case: Case) -> None:
    label = case.body[:60]
    for element in seen["elements"]:
        tag = element["tag"]
        assert tag in ALLOWED, (label, element)
        assert set(element["attributes"]) <= ALLOWED[tag], (label, element)
        if tag == "span":
            assert element["className"] in ("mention", "mention mention-me"), (label, element)
    for link in seen["links"]:
        assert re.match(r"https?:", link["href"]), (label, link)
        assert link["rel"] == REL and link["target"] == "_blank", (label, link)
    assert [link["href"] for link in seen["links"]] == list(case.hrefs), label
    assert squashed(seen["text"]) == squashed(case.text), label


def assert_structure(body_locator, case: Case) -> None:
    for selector in case.has:
        assert body_locator.locator(selector).count() > 0, (case.body[:60], selector)
    for selector in case.lacks:
        assert body_locator.locator(selector).count() == 0, (case.body[:60], selector)


def render(page: Page, body: str, **options) -> float:
    return page.evaluate(RENDER, [body, options])["elapsed"]


@pytest.fixture
def trapped(browser, base_url):
    """A person on a room page whose policy is bypassed: were the renderer to make an element
    with a handler, the handler would run, and the trap would catch it."""
    person = Visitor(browser, base_url, "corpus", bypass_csp=True)
    person.context.add_init_script(XSS_TRAP)
    person.join()
    yield person
    person.close()


def test_the_corpus_through_the_renderer_runs_no_script_and_keeps_the_text(trapped):
    page = trapped.page
    host = page.locator("#markup-host")
    for case in CORPUS + HUGE:
        elapsed = render(page, case.body)
        assert elapsed < 500, (case.body[:30], elapsed)
        check(host.evaluate(INSPECT), case)
        assert_structure(host, case)
        expect(host).to_be_visible()
    page.wait_for_timeout(200)  # an image's onerror comes after its failed load
    assert page.evaluate("window.__xss") == []
    assert trapped.dialogs == []


def test_what_each_piece_of_markup_becomes(trapped):
    page = trapped.page
    host = page.locator("#markup-host")

    render(page, "**bold *nested* bold** and `code **not bold**`")
    expect(host.locator("strong")).to_have_text("bold nested bold")
    expect(host.locator("strong > em")).to_have_text("nested")
    expect(host.locator("code")).to_have_text("code **not bold**")

    render(page, "```js\nconst a = `b`;\n  indented *not italic*\n```")
    expect(host.locator("pre > code")).to_have_text("const a = `b`;\n  indented *not italic*")
    assert host.evaluate("node => node.firstElementChild.tagName") == "PRE"

    render(page, "one\ntwo\n\nthree")
    assert host.text_content() == "one\ntwo\n\nthree"  # line breaks kept as typed
    assert host.evaluate("node => node.innerText") == "one\ntwo\n\nthree"

    render(page, "> first\n>\n> third\nafter")
    expect(host.locator("blockquote")).to_have_count(1)
    assert host.locator("blockquote").text_content() == "first\n\nthird"

    render(page, "see www.example.com, https://example.com/x_(y)_z. and https://a.example/?q=(1)")
    links = host.locator("a")
    expect(links).to_have_text(
        ["www.example.com", "https://example.com/x_(y)_z", "https://a.example/?q=(1)"]
    )
    assert links.evaluate_all("nodes => nodes.map((a) => a.href)") == [
        "https://www.example.com/",
        "https://example.com/x_(y)_z",
        "https://a.example/?q=(1)",
    ]

    render(page, "“https://example.com/引用”（https://example.org/括号）")
    expect(host.locator("a")).to_have_text(["https://example.com/引用", "https://example.org/括号"])


def test_mentions_show_the_current_name_and_stand_out_for_the_one_named(trapped):
    page = trapped.page
    host = page.locator("#markup-host")
    mentions = [
        {"id": 9, "name": "Robert", "text": "@bob"},
        {"id": 10, "name": "Carol", "text": "@Carol"},
    ]
    body = "hi @bob, @Carol. And @dave, `@bob`, a@bob.example, @bobby and **@bob**!"

    render(page, body, mentions=mentions, meId=10)
    shown = host.locator(".mention")
    expect(shown).to_have_text(["@Robert", "@Carol", "@Robert"])  # the name now, not as typed
    assert shown.evaluate_all("nodes => nodes.map((n) => n.dataset.userId)") == ["9", "10", "9"]
    expect(host.locator(".mention-me")).to_have_count(1)
    expect(host.locator(".mention-me")).to_have_text("@Carol")
    expect(host.locator("code")).to_have_text("@bob")  # nothing inside code is a mention
    expect(host.locator("strong > .mention")).to_have_text("@Robert")
    assert "@dave" in host.inner_text() and "@bobby" in host.inner_text()

    render(page, body, mentions=mentions, meId=9)
    expect(host.locator(".mention-me")).to_have_text(["@Robert", "@Robert"])
    render(page, body, mentions=mentions)
    expect(host.locator(".mention-me")).to_have_count(0)
    render(page, body)  # no mentions from the server: every @word is plain text
    expect(host.locator(".mention")).to_have_count(0)
    assert host.inner_text() == body.replace("`", "").replace("**", "")


def message(page: Page, text: str):
    return page.locator("#messages .message[data-id]", has_text=text)


def test_the_corpus_as_real_messages_in_the_list(people):
    alice = people("alice")
    alice.context.add_init_script(XSS_TRAP)
    alice.join()
    slug = room_create(alice, "Markup room")
    bob = people("bob")
    bob.context.add_init_script(XSS_TRAP)
    bob.join(room=slug)

    for case in CORPUS:
        alice.send(case.body)
        expect(alice.page.locator("#messages .message.pending")).to_have_count(0)
    for person in (alice, bob):
        page = person.page
        bodies = page.locator("#messages .message[data-id] .body")
        expect(bodies).to_have_count(len(CORPUS))
        for index, case in enumerate(CORPUS):
            body = bodies.nth(index)
            check(body.evaluate(INSPECT), case)
            assert_structure(body, case)
        typed = page.locator("#messages .message[data-id]").evaluate_all(
            "nodes => nodes.map((node) => node.dataset.body)"
        )
        assert typed == [case.body for case in CORPUS]  # as typed, for the message menu
        page.wait_for_timeout(200)
        assert page.evaluate("window.__xss") == []
        assert person.dialogs == []

    # The message menu still reports the text as typed.
    page = bob.page
    target = message(page, "bold nested bold")
    target.hover()
    target.locator(".message-menu-button").click()
    page.locator("#message-menu [data-action=report]").click()
    expect(page.locator("#message-dialog .quote-body")).to_have_text("**bold *nested* bold**")


def test_a_mention_over_the_socket_names_the_reader(people):
    alice = people("alice").join()
    slug = room_create(alice, "Mention room")
    bob = people("bob").join(room=slug)

    bob.send(f"hello @{alice.name}! and @nobody_{alice.name[-6:]}")
    for page in (alice.page, bob.page):
        expect(message(page, "hello")).not_to_contain_class("pending")
        pill = message(page, "hello").locator(".mention")
        expect(pill).to_have_text(f"@{alice.name}")
    expect(message(alice.page, "hello").locator(".mention.mention-me")).to_have_count(1)
    expect(message(bob.page, "hello").locator(".mention-me")).to_have_count(0)

    alice.page.reload()
    expect(message(alice.page, "hello").locator(".mention.mention-me")).to_have_count(1)


SHOWCASE = (
    "Links: https://example.com/docs and www.example.org\n"
    "**bold**, *italic*, `code`\n"
    "> a quote\n"
    "```\nblock of code\n```\n"
    "@me and @them, and the end"  # not the last word: Enter would pick a suggested name
)
MENTIONS_JS = """async ([body, mentions, meId]) => {
    const { renderBody } = await import("/static/chat/markup.js");
    for (const node of document.querySelectorAll("#messages .message[data-id] .body")) {
        renderBody(node, body, { mentions, meId });
    }
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_formatted_messages_are_accessible_in_both_themes(people, scheme):
    alice = people("alice")
    alice.context.add_init_script(XSS_TRAP)
    alice.join()
    slug = room_create(alice, "Readable room")
    bob = people("bob").join(room=slug)
    alice.send(SHOWCASE)
    bob.send(SHOWCASE)
    page = alice.page
    expect(page.locator("#messages .message[data-id]")).to_have_count(2)
    expect(page.locator("#messages .message[data-id] .body a")).to_have_count(4)

    me_id = page.evaluate("JSON.parse(document.getElementById('me-id').textContent)")
    mentions = [
        {"id": me_id, "name": alice.name, "text": "@me"},
        {"id": me_id + 1000, "name": "Them", "text": "@them"},
    ]
    page.evaluate(MENTIONS_JS, [SHOWCASE, mentions, me_id])
    expect(page.locator("#messages .mention-me")).to_have_count(2)  # in a bubble of each colour
    page.emulate_media(color_scheme=scheme)
    assert_accessible(page)
