// Pictures in messages (docs/images.md). A bubble shows the thumbnail in a button whose box
// has the picture's shape before a byte of it arrives (no jump as it loads); the button opens
// the full picture in a modal <dialog>, which Escape, its close button or the backdrop
// closes, focus going back to the thumbnail. The picture's alt text is the caption, or whose
// picture it is.
//
// Own messages not saved yet keep their upload here, by client_msg_id, so that every send of
// one (a retry, a resend after a reconnect) names its picture, and its bubble shows it.

import { openDialog } from "./dialogs.js";

// The picture of a payload's `image` (or of an upload's answer); null when there is none.
function pictureOf(image) {
  if (!image || typeof image !== "object") return null;
  if (typeof image.url !== "string" || typeof image.thumb_url !== "string") return null;
  const sizes = ["width", "height", "thumb_width", "thumb_height"].map((key) => Number(image[key]));
  if (!sizes.every((size) => Number.isInteger(size) && size > 0)) return null;
  const [width, height, thumbWidth, thumbHeight] = sizes;
  return { url: image.url, thumbUrl: image.thumb_url, width, height, thumbWidth, thumbHeight };
}

// What the picture says to whoever cannot see it: its caption, or whose it is.
export function pictureAlt(caption, authorName) {
  const text = String(caption ?? "").replace(/\s+/gu, " ").trim();
  return text || interpolate(gettext("Picture from %(name)s"), { name: authorName ?? "" }, true);
}

export class MessagePictures {
  constructor({ dialog, messages }) {
    this.dialog = dialog;
    this.messages = messages;
    this.full = dialog.querySelector(".picture-view-image");
    this.caption = dialog.querySelector(".picture-view-caption");
    this.shownFrom = null; // the thumbnail whose picture the dialog shows
    this.outgoing = new Map(); // client_msg_id -> the upload of an own message not saved yet
    dialog.addEventListener("close", () => {
      this.shownFrom = null;
      this.full.removeAttribute("src");
    });
  }

  // --- own messages not saved yet ----------------------------------------------------

  // The composer sends a message with `upload` (the upload's answer), or with none.
  sending(clientMsgId, upload) {
    if (upload) this.outgoing.set(clientMsgId, upload);
  }

  // The fields a `message.send` adds for it, and for each resend.
  sendFields(clientMsgId) {
    const upload = this.outgoing.get(clientMsgId);
    return upload ? { upload: upload.id } : {};
  }

  // A failed message goes back to the composer: its upload, to attach again, or null.
  take(clientMsgId) {
    const upload = this.outgoing.get(clientMsgId) ?? null;
    this.outgoing.delete(clientMsgId);
    return upload;
  }

  // An `error` frame about a send: an upload the server does not know any more is forgotten
  // (the message cannot go with it; Edit gives back its text alone).
  refused(frame) {
    if (frame.client_msg_id && frame.code === "upload_not_found") {
      this.outgoing.delete(frame.client_msg_id);
    }
  }

  // --- what a bubble shows ---------------------------------------------------------------

  // A message node was rendered (or again, edited) from `message`: a payload of the server,
  // whose `image` says it all, or an own message not saved yet ({client_msg_id, author, body}).
  decorate(element, message) {
    let image = null;
    if (Object.hasOwn(message, "image")) {
      image = message.deleted ? null : message.image;
      if (message.client_msg_id && this.messages.isMine(message.author)) {
        this.outgoing.delete(message.client_msg_id); // saved: no send of it any more
      }
    } else if (message.client_msg_id) {
      image = this.outgoing.get(message.client_msg_id) ?? null;
    }
    this.show(element, pictureOf(image), pictureAlt(message.body, message.author?.name));
  }

  // Messages were deleted: their pictures go, and the full view of one closes.
  removed(ids) {
    ids.forEach((id) => {
      const element = this.messages.element(id);
      if (!element) return;
      if (this.dialog.open && this.shownFrom && element.contains(this.shownFrom)) {
        this.dialog.close();
      }
      this.show(element, null, "");
    });
  }

  show(element, picture, alt) {
    const bubble = element.querySelector(".bubble");
    let thumb = bubble.querySelector(".message-picture");
    element.classList.toggle("has-picture", picture !== null);
    if (!picture) {
      thumb?.remove();
      return;
    }
    if (!thumb || thumb.dataset.url !== picture.url) {
      thumb?.remove();
      thumb = this.thumbnail(picture);
      const body = bubble.querySelector(":scope > .body");
      if (body) body.before(thumb);
      else bubble.append(thumb);
    }
    thumb.querySelector("img").alt = alt;
  }

  thumbnail(picture) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "message-picture";
    button.dataset.url = picture.url;
    button.setAttribute("aria-haspopup", "dialog");
    button.title = gettext("Show the picture at full size");
    // The box's width and shape before the thumbnail loads (images.css).
    button.style.setProperty("--picture-w", String(picture.thumbWidth));
    button.style.setProperty("--picture-h", String(picture.thumbHeight));
    const image = document.createElement("img");
    image.src = picture.thumbUrl;
    image.width = picture.thumbWidth;
    image.height = picture.thumbHeight;
    image.loading = "lazy";
    image.decoding = "async";
    button.append(image);
    button.addEventListener("click", () => this.open(picture, image.alt, button));
    return button;
  }

  // The full view, from the thumbnail `from` (focus goes back to it on closing).
  open(picture, alt, from) {
    this.shownFrom = from;
    this.full.alt = alt;
    this.full.width = picture.width;
    this.full.height = picture.height;
    this.full.style.setProperty("--picture-w", String(picture.width));
    this.full.style.setProperty("--picture-h", String(picture.height));
    this.full.src = picture.url;
    this.caption.textContent = alt;
    openDialog(this.dialog, { returnTo: from });
  }
}
