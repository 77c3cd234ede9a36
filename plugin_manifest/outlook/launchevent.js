// Outlook Smart Alerts: on send, the reply goes through Tactful's gate. A blocked reply
// is held with the gate's message; "Override in Tactful" opens the task pane, where the
// agent gives a reason. A text the gate cleared (allowed or overridden) goes through.
/* global Office */

const SETTINGS = { url: "tactful.url", key: "tactful.key" };
const CLEARED = "tactful.cleared";

function onMessageSendHandler(event) {
  check(Office.context.mailbox.item)
    .then((outcome) => event.completed(outcome))
    .catch((error) =>
      event.completed({
        allowEvent: false,
        errorMessage: `Tactful could not check this reply (${error.message || error}). Try again.`,
      }),
    );
}

async function check(item) {
  const text = (await asPromise((done) => item.body.getAsync(Office.CoercionType.Text, done))).trim();
  const cleared = await asPromise((done) => item.sessionData.getAsync(CLEARED, done)).catch(() => null);
  if (cleared && JSON.parse(cleared).digest === (await digest(text))) return { allowEvent: true };
  const settings = Office.context.roamingSettings;
  const url = settings.get(SETTINGS.url);
  const key = settings.get(SETTINGS.key);
  if (!url || !key) {
    return blocked("Connect Tactful first: open it from the ribbon and enter your key.");
  }
  const response = await fetch(`${url}/v1/sends`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", "Idempotency-Key": await digest(`${item.itemId || ""}:${text}`) },
    body: JSON.stringify({ text, channel: "email", format: "text" }),
  });
  const result = await response.json();
  if (!response.ok) throw new Error(result.detail || response.statusText);
  if (result.allowed) return { allowEvent: true };
  const reasons = result.report.findings.filter((f) => result.blockers.includes(f.id)).map((f) => f.message);
  return blocked(`Tactful blocked this reply: ${reasons.join(" ")}`);
}

function blocked(message) {
  // Mailbox 1.14: the Smart Alerts dialog's button opens Tactful's task pane (override form).
  return { allowEvent: false, errorMessage: message.slice(0, 500), cancelLabel: "Override in Tactful", commandId: "OpenTactful" };
}

function asPromise(callback) {
  return new Promise((resolve, reject) =>
    callback((result) =>
      result.status === Office.AsyncResultStatus.Succeeded ? resolve(result.value) : reject(result.error),
    ),
  );
}

async function digest(text) {
  const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text.trim()));
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// The task pane (adapter.js) uses the same settings and helpers.
self.tactfulOutlook = { SETTINGS, CLEARED, asPromise, digest };
Office.actions?.associate("onMessageSendHandler", onMessageSendHandler);
