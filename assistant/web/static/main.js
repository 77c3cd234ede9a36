// The sidebar: suggested templates, the live check, fixes, and the gate at send time.
// The host adapter (standalone.js, or /hosts/<host>/adapter.js) reads the ticket and
// writes the reply back; every API call carries the organisation's key.
import { ApiError, fetchTransport, makeApi } from "./api.js";
import { byId } from "./dom.js";
import { LiveCheck } from "./live.js";
import { withUtf16Spans } from "./offsets.js";
import * as view from "./view.js";

const state = { report: null, findings: [], template: null, cleared: null, attempt: null, blocked: null };
let host;
let api;

async function start() {
  const name = document.body.dataset.host;
  const adapter = name === "standalone" ? await import("./standalone.js") : await import(`/hosts/${name}/adapter.js`);
  host = await adapter.connect({ gate: gateForHost });
  api = makeApi(host.transport || fetchTransport(location.origin, host.key));
  wire();
  if (!host.transport && !host.key()) {
    askForKey();
    return;
  }
  await ready();
}

function askForKey(message = "Not connected.") {
  byId("connection").textContent = message;
  byId("connect").hidden = false;
  byId("api-key").focus();
}

async function ready() {
  byId("connect").hidden = true;
  byId("connection").textContent = `Connected${host.name === "standalone" ? "" : ` to ${host.name}`}.`;
  const draft = host.draft ? await host.draft() : "";
  if (draft) byId("reply").value = draft;
  await suggest();
  live.now(byId("reply").value);
}

const live = new LiveCheck((text) => api.check(body(text, currentContext)), {
  onReport: paint,
  onError: failed,
  onState: (s) => (byId("check-status").textContent = s === "checking" ? "Checking…" : ""),
});
let currentContext = { channel: "email" };

function wire() {
  byId("connect").addEventListener("submit", async (event) => {
    event.preventDefault();
    await host.saveKey(byId("api-key").value.trim());
    byId("api-key").value = "";
    await ready();
  });
  byId("reply").addEventListener("input", () => live.update(byId("reply").value));
  byId("variables").addEventListener("submit", (event) => {
    event.preventDefault();
    insertTemplate();
  });
  byId("variables-cancel").addEventListener("click", () => {
    byId("variables").hidden = true;
    byId("suggestions").querySelector("button")?.focus();
  });
  byId("send-button").addEventListener("click", sendFromSidebar);
  byId("override").addEventListener("submit", (event) => {
    event.preventDefault();
    override();
  });
  host.onContextChange?.(async () => {
    await suggest();
    live.now(byId("reply").value);
  });
  host.onDraftChange?.((text) => {
    if (text === byId("reply").value) return;
    byId("reply").value = text;
    live.update(text);
  });
}

function body(text, context) {
  const { variables, ...rest } = context;
  return { ...rest, text, format: "text" };
}

let suggesting = 0;
async function suggest() {
  const asked = ++suggesting;
  currentContext = await host.context();
  const message = currentContext.thread.filter((m) => m.author === "customer").at(-1)?.text;
  if (!message) return;
  try {
    const { suggestions } = await api.suggest({ message, channel: currentContext.channel, guide: currentContext.guide });
    if (asked === suggesting) view.showSuggestions(suggestions, pickTemplate); // a later message's list wins
  } catch (error) {
    failed(error, "suggest templates");
  }
}

function paint(report, text, asked) {
  byId("problem").hidden = true;
  state.report = report;
  state.findings = withUtf16Spans(report.text, report.findings);
  view.showVerdict(report);
  view.showPreview(report.text, state.findings);
  view.showFindings(state.findings, { apply, mask, locate });
  view.showSla(report.metrics.sla);
  view.showMood(report.metrics.tone?.customer);
  const counts = view.SEVERITIES.map(([s, title]) => `${state.findings.filter((f) => f.severity === s).length} ${title.toLowerCase()}`);
  byId("check-status").textContent = `Checked: ${counts.join(", ")}.`;
  // Painted once the browser has laid the findings out (the benchmark listens).
  requestAnimationFrame(() =>
    setTimeout(() => document.dispatchEvent(new CustomEvent("tactful:painted", { detail: { asked, text } }))),
  );
}

function failed(error, doing = "check") {
  if (error instanceof ApiError && error.status === 401 && !host.transport) {
    host.forgetKey();
    askForKey(error.message);
    return;
  }
  byId("problem").hidden = false;
  byId("problem").textContent = `Could not ${doing}: ${error.message}`;
}

// -- fixes --------------------------------------------------------------------------
function current(finding) {
  return state.report && state.report.text === byId("reply").value && state.findings.includes(finding);
}

function replaceReply(text) {
  byId("reply").value = text;
  host.insert(text);
  live.now(text);
}

