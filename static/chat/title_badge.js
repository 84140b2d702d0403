// The tab's title and icon say when something is unread: "(3) Lobby · Chat" and the icon with
// a dot, back to the plain ones once it is read. The title's own part is whatever the page
// has set meanwhile (a direct conversation names the other person: direct.js).

export class TitleBadge {
  constructor({ icon, unreadIcon }) {
    this.icon = icon; // the page's <link rel="icon">, or null
    this.plainIcon = icon?.getAttribute("href") ?? null;
    this.unreadIcon = unreadIcon;
    this.base = document.title;
    this.shown = document.title;
    this.count = 0;
  }

  set(count) {
    // Someone else changed the title since we last did: that is the title from now on.
    if (document.title !== this.shown) this.base = document.title;
    this.count = count;
    const title = count > 0
      ? interpolate(gettext("(%(count)s) %(title)s"), { count: count > 99 ? "99+" : count, title: this.base }, true)
      : this.base;
    if (document.title !== title) document.title = title;
    this.shown = document.title;
    const href = count > 0 && this.unreadIcon ? this.unreadIcon : this.plainIcon;
    if (this.icon && href && this.icon.getAttribute("href") !== href) this.icon.setAttribute("href", href);
  }
}
