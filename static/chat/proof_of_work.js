// The guest form's proof of work (CHAT_GUEST_PROOF_OF_WORK): ALTCHA's widget, vendored into
// static/vendor/altcha by scripts/vendor_static.sh. Its "external" build brings no worker of
// its own, so the one algorithm our challenges use is given its worker file here.
import "../vendor/altcha/altcha.js";
import "../vendor/altcha/i18n-zh-cn.js";

const workerUrl = new URL("../vendor/altcha/pbkdf2-worker.js", import.meta.url);
globalThis.$altcha.algorithms.set("PBKDF2/SHA-256", () => new Worker(workerUrl));
