// A polite live region, visually hidden: each call to say() is one announcement for screen
// readers ("alice: hello"). Only what is new is said: the page never hands it history.

const KEPT = 10; // older announcements are removed (removals are not read out)
const TEXT_MAX = 300; // characters of a long message that are read out

export class Announcer {
  constructor(region) {
    this.region = region;
  }

  say(text) {
    const chars = [...text];
    const line = document.createElement("p");
    line.textContent = chars.length > TEXT_MAX ? `${chars.slice(0, TEXT_MAX).join("")}…` : text;
    this.region.append(line);
    while (this.region.childElementCount > KEPT) this.region.firstElementChild.remove();
  }

  // A new message from someone else.
  message(message) {
    this.say(interpolate(gettext("%(name)s: %(text)s"), {
      name: message.author?.name ?? "",
      text: message.body ?? "",
    }, true));
  }
}
