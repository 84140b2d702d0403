// The room's settings, for those who manage it (docs/protocol.md, "Private rooms and direct
// messages"): whether it is private, who its members are (add by name, remove), and its
// invitation links (create, copy, revoke). The owner and site moderators (the welcome's
// `manager`) change privacy and let people out; the room's moderators let people in.
// Read again each time it opens and after every change; what it says is announced politely.

import { Announcer } from "./announcer.js";
import { openDialog } from "./dialogs.js";
import { momentText, parseTime } from "./time.js";

export class RoomSettings {
  constructor({ dialog, openButton, panelButton, panelOpener, privateMark, templates, api, me }) {
    this.dialog = dialog;
    this.openButton = openButton; // in the header (not on a phone: no room there)
    this.panelButton = panelButton; // in the moderators' panel, which closes for the settings
    this.privateMark = privateMark; // the header's lock and "Private"
    this.templates = templates; // {member, invite}
    this.api = api;
    this.me = me; // () => the reader
    this.kind = null;
    this.manager = false;
    this.moderator = false;
    this.loading = 0;
    this.busy = false;
    this.links = new Map(); // invite id -> its URL: only the page that made a link can show it
    this.fresh = null; // the id of the link made last, whose field takes focus

    const find = (selector) => dialog.querySelector(selector);
    this.el = {
      body: find(".settings-body"),
      result: find(".settings-result"),
      private: find("#settings-private"),
      ownerOnly: find(".settings-owner-only"),
      membersSection: find(".settings-members-section"),
      membersCount: find(".settings-members-count"),
      members: find(".settings-members"),
      addForm: find(".settings-add"),
      addName: find("#settings-add-name"),
      invitesSection: find(".settings-invites-section"),
      inviteForm: find(".settings-invite-form"),
      duration: find("#settings-invite-duration"),
      invites: find(".settings-invites"),
      invitesEmpty: find(".settings-invites-empty"),
    };
    this.announcer = new Announcer(find(".settings-announcer"));
    dialog.classList.add("light-dismiss");

    openButton.addEventListener("click", () => this.open());
    panelButton?.addEventListener("click", () => {
      // The settings take the panel's place; closed, focus goes back to the panel's button.
      panelButton.closest("dialog")?.close();
      this.open({ returnTo: panelOpener ?? openButton });
    });
    this.el.private.addEventListener("change", () => this.setPrivate(this.el.private.checked));
    this.el.addForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.add();
    });
    this.el.inviteForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.createInvite();
    });
  }

  get allowed() {
    return this.kind !== null && this.kind !== "direct" && (this.manager || this.moderator);
  }

  get isPrivate() {
    return this.kind === "private";
  }

  // The `welcome` frame: what the room is and what the reader may do to it.
  welcome(frame) {
    this.kind = frame.kind ?? "public";
    this.manager = Boolean(frame.manager);
    this.moderator = Boolean(frame.moderator);
    this.openButton.hidden = !this.allowed;
    if (this.panelButton) this.panelButton.hidden = !this.allowed;
    if (!this.allowed && this.dialog.open) this.dialog.close();
    this.showKind();
  }

  showKind() {
    this.privateMark.hidden = !this.isPrivate;
    const { el } = this;
    el.private.checked = this.isPrivate;
    // Only the owner (and site moderators) change it; a room's moderators see how it is.
    el.private.disabled = !this.manager;
    el.ownerOnly.hidden = this.manager;
    el.membersSection.hidden = !this.isPrivate;
    el.invitesSection.hidden = !this.isPrivate;
  }

  open({ returnTo = this.openButton } = {}) {
    if (!this.allowed) return;
    this.el.result.hidden = true;
    this.showKind();
    openDialog(this.dialog, { returnTo, fallback: () => document.getElementById("message-input") });
    this.refresh();
  }

  // --- what it shows --------------------------------------------------------------------

  say(text, { error = false } = {}) {
    const { result } = this.el;
    result.textContent = text;
    result.classList.toggle("is-error", error);
    result.hidden = false;
    this.announcer.say(text);
  }

  async refresh() {
    if (!this.isPrivate) return;
    const loading = ++this.loading;
    this.el.body.setAttribute("aria-busy", "true");
    try {
      const answer = await this.api.get("members/");
      if (loading === this.loading) this.show(answer);
    } catch (error) {
      if (loading === this.loading) this.say(error.message, { error: true });
    } finally {
      if (loading === this.loading) this.el.body.setAttribute("aria-busy", "false");
    }
  }

  show(answer) {
    const members = answer.members ?? [];
    const invites = answer.invites ?? [];
    this.el.membersCount.textContent = String(answer.count ?? members.length);
    this.el.members.replaceChildren(...members.map((user) => this.memberItem(user)));
    this.el.invites.replaceChildren(...invites.map((invite) => this.inviteItem(invite)));
    this.el.invitesEmpty.hidden = invites.length > 0;
    // A link made here, shown with its address, takes focus (for the Copy button beside it).
    if (this.fresh !== null) {
      const field = this.el.invites.querySelector(`[data-invite-id="${this.fresh}"] .settings-link-url`);
      this.fresh = null;
      if (field) {
        field.focus();
        field.select();
      }
    }
  }

  memberItem(user) {
    const item = this.templates.member.content.firstElementChild.cloneNode(true);
    item.dataset.userId = String(user.id);
    const avatar = item.querySelector(".avatar");
    if (user.avatar) avatar.src = user.avatar;
    item.querySelector(".settings-member-name").textContent = user.name;
    const mine = this.me()?.id === user.id;
    item.querySelector(".settings-member-you").hidden = !mine;
    const remove = item.querySelector(".settings-remove");
    // The owner and site moderators let people out; nobody lets themselves out here.
    remove.hidden = !this.manager || mine;
    remove.setAttribute("aria-label", interpolate(gettext("Remove %s"), [user.name]));
    remove.addEventListener("click", () => this.remove(user, item));
    return item;
  }

  inviteItem(invite) {
    const item = this.templates.invite.content.firstElementChild.cloneNode(true);
    item.dataset.inviteId = String(invite.id);
    const expires = momentText(parseTime(invite.expires));
    const uses = Number(invite.uses) || 0;
    const usesText = uses
      ? interpolate(ngettext("used once", "used %s times", uses), [uses])
      : gettext("not used yet");
    item.querySelector(".settings-invite-facts").textContent = interpolate(
      gettext("Valid until %(expires)s · %(uses)s"),
      { expires, uses: usesText },
      true,
    );
    const url = this.links.get(invite.id);
    const link = item.querySelector(".settings-link");
    link.hidden = !url;
    if (url) {
      const field = link.querySelector(".settings-link-url");
      field.value = url;
      field.setAttribute("aria-label", gettext("Invitation link"));
      field.addEventListener("focus", () => field.select());
      link.querySelector(".settings-copy").addEventListener("click", () => this.copy(url, field));
    }
    const revoke = item.querySelector(".settings-revoke");
    revoke.setAttribute(
      "aria-label",
      interpolate(gettext("Revoke the link valid until %s"), [expires]),
    );
    revoke.addEventListener("click", () => this.revoke(invite, item));
    return item;
  }

  // --- what it changes ------------------------------------------------------------------
  // A removal or a revocation takes its row away in place (focus goes to the next row's
  // button): reading the lists again would replace the buttons and drop the keyboard's focus.

  // One change at a time; `work` is async. Errors are said in the dialog.
  async run(work) {
    if (this.busy) return;
    this.busy = true;
    this.el.body.setAttribute("aria-busy", "true");
    try {
      await work();
    } catch (error) {
      this.say(error.message, { error: true });
    } finally {
      this.busy = false;
      this.el.body.setAttribute("aria-busy", "false");
    }
  }

  setPrivate(wanted) {
    return this.run(async () => {
      try {
        const answer = await this.api.post("privacy/", { private: wanted });
        this.kind = answer.kind ?? (wanted ? "private" : "public");
      } finally {
        this.showKind(); // back as it was when refused
      }
      this.say(this.isPrivate
        ? gettext("The room is private now: only its members can read it.")
        : gettext("The room is public now: anyone can read it."));
      await this.refresh();
    });
  }

  add() {
    const name = this.el.addName.value.trim();
    if (!name) {
      this.say(gettext("Type the name of the person to add."), { error: true });
      this.el.addName.focus();
      return null;
    }
    return this.run(async () => {
      try {
        const answer = await this.api.post("members/", { name });
        this.el.addName.value = "";
        this.show(answer);
        // Their name as they spell it (names compare in any case).
        const found = (answer.members ?? []).find((user) => user.name.toLowerCase() === name.toLowerCase());
        this.say(interpolate(gettext("%s is a member now and can read the room."), [found?.name ?? name]));
      } catch (error) {
        if (error.status === 404) {
          throw new Error(interpolate(gettext("Nobody is called “%s”. Check the spelling."), [name]));
        }
        throw error;
      }
    });
  }

  remove(user, item) {
    return this.run(async () => {
      await this.api.post(`members/${user.id}/remove/`);
      // Focus goes to the next member's button, or the name field, not to the page.
      const next = item.nextElementSibling ?? item.previousElementSibling;
      item.remove();
      (next?.querySelector(".settings-remove:not([hidden])") ?? this.el.addName).focus();
      this.el.membersCount.textContent = String(this.el.members.childElementCount);
      this.say(interpolate(gettext("%s is no longer a member. Their open pages of the room have closed."), [user.name]));
    });
  }

  createInvite() {
    return this.run(async () => {
      const answer = await this.api.post("invites/", { duration: this.el.duration.value });
      this.links.set(answer.id, answer.url);
      this.fresh = answer.id;
      this.say(gettext("A new invitation link is ready. Copy it and send it to the people you want to let in."));
      await this.refresh();
    });
  }

  async copy(url, field) {
    try {
      if (!navigator.clipboard?.writeText) throw new Error("no clipboard");
      await navigator.clipboard.writeText(url);
      this.say(gettext("The link is copied."));
    } catch {
      // No clipboard here (an insecure page, a refused permission): the link is selected,
      // for the keyboard's copy.
      field.focus();
      field.select();
      this.say(gettext("The link is selected: press Ctrl+C (⌘C on a Mac) to copy it."));
    }
  }

  revoke(invite, item) {
    return this.run(async () => {
      await this.api.post(`invites/${invite.id}/revoke/`);
      this.links.delete(invite.id);
      const next = item.nextElementSibling ?? item.previousElementSibling;
      item.remove();
      (next?.querySelector(".settings-revoke") ?? this.el.duration).focus();
      this.el.invitesEmpty.hidden = this.el.invites.childElementCount > 0;
      this.say(gettext("The link is revoked: it no longer lets anyone in."));
    });
  }
}
