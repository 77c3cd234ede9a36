// The sidebar on its own page: the agent pastes a key (kept in this tab's
// sessionStorage) and types the customer's message; no host to read or write.
import { byId } from "./dom.js";

const KEY = "tactful.key";

/** The agent's key, pasted into the connect form, kept for this tab only. */
export const sessionKey = {
  key: () => sessionStorage.getItem(KEY),
  saveKey: (key) => sessionStorage.setItem(KEY, key),
  forgetKey: () => sessionStorage.removeItem(KEY),
};

export async function connect() {
  byId("standalone-context").hidden = false;
  const listeners = [];
  const changed = () => listeners.forEach((listener) => listener());
  for (const id of ["channel", "customer-name", "customer-message", "ticket-opened"]) {
    byId(id).addEventListener("change", changed);
  }
  return {
    name: "standalone",
    transport: null, // fetch with the key below
    ...sessionKey,
    interceptsSend: false,
    async context() {
      const message = byId("customer-message").value.trim();
      const opened = byId("ticket-opened").value;
      return {
        channel: byId("channel").value,
        customer: { name: byId("customer-name").value.trim() || null },
        ticket: opened ? { created_at: new Date(opened).toISOString() } : {},
        thread: message ? [{ author: "customer", text: message }] : [],
        variables: {},
      };
    },
    onContextChange: (listener) => listeners.push(listener),
    async insert() {}, // the reply box is the draft itself
  };
}
