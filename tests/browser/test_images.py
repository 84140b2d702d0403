"""Pictures in messages, in Chromium (docs/images.md): pasted, chosen or dropped into the
composer, previewed while they upload and sent with a caption or none; the others see a
thumbnail whose box does not move as it loads, open it at full size and close it with Escape,
and find it again in the history after a reload. A picture removed before sending is never
sent; an edited caption keeps its picture, a deleted message loses it; a file that is no
picture, one too large and one upload too many are refused in the server's words; a guest
learns why the room takes no pictures from guests, until a moderator allows them. A send
waits for its upload, and a message whose send was lost or refused goes again with its
picture. The guide's pictures (docs/images-*.png) are written on request
(UPDATE_SCREENSHOT=1), else to test-artifacts/."""

import base64
import io
import json
import os
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from tests.browser.accessibility import SETTLED, assert_accessible_in_both_schemes
from tests.browser.conftest import Person, unique_name
from tests.browser.visitor import Visitor
from tests.servers import LiveServer

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
PICTURES = ROOT / "docs" if os.environ.get("UPDATE_SCREENSHOT") else ARTIFACTS
PHONE = {"width": 390, "height": 780}
PASSWORD = "a long and good passphrase 42"
UPLOADS_PER_MINUTE = 4  # no test but the one about it uploads more
GUESTS_REFUSED = "Guests can't share pictures in this room."
CREATE_ACCOUNT = "Create an account to share them."

# A File in a DataTransfer, as the clipboard or a drag would carry it.
TRANSFER = """([data, name, type]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type }));
  return transfer;
}"""
PASTE = """(transfer) => {
  const input = document.getElementById("message-input");
  input.focus();
  return input.dispatchEvent(new ClipboardEvent("paste", {
    clipboardData: transfer, bubbles: true, cancelable: true,
  }));
}"""
LOADED = "(image) => image.complete && image.naturalWidth > 0"


@pytest.fixture(scope="module")
def server():
    with LiveServer(env={"CHAT_RATE_LIMIT_UPLOADS": str(UPLOADS_PER_MINUTE)}) as server:
        yield server


@pytest.fixture(scope="module")
def base_url(server):
    return server.url


# --- pictures and people ------------------------------------------------------------------


def picture(size=(1200, 800), *, kind="PNG", sky=((255, 176, 96), (96, 64, 168))) -> bytes:
    """An evening over the sea: a sky fading from `sky[0]` to `sky[1]`, a sun, the water."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    top, bottom = sky
    for y in range(height):
        share = y / max(1, height - 1)
        colour = tuple(round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    radius = min(width, height) // 7
    sun_x, sun_y = width * 0.62, height * 0.58
    draw.ellipse(
        [sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius], fill=(255, 226, 140)
    )
    draw.rectangle([0, height * 0.7, width, height], fill=(28, 46, 92))
    out = io.BytesIO()
    image.save(out, kind)
    return out.getvalue()


def transfer(page: Page, data: bytes, name: str, kind: str = "image/png"):
    return page.evaluate_handle(TRANSFER, [base64.b64encode(data).decode(), name, kind])


def paste(page: Page, data: bytes, name: str = "image.png", kind: str = "image/png") -> bool:
    """Paste a file into the composer; False when the page took the paste for itself."""
    return page.evaluate(PASTE, transfer(page, data, name, kind))


def drop(page: Page, data: bytes, name: str, kind: str = "image/png") -> None:
    """Drag a file over the chat pane (its drop target shows) and drop it there."""
    files = transfer(page, data, name, kind)
    pane = page.locator(".chat-pane")
    pane.dispatch_event("dragenter", {"dataTransfer": files})
    pane.dispatch_event("dragover", {"dataTransfer": files})
    expect(page.locator("#drop-target")).to_be_visible()
    pane.dispatch_event("drop", {"dataTransfer": files})
    expect(page.locator("#drop-target")).to_be_hidden()


def uploading(request) -> bool:
    return request.method == "POST" and request.url.endswith("/uploads/")


def is_upload(response) -> bool:
    return uploading(response.request)


ACCEPT = "image/jpeg,image/png,image/gif,image/webp"


def sign_up(person: Person) -> Person:
    """An account of the person's own (the room list is where signing up lands)."""
    page = person.page
    page.goto(f"{person.base_url}/accounts/signup/")
    page.fill("#id_username", person.name)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("form.stacked-form button[type=submit]").click()
    page.wait_for_url(f"{person.base_url}/")
    return person


