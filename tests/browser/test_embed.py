"""The room on another site (docs/embed.md), in Chromium with third-party cookies blocked: the
host's page is served from http://localhost:<port> by a small http.server, the chat from
http://127.0.0.1:<port>, so the frame is a different site, as on the web. The snippet's inline
box and floating tab, a member signed in with a token from the PHP example chatting with the
full page, a page of another origin refused, guests let in or told to sign in, and a reload of
the host's page keeping the visitor in. Screenshots docs/embed-inline-en.png and
docs/embed-tab-zh.png on request (UPDATE_SCREENSHOT=1), else in test-artifacts/."""

import html
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from devtools.loopback import free_port
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, Person, unique_name
from tests.browser.content_policy import COLLECT_VIOLATIONS
from tests.pictures import picture
from tests.servers import LiveServer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PICTURES = ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOT") else "test-artifacts")
PHP_EXAMPLE = ROOT / "docs" / "examples" / "sign_token.php"
PHONE = {"width": 390, "height": 780}
# Chromium's switch for testing the third-party cookie phase-out (Chrome 115 and later):
# third-party cookies, and a third-party frame's storage with them, are refused. Chromium's
# off-the-record profiles, which Playwright's contexts are, refuse them too; the switch says it
# outright, and test_third_party_cookies_are_blocked proves it either way.
BLOCK_THIRD_PARTY_COOKIES = "--test-third-party-cookie-phaseout"

INTEGRATIONS = """
import json
from chat.models import Integration
made = {{}}
for key, guests in (("open", True), ("members", False)):
    integration = Integration.objects.create(
        name=key, allowed_origins={origin!r}, guests_without_token=guests)
    made[key] = {{"id": integration.public_id, "secret": integration.secret}}
print(json.dumps(made))
"""

# A cookie the frame's own origin would keep, and its session storage: both refused to the
# frame when third-party cookies are blocked. SameSite=None, so that nothing but the blocking
# refuses it (a Lax cookie is not a third party's anyway).
PROBE = """() => {
    document.cookie = "probe=kept; SameSite=None; Secure; Path=/";
    let storage;
    try {
        window.sessionStorage.setItem("probe", "kept");
        storage = window.sessionStorage.getItem("probe");
    } catch (error) {
        storage = error.name;
    }
    return {cookie: document.cookie, storage};
}"""


NEW_GLOBALS = """() => Object.getOwnPropertyNames(window)
    .filter((name) => name !== "__before" && !window.__before.includes(name))
    .filter((name) => !/^\\d+$/.test(name))"""  # window[0]: the frame itself


class HostSite:
    """A host's pages, on http://localhost:<port> (127.0.0.1 is the chat's site)."""

    def __init__(self):
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = pages.get(self.path.split("?")[0], "").encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.origin = f"http://localhost:{self.port}"
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def page(self, path: str, snippet: str, *, lang: str = "en") -> str:
        self.pages[path] = (
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            "<title>A host site</title></head><body><h1>The host's own page</h1>"
            f"<p>Its own text, then the chat.</p>{snippet}<p>More of the host's text.</p>"
            "</body></html>"
        )
        return self.origin + path

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def snippet(chat: str, integration: str, **data: str) -> str:
    extra = "".join(f' data-{name}="{html.escape(value)}"' for name, value in data.items())
    return (
        f'<script src="{chat}/static/chat/embed.js" data-room="lobby"'
        f' data-integration="{integration}"{extra} async></script>'
    )


