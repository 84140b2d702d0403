// The "⋯" menu of a message: React, Reply, Edit and Delete one's own (message_actions.js),
// Report for everyone, and for moderators Delete (and Approve or Drop for a held message). One
// menu for the page (a popover placed beside the message's button), one small dialog for the
// optional reason (and to confirm deleting one's own message).

import { openDialog } from "./dialogs.js";

const GAP_PX = 4;
const EDGE_PX = 8;

export class MessageMenu {
  constructor({ menu, dialog, messages, api, notify, fallbackFocus }) {
    this.menu = menu;
    this.dialog = dialog;
    this.messages = messages;
    this.api = api;
    this.notify = notify; // (text): a short notice on the page
    this.fallbackFocus = fallbackFocus; // where focus goes when the message's button is gone
    this.moderator = false;
    this.actions = null; // message_actions.js: React, Reply, Edit, Delete one's own
    this.target = null; // {element, button, info} of the open menu
    this.dialogTarget = null; // the same, for the open dialog
    this.dialogAction = null;

    this.items = [...menu.querySelectorAll("[role=menuitem]")];
    this.items.forEach((item) => {
      item.addEventListener("click", () => this.choose(item.dataset.action));
    });
    menu.addEventListener("keydown", (event) => this.keydown(event));
    // A press on the open menu's own button closes it (light dismiss) and must not reopen it.
    this.pressedOwnButton = null;
    document.addEventListener("pointerdown", (event) => {
      const button = this.target?.button;
      this.pressedOwnButton = button && button.contains(event.target) ? button : null;
    }, { capture: true });
    // Before it hides (synchronously, whatever hides it: Escape, a click elsewhere, a choice).
    menu.addEventListener("beforetoggle", (event) => {
      if (event.newState === "closed") this.closed();
    });

    this.form = dialog.querySelector("form");
    this.reason = dialog.querySelector("input[name=reason]");
    this.error = dialog.querySelector(".dialog-error");
    this.confirm = dialog.querySelector(".dialog-confirm");
    this.form.addEventListener("submit", (event) => {
      if (event.submitter?.value === "cancel") return; // method=dialog closes it
      event.preventDefault();
      this.submitDialog();
    });
    dialog.addEventListener("close", () => {
      this.dialogTarget = null;
    });
  }

  setModerator(moderator) {
    this.moderator = moderator;
  }

  // --- the menu ---------------------------------------------------------------------

  open(element, button) {
    const pressedOwn = this.pressedOwnButton === button;
    this.pressedOwnButton = null;
    if (pressedOwn) return;
    if (this.target?.element === element && this.menu.matches(":popover-open")) {
      this.menu.hidePopover();
      return;
    }
    const info = this.messages.describe(element);
    const shown = {
      ...this.actions?.menuItems(element, info),
      report: !info.mine && !info.removed && !info.held && !info.reported,
      approve: this.moderator && info.held && !info.removed,
      drop: this.moderator && info.held && !info.removed,
      // One's own message: the Delete above, without a reason.
      delete: this.moderator && !info.mine && !info.removed && !info.held,
    };
    const visible = this.items.filter((item) => {
      item.hidden = !shown[item.dataset.action];
      return !item.hidden;
    });
    if (!visible.length) return;
    if (this.menu.matches(":popover-open")) this.menu.hidePopover();
    this.target = { element, button, info };
    this.menu.showPopover();
    this.place(button, info.mine);
    button.setAttribute("aria-expanded", "true");
    element.classList.add("menu-open");
    visible[0].focus();
  }

  // Beside the button: below it, or above when the window ends first; never off-screen.
  place(button, mine) {
    const anchor = button.getBoundingClientRect();
    const { width, height } = this.menu.getBoundingClientRect();
    let left = mine ? anchor.right - width : anchor.left;
    left = Math.max(EDGE_PX, Math.min(left, window.innerWidth - width - EDGE_PX));
    let top = anchor.bottom + GAP_PX;
    if (top + height > window.innerHeight - EDGE_PX) top = anchor.top - height - GAP_PX;
    top = Math.max(EDGE_PX, top);
    this.menu.style.left = `${Math.round(left)}px`;
    this.menu.style.top = `${Math.round(top)}px`;
  }

  close({ restoreFocus = true } = {}) {
    if (!this.menu.matches(":popover-open")) return;
    this.restoreFocus = restoreFocus;
    this.menu.hidePopover();
  }