def enter(person: Person, slug: str) -> Page:
    page = person.page
    page.goto(f"{person.base_url}/chat/{slug}/")
    expect(page.locator("#connection-state")).to_have_attribute("data-state", "online")
    return page


def room_with(people, *prefixes: str) -> tuple[str, list[Person]]:
    """People with accounts, in a room the first of them made."""
    made = [sign_up(people(prefix)) for prefix in prefixes]
    slug = made[0].create_room("Pictures")
    for person in made[1:]:
        enter(person, slug)
    return slug, made


def message(page: Page, text: str | None = None):
    found = page.locator("#messages .message[data-id]")
    return found.filter(has_text=text) if text else found


def thumbnail(page: Page, text: str | None = None):
    return message(page, text).locator(".message-picture")


def attached(page: Page, data: bytes, *, name: str = "image.png") -> dict:
    """Paste a picture and wait until its upload is ready; the server's answer."""
    with page.expect_response(is_upload) as answer:
        assert paste(page, data, name) is False
    expect(page.locator("#picture-preview")).to_have_attribute("data-state", "ready")
    return answer.value.json()["upload"]


def box(locator) -> tuple[float, float]:
    found = locator.bounding_box()
    return round(found["width"], 1), round(found["height"], 1)


# --- the tests ------------------------------------------------------------------------------


def test_a_pasted_picture_goes_with_its_caption_and_the_other_opens_it_full_size(people):
    _, (alice, bob) = room_with(people, "alice", "bob")
    a, b = alice.page, bob.page
    caption = "The harbour at dusk"
    # Bob's thumbnails wait until the test lets them through: the box is measured before.
    held = []
    b.route("**/uploads/*/thumb/", lambda route: held.append(route))

    with a.expect_response(is_upload) as answer:
        assert paste(a, picture(), "harbour.png") is False  # taken by the page, not as text
    preview = a.locator("#picture-preview")
    expect(preview).to_be_visible()
    shown = preview.locator(".picture-preview-image")
    expect(shown).to_have_attribute("src", re.compile(r"^blob:"))
    a.wait_for_function(LOADED, arg=shown.element_handle())  # the policy lets blob: through
    upload = answer.value.json()["upload"]
    expect(preview).to_have_attribute("data-state", "ready")
    expect(preview.locator(".picture-preview-state")).to_have_text("Ready to send")
    assert_accessible_in_both_schemes(a)  # the preview, light and dark

    a.fill("#message-input", caption)
    with b.expect_request("**/uploads/*/thumb/"):
        a.press("#message-input", "Enter")
    expect(preview).to_be_hidden()
    expect(a.locator("#message-input")).to_have_value("")
    expect(thumbnail(a, caption).locator("img")).to_have_attribute("alt", caption)

    # Bob: the thumbnail's box has its final size before a byte of it arrives.
    thumb = thumbnail(b, caption)
    image = thumb.locator("img")
    expect(image).to_have_attribute("alt", caption)
    expect(image).to_have_attribute("src", upload["thumb_url"])
    expect(image).to_have_attribute("width", str(upload["thumb_width"]))
    expect(image).to_have_attribute("height", str(upload["thumb_height"]))
    expect(image).to_have_attribute("loading", "lazy")
    b.evaluate(SETTLED)
    assert image.evaluate("(image) => image.complete") is False
    before, height_before = (
        box(thumb),
        b.locator("#messages").evaluate("(list) => list.scrollHeight"),
    )
    width, height = before
    assert width > 100 and height > 50
    assert abs(width / height - upload["thumb_width"] / upload["thumb_height"]) < 0.02
    held[0].continue_()
    b.wait_for_function(LOADED, arg=image.element_handle())
    assert box(thumb) == before
    assert b.locator("#messages").evaluate("(list) => list.scrollHeight") == height_before

    # Opened with a click, closed with Escape: focus is back on the thumbnail.
    thumb.click()
    view = b.locator("#picture-view")
    expect(view).to_be_visible()
    full = view.locator(".picture-view-image")
    expect(full).to_have_attribute("src", upload["url"])
    expect(full).to_have_attribute("alt", caption)
    expect(view.locator(".picture-view-caption")).to_have_text(caption)
    b.wait_for_function(LOADED, arg=full.element_handle())
    assert full.evaluate("(image) => image.naturalWidth") == upload["width"]
    assert_accessible_in_both_schemes(b)  # the full view, light and dark
    ARTIFACTS.mkdir(exist_ok=True)
    b.screenshot(path=str(ARTIFACTS / "images-full-view.png"), animations="disabled")
    b.keyboard.press("Escape")
    expect(view).to_be_hidden()
    expect(thumb).to_be_focused()

    # And with the keyboard: Enter opens it, the close button closes it.
    b.keyboard.press("Enter")
    expect(view).to_be_visible()
    view.get_by_role("button", name="Close").click()
    expect(view).to_be_hidden()
    expect(thumb).to_be_focused()

    # The history brings it back after a reload.
    b.unroute("**/uploads/*/thumb/")
    b.reload()
    expect(b.locator("#connection-state")).to_have_attribute("data-state", "online")
    image = thumbnail(b, caption).locator("img")
    expect(image).to_have_attribute("alt", caption)
    expect(image).to_have_attribute("src", upload["thumb_url"])
    b.wait_for_function(LOADED, arg=image.element_handle())


