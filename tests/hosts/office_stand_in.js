// A stand-in for Office.js in an Outlook compose window, following its documented
// contract: Office.onReady, Office.actions.associate, AsyncResult callbacks
// ({status, value, error}), item.body.getAsync/setAsync, item.sessionData,
// roamingSettings, and the OnMessageSend event whose completed() takes the Smart
// Alerts options. `outlook.send(body)` is the agent pressing Send.
(function () {
  const roaming = new Map();
  const session = new Map();
  let body = "";
  const succeeded = (value) => ({ status: "succeeded", value });
  const later = (callback, result) => setTimeout(() => callback?.(result));
  const lastCallback = (args) => args.reverse().find((arg) => typeof arg === "function");
  const associated = {};

  const item = {
    itemId: "AAMkAD-test-item",
    subject: { getAsync: (...args) => later(lastCallback(args), succeeded("Your bill")) },
    to: [{ displayName: "Dana Smith", emailAddress: "dana@example.org" }],
    body: {
      getAsync: (...args) => later(lastCallback(args), succeeded(body)),
      setAsync: (text, ...args) => {
        body = text;
        later(lastCallback(args), succeeded());
      },
    },
    sessionData: {
      getAsync: (key, callback) =>
        later(callback, session.has(key) ? succeeded(session.get(key)) : { status: "failed", error: { name: "KeyNotFound", message: "no such key" } }),
      setAsync: (key, value, callback) => {
        session.set(key, value);
        later(callback, succeeded());
      },
    },
  };

  window.Office = {
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    CoercionType: { Text: "text", Html: "html" },
    onReady(callback) {
      const info = { host: "Outlook", platform: "OfficeOnline" };
      callback?.(info);
      return Promise.resolve(info);
    },
    actions: { associate: (name, handler) => (associated[name] = handler) },
    context: {
      mailbox: { item, userProfile: { displayName: "Sam Agent" } },
      roamingSettings: {
        get: (key) => roaming.get(key),
        set: (key, value) => roaming.set(key, value),
        remove: (key) => roaming.delete(key),
        saveAsync: (callback) => later(callback, succeeded()),
      },
    },
  };

  window.outlook = {
    session,
    send(text) {
      body = text;
      return new Promise((resolve) => associated.onMessageSendHandler({ type: "messageSending", completed: resolve }));
    },
  };
})();
