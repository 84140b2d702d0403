"""A person in a browser context of their own making: a phone, dark mode, another language,
reduced motion (conftest's ``Person`` always gets the desktop defaults)."""

from tests.browser.conftest import VIEWPORT, Person, unique_name


class Visitor(Person):
    def __init__(self, browser, base_url: str, prefix: str, *, name=None, **context_options):
        self.base_url = base_url
        self.name = name or unique_name(prefix)
        self.context = browser.new_context(**{"viewport": VIEWPORT, **context_options})
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.page.on("dialog", self._dialog)
