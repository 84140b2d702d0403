// A picture for the next message (docs/images.md): chosen with the composer's button, pasted
// into the text box, or dropped on the chat pane (a drop target shows while a file is dragged
// over it). The upload starts at once; the preview above the composer shows the picture, its
// state (uploading, ready, refused) and a button that removes it, and its upload with it. One
// picture per message: another one takes its place. A refusal says the server's words in the
// composer's error line.
//
// The composer asks `attached`, waits on `ready()` before it sends, and says `sent()` after.
// A guest in a room that takes no pictures from guests (the rules' `guest_images`) keeps the
// button; pressing it, pasting or dropping says why instead of uploading.

const STATE_TEXTS = {
  uploading: () => gettext("Uploading…"),
  ready: () => gettext("Ready to send"),
  refused: () => gettext("Not attached"),
};

function hasFiles(event) {
  return Array.from(event.dataTransfer?.types ?? []).includes("Files");
}

export class ImageAttach {
  // keepPlace(change): runs change(), the newest messages staying in view if they were (the
  // preview takes room from them).
  constructor({
    composer, api, button, fileInput, input, preview, dropZone, dropTarget, keepPlace,
  }) {
    this.composer = composer;
    this.keepPlace = keepPlace ?? ((change) => change());
    this.api = api;
    this.button = button;
    this.fileInput = fileInput;
    this.preview = {
      root: preview,
      image: preview.querySelector(".picture-preview-image"),
      name: preview.querySelector(".picture-preview-name"),
      state: preview.querySelector(".picture-preview-state"),
      remove: preview.querySelector(".picture-preview-remove"),
    };
    this.dropTarget = dropTarget;
    this.accountUrl = button.dataset.accountUrl || "";
    this.guest = false;
    this.moderator = false;
    this.rules = {};
    this.locked = false;
    // {file, objectUrl, state, upload, detail, controller, done: Promise of the upload or null}
    this.current = null;
    this.note = null; // what this module last said in the composer's error line
    this.dragDepth = 0;

    button.addEventListener("click", () => {
      if (this.locked) return;
      if (this.refusesGuests()) this.explainGuests();
      else fileInput.click();
    });
    fileInput.addEventListener("change", () => {
      const file = fileInput.files?.[0];
      fileInput.value = ""; // the same file may be chosen again
      if (file) this.attach(file);
    });
    input.addEventListener("paste", (event) => {
      const files = Array.from(event.clipboardData?.files ?? []);
      const file = files.find((item) => item.type.startsWith("image/"));
      if (!file) return; // text: pasted as usual
      event.preventDefault();
      this.attach(file);
    });
    this.preview.remove.addEventListener("click", () => {
      this.remove();
      composer.focus();
    });
    this.watchDrops(dropZone);
  }

  // --- what the room says -------------------------------------------------------------

  // The `welcome` frame: `guest` says the reader is one; the room's moderators (a guest who
  // made the room) may share pictures whatever its rules say.
  welcome(frame) {
    this.guest = frame.guest === true;
    this.moderator = frame.moderator === true;
  }

  // The rules the page holds (standing.js), after a `welcome` or a `room.rules` frame.
  setRules(rules) {
    this.rules = rules ?? {};
    if (!this.refusesGuests() && this.note?.dataset.about === "guests") this.unsay();
  }

  refusesGuests() {
    return this.guest && !this.moderator && this.rules.guest_images !== true;
  }

  // The composer is locked (muted, read-only, banned): no new picture, the one there stays.
  setLocked(locked) {
    this.locked = locked;
    this.button.disabled = locked;
  }

  // --- for the composer ---------------------------------------------------------------

  get attached() {
    return this.current !== null;
  }

  // The attached picture's upload once it is done; null when it was refused or removed.
  async ready() {
    const entry = this.current;
    if (!entry) return null;
    if (entry.state === "refused") {
      this.say(entry.detail);
      return null;
    }
    const upload = await entry.done;
    return this.current === entry ? upload : null;
  }

  // The picture went with a message: the preview clears, the upload stays the message's.
  sent() {
    const entry = this.current;
    if (!entry) return;
    this.current = null;
    if (entry.objectUrl) URL.revokeObjectURL(entry.objectUrl);
    this.render();
  }

  // A message that was not sent goes back to the composer with its picture (its upload,
  // still unused), unless another picture is attached by now.
  restore(upload) {
    if (!upload || this.current) return;
    this.current = {
      file: null,
      objectUrl: null,
      state: "ready",
      upload,
      detail: "",
      controller: new AbortController(),
      done: Promise.resolve(upload),
    };
    this.render();
  }

  // --- attaching and removing ---------------------------------------------------------

