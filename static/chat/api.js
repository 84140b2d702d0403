// The page's JSON endpoints (docs/protocol.md, "Moderation over HTTP" and the sections after
// it): a room's, and the site's (SiteApi). JSON with the
// session cookie and Django's CSRF token. Answers are {"ok": true, ...}; a refusal is thrown
// as an ApiError whose message is the server's `detail`, ready to show.

import { credentialsTicket } from "./credentials.js";

export class ApiError extends Error {
  constructor(detail, { code = "", status = 0 } = {}) {
    super(detail);
    this.code = code;
    this.status = status;
  }
}

function csrfToken() {
  const field = document.querySelector("#csrf-token input[name=csrfmiddlewaretoken]");
  if (field) return field.value;
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

// What to say when the answer carries no detail of its own (an HTML error page, a proxy).
function fallbackDetail(status) {
  if (status === 401) return gettext("Your session has ended. Reload the page to sign in again.");
  if (status === 403) return gettext("You are not allowed to do that here.");
  if (status === 404) return gettext("It is not there any more.");
  if (status === 429) return gettext("Too many requests. Wait a moment and try again.");
  return gettext("Something went wrong. Try again.");
}

export class RoomApi {
  constructor(slug) {
    this.base = `/chat/${encodeURIComponent(slug)}/`;
  }

  // `signal`: an AbortController's, to drop a request a newer one replaces (its AbortError
  // is thrown as it is).
  get(path, { signal } = {}) {
    return this.request("GET", path, undefined, { signal });
  }

  post(path, body = {}) {
    return this.request("POST", path, body);
  }

  // A file, as multipart/form-data in the field `name` (the browser writes the boundary).
  upload(path, name, file, { signal } = {}) {
    const form = new FormData();
    form.append(name, file);
    return this.request("POST", path, form, { signal });
  }

  delete(path) {
    return this.request("DELETE", path, undefined);
  }

  async request(method, path, body, { signal } = {}) {
    const options = {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal,
    };
    // An embedded room's ticket stands for the cookie, and needs no CSRF token
    // (chat/web/embed_auth.py).
    const ticket = credentialsTicket();
    if (ticket) options.headers["X-Chat-Ticket"] = ticket;
    else if (method !== "GET") options.headers["X-CSRFToken"] = csrfToken();
    if (body instanceof FormData) {
      options.body = body;
    } else if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(this.base + path, options);
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiError(gettext("The server could not be reached. Check your connection."), {
        code: "network",
      });
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (response.ok && data && !data.error) return data;
    if (response.status === 204) return {}; // done, nothing to say (a DELETE)
    const error = data && typeof data.error === "object" ? data.error : {};
    throw new ApiError(error.detail || fallbackDetail(response.status), {
      code: error.code || "",
      status: response.status,
    });
  }
}

// The site's endpoints that belong to no room (/people/<id>/…, /search/, /me/rooms/), with
// RoomApi's CSRF and errors.
export class SiteApi extends RoomApi {
  constructor() {
    super("");
    this.base = "/";
  }
}

