// Zendesk Support: the sidebar runs in the ticket sidebar (a ZAF iframe). Tactful's key
// and URL are secure settings: ZAF's proxy puts them into the request, so the browser
// never holds them. The ticket.save hook sends the reply through the gate first.
/* global ZAFClient */

const CHANNELS = { email: "email", web: "web_portal", chat: "chat", native_messaging: "chat", sms: "sms", twitter: "social_public", facebook: "social_public", any_channel: "chat" };
const FIELDS = ["ticket.id", "ticket.priority", "ticket.status", "ticket.createdAt", "ticket.via", "ticket.requester", "ticket.conversation", "currentUser", "comment.text", "comment.type"];

export async function connect({ gate }) {
  const client = ZAFClient.init();
  if (!client) throw new Error("Open Tactful from Zendesk: the page lacks ZAF's origin and app_guid.");
  await client.context();
  client.invoke("resize", { width: "100%", height: "640px" });

  const transport = async (method, path, body, { headers = {} } = {}) => {
    let response;
    try {
      response = await client.request({
        url: `{{setting.service_url}}${path}`,
        type: method,
        contentType: "application/json",
        headers: { Authorization: "Bearer {{setting.api_key}}", ...headers },
        data: body === undefined ? undefined : JSON.stringify(body),
        secure: true,
        httpCompleteResponse: true,
      });
    } catch (failed) {
      response = failed;
    }
    const data = response.responseJSON ?? parse(response.responseText);
    if (response.status >= 400 || !response.status) {
      const error = new Error(data?.detail || `Tactful answered ${response.status || "nothing"}`);
      error.status = response.status;
      throw error;
    }
    return data;
  };

  client.on("ticket.save", async () => {
    const type = (await client.get("comment.type"))["comment.type"];
    const text = (await client.get("comment.text"))["comment.text"] || "";
    if (type === "internalNote" || !plain(text)) return true; // notes and empty saves are not replies
    const verdict = await gate(plain(text));
    if (!verdict.allowed) throw verdict.message; // ZAF cancels the save and shows this message
    return true;
  });

  return {
    name: "zendesk",
    transport,
    interceptsSend: true,
    async context() {
      const data = await client.get(FIELDS);
      const requester = data["ticket.requester"] || {};
      const conversation = data["ticket.conversation"] || [];
      return {
        channel: CHANNELS[data["ticket.via"]?.channel] || "email",
        customer: { name: requester.name || null, email: requester.email || null },
        ticket: {
          id: String(data["ticket.id"] ?? ""),
          priority: data["ticket.priority"] || null,
          status: data["ticket.status"] || null,
          created_at: data["ticket.createdAt"] || null,
        },
        thread: conversation.slice(-20).map((message) => ({
          author: message.author?.role === "end-user" ? "customer" : "agent",
          text: plain(message.message?.content || "").slice(0, 10000),
          at: message.timestamp || null,
        })),
        agent: { name: data.currentUser?.name || null },
        variables: {},
      };
    },
    async draft() {
      return plain((await client.get("comment.text"))["comment.text"] || "");
    },
    insert: (text) => client.set("comment.text", text),
    onContextChange: (listener) => client.on("ticket.conversation.changed", listener),
    onDraftChange: (listener) =>
      client.on("comment.text.changed", (html) => listener(plain(typeof html === "string" ? html : ""))),
  };
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The comment editor holds HTML; the sidebar checks its text. */
function plain(html) {
  if (!/[<&]/.test(html)) return html;
  const doc = new DOMParser().parseFromString(html.replace(/<br\s*\/?>/gi, "\n").replace(/<\/p>/gi, "\n\n"), "text/html");
  return (doc.body.textContent || "").replace(/\n{3,}/g, "\n\n").trim();
}
