// The moderators' panel: open reports, held messages, mutes and bans in force, the room's
// rules and its recent log. Read again each time it opens and after every action.

import { openDialog } from "./dialogs.js";
import { momentText, parseTime, setTime } from "./time.js";

const SLOW_MODE_CHOICES = ["0", "10", "30", "60", "300"];

function button(label, onClick, style = "button-quiet") {
  const element = document.createElement("button");
  element.type = "button";
  element.className = `button ${style} button-small`;
  element.textContent = label;
  element.addEventListener("click", onClick);
  return element;
}

function untilText(until) {
  return until
    ? interpolate(gettext("until %s"), [momentText(parseTime(until))])
    : gettext("for good");
}

export class ModerationPanel {
  constructor({ dialog, openButton, countBadge, templates, api, getRules }) {
    this.dialog = dialog;
    this.openButton = openButton;
    this.countBadge = countBadge;
    this.templates = templates; // {message, sanction, log}
    this.api = api;
    this.getRules = getRules; // the rules the page holds (welcome, room.rules)
    this.moderator = false;
    this.loading = 0;

    const find = (selector) => dialog.querySelector(selector);
    this.el = {
      body: find(".panel-body"),
      result: find(".panel-result"),
      reports: find(".panel-reports"),
      reportsCount: find(".panel-reports-count"),
      reportsEmpty: find(".panel-reports-empty"),
      held: find(".panel-held"),
      heldCount: find(".panel-held-count"),
      heldEmpty: find(".panel-held-empty"),
      sanctions: find(".panel-sanctions"),
      sanctionsCount: find(".panel-sanctions-count"),
      sanctionsEmpty: find(".panel-sanctions-empty"),
      log: find(".panel-log"),
      logEmpty: find(".panel-log-empty"),
      rulesForm: find(".rules-form"),
    };
    dialog.classList.add("light-dismiss");
    openButton.addEventListener("click", () => this.open());
    find(".panel-refresh").addEventListener("click", () => this.refresh());
    this.el.rulesForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.saveRules();
    });
  }

  setModerator(moderator) {
    this.moderator = moderator;
    this.openButton.hidden = !moderator;
    if (!moderator && this.dialog.open) this.dialog.close();
  }

  open() {
    if (!this.moderator) return;
    this.el.result.hidden = true;
    this.showRules(this.getRules());
    openDialog(this.dialog, { returnTo: this.openButton });
    this.refresh();
  }

  // --- reading ------------------------------------------------------------------------

  async refresh() {
    const loading = ++this.loading;
    this.el.body.setAttribute("aria-busy", "true");
    try {
      const panel = await this.api.get("moderation/");
      if (loading === this.loading) this.show(panel);
    } catch (error) {
      if (loading === this.loading) this.say(error.message, { error: true });
    } finally {
      if (loading === this.loading) this.el.body.setAttribute("aria-busy", "false");
    }
  }

  // Only the header's count (what waits for a moderator), without opening the panel.
  async refreshCount() {
    if (!this.moderator) return;
    try {
      const panel = await this.api.get("moderation/");
      this.showCount(panel);
    } catch {
      // the count is a hint; the panel says what went wrong when opened
    }
  }

  showCount(panel) {
    const waiting = (panel.reports?.length ?? 0) + (panel.held?.length ?? 0);
    this.countBadge.hidden = waiting === 0;
    this.countBadge.textContent = String(waiting);
    this.openButton.setAttribute(
      "aria-label",
      waiting
        ? interpolate(ngettext("Moderation: %s waiting", "Moderation: %s waiting", waiting), [waiting])
        : gettext("Moderation"),
    );
  }

  show(panel) {
    const reports = panel.reports ?? [];
    const held = panel.held ?? [];
    const sanctions = panel.sanctions ?? [];
    const log = panel.log ?? [];
    this.fill(this.el.reports, this.el.reportsCount, this.el.reportsEmpty, reports, (report) => this.reportItem(report));
    this.fill(this.el.held, this.el.heldCount, this.el.heldEmpty, held, (message) => this.heldItem(message));
    this.fill(this.el.sanctions, this.el.sanctionsCount, this.el.sanctionsEmpty, sanctions, (sanction) => this.sanctionItem(sanction));
    this.fill(this.el.log, null, this.el.logEmpty, log, (entry) => this.logItem(entry));
    this.showCount(panel);
  }

  fill(list, count, empty, entries, build) {
    list.replaceChildren(...entries.map(build));
    if (count) count.textContent = String(entries.length);
    empty.hidden = entries.length > 0;
  }

  messageNode(message) {
    const node = this.templates.message.content.firstElementChild.cloneNode(true);
    const avatar = node.querySelector(".avatar");
    if (message.author?.avatar) avatar.src = message.author.avatar;
    node.querySelector(".panel-author").textContent = message.author?.name ?? "";
    setTime(node.querySelector(".panel-time"), parseTime(message.created));
    node.querySelector(".panel-excerpt").textContent = message.body;
    node.querySelector(".badge-removed").hidden = !message.deleted;
    node.dataset.messageId = String(message.id);
    return node;
  }

  reportItem(report) {
    const node = this.messageNode(report.message);
    node.classList.add("panel-report");
    node.dataset.reportId = String(report.id);
    const line = node.querySelector(".panel-report-line");
    line.hidden = false;
    line.querySelector(".panel-reporter").textContent = interpolate(
      gettext("Reported by %s"),
      [report.reporter?.name ?? "?"],
    );
    line.querySelector(".panel-reason").textContent = report.reason
      ? interpolate(gettext("“%s”"), [report.reason])
      : "";
    const author = report.message.author?.name ?? "";
    const resolve = (resolution, extra, done) => () => this.act(
      () => this.api.post(`reports/${report.id}/resolve/`, { resolution, ...extra }),
      done,
    );
    const buttons = [];
    if (!report.message.deleted) {
      buttons.push(button(gettext("Delete message"),
        resolve("deleted", {}, gettext("The message is deleted.")), "button-danger"));
    }
    node.querySelector(".panel-buttons").append(
      ...buttons,
      button(gettext("Mute 1 h"), resolve("muted", { duration: "1h" },
        interpolate(gettext("%s is muted for an hour."), [author]))),
      button(gettext("Ban 1 day"), resolve("banned", { duration: "1d" },
        interpolate(gettext("%s is banned for a day."), [author]))),
      button(gettext("Dismiss"), resolve("dismissed", {}, gettext("The report is dismissed."))),
    );
    return node;
  }

  heldItem(message) {
    const node = this.messageNode(message);
    node.classList.add("panel-held-message");
    node.querySelector(".panel-buttons").append(
      button(gettext("Approve"), () => this.act(
        () => this.api.post(`messages/${message.id}/approve/`, {}),
        gettext("Approved: everyone can see it now."),
      ), "button-primary"),
      button(gettext("Drop"), () => this.act(
        () => this.api.post(`messages/${message.id}/drop/`, {}),
        gettext("Dropped: nobody else will see it."),
      )),
    );
    return node;
  }

  sanctionItem(sanction) {
    const node = this.templates.sanction.content.firstElementChild.cloneNode(true);
    const avatar = node.querySelector(".avatar");
    if (sanction.user?.avatar) avatar.src = sanction.user.avatar;
    node.querySelector(".panel-author").textContent = sanction.user?.name ?? "";
    const kind = node.querySelector(".sanction-kind");
    kind.textContent = sanction.kind === "mute" ? gettext("Muted") : gettext("Banned");
    kind.classList.add(sanction.kind === "mute" ? "badge-muted" : "badge-banned");
    const parts = [
      sanction.room ? gettext("this room") : gettext("whole site"),
      untilText(sanction.until),
    ];
    if (sanction.reason) parts.push(interpolate(gettext("“%s”"), [sanction.reason]));
    node.querySelector(".panel-detail").textContent = parts.join(" · ");
    node.querySelector("[data-action=lift]").addEventListener("click", () => this.act(
      () => this.api.post(`sanctions/${sanction.id}/lift/`, {}),
      sanction.kind === "mute" ? gettext("The mute is lifted.") : gettext("The ban is lifted."),
    ));
    return node;
  }

  logItem(entry) {
    const node = this.templates.log.content.firstElementChild.cloneNode(true);
    setTime(node.querySelector(".log-time"), parseTime(entry.created));
    const text = node.querySelector(".log-text");
    const strong = (value) => {
      const element = document.createElement("strong");
      element.textContent = value;
      return element;
    };
    text.append(strong(entry.actor ?? gettext("someone")), ` ${entry.action_display}`);
    if (entry.target) text.append(" ", strong(entry.target));
    const extra = [];
    if (entry.until) extra.push(untilText(entry.until));
    if (entry.reason) extra.push(interpolate(gettext("“%s”"), [entry.reason]));
    if (extra.length) {
      const detail = document.createElement("span");
      detail.className = "muted-text";
      detail.textContent = ` · ${extra.join(" · ")}`;
      text.append(detail);
    }
    return node;
  }

  // --- acting ---------------------------------------------------------------------------

  say(text, { error = false } = {}) {
    this.el.result.textContent = text;
    this.el.result.classList.toggle("is-error", error);
    this.el.result.hidden = false;
  }

  async act(request, doneText) {
    this.el.body.querySelectorAll(".panel-buttons button").forEach((element) => {
      element.disabled = true;
    });
    try {
      await request();
      this.say(doneText);
    } catch (error) {
      this.say(error.message, { error: true });
    }
    await this.refresh();
  }

  showRules(rules) {
    const form = this.el.rulesForm;
    const select = form.elements.slow_mode_seconds;
    const value = String(Number(rules?.slow_mode_seconds) || 0);
    // A value set elsewhere (the admin) is shown as it is.
    select.querySelectorAll("option[data-extra]").forEach((option) => option.remove());
    if (!SLOW_MODE_CHOICES.includes(value)) {
      const option = document.createElement("option");
      option.value = value;
      option.dataset.extra = "true";
      option.textContent = interpolate(gettext("%s s"), [value]);
      select.append(option);
    }
    select.value = value;
    form.elements.read_only.checked = Boolean(rules?.read_only);
    form.elements.guests_read_only.checked = Boolean(rules?.guests_read_only);
    form.elements.guest_images.checked = Boolean(rules?.guest_images);
  }

  // The room's rules changed (a `room.rules` frame): the form follows unless being edited.
  rulesChanged(rules) {
    if (!this.dialog.open || !this.el.rulesForm.contains(document.activeElement)) {
      this.showRules(rules);
    }
  }

  async saveRules() {
    const form = this.el.rulesForm;
    const submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    try {
      await this.api.post("rules/", {
        slow_mode_seconds: Number(form.elements.slow_mode_seconds.value),
        read_only: form.elements.read_only.checked,
        guests_read_only: form.elements.guests_read_only.checked,
        guest_images: form.elements.guest_images.checked,
      });
      this.say(gettext("The room's rules are saved."));
    } catch (error) {
      this.say(error.message, { error: true });
    } finally {
      submit.disabled = false;
    }
    await this.refresh();
  }
}
