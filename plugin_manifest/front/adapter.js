// Front: a sidebar plugin on Front's plugin SDK (from npm, served by Tactful). Front
// cannot hold a secret for a plugin, so the agent pastes their key once per tab, as on
// the standalone page; Front cannot intercept a send either: "Check and send" puts the
// reply into the draft only once the gate allowed it (or it was overridden).
/* global Front */
import { sessionKey } from "/static/sidebar/standalone.js";

export async function connect() {
  let context = null;
  const listeners = [];
  await new Promise((resolve) =>
    Front.contextUpdates.subscribe((update) => {
      context = update;
      listeners.forEach((listener) => listener());
      resolve();
    }),
  );
  const conversation = () => (context?.type === "singleConversation" ? context : null);

  return {
    name: "front",
    transport: null, // same origin as Tactful: fetch with the agent's key
    ...sessionKey,
    interceptsSend: false,
    async context() {
      const current = conversation();
      const messages = current ? (await current.listMessages()).results : [];
      const recipient = current?.conversation?.recipient;
      return {
        channel: "email",
        customer: { name: recipient?.name || null, email: recipient?.handle || null },
        ticket: { id: current?.conversation?.id || null, status: current?.conversation?.status || null },
        thread: messages.slice(-20).map((m) => ({
          author: m.from?.handle === recipient?.handle ? "customer" : "agent",
          text: (m.content?.body || "").replace(/<[^>]+>/g, " ").slice(0, 10000),
          at: m.date ? new Date(m.date).toISOString() : null,
        })),
        agent: { name: context?.teammate?.name || null },
        variables: {},
      };
    },
    onContextChange: (listener) => listeners.push(listener),
    async insert(text) {
      const current = conversation();
      if (!current) return;
      const messages = (await current.listMessages()).results;
      const last = messages.at(-1);
      await current.createDraft({
        content: { body: text, type: "text" },
        replyOptions: last ? { type: "reply", originalMessageId: last.id } : undefined,
      });
    },
  };
}