def test_a_picture_chosen_then_removed_is_never_sent(people, base_url):
    _, (alice, bob) = room_with(people, "alice", "bob")
    a, b = alice.page, bob.page

    with a.expect_file_chooser() as chooser:
        a.get_by_role("button", name="Attach a picture").click()
    assert chooser.value.element.get_attribute("accept") == ACCEPT
    with a.expect_response(is_upload) as answer:
        chooser.value.set_files(
            files=[{"name": "beach.jpg", "mimeType": "image/jpeg", "buffer": picture(kind="JPEG")}]
        )
    upload = answer.value.json()["upload"]
    preview = a.locator("#picture-preview")
    expect(preview).to_have_attribute("data-state", "ready")
    expect(preview.locator(".picture-preview-name")).to_have_text("beach.jpg")
    expect(a.locator("#send")).to_be_enabled()  # a picture may go without text

    forget = f"/uploads/{upload['id']}/"
    with a.expect_response(
        lambda r: r.request.method == "DELETE" and r.url.endswith(forget)
    ) as gone:
        preview.get_by_role("button", name="Remove the picture").click()
    assert gone.value.ok
    expect(preview).to_be_hidden()
    expect(a.locator("#message-input")).to_be_focused()
    expect(a.locator("#send")).to_be_disabled()
    assert a.request.get(f"{base_url}{upload['thumb_url']}").status == 404

    alice.send("only words this time")
    for page in (a, b):
        expect(message(page, "only words this time")).to_have_count(1)
        expect(thumbnail(page)).to_have_count(0)


def test_a_dropped_picture_without_a_caption_says_whose_it_is(people):
    _, (alice, bob) = room_with(people, "alice", "bob")
    a, b = alice.page, bob.page

    with a.expect_response(is_upload):
        drop(a, picture((600, 900), kind="JPEG"), "portrait.jpg", "image/jpeg")
    expect(a.locator("#picture-preview")).to_have_attribute("data-state", "ready")
    a.press("#message-input", "Enter")

    image = thumbnail(b).locator("img")
    expect(image).to_have_attribute("alt", f"Picture from {alice.name}")
    b.wait_for_function(LOADED, arg=image.element_handle())
    width, height = box(thumbnail(b))
    assert height > width  # a portrait stays one
    expect(message(b).locator(".body")).to_have_text("")

    # A reply to it quotes a picture: it has no words to quote.
    message(b).hover()
    message(b).locator(".message-menu-button").click()
    b.get_by_role("menuitem", name="Reply", exact=True).click()
    expect(b.locator("#reply-bar")).to_contain_text("Picture")
    bob.send("Lovely")
    for page in (a, b):
        quote = message(page, "Lovely").locator(".reply-quote")
        expect(quote.locator(".reply-quote-excerpt")).to_have_text("Picture")


