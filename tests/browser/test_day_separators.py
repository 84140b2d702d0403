"""Day separators in the message list (static/chat/days.js), in Chromium: "Today", "Yesterday",
a weekday, a date, in the reader's time zone and the page's language; right after older pages
are loaded, when messages come late or out of order, with pending messages at the end, after
the list is cleared, and when midnight passes with the page open."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import SETTLED
from tests.browser.conftest import Person, unique_name
from tests.browser.visitor import Visitor
from tests.servers import LiveServer

pytestmark = pytest.mark.browser

PAGE_SIZE = 3
# Each reader lives where it is day now (02:00 to 22:00), so that "today at 00:01" is past and
# the test does not straddle a midnight.
ZONES = {
    "en": ("America/New_York", "Europe/London", "Asia/Tokyo"),
    "zh": ("Asia/Shanghai", "Europe/Berlin", "America/Chicago"),
}
LANGUAGE_COOKIE = {"en": "en", "zh": "zh-hans"}
LOCALE = {"en": "en-US", "zh": "zh-CN"}
WEEKDAYS_ZH = "一二三四五六日"

# The list as the reader sees it: "| label" for a separator, the body (with " +" when it
# continues its author's group) for a message, "~ text" for a system line.
SHOWN = """(list) => [...list.children].map((node) => {
    if (node.classList.contains("day-separator")) return `| ${node.textContent}`;
    const line = node.querySelector(".system-text");
    if (line) return `~ ${line.textContent}`;
    return node.dataset.body + (node.classList.contains("continued") ? " +" : "");
})"""


@pytest.fixture(scope="module")
def server():
    with LiveServer(
        env={"CHAT_HISTORY_PAGE_SIZE": str(PAGE_SIZE), "CHAT_RATE_LIMIT_MESSAGES": "1000"}
    ) as server:
        yield server


@pytest.fixture(scope="module")
def base_url(server):
    return server.url


def backdate(server, moments: dict[int, datetime]) -> None:
    lines = ["import datetime", "from chat.models import Message"]
    for pk, moment in moments.items():
        lines.append(
            f"Message.objects.filter(pk={pk}).update("
            f"created=datetime.datetime.fromisoformat({moment.isoformat()!r}))"
        )
    server.shell("\n".join(lines))


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


def daytime_zone(language: str) -> ZoneInfo:
    for name in ZONES[language]:
        zone = ZoneInfo(name)
        if 2 <= datetime.now(zone).hour < 22:
            return zone
    raise AssertionError("one of the zones is in daytime")


def weekday_date(day: datetime, language: str) -> str:
    if language == "zh":
        return f"{day.month}月{day.day}日星期{WEEKDAYS_ZH[day.weekday()]}"
    return f"{day:%A}, {day:%B} {day.day}"


def long_date(day: datetime, language: str) -> str:
    if language == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day:%B} {day.day}, {day.year}"


def relative(language: str) -> tuple[str, str]:
    return ("今天", "昨天") if language == "zh" else ("Today", "Yesterday")


def sent_ids(page: Page, count: int) -> list[int]:
    confirmed = page.locator("#messages .message[data-id]")
    expect(confirmed).to_have_count(count)
    expect(page.locator("#messages .message.pending")).to_have_count(0)
    return confirmed.evaluate_all("nodes => nodes.map((node) => Number(node.dataset.id))")


def load_older(page: Page, count: int) -> None:
    page.locator("#load-older").click()
    expect(page.locator("#messages .message[data-id]")).to_have_count(count)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_separators_say_the_day_above_its_first_message_as_older_pages_load(
    browser, base_url, server, people, language
):
    zone = daytime_zone(language)
    today = datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    year_ago = today - timedelta(days=400)
    three_days_ago = today - timedelta(days=3)
    yesterday = today - timedelta(days=1)
    plan = [  # body, when (all by one author: a group breaks only where the day does)
        ("one", year_ago.replace(hour=10)),
        ("two", year_ago.replace(hour=10, minute=1)),
        ("three", three_days_ago.replace(hour=10)),
        ("four", three_days_ago.replace(hour=10, minute=1)),
        ("five", yesterday.replace(hour=23, minute=56)),
        ("six", yesterday.replace(hour=23, minute=58)),
        ("seven", today.replace(minute=1)),  # three minutes after "six", but another day
        ("eight", today.replace(minute=2)),
    ]
    owner = people("owner").join()
    slug = room_create(owner, "Days room")
    for body, _ in plan:
        owner.send(body)
    ids = sent_ids(owner.page, len(plan))
    backdate(server, {pk: when for pk, (_, when) in zip(ids, plan, strict=True)})

    reader = Visitor(browser, base_url, "reader", timezone_id=zone.key, locale=LOCALE[language])
    try:
        reader.context.add_cookies(
            [{"name": "django_language", "value": LANGUAGE_COOKIE[language], "url": base_url}]
        )
        page = reader.join(room=slug).page
        shown = page.locator("#messages")
        today_label, yesterday_label = relative(language)
        expect(page.locator("#messages .message[data-id]")).to_have_count(PAGE_SIZE)
        assert shown.evaluate(SHOWN) == [
            f"| {yesterday_label}",
            "six",
            f"| {today_label}",
            "seven",
            "eight +",
        ]

        load_older(page, 2 * PAGE_SIZE)
        assert shown.evaluate(SHOWN) == [
            f"| {weekday_date(three_days_ago, language)}",
            "three",
            "four +",
            f"| {yesterday_label}",
            "five",
            "six +",
            f"| {today_label}",
            "seven",
            "eight +",
        ]

        load_older(page, len(plan))
        expect(page.locator("#history-start")).to_be_visible()
        assert shown.evaluate(SHOWN) == [
            f"| {long_date(year_ago, language)}",
            "one",
            "two +",
            f"| {weekday_date(three_days_ago, language)}",
            "three",
            "four +",
            f"| {yesterday_label}",
            "five",
            "six +",
            f"| {today_label}",
            "seven",
            "eight +",
        ]
        separators = page.locator("#messages .day-separator")
        expect(separators).to_have_count(4)
        # List items (an <ol> holds nothing else), each with its day in machine-readable form.
        kinds = separators.evaluate_all("nodes => nodes.map((node) => node.tagName + node.role)")
        assert kinds == ["LInull"] * 4
        # Each day's date in full on hover, as each message's time has its date and time.
        first_day = separators.first.locator("time")
        expect(first_day).to_have_attribute("datetime", year_ago.date().isoformat())
        first_time = page.locator("#messages .message[data-id] .time").first
        assert str(year_ago.year) in first_time.get_attribute("title")

        # A live message joins today; a system line is under today too, with its full date.
        owner.send("nine")
        expect(page.locator("#messages .message[data-id]")).to_have_count(len(plan) + 1)
        owner.page.goto(f"{base_url}/")  # leaves the room: a system line
        line = page.locator("#messages .system-line").last
        expect(line).to_be_visible()
        left = line.locator(".system-text").text_content()
        assert shown.evaluate(SHOWN)[-4:] == ["seven", "eight +", "nine", f"~ {left}"]
        expect(separators).to_have_count(4)
        title = line.locator(".system-time").get_attribute("title")
        assert title and str(datetime.now(zone).year) in title

        # The newest page again after a reload: still one separator a day.
        page.reload()
        expect(page.locator("#messages .message[data-id]")).to_have_count(PAGE_SIZE)
        assert shown.evaluate(SHOWN) == [f"| {today_label}", "seven", "eight +", "nine"]
    finally:
        reader.close()


# A MessageList of its own on the room page, driven as room.js drives the page's own, with the
# page's clock stopped just before a midnight (2024-06-15, a Saturday, in Paris).
SCRATCH_LIST = """async () => {
    const { MessageList } = await import("/static/chat/message_list.js");
    const make = (tag) => document.createElement(tag);
    const scroller = make("div");
    const historyTop = make("div");
    const loadOlder = make("button");
    const historyStart = make("p");
    const list = make("ol");
    const emptyNote = make("p");
    const jumpLatest = make("button");
    historyTop.append(loadOlder, historyStart);
    scroller.append(historyTop, list, emptyNote);
    scroller.id = "scratch";
    document.querySelector(".chat-pane").append(scroller, jumpLatest);
    window.scratch = new MessageList({
        elements: { list, scroller, historyTop, loadOlder, historyStart, emptyNote, jumpLatest },
        templates: {
            message: document.getElementById("message-template"),
            systemLine: document.getElementById("system-line-template"),
        },
        me: { id: 1, name: "me", avatar: "" },
        onLoadOlder: () => true,
        onRetry: () => {},
        onEdit: () => {},
        onMenu: () => {},
        focusAway: () => {},
    });
    const author = { id: 2, name: "other", avatar: "" };
    window.said = (id, body, created) => ({ id, body, created, author, client_msg_id: null });
}"""


def scratch(page: Page) -> list[str]:
    return page.locator("#scratch ol").evaluate(SHOWN)


@pytest.fixture
def clocked(browser, base_url):
    """A room page whose clock stands at 2024-06-15 23:59:30 in Paris, with a scratch list."""
    reader = Visitor(browser, base_url, "clock", timezone_id="Europe/Paris", locale="en-US")
    page = reader.join().page
    page.clock.install(time=datetime.fromisoformat("2024-06-15T23:58:00+02:00"))
    page.reload()
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
    page.clock.pause_at(datetime.fromisoformat("2024-06-15T23:59:30+02:00"))
    page.evaluate(SCRATCH_LIST)
    yield page
    reader.close()


def test_separators_stay_right_through_every_change_of_the_list(clocked):
    page = clocked

    def run(script: str) -> list[str]:
        page.evaluate(f"() => {{ {script} }}")
        return scratch(page)

    assert run("""scratch.showNewest([
        said(10, "ten", "2024-06-14T10:00:00+02:00"),
        said(11, "eleven", "2024-06-14T10:01:00+02:00"),
        said(14, "fourteen", "2024-06-15T09:00:00+02:00"),
    ], true)""") == ["| Yesterday", "ten", "eleven +", "| Today", "fourteen"]

    # An older page: the day it ends on was already shown; its separator moves up.
    assert run("""scratch.showOlder([
        said(7, "seven", "2024-06-13T12:00:00+02:00"),
        said(8, "eight", "2024-06-14T09:58:00+02:00"),
    ], false)""") == [
        "| Thursday, June 13",
        "seven",
        "| Yesterday",
        "eight",
        "ten +",
        "eleven +",
        "| Today",
        "fourteen",
    ]

    # Late, by id: 12 goes before today's separator, 13 after it (and is no follow-up of
    # 12, three minutes before it but yesterday).
    assert run("""scratch.showNewer([said(12, "twelve", "2024-06-14T23:58:00+02:00")])""") == [
        "| Thursday, June 13",
        "seven",
        "| Yesterday",
        "eight",
        "ten +",
        "eleven +",
        "twelve",
        "| Today",
        "fourteen",
    ]
    assert run("""scratch.showNewer([said(13, "then", "2024-06-15T00:01:00+02:00")])""") == [
        "| Thursday, June 13",
        "seven",
        "| Yesterday",
        "eight",
        "ten +",
        "eleven +",
        "twelve",
        "| Today",
        "then",
        "fourteen",
    ]

    # Pending own messages at the end, and a system line: today, no new separator.
    shown = run("""scratch.addPending("c1", "mine"); scratch.addSystemLine("someone joined")""")
    assert shown[-4:] == ["then", "fourteen", "~ someone joined", "mine"]
    expect(page.locator("#scratch .day-separator")).to_have_count(3)

    # Cleared (too much missed): what is left is the pending message, under today.
    assert run("scratch.clearConfirmed()") == ["| Today", "mine"]
    assert run("""scratch.showNewest([
        said(20, "twenty", "2024-06-15T23:00:00+02:00"),
    ], false)""") == ["| Today", "twenty", "mine"]

    # Midnight passes with the page open: a timer relabels; the next message is today's.
    page.clock.fast_forward(60_000)  # each due timer once, as after a closed lid
    expect(page.locator("#scratch .day-separator")).to_have_text(["Yesterday"])
    assert run("""scratch.ack("c1", 21, "2024-06-16T00:00:20+02:00")""") == [
        "| Yesterday",
        "twenty",
        "| Today",
        "mine",
    ]
    page.clock.fast_forward(24 * 60 * 60_000)
    days = page.locator("#scratch .day-separator")
    expect(days).to_have_text(["Saturday, June 15", "Yesterday"])


def test_an_older_page_keeps_the_reader_in_place_under_a_separator(clocked):
    page = clocked
    page.evaluate("""() => {
        const scroller = document.getElementById("scratch");
        scroller.style.height = "160px";
        scroller.style.overflowY = "auto";
        const at = (n) => `2024-06-15T1${n}:00:00+02:00`;
        const newer = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => said(100 + n, `newer ${n}`, at(n)));
        scratch.showNewest(newer, true);
        scroller.scrollTop = 0;
    }""")
    page.evaluate(SETTLED)  # the messages' fade-in moves them
    first = page.locator("#scratch .message", has_text="newer 1")
    before = first.evaluate("node => node.getBoundingClientRect().top")
    # Older messages of the same day: the day's separator stays on top, above them.
    page.evaluate("""() => scratch.showOlder([
        said(90, "older 1", "2024-06-15T08:00:00+02:00"),
        said(91, "older 2", "2024-06-15T09:00:00+02:00"),
    ], false)""")
    assert scratch(page)[:4] == ["| Today", "older 1", "older 2", "newer 1"]
    assert abs(first.evaluate("node => node.getBoundingClientRect().top") - before) < 1