  attach(file) {
    if (this.locked) return;
    if (this.refusesGuests()) {
      this.explainGuests();
      return;
    }
    this.remove();
    const entry = {
      file,
      objectUrl: URL.createObjectURL(file),
      state: "uploading",
      upload: null,
      detail: "",
      controller: new AbortController(),
      done: null,
    };
    this.current = entry;
    entry.done = this.upload(entry);
    this.unsay();
    this.render();
  }

  // The upload of `entry`: the server's answer, or null when refused (and said) or removed
  // meanwhile.
  async upload(entry) {
    let upload;
    try {
      const answer = await this.api.upload("uploads/", "image", entry.file, {
        signal: entry.controller.signal,
      });
      upload = answer?.upload;
      if (!upload?.id) throw new Error(gettext("Something went wrong. Try again."));
    } catch (error) {
      if (this.current !== entry) return null; // removed meanwhile (the request aborted)
      entry.state = "refused";
      entry.detail = error.message || gettext("Something went wrong. Try again.");
      this.render();
      this.say(entry.detail);
      return null;
    }
    if (this.current !== entry) {
      this.forget(upload); // removed as it arrived
      return null;
    }
    entry.upload = upload;
    entry.state = "ready";
    this.render();
    return upload;
  }

  // Take the picture away; its upload is forgotten on the server too (one no message uses
  // would be removed after a while anyway, so a failure here is not said).
  remove() {
    const entry = this.current;
    if (!entry) return;
    this.current = null;
    entry.controller.abort();
    if (entry.objectUrl) URL.revokeObjectURL(entry.objectUrl);
    if (entry.upload) this.forget(entry.upload);
    this.unsay();
    this.render();
  }

  forget(upload) {
    this.api.delete(`uploads/${encodeURIComponent(upload.id)}/`).catch(() => {});
  }

  render() {
    const entry = this.current;
    const { root, image, name, state } = this.preview;
    if (root.hidden !== (entry === null)) {
      this.keepPlace(() => {
        root.hidden = entry === null;
      });
    }
    if (entry) {
      root.dataset.state = entry.state;
      root.setAttribute("aria-busy", String(entry.state === "uploading"));
      const source = entry.objectUrl ?? entry.upload?.thumb_url ?? "";
      if (image.getAttribute("src") !== source) image.src = source;
      name.textContent = entry.file?.name ?? "";
      state.textContent = STATE_TEXTS[entry.state]();
    } else {
      image.removeAttribute("src");
      name.textContent = "";
      state.textContent = "";
    }
    this.composer.update(); // the send button follows: a picture may go without text
  }

  // --- what it says ---------------------------------------------------------------------

  // In the composer's error line (which typing clears); `about` tags what it is about.
  say(...parts) {
    this.sayAbout("upload", parts);
  }

  sayAbout(about, parts) {
    const note = document.createElement("span");
    note.dataset.about = about;
    note.append(...parts);
    this.note = note;
    this.composer.showError(note);
  }

  unsay() {
    if (this.note?.isConnected) this.composer.hideError();
    this.note = null;
  }

  explainGuests() {
    const parts = [gettext("Guests can't share pictures in this room.")];
    const invite = gettext("Create an account to share them.");
    if (this.accountUrl) {
      const link = document.createElement("a");
      link.href = this.accountUrl;
      link.textContent = invite;
      parts.push(" ", link);
    } else {
      parts.push(" ", invite);
    }
    this.sayAbout("guests", parts);
  }

  // --- dropping -------------------------------------------------------------------------

  watchDrops(zone) {
    const show = (shown) => {
      this.dropTarget.hidden = !shown;
    };
    zone.addEventListener("dragenter", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      this.dragDepth += 1;
      show(true);
    });
    zone.addEventListener("dragover", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault(); // else the browser opens the file in place of the page
      event.dataTransfer.dropEffect = this.locked ? "none" : "copy";
    });
    zone.addEventListener("dragleave", (event) => {
      if (!hasFiles(event)) return;
      this.dragDepth = Math.max(0, this.dragDepth - 1);
      if (this.dragDepth === 0) show(false);
    });
    zone.addEventListener("drop", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      this.dragDepth = 0;
      show(false);
      const file = event.dataTransfer.files?.[0];
      if (file) this.attach(file);
    });
    // A file dropped beside the pane (the sidebar) is not opened in place of the page.
    const outside = (event) => hasFiles(event) && !zone.contains(event.target);
    document.addEventListener("dragover", (event) => {
      if (!outside(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "none";
    });
    document.addEventListener("drop", (event) => {
      if (outside(event)) event.preventDefault();
    });
  }
}
