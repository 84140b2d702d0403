// Who is in the room: one <li data-user-id> per user, oldest arrival first. Each is a
// button that opens the person's card (person_card.js).

import { parseTime, setTime, shortTime } from "./time.js";

export class OnlineList {
  constructor({ list, counters, template, me, onSelect }) {
    this.list = list;
    this.counters = counters; // elements that show the number of people online
    this.template = template;
    this.me = me;
    this.onSelect = onSelect; // (user, since: Date, button)
  }

  setMe(me) {
    this.me = me;
  }

  // Replace the whole list (the `welcome` frame).
  reset(entries, count) {
    this.list.replaceChildren();
    entries.forEach((entry) => this.add(entry.user, entry.since));
    this.setCount(count ?? entries.length);
  }

  has(userId) {
    return this.find(userId) !== null;
  }

  // Add a user; false when they are listed already.
  add(user, since) {
    if (!user || this.has(user.id)) return false;
    const item = this.template.content.firstElementChild.cloneNode(true);
    item.dataset.userId = String(user.id);
    const avatar = item.querySelector(".avatar");
    if (user.avatar) avatar.src = user.avatar;
    item.querySelector(".name").textContent = user.name;
    const date = parseTime(since ?? new Date());
    const button = item.querySelector(".online-user-button");
    button.addEventListener("click", () => this.onSelect?.(user, date, button));
    const sinceLabel = item.querySelector(".since");
    sinceLabel.textContent = interpolate(gettext("since %s"), [shortTime(date)]);
    const time = document.createElement("time");
    setTime(time, date);
    sinceLabel.title = time.title;
    if (this.me && user.id === this.me.id) {
      item.classList.add("is-me");
      const you = document.createElement("span");
      you.className = "you";
      you.textContent = gettext("you");
      button.append(you);
    }
    this.list.append(item);
    return true;
  }

  // Remove a user; false when they were not listed.
  remove(userId) {
    const item = this.find(userId);
    if (!item) return false;
    item.remove();
    return true;
  }

  setCount(count) {
    this.counters.forEach((counter) => {
      counter.textContent = String(count);
    });
  }

  find(userId) {
    for (const item of this.list.children) {
      if (item.dataset.userId === String(userId)) return item;
    }
    return null;
  }
}
