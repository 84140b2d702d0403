// A person's card, opened from the online list or a message's author: who they are, and for
// moderators what they may do to them (kick, mute, ban, remove their recent messages, lift a
// mute or ban). `parts` add to it (direct.js: "Message privately", "Block"): each has
// open(user, me) and show(card).

import { openDialog } from "./dialogs.js";
import { dayText, momentText, parseTime, shortTime } from "./time.js";

function untilText(until) {
  return until
    ? interpolate(gettext("until %s"), [momentText(parseTime(until))])
    : gettext("for good");
}

// "Muted until 14:05.", "Banned for good."
function sanctionResult(kind, until) {
  if (kind === "mute") {
    return until
      ? interpolate(gettext("Muted until %s."), [momentText(parseTime(until))])
      : gettext("Muted for good.");
  }
  return until
    ? interpolate(gettext("Banned until %s."), [momentText(parseTime(until))])
    : gettext("Banned for good.");
}

export class PersonCard {
  constructor({ dialog, api, me, parts = [] }) {
    this.dialog = dialog;
    this.api = api;
    this.me = me;
    this.parts = parts;
    this.user = null;
    this.card = null;
    this.request = 0; // answers to an earlier opening are ignored

    const find = (selector) => dialog.querySelector(selector);
    this.el = {
      avatar: find(".person-avatar"),
      name: find(".person-name"),
      you: find(".badge-you"),
      moderator: find(".badge-moderator"),
      guest: find(".badge-guest"),
      since: find(".person-since"),
      sinceFact: find(".person-since")?.closest(".fact"),
      joined: find(".person-joined"),
      error: find(".person-error"),
      moderation: find(".person-moderation"),
      sanctions: find(".person-sanctions"),
      reason: find("#person-reason"),
      siteRow: find(".person-site"),
      site: find("#person-site"),
      muteDuration: find("#person-mute-duration"),
      banDuration: find("#person-ban-duration"),
      removeSince: find("#person-remove-since"),
      result: find(".person-result"),
      naming: find(".person-naming"),
      namingButton: find('.person-naming [data-action="naming"]'),
    };
    this.actionButtons = [...dialog.querySelectorAll(".mod-actions [data-action]")];
    this.actionButtons.forEach((button) => {
      button.addEventListener("click", () => this.act(button.dataset.action));
    });
    dialog.classList.add("light-dismiss");
  }

  setMe(me) {
    this.me = me;
  }

  async open(user, since, button) {
    const request = ++this.request;
    this.user = user;
    this.card = null;
    const { el } = this;
    if (user.avatar) el.avatar.src = user.avatar;
    else el.avatar.removeAttribute("src");
    el.name.textContent = user.name;
    el.you.hidden = !(this.me && user.id === this.me.id);
    el.moderator.hidden = true;
    el.guest.hidden = true;
    // From a message's author: `since` is null, and "Online since" is left out.
    if (el.sinceFact) el.sinceFact.hidden = !since;
    el.since.textContent = since ? momentText(since) : "";
    el.since.title = since ? since.toLocaleString() : "";
    el.joined.textContent = "…";
    el.error.hidden = true;
    el.moderation.hidden = true;
    el.result.hidden = true;
    el.reason.value = "";
    el.site.checked = false;
    this.parts.forEach((part) => part.open?.(user, this.me));
    this.dialog.setAttribute("aria-busy", "true");
    openDialog(this.dialog, { returnTo: button });
    try {
      const card = await this.api.get(`people/${user.id}/`);
      if (request === this.request) this.show(card);
    } catch (error) {
      if (request !== this.request) return;
      el.joined.textContent = "—";
      el.error.textContent = error.message;
      el.error.hidden = false;
    } finally {
      if (request === this.request) this.dialog.setAttribute("aria-busy", "false");
    }
  }

  show(card) {
    const { el } = this;
    this.card = card;
    if (card.user?.avatar) el.avatar.src = card.user.avatar;
    if (card.user?.name) el.name.textContent = card.user.name;
    const joined = parseTime(card.joined);
    el.joined.textContent = dayText(joined);
    el.joined.title = `${dayText(joined)} ${shortTime(joined)}`;
    el.guest.hidden = !card.guest;
    el.moderator.hidden = !card.moderator;
    el.moderation.hidden = !card.can_moderate;
    el.siteRow.hidden = !card.can_moderate_site;
    if (!card.can_moderate_site) el.site.checked = false;
    el.naming.hidden = !card.can_name_moderator;
    el.namingButton.textContent = card.named_moderator
      ? gettext("No longer a moderator")
      : gettext("Make moderator");
    this.showSanctions(card.sanctions ?? []);
    this.parts.forEach((part) => part.show?.(card));
  }