function apply(finding, suggestion) {
  const text = byId("reply").value;
  if (!current(finding)) return live.now(text);
  if (finding.start16 !== null) {
    replaceReply(text.slice(0, finding.start16) + suggestion + text.slice(finding.end16));
  } else if (/greeting/.test(finding.rule)) {
    replaceReply(`${suggestion}\n\n${text}`);
  } else if (/empathy/.test(finding.rule)) {
    const [first, ...rest] = text.split("\n");
    replaceReply(rest.length ? `${first}\n${suggestion}\n${rest.join("\n")}` : `${suggestion} ${text}`);
  } else {
    replaceReply(`${text.trimEnd()}\n\n${suggestion}`);
  }
  byId("reply").focus();
}

async function mask(finding) {
  if (!current(finding)) return live.now(byId("reply").value);
  try {
    const masked = await api.redact({ ...body(byId("reply").value, currentContext), findings: [finding.id] });
    replaceReply(masked.text);
    byId("reply").focus();
  } catch (error) {
    failed(error, "mask it");
  }
}

function locate(finding) {
  const reply = byId("reply");
  reply.focus();
  reply.setSelectionRange(finding.start16, finding.end16);
}

// -- templates ----------------------------------------------------------------------
async function pickTemplate(suggestion) {
  try {
    state.template = await api.template(suggestion.id);
    view.showVariables(state.template, currentContext.variables || {});
  } catch (error) {
    failed(error, "open the template");
  }
}

function typed(input) {
  const value = input.value.trim();
  if (value === "") return null;
  switch (input.dataset.type) {
    case "money":
    case "number":
      return Number(value);
    case "integer":
      return Number.parseInt(value, 10);
    case "boolean":
      return /^(yes|true|1)$/i.test(value);
    case "list":
      return value.split(",").map((item) => item.trim()).filter(Boolean);
    default:
      return value;
  }
}

async function insertTemplate() {
  const variables = {};
  for (const input of byId("variable-fields").querySelectorAll("input")) {
    const value = typed(input);
    if (value !== null) variables[input.name] = value;
  }
  try {
    const { variables: _, ...context } = currentContext;
    const drafted = await api.draft({ ...context, template: state.template.id, variables });
    if (drafted.missing.length) {
      byId("check-status").textContent = `Still missing: ${drafted.missing.join(", ")}.`;
    }
    byId("variables").hidden = true;
    replaceReply(drafted.text);
    byId("reply").focus();
  } catch (error) {
    failed(error, "draft the reply");
  }
}

// -- the gate -----------------------------------------------------------------------
/** Send `text` through the gate; remembers an allowed or overridden text as cleared. */
async function gate(text) {
  const context = await host.context();
  if (!state.attempt || state.attempt.text !== text) state.attempt = { text, key: attemptKey() };
  const result = await api.send({ ...body(text, context) }, state.attempt.key);
  const blockers = result.report.findings.filter((f) => result.blockers.includes(f.id));
  view.showGate(result, blockers);
  if (result.allowed) {
    await clear(text, result.id);
    byId("override").hidden = true;
    view.showRecord(await api.record(result.id));
  } else {
    state.blocked = { text, id: result.id, blockers };
    view.showOverrideForm(blockers);
  }
  return { result, blockers };
}

/** A fresh Idempotency-Key: a retried attempt of the same text reuses it. */
function attemptKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs a secure context
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The host's own send may now let this exact text go. */
async function clear(text, id) {
  state.cleared = { text, id };
  await host.cleared?.(text, id);
}

async function sendFromSidebar() {
  const text = byId("reply").value;
  try {
    const { result } = await gate(text);
    if (result.allowed) await host.insert(text);
  } catch (error) {
    byId("gate-result").textContent = `The gate did not answer: ${error.message}`;
  }
}

async function override() {
  const reason = byId("override-reason").value.trim();
  const findings = [...byId("override-findings").querySelectorAll("input:checked")].map((i) => i.value);
  try {
    const record = await api.override(state.blocked.id, { reason, findings });
    await clear(state.blocked.text, record.id);
    byId("override").hidden = true;
    view.showGate(record, []);
    view.showRecord(await api.record(record.id));
    await host.insert(state.blocked.text);
  } catch (error) {
    byId("gate-result").textContent = `Override refused: ${error.message}`;
  }
}

/** For hosts that intercept their own send (ticket.save, OnMessageSend, sendReply):
 * `{allowed, message}` for the text about to go. */
async function gateForHost(text) {
  if (state.cleared && state.cleared.text === text) return { allowed: true, id: state.cleared.id };
  try {
    const { result, blockers } = await gate(text);
    if (result.allowed) return { allowed: true, id: result.id };
    const reasons = blockers.map((f) => f.message).join(" ");
    return { allowed: false, message: `Tactful blocked this reply: ${reasons} Fix it, or override with a reason in the Tactful sidebar.` };
  } catch (error) {
    return { allowed: false, message: `Tactful could not check this reply (${error.message}); try again.` };
  }
}

start();