def test_an_edited_caption_keeps_its_picture_and_a_deleted_message_loses_it(people, base_url):
    _, (alice, bob) = room_with(people, "alice", "bob")  # alice owns the room: moderates it
    a, b = alice.page, bob.page
    upload = attached(b, picture())
    bob.send("First caption")
    mine = message(b, "First caption")
    expect(mine).not_to_contain_class("pending")
    message_id = mine.get_attribute("data-id")
    nodes = [page.locator(f'#messages .message[data-id="{message_id}"]') for page in (a, b)]
    for node in nodes:
        expect(node.locator(".message-picture img")).to_have_attribute("alt", "First caption")

    b.locator("#message-input").press("ArrowUp")  # edits one's newest message
    editor = b.locator(".message-editor textarea")
    editor.fill("Second caption")
    editor.press("Enter")
    for node in nodes:
        expect(node.locator(".body")).to_have_text("Second caption")
        expect(node.locator(".message-picture img")).to_have_attribute("alt", "Second caption")
        expect(node.locator(".message-picture img")).to_have_attribute("src", upload["thumb_url"])
    b.locator("#message-input").press("ArrowUp")  # a caption may go; the picture stays
    editor.fill("")
    editor.press("Enter")
    for node in nodes:
        expect(node.locator(".body")).to_have_text("")
        expect(node.locator(".message-picture img")).to_have_attribute(
            "alt", f"Picture from {bob.name}"
        )

    nodes[1].hover()
    nodes[1].locator(".message-menu-button").click()
    b.locator("#message-menu").get_by_role("menuitem", name="Delete").click()
    b.locator("#message-dialog").get_by_role("button", name="Delete").click()
    for node in nodes:
        expect(node).to_contain_class("removed")
        expect(node.locator(".message-picture")).to_have_count(0)
    expect(nodes[0]).to_contain_class("removed-kept")  # the moderator still reads the text
    assert a.request.get(f"{base_url}{upload['thumb_url']}").status == 404
    a.reload()  # the moderator's history holds the deleted message, without its picture
    expect(a.locator("#connection-state")).to_have_attribute("data-state", "online")
    expect(nodes[0]).to_contain_class("removed")
    expect(nodes[0].locator(".message-picture")).to_have_count(0)


def test_a_file_that_is_no_picture_is_refused_in_the_servers_words(people):
    _, (alice,) = room_with(people, "alice")
    page = alice.page

    with page.expect_response(is_upload) as answer:
        page.set_input_files(
            "#attach-file",
            files=[
                {"name": "notes.png", "mimeType": "image/png", "buffer": b"Words, not a picture."}
            ],
        )
    assert answer.value.status == 400
    refusal = answer.value.json()["error"]
    assert refusal["code"] == "image_invalid"
    preview = page.locator("#picture-preview")
    expect(preview).to_have_attribute("data-state", "refused")
    expect(preview.locator(".picture-preview-state")).to_have_text("Not attached")
    error = page.locator("#composer-error")
    expect(error).to_have_text(refusal["detail"])

    # Sending says it again, and sends nothing until the picture is taken away.
    alice.send("about that file")
    expect(error).to_have_text(refusal["detail"])
    expect(page.locator("#message-input")).to_have_value("about that file")
    expect(page.locator("#messages .message")).to_have_count(0)
    preview.get_by_role("button", name="Remove the picture").click()
    expect(error).to_be_hidden()
    page.press("#message-input", "Enter")
    expect(message(page, "about that file")).to_have_count(1)


def test_a_file_over_the_size_limit_is_refused_with_the_limit(people):
    _, (alice,) = room_with(people, "alice")
    page = alice.page
    too_large = b"\0" * (10 * 1024 * 1024 + 1)  # CHAT_UPLOAD_MAX_BYTES: 10 MiB
    with page.expect_response(is_upload) as answer:
        page.set_input_files(
            "#attach-file",
            files=[{"name": "huge.jpg", "mimeType": "image/jpeg", "buffer": too_large}],
        )
    assert answer.value.status == 413
    refusal = answer.value.json()["error"]
    assert refusal["code"] == "image_too_large"
    expect(page.locator("#picture-preview")).to_have_attribute("data-state", "refused")
    expect(page.locator("#composer-error")).to_have_text(refusal["detail"])


def test_uploading_too_fast_is_refused_with_the_wait(people):
    _, (alice,) = room_with(people, "alice")
    page = alice.page
    small = picture((120, 80))
    for _number in range(UPLOADS_PER_MINUTE):
        attached(page, small)
    with page.expect_response(is_upload) as answer:
        assert paste(page, small) is False
    assert answer.value.status == 429
    assert answer.value.headers["retry-after"]
    refusal = answer.value.json()["error"]
    assert refusal["code"] == "rate_limited"
    expect(page.locator("#picture-preview")).to_have_attribute("data-state", "refused")
    expect(page.locator("#composer-error")).to_have_text(refusal["detail"])
    assert re.search(r"\d+ s", refusal["detail"])