def php_token(secret: str, integration: str, sub: str, name: str) -> str:
    """Signed by docs/examples/sign_token.php, as a PHP host's server would."""
    php = shutil.which("php")
    if php is None:
        pytest.skip("php is missing: install Debian's php-cli package")
    done = subprocess.run(
        [php, str(PHP_EXAMPLE), secret, integration, sub, name],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture(scope="module")
def server():
    with LiveServer() as server:
        yield server


@pytest.fixture(scope="module")
def host():
    site = HostSite()
    yield site
    site.close()


@pytest.fixture(scope="module")
def stranger():
    """A site the integrations do not list."""
    site = HostSite()
    yield site
    site.close()


@pytest.fixture(scope="module")
def integrations(server, host):
    return json.loads(server.shell(INTEGRATIONS.format(origin=host.origin)).splitlines()[-1])


@pytest.fixture(scope="module")
def blocking(browser):
    """Chromium with third-party cookies blocked (a browser of its own, with the switch)."""
    launched = browser.browser_type.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, BLOCK_THIRD_PARTY_COOKIES]
    )
    yield launched
    launched.close()


@pytest.fixture
def contexts(blocking):
    made = []

    def make(**options):
        context = blocking.new_context(**{"viewport": VIEWPORT, **options})
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def embed_frame(page):
    return page.frame_locator("iframe[src*='/embed/lobby/']")


def the_frame(page):
    """The embed's Frame (for evaluate), once it is there."""
    page.wait_for_selector("iframe[src*='/embed/lobby/']")
    handle = page.query_selector("iframe[src*='/embed/lobby/']")
    frame = handle.content_frame()
    frame.wait_for_load_state("load")
    return frame


def online(frame_locator):
    expect(frame_locator.locator("#connection-state")).to_have_attribute("data-state", "online")


def test_third_party_cookies_are_blocked(contexts, server, host, integrations):
    page = contexts().new_page()
    placed = snippet(server.url, integrations["open"]["id"], target="chat-here")
    page.goto(host.page("/probe/", placed + '<div id="chat-here"></div>'))
    expect(page.locator("#chat-here > iframe")).to_have_count(1)  # where data-target says
    frame = the_frame(page)

    inside = frame.evaluate(PROBE)
    assert inside == {"cookie": "", "storage": "SecurityError"}, inside
    # The same cookie from the chat's own page, first-party, is kept: only the frame's
    # third-party place refuses it.
    page.goto(f"{server.url}/healthz")
    assert page.evaluate(PROBE) == {"cookie": "probe=kept", "storage": "kept"}


def test_a_member_signed_in_by_the_php_example_chats_with_the_full_page(
    contexts, browser, server, host, integrations
):
    member = f"王小明{os.getpid() % 1000}"
    token = php_token(
        integrations["members"]["secret"], integrations["members"]["id"], "1001", member
    )
    url = host.page(
        "/member/", snippet(server.url, integrations["members"]["id"], token=token, height="560")
    )
    visitor = contexts().new_page()
    visitor.goto(url)
    embed = embed_frame(visitor)
    online(embed)
    frame = the_frame(visitor)
    assert "#" not in frame.url  # the token is out of the frame's address at once
    assert visitor.context.cookies(server.url) == []  # no cookie of ours: the ticket says who

    # Someone on the full page, in a browser of their own, signed in as a guest.
    full = Person(browser, server.url, unique_name("full"))
    try:
        full.join()
        full.send("Hello from the full page")
        expect(
            embed.locator("#messages .message", has_text="Hello from the full page")
        ).to_be_visible()

        embed.locator("#message-input").fill("Hello from the host site")
        embed.locator("#message-input").press("Enter")
        theirs = full.page.locator("#messages .message", has_text="Hello from the host site")
        expect(theirs).to_be_visible()
        expect(theirs.locator(".author")).to_have_text(member)
        expect(
            embed.locator("#messages .message.mine", has_text="Hello from the host site")
        ).to_be_visible()
        expect(embed.locator("#online-list")).to_contain_text(full.name)

        # A picture goes up with the ticket too (RoomApi's multipart upload), and is seen.
        embed.locator("#attach-file").set_input_files(
            files=[{"name": "view.png", "mimeType": "image/png", "buffer": picture("PNG")}]
        )
        expect(embed.locator("#picture-preview")).to_have_attribute("data-state", "ready")
        embed.locator("#message-input").fill("A picture from the host site")
        embed.locator("#message-input").press("Enter")
        sent = full.page.locator("#messages .message", has_text="A picture from the host site")
        expect(sent.locator(".message-picture img")).to_be_visible()

        PICTURES.mkdir(exist_ok=True)
        visitor.screenshot(path=str(PICTURES / "embed-inline-en.png"), animations="disabled")
        for scheme in ("light", "dark"):  # the frame follows the visitor's (scheme "auto")
            visitor.emulate_media(color_scheme=scheme)
            assert_accessible(frame)

        # "Open the full page": a tab of the chat's own, signed in as the member there too.
        with visitor.context.expect_page() as opened:
            embed.locator("#embed-open button").click()
        tab = opened.value
        tab.wait_for_url(f"{server.url}/chat/lobby/")
        expect(tab.locator("#connection-state")).to_have_attribute("data-state", "online")
        expect(tab.locator(".site-header .me-name")).to_have_text(member)
    finally:
        full.close()


