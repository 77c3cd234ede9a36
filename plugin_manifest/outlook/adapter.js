// Outlook: the sidebar is the add-in's task pane (Office.js from npm, served by
// Tactful). The agent connects once: the key goes to their roaming settings, where the
// OnMessageSend handler (launchevent.js) finds it too.
// launchevent.js (loaded first, as a classic script) defines the shared helpers.
/* global Office, tactfulOutlook */
const { CLEARED, SETTINGS, asPromise, digest } = tactfulOutlook;
const bodyText = (item) => asPromise((done) => item.body.getAsync(Office.CoercionType.Text, done));

export async function connect() {
  await Office.onReady();
  const mailbox = Office.context.mailbox;
  const item = mailbox.item;
  const settings = Office.context.roamingSettings;
  const save = () => asPromise((done) => settings.saveAsync(done));
  const sessionSet = (key, value) => asPromise((done) => item.sessionData.setAsync(key, value, done));
  const subject = () => (typeof item.subject === "string" ? item.subject : asPromise((done) => item.subject.getAsync(done)));

  return {
    name: "outlook",
    transport: null, // same origin as Tactful: fetch with the key below
    key: () => settings.get(SETTINGS.key),
    async saveKey(key) {
      settings.set(SETTINGS.key, key);
      settings.set(SETTINGS.url, location.origin);
      await save();
    },
    async forgetKey() {
      settings.remove(SETTINGS.key);
      await save();
    },
    interceptsSend: true, // launchevent.js
    async context() {
      return {
        channel: "email",
        customer: { name: item.to?.[0]?.displayName || null },
        ticket: {},
        thread: [{ author: "customer", text: (await subject()) || "" }].filter((m) => m.text),
        agent: { name: mailbox.userProfile?.displayName || null },
        variables: {},
      };
    },
    draft: () => bodyText(item),
    insert: (text) => asPromise((done) => item.body.setAsync(text, { coercionType: Office.CoercionType.Text }, done)),
    // After the gate allowed or an override, the send handler lets this exact text go.
    async cleared(text, id) {
      await sessionSet(CLEARED, JSON.stringify({ digest: await digest(text), id }));
    },
  };
}