def test_a_guest_sees_why_until_a_moderator_lets_guests_share_pictures(people):
    owner = sign_up(people("owner"))
    slug = owner.create_room("Guests welcome")
    guest = people("guest").join(room=slug)
    page = guest.page
    choosers, uploads = [], []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    page.on("request", lambda request: uploads.append(request) if uploading(request) else None)

    page.get_by_role("button", name="Attach a picture").click()
    error = page.locator("#composer-error")
    expect(error).to_have_text(f"{GUESTS_REFUSED} {CREATE_ACCOUNT}")
    expect(error.get_by_role("link", name=CREATE_ACCOUNT)).to_have_attribute(
        "href", "/accounts/upgrade/"
    )
    assert paste(page, picture()) is False
    expect(error).to_contain_text(GUESTS_REFUSED)
    drop(page, picture(), "dropped.png")
    expect(error).to_contain_text(GUESTS_REFUSED)
    expect(page.locator("#picture-preview")).to_be_hidden()
    assert choosers == [] and uploads == []

    # The owner lets guests share pictures: the guest's page hears of it at once.
    owner.page.locator("#open-moderation").click()
    panel = owner.page.locator("#moderation-panel")
    rule = panel.get_by_label("Guests may share pictures")
    expect(rule).not_to_be_checked()
    rule.check()
    panel.locator(".rules-form").get_by_role("button", name="Save").click()
    expect(panel.locator(".panel-result")).to_have_text("The room's rules are saved.")
    expect(error).to_be_hidden()

    attached(page, picture(sky=((120, 200, 255), (20, 90, 160))))
    guest.send("From a guest")
    image = thumbnail(owner.page, "From a guest").locator("img")
    expect(image).to_have_attribute("alt", "From a guest")

    # The panel shows the rule as saved when opened again.
    owner.page.keyboard.press("Escape")
    owner.page.locator("#open-moderation").click()
    expect(panel.get_by_label("Guests may share pictures")).to_be_checked()


def test_a_send_waits_for_the_upload_and_a_lost_send_goes_again_with_its_picture(people):
    slug, (alice, bob) = room_with(people, "alice", "bob")
    bob.send("hello")
    caption = "Sent twice, saved once"
    a, b = alice.page, bob.page

    # The socket loses alice's first `message.send` and closes: her page reconnects and sends
    # what was not acknowledged again.
    sends = []

    def socket(route):
        server = route.connect_to_server()

        def from_page(text):
            frame = json.loads(text) if isinstance(text, str) else {}
            if frame.get("type") == "message.send":
                sends.append(frame)
                if len(sends) == 1:
                    route.close(code=4000, reason="lost")  # the page's side
                    server.close()
                    return
            server.send(text)

        route.on_message(from_page)

    a.route_web_socket(re.compile(r"/ws/chat/"), socket)
    enter(alice, slug)
    expect(message(a, "hello")).to_have_count(1)

    # The upload is held: Enter waits for it, and nothing goes before it is done.
    held = []
    a.route("**/uploads/", lambda route: held.append(route))
    with a.expect_request(uploading):
        assert paste(a, picture(), "twice.png") is False
    preview = a.locator("#picture-preview")
    expect(preview).to_have_attribute("data-state", "uploading")
    expect(preview.locator(".picture-preview-state")).to_have_text("Uploading…")
    a.fill("#message-input", caption)
    a.press("#message-input", "Enter")
    expect(a.locator("#composer")).to_have_attribute("aria-busy", "true")
    expect(a.locator("#message-input")).to_have_value(caption)
    expect(a.locator("#messages .message.mine")).to_have_count(0)
    assert sends == []
    with a.expect_response(is_upload) as answer:
        held[0].continue_()
    upload = answer.value.json()["upload"]
    expect(preview).to_be_hidden()

    expect(thumbnail(b, caption)).to_have_count(1)
    expect(thumbnail(b, caption).locator("img")).to_have_attribute("src", upload["thumb_url"])
    mine = a.locator("#messages .message.mine[data-id]", has_text=caption)
    expect(mine.locator(".message-picture img")).to_have_attribute("src", upload["thumb_url"])
    assert len(sends) == 2
    assert sends[0]["upload"] == sends[1]["upload"] == upload["id"]
    assert sends[0]["client_msg_id"] == sends[1]["client_msg_id"]
    assert sends[1]["body"] == caption
    expect(message(b, caption)).to_have_count(1)


