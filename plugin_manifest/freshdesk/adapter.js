// Freshdesk: the sidebar is framed by the app (app/index.html), whose script holds the
// Freshworks client. Everything the sidebar needs from Freshdesk goes by postMessage
// to that parent, and only to the parent's origin.

export async function connect({ gate }) {
  const parent = window.parent;
  const pending = new Map();
  let next = 0;
  // Only the organisation's host origins may frame the sidebar (frame-ancestors); the
  // drafts go to that frame's origin alone.
  const parentOrigin = location.ancestorOrigins?.[0] || (document.referrer && new URL(document.referrer).origin);
  if (!parentOrigin) throw new Error("Open Tactful from the Freshdesk app.");

  window.addEventListener("message", async (event) => {
    if (event.source !== parent || event.origin !== parentOrigin || !event.data?.tactful) return;
    const { tactful: type, id, payload } = event.data;
    if (type === "reply") {
      pending.get(id)?.(payload);
      pending.delete(id);
    } else if (type === "gate") {
      parent.postMessage({ tactful: "reply", id, payload: await gate(payload.text.trim()) }, parentOrigin);
    }
  });

  const ask = (type, payload) =>
    new Promise((resolve) => {
      const id = ++next;
      pending.set(id, resolve);
      parent.postMessage({ tactful: type, id, payload }, parentOrigin);
    });

  return {
    name: "freshdesk",
    interceptsSend: true,
    async transport(method, path, body, { headers = {} } = {}) {
      const { status, data } = await ask("request", { method, path, body, headers });
      if (status >= 400 || !status) {
        const error = new Error(data?.detail || `Tactful answered ${status || "nothing"}`);
        error.status = status;
        throw error;
      }
      return data;
    },
    context: () => ask("context"),
    insert: (text) => ask("insert", { text }),
  };
}
