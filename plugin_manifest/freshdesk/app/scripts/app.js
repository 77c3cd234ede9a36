// Freshdesk: frames Tactful's sidebar and bridges it to the Freshworks client.
// Requests go through request templates (config/requests.json), so the API key stays a
// secure installation parameter; the sidebar never sees it. The reply's send is
// intercepted (ticket.sendReply) and goes through the gate first.
/* global app */
(async function () {
  const client = await app.initialized();
  const { tactful_host: host, tactful_org: org } = await client.iparams.get();
  const frame = document.getElementById("tactful");
  const origin = `https://${host}`;
  frame.src = `${origin}/sidebar?host=freshdesk&org=${encodeURIComponent(org)}`;
  const pending = new Map();
  let next = 0;

  const ask = (type, payload) =>
    new Promise((resolve) => {
      const id = ++next;
      pending.set(id, resolve);
      frame.contentWindow.postMessage({ tactful: type, id, payload }, origin);
    });

  const answer = {
    async request({ method, path, body, headers }) {
      const template = method === "GET" ? "tactfulGet" : "tactfulPost";
      const context = { path, idempotency_key: headers?.["Idempotency-Key"] || "" };
      try {
        const response = await client.request.invokeTemplate(template, { context, body: body === undefined ? undefined : JSON.stringify(body) });
        return { status: response.status, data: JSON.parse(response.response) };
      } catch (error) {
        return { status: error.status || 0, data: safeParse(error.response) };
      }
    },
    async context() {
      const [{ ticket }, { contact }, { loggedInUser }, { conversations }] = await Promise.all([
        client.data.get("ticket"),
        client.data.get("contact"),
        client.data.get("loggedInUser"),
        client.data.get("conversations").catch(() => ({ conversations: [] })),
      ]);
      return {
        channel: "email",
        customer: { name: contact?.name || null, email: contact?.email || null },
        ticket: { id: String(ticket.id), created_at: ticket.created_at, status: String(ticket.status) },
        thread: [
          { author: "customer", text: ticket.description_text || "" },
          ...(conversations || []).map((c) => ({ author: c.incoming ? "customer" : "agent", text: c.body_text || "" })),
        ].filter((m) => m.text).slice(-20),
        agent: { name: loggedInUser?.contact?.name || null },
        variables: {},
      };
    },
    insert({ text }) {
      return client.interface.trigger("setValue", { id: "editor", text: text.replace(/\n/g, "<br>") });
    },
  };

  window.addEventListener("message", async (event) => {
    if (event.origin !== origin || event.source !== frame.contentWindow || !event.data?.tactful) return;
    const { tactful: type, id, payload } = event.data;
    if (type === "reply") {
      pending.get(id)?.(payload);
      pending.delete(id);
      return;
    }
    const result = answer[type] ? await answer[type](payload) : { error: `unknown ${type}` };
    frame.contentWindow.postMessage({ tactful: "reply", id, payload: result }, origin);
  });

  client.events.on(
    "ticket.sendReply",
    async (event) => {
      const text = event.helper.getData()?.text || "";
      const verdict = await ask("gate", { text });
      if (verdict.allowed) event.helper.done();
      else event.helper.fail(verdict.message);
    },
    { intercept: true },
  );

  function safeParse(text) {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  }
})();