  showSanctions(sanctions) {
    const list = this.el.sanctions;
    list.replaceChildren();
    list.hidden = sanctions.length === 0;
    for (const sanction of sanctions) {
      const item = document.createElement("li");
      item.className = "person-sanction";
      const text = document.createElement("span");
      const what = sanction.kind === "mute" ? gettext("Muted") : gettext("Banned");
      const where = sanction.room ? "" : ` (${gettext("whole site")})`;
      text.textContent = `${what}${where} ${untilText(sanction.until)}`;
      if (sanction.reason) {
        const reason = document.createElement("span");
        reason.className = "muted-text";
        reason.textContent = ` · ${sanction.reason}`;
        text.append(reason);
      }
      const lift = document.createElement("button");
      lift.type = "button";
      lift.className = "button button-quiet button-small";
      lift.textContent = gettext("Lift");
      lift.addEventListener("click", () => this.lift(sanction));
      item.append(text, lift);
      list.append(item);
    }
  }

  // Read the card again after an action: its mutes and bans have changed.
  async reload() {
    if (!this.user) return null;
    const request = this.request;
    const card = await this.api.get(`people/${this.user.id}/`);
    if (request === this.request) this.show(card);
    return card;
  }

  setBusy(busy) {
    this.actionButtons.forEach((button) => {
      button.disabled = busy;
    });
    this.el.moderation.setAttribute("aria-busy", String(busy));
  }

  say(text, { error = false } = {}) {
    this.el.result.textContent = text;
    this.el.result.classList.toggle("is-error", error);
    this.el.result.hidden = false;
  }

  async act(action) {
    if (!this.user || !this.card?.can_moderate) return;
    const { el } = this;
    const user = this.user;
    const reason = el.reason.value.trim();
    const site = this.card.can_moderate_site ? el.site.checked : false;
    const base = `people/${user.id}/`;
    this.setBusy(true);
    try {
      if (action === "kick") {
        await this.api.post(`${base}kick/`, { reason });
        this.say(interpolate(gettext("%s was removed from the room. They may come back."), [user.name]));
      } else if (action === "mute" || action === "ban") {
        const duration = (action === "mute" ? el.muteDuration : el.banDuration).value;
        const answer = await this.api.post(`${base}${action}/`, { duration, site, reason });
        const card = await this.reload().catch(() => null);
        const given = card?.sanctions?.find((sanction) => sanction.id === answer.sanction);
        if (given) this.say(sanctionResult(action, given.until));
        else if (duration === "forever") this.say(sanctionResult(action, null));
        else this.say(action === "mute" ? gettext("Muted.") : gettext("Banned."));
      } else if (action === "naming") {
        const naming = !this.card.named_moderator;
        await this.api.post(`${base}moderator/`, { moderator: naming });
        await this.reload().catch(() => null);
        this.say(naming
          ? interpolate(gettext("%s moderates this room from their next visit."), [user.name])
          : interpolate(gettext("%s no longer moderates this room."), [user.name]));
      } else if (action === "remove") {
        const answer = await this.api.post(`${base}remove-messages/`, {
          since: el.removeSince.value,
          site,
          reason,
        });
        const count = Number(answer.count) || 0;
        this.say(count
          ? interpolate(ngettext("%s message removed.", "%s messages removed.", count), [count])
          : gettext("There was nothing to remove."));
      }
    } catch (error) {
      this.say(error.message, { error: true });
    } finally {
      this.setBusy(false);
    }
  }

  async lift(sanction) {
    this.setBusy(true);
    try {
      await this.api.post(`sanctions/${sanction.id}/lift/`, {});
      this.say(sanction.kind === "mute" ? gettext("The mute is lifted.") : gettext("The ban is lifted."));
      await this.reload();
    } catch (error) {
      this.say(error.message, { error: true });
    } finally {
      this.setBusy(false);
    }
  }
}