def test_an_unsent_picture_message_goes_back_to_the_composer_with_its_picture(people):
    slug, (alice, bob) = room_with(people, "alice", "bob")
    a, b = alice.page, bob.page
    caption = "Second try"

    # The first send is answered, as if by the server, with a refusal a retry could get past.
    def socket(route):
        server = route.connect_to_server()
        refused = []

        def from_page(text):
            frame = json.loads(text) if isinstance(text, str) else {}
            if frame.get("type") == "message.send" and not refused:
                refused.append(frame)
                error = {"code": "rate_limited", "detail": "Too fast.", "retry_after": 1}
                route.send(
                    json.dumps({"type": "error", "client_msg_id": frame["client_msg_id"], **error})
                )
                return
            server.send(text)

        route.on_message(from_page)

    a.route_web_socket(re.compile(r"/ws/chat/"), socket)
    enter(alice, slug)
    upload = attached(a, picture())
    alice.send(caption)
    failed = a.locator("#messages .message.mine.failed")
    expect(failed.locator(".message-picture img")).to_have_attribute("src", upload["thumb_url"])
    failed.get_by_role("button", name="Edit").click()

    expect(a.locator("#message-input")).to_have_value(caption)
    preview = a.locator("#picture-preview")
    expect(preview).to_have_attribute("data-state", "ready")
    expect(preview.locator(".picture-preview-image")).to_have_attribute("src", upload["thumb_url"])
    a.press("#message-input", "Enter")
    expect(thumbnail(b, caption).locator("img")).to_have_attribute("src", upload["thumb_url"])


def test_the_guides_pictures(browser, base_url):
    alice = sign_up(Person(browser, base_url, unique_name("Alice")))
    bob = sign_up(
        Visitor(
            browser,
            base_url,
            "Bo",
            viewport=PHONE,
            locale="zh-CN",
            color_scheme="dark",
            extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
            has_touch=True,
            is_mobile=True,
        )
    )
    try:
        slug = alice.create_room("Holiday")
        enter(bob, slug)
        a, b = alice.page, bob.page
        attached(a, picture(), name="harbour.png")
        alice.send("The harbour at dusk")
        attached(
            a,
            picture((640, 900), sky=((120, 200, 255), (250, 250, 255)), kind="JPEG"),
            name="tower.jpg",
        )
        a.press("#message-input", "Enter")
        expect(thumbnail(b)).to_have_count(2)
        bob.send("好美！ Where is that tower?")
        expect(message(a, "tower?")).to_have_count(1)
        attached(a, picture((900, 600), sky=((255, 220, 180), (255, 120, 80))), name="sunset.png")
        a.fill("#message-input", "And this one, from the hill")
        attached(b, picture((800, 800), sky=((40, 40, 90), (200, 90, 120))), name="夜景.png")
        for page, last in ((a, "tower?"), (b, "tower?")):
            expect(message(page, last)).to_be_in_viewport()  # the preview hides no message
        for page in (a, b):
            for image in thumbnail(page).locator("img").all():
                page.wait_for_function(LOADED, arg=image.element_handle())
            page.evaluate(SETTLED)

        PICTURES.mkdir(exist_ok=True)
        a.screenshot(path=str(PICTURES / "images-desktop-en.png"), animations="disabled")
        b.screenshot(path=str(PICTURES / "images-phone-zh.png"), animations="disabled")

        # The full view on a phone, for the test's artifacts only.
        thumbnail(b, "harbour").click()
        full = b.locator("#picture-view .picture-view-image")
        b.wait_for_function(LOADED, arg=full.element_handle())
        width = full.bounding_box()["width"]
        assert 300 < width <= PHONE["width"]
        ARTIFACTS.mkdir(exist_ok=True)
        b.screenshot(path=str(ARTIFACTS / "images-full-view-phone.png"), animations="disabled")
    finally:
        alice.close()
        bob.close()