def test_a_page_of_another_origin_cannot_show_it(contexts, server, stranger, integrations):
    page = contexts().new_page()
    # Chromium says why it showed nothing in the frame: the event to wait for.
    with page.expect_console_message(lambda message: "frame-ancestors" in message.text):
        page.goto(stranger.page("/stolen/", snippet(server.url, integrations["open"]["id"])))

    expect(embed_frame(page).locator("#room-layout")).to_have_count(0)
    expect(embed_frame(page).locator("#embed")).to_have_count(0)


def test_the_floating_tab_opens_and_closes(contexts, server, host, integrations):
    token = php_token(
        integrations["members"]["secret"], integrations["members"]["id"], "2002", "小红"
    )
    url = host.page(
        "/tab/",
        snippet(
            server.url, integrations["members"]["id"], token=token, layout="tab", accent="#0f766e"
        ),
        lang="zh-CN",
    )
    context = contexts(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    context.add_init_script(COLLECT_VIOLATIONS)  # in the frame too
    page = context.new_page()
    page.goto(url)
    button = page.get_by_role("button", name="聊天", exact=True)
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(page.locator("iframe")).to_have_count(0)  # made on the first open

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    embed = embed_frame(page)
    online(embed)
    expect(embed.locator("#send")).to_contain_text("发送")
    embed.locator("#message-input").fill("你好，聊天框！")
    embed.locator("#message-input").press("Enter")
    expect(embed.locator("#messages .message.mine", has_text="你好，聊天框！")).to_be_visible()
    PICTURES.mkdir(exist_ok=True)
    page.screenshot(path=str(PICTURES / "embed-tab-zh.png"), animations="disabled")
    # The accent, set through element.style, and all the rest: nothing the policy blocks.
    assert "accent-custom" in embed.locator("body").get_attribute("class")
    assert the_frame(page).evaluate("window.__violations") == []

    # Escape inside the frame closes the panel; focus is back on the button.
    embed.locator("#message-input").press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(page.locator("[role=dialog][aria-label='聊天']")).to_be_hidden()
    expect(button).to_be_focused()

    # From the keyboard: Enter opens it again (the same frame, still signed in), the close
    # button closes it.
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    online(embed)
    page.get_by_role("button", name="关闭聊天").click()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(page.locator("iframe")).to_have_count(1)

    # On a phone the panel takes the whole screen, its close button in reach.
    page.set_viewport_size(PHONE)
    button.click()
    panel = page.locator("[role=dialog][aria-label='聊天']")
    expect(panel).to_be_visible()
    assert panel.bounding_box() == {"x": 0, "y": 0, **PHONE}
    online(embed)
    page.get_by_role("button", name="关闭聊天").click()
    expect(button).to_be_visible()
    expect(button).to_be_focused()


def test_a_guest_joins_in_the_embed_and_a_reload_keeps_them_in(
    contexts, server, host, integrations
):
    url = host.page("/guests/", snippet(server.url, integrations["open"]["id"], density="compact"))
    context = contexts()
    context.add_init_script("window.__before = Object.getOwnPropertyNames(window)")
    page = context.new_page()
    page.goto(url)
    embed = embed_frame(page)
    form = embed.locator("#embed-guest")
    expect(form).to_be_visible()
    # The snippet left nothing behind on the host's page.
    assert page.evaluate(NEW_GLOBALS) == []
    assert_accessible(the_frame(page))

    form.locator("input[name=nickname]").fill("no spaces allowed!")
    form.get_by_role("button", name="Enter the chat").click()
    expect(form.locator(".embed-field-error")).to_be_visible()
    expect(form.locator("input[name=nickname]")).to_have_attribute("aria-invalid", "true")

    name = unique_name("guest")
    form.locator("input[name=nickname]").fill(name)
    form.locator("label.avatar-option:has(input[value=a5])").click()
    form.get_by_role("button", name="Enter the chat").click()
    online(embed)
    expect(embed.locator("#embed")).to_be_hidden()
    embed.locator("#message-input").fill("A guest on the host's page")
    embed.locator("#message-input").press("Enter")
    expect(
        embed.locator("#messages .message.mine", has_text="A guest on the host's page")
    ).to_be_visible()

    page.reload()
    embed = embed_frame(page)
    online(embed)
    expect(embed.locator("#embed")).to_be_hidden()
    expect(
        embed.locator("#messages .message.mine", has_text="A guest on the host's page")
    ).to_be_visible()
    assert page.context.cookies(server.url) == []


def test_where_guests_are_not_allowed_the_visitor_is_told_to_sign_in(
    contexts, server, host, integrations
):
    members = integrations["members"]
    page = contexts().new_page()
    page.goto(host.page("/members/", snippet(server.url, members["id"])))
    embed = embed_frame(page)
    expect(embed.get_by_text("Sign in on the site to chat here.")).to_be_visible()
    expect(embed.locator("#embed-guest")).to_have_count(0)
    expect(embed.locator("#connection-state")).to_have_attribute("data-state", "connecting")

    # A token the host signed with the wrong secret: refused, in the server's words.
    forged = php_token("not-the-secret", members["id"], "3003", "mallory")
    page.goto(host.page("/forged/", snippet(server.url, members["id"], token=forged)))
    status = embed_frame(page).locator("#embed-status")
    expect(status).not_to_be_empty()
    expect(status).not_to_have_text("Signing you in…")


ADMIN = """
from django.contrib.auth import get_user_model
from chat.models import Integration
get_user_model().objects.create_superuser("owner", password={password!r})
integration = Integration.objects.create(
    name="Preview", allowed_origins="https://host.example", accent="#b91c1c", scheme="dark")
print(integration.pk, integration.public_id)
"""


def test_the_admin_previews_the_theme(contexts, server):
    password = "preview-" + unique_name("pw")
    pk, public_id = server.shell(ADMIN.format(password=password)).split()[-2:]
    page = contexts().new_page()
    page.goto(f"{server.url}/admin/login/")
    page.fill("#id_username", "owner")
    page.fill("#id_password", password)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{server.url}/admin/")

    page.goto(f"{server.url}/admin/chat/integration/{pk}/change/")
    snippet_text = page.locator("#embed-snippet").input_value()
    assert f'data-integration="{public_id}"' in snippet_text
    assert f'src="{server.url}/static/chat/embed.js"' in snippet_text
    preview = page.frame_locator("#embed-preview")
    expect(preview.locator("body")).to_have_class(re.compile(r"\bscheme-dark\b.*\baccent-custom\b"))
    button = preview.get_by_role("button", name="Enter the chat")
    expect(button).to_have_css("background-color", "rgb(185, 28, 28)")
