// A stand-in for Zendesk's agent workspace, speaking the ZAF SDK's postMessage protocol
// (zendesk_app_framework_sdk 2.0, lib/client.js): handshake -> app.registered; get, set
// and invoke requests answered by id; client.request relayed to a server-side proxy that
// fills in secure settings; events and save hooks sent as zaf.* keys.
(function () {
  const params = new URLSearchParams(location.search);
  const sidebar = params.get("sidebar");
  const appGuid = "app-guid-1";
  const frame = document.getElementById("app");
  const target = new URL(sidebar).origin;
  frame.src = `${sidebar}&origin=${encodeURIComponent(location.origin)}&app_guid=${appGuid}`;

  const ticket = window.ticket = {
    "ticket.id": 1,
    "ticket.priority": "normal",
    "ticket.status": "open",
    "ticket.createdAt": new Date(Date.now() - 3600e3).toISOString(),
    "ticket.via": { channel: "email" },
    "ticket.requester": { name: "Dana Smith", email: "dana@example.org" },
    "ticket.conversation": [
      { author: { role: "end-user", name: "Dana Smith" }, channel: { name: "email" },
        message: { content: "Can you explain what the charges on my bill are?", contentType: "text/plain" },
        timestamp: new Date(Date.now() - 3600e3).toISOString() },
    ],
    "currentUser": { name: "Sam Agent" },
    "comment.text": "",
    "comment.type": "publicReply",
  };
  const subscribers = {};
  const saves = [];
  const send = (message) => frame.contentWindow.postMessage(JSON.stringify(message), target);

  window.addEventListener("message", async (event) => {
    if (event.source !== frame.contentWindow || event.origin !== target) return;
    const data = typeof event.data === "string" ? JSON.parse(event.data) : event.data; // save-hook replies come as objects
    if (data.key === "iframe.handshake") {
      send({ key: "zaf.app.registered", message: { context: { product: "support", location: "ticket_sidebar", ticketId: 1, instanceGuid: appGuid }, metadata: { appId: 1, installationId: 1 } } });
    } else if (data.request === "get") {
      send({ id: data.id, result: Object.fromEntries(data.params.map((path) => [path, ticket[path]])) });
    } else if (data.request === "set") {
      Object.assign(ticket, data.params);
      send({ id: data.id, result: {} });
    } else if (data.request === "invoke") {
      send({ id: data.id, result: {} });
    } else if (data.key?.startsWith("iframe.on:")) {
      subscribers[data.key.slice("iframe.on:".length)] = data.message.subscriberCount;
    } else if (data.key === "iframe.reply:ticket.save") {
      saves.shift()?.(data.error ? { saved: false, message: data.error.msg } : { saved: true });
    } else if (data.key?.startsWith("request:")) {
      const response = await fetch("/zaf-proxy", { method: "POST", body: JSON.stringify(data.message) });
      const answer = await response.json();
      send({ key: `zaf.${data.key}.${answer.status < 400 ? "done" : "fail"}`, message: { responseArgs: [answer] } });
    }
  });

  // What the agent does in Zendesk: type into the comment editor, press Submit.
  window.zendesk = {
    subscribers,
    type(html) {
      ticket["comment.text"] = html;
      send({ key: "zaf.comment.text.changed", message: html });
    },
    save() {
      if (!subscribers["ticket.save"]) return Promise.resolve({ saved: true, unhooked: true });
      return new Promise((resolve) => {
        saves.push(resolve);
        send({ key: "zaf.ticket.save", needsReply: true });
        setTimeout(() => resolve({ saved: true, timedOut: true }), 30000); // Zendesk lets a silent hook pass
      });
    },
  };
})();