  // The popover is closing: focus, if it was in the menu, goes back to the message.
  closed() {
    const target = this.target;
    this.target = null;
    if (!target) return;
    target.button.setAttribute("aria-expanded", "false");
    target.element.classList.remove("menu-open");
    const restore = this.restoreFocus !== false;
    this.restoreFocus = true;
    if (restore && this.menu.contains(document.activeElement)) this.focusBack(target.button);
  }

  focusBack(button) {
    if (button.isConnected && button.checkVisibility()) button.focus({ preventScroll: true });
    else this.fallbackFocus?.focus({ preventScroll: true });
  }

  keydown(event) {
    const visible = this.items.filter((item) => !item.hidden);
    const index = visible.indexOf(document.activeElement);
    let next = null;
    if (event.key === "ArrowDown") next = visible[(index + 1) % visible.length];
    else if (event.key === "ArrowUp") next = visible[(index - 1 + visible.length) % visible.length];
    else if (event.key === "Home") next = visible[0];
    else if (event.key === "End") next = visible[visible.length - 1];
    else if (event.key === "Tab") {
      event.preventDefault();
      this.close();
      return;
    }
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }

  // A message went (deleted, here or elsewhere): its menu and dialog go with it.
  forget(id) {
    if (this.target?.info.id === id) this.close();
    if (this.dialogTarget?.info.id === id && this.dialog.open) this.dialog.close();
  }

  // --- the actions ----------------------------------------------------------------------

  choose(action) {
    const target = this.target;
    if (!target) return;
    this.close({ restoreFocus: false });
    if (action === "reply") this.actions.startReply(target.element);
    else if (action === "edit") this.actions.edit(target.element);
    else if (action === "react") this.actions.react(target.element, target.button);
    else if (action === "report" || action === "delete" || action === "delete-own") {
      this.openDialog(action, target);
    } else {
      this.decideHeld(action, target);
    }
  }

  openDialog(action, target) {
    this.dialogTarget = target;
    this.dialogAction = action;
    const report = action === "report";
    const own = action === "delete-own"; // a confirmation: no reason, no log
    this.reason.closest(".field").hidden = own;
    this.dialog.querySelector(".dialog-title").textContent = report
      ? gettext("Report this message")
      : gettext("Delete this message?");
    this.dialog.querySelector(".quote-author").textContent = target.info.authorName;
    this.dialog.querySelector(".quote-body").textContent = target.info.body;
    this.dialog.querySelector(".message-dialog-help").textContent = report
      ? gettext("Only the room's moderators see your report and its reason.")
      : gettext("Everyone sees “Message removed” in its place. The reason goes into the moderation log.");
    const note = this.dialog.querySelector(".message-dialog-note"); // in place of the reason
    note.hidden = !own;
    note.textContent = own
      ? gettext("Everyone sees “Message removed” in its place. This cannot be undone.")
      : "";
    this.confirm.textContent = report ? gettext("Report") : gettext("Delete");
    this.confirm.classList.toggle("button-danger", !report);
    this.confirm.classList.toggle("button-primary", report);
    this.confirm.disabled = false;
    this.reason.value = "";
    this.error.hidden = true;
    this.dialog.dataset.action = action;
    openDialog(this.dialog, {
      returnTo: target.button,
      fallback: () => this.fallbackFocus,
    });
    (own ? this.confirm : this.reason).focus();
  }

  async submitDialog() {
    const target = this.dialogTarget;
    if (!target) return;
    const { id } = target.info;
    const action = this.dialogAction;
    this.confirm.disabled = true;
    this.error.hidden = true;
    try {
      if (action === "delete-own") await this.actions.deleteOwn(id);
      else await this.api.post(`messages/${id}/${action}/`, { reason: this.reason.value.trim() });
    } catch (error) {
      this.error.textContent = error.message;
      this.error.hidden = false;
      this.confirm.disabled = false;
      return;
    }
    if (action === "report") {
      target.element.classList.add("reported");
      this.notify(gettext("Thank you: the moderators will have a look."));
    } else {
      this.messages.markRemoved(id); // the room's `message.deleted` says the same
    }
    if (this.dialogTarget === target) this.dialog.close();
  }

  async decideHeld(action, target) {
    const { id } = target.info;
    try {
      await this.api.post(`messages/${id}/${action}/`, {});
    } catch (error) {
      this.notify(error.message);
      this.focusBack(target.button);
      return;
    }
    if (action === "approve") {
      target.element.classList.remove("held");
      this.notify(gettext("Approved: everyone can see it now."));
    } else {
      this.messages.markRemoved(id);
      this.notify(gettext("Dropped: nobody else will see it."));
    }
    this.focusBack(target.button);
  }
}
