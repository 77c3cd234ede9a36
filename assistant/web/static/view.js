// What the sidebar shows: the verdict, the highlighted preview, the findings by
// severity, the SLA clock and the customer's mood, the gate's answer and the record.
import { el, byId } from "./dom.js";

export const SEVERITIES = [
  ["blocker", "Blockers", "Must be fixed or overridden before sending."],
  ["warning", "Warnings", "Worth fixing."],
  ["suggestion", "Suggestions", "Optional."],
];
const VERDICTS = { block: "Blocked: fix the blockers or override them", warn: "Warnings to look at", pass: "Ready to send" };
const MOODS = [
  [0.6, "Upset"],
  [0.3, "Unhappy"],
  [-1, "Calm"],
];

export function showVerdict(report) {
  const verdict = byId("verdict");
  verdict.hidden = false;
  verdict.dataset.verdict = report.verdict;
  const unavailable = Object.entries(report.checks)
    .filter(([, run]) => run.status === "unavailable")
    .map(([name]) => name);
  verdict.textContent = VERDICTS[report.verdict] + (unavailable.length ? ` (not checked: ${unavailable.join(", ")})` : "");
}

/** The text with each finding's span marked; `findings` carry UTF-16 spans. */
export function showPreview(text, findings) {
  const spans = findings
    .filter((f) => f.start16 !== null && f.end16 > f.start16)
    .sort((a, b) => a.start16 - b.start16 || rank(a) - rank(b));
  const parts = [];
  let at = 0;
  for (const finding of spans) {
    if (finding.start16 < at) continue; // overlapping: the earlier, more serious one shows
    parts.push(text.slice(at, finding.start16));
    parts.push(
      el(
        "mark",
        { class: finding.severity, "data-finding": finding.id, title: finding.message },
        text.slice(finding.start16, finding.end16),
      ),
    );
    at = finding.end16;
  }
  parts.push(text.slice(at));
  byId("preview").replaceChildren(...parts);
}

const rank = (finding) => SEVERITIES.findIndex(([name]) => name === finding.severity);

/** Findings grouped by severity, each with its message, criteria and one-click fixes. */
export function showFindings(findings, { apply, mask, locate }) {
  const groups = SEVERITIES.map(([severity, title, hint]) => {
    const items = findings.filter((f) => f.severity === severity);
    if (!items.length) return null;
    const headingId = `group-${severity}`;
    return el(
      "section",
      { class: `group ${severity}`, "aria-labelledby": headingId },
      el("h3", { id: headingId }, `${title} (${items.length})`),
      el("p", { class: "hint" }, hint),
      el("ul", { class: "plain" }, items.map((finding) => findingItem(finding, { apply, mask, locate }))),
    );
  }).filter(Boolean);
  byId("finding-groups").replaceChildren(...(groups.length ? groups : [el("p", { class: "hint" }, "Nothing to fix.")]));
}

function findingItem(finding, { apply, mask, locate }) {
  const spanned = finding.start16 !== null;
  const fixes = [];
  if (finding.check === "confidentiality" && spanned) {
    fixes.push(el("button", { type: "button", class: "fix", onclick: () => mask(finding) }, "Mask personal data"));
  }
  for (const suggestion of finding.suggestions.slice(0, 3)) {
    const label = spanned ? `Replace with “${suggestion}”` : `Add “${suggestion}”`;
    fixes.push(el("button", { type: "button", class: "fix", onclick: () => apply(finding, suggestion) }, label));
  }
  return el(
    "li",
    { class: `finding ${finding.severity}`, "data-finding": finding.id },
    el("p", { class: "message" }, finding.message),
    spanned
      ? el("button", { type: "button", class: "excerpt", onclick: () => locate(finding) }, `“${finding.excerpt}”`)
      : null,
    finding.criteria.length
      ? el("p", { class: "criteria" }, "Standard: ", finding.criteria.map((c) => el("abbr", { title: c }, c)).flatMap((a, i) => (i ? [", ", a] : [a])))
      : null,
    fixes.length ? el("div", { class: "row fixes" }, fixes) : null,
  );
}

export function showSla(sla) {
  const node = byId("sla");
  if (!sla || !sla.state) {
    node.textContent = "–";
    return;
  }
  node.dataset.state = sla.state;
  const words = { met: "On time", ok: "On time", at_risk: "At risk", breached: "Overdue" }[sla.state] || sla.state;
  const minutes = sla.state === "breached" ? sla.overdue_minutes : sla.remaining_minutes;
  const clock = minutes === null || minutes === undefined ? "" : ` · ${duration(minutes)} ${sla.state === "breached" ? "over" : "left"}`;
  node.textContent = `${words}${clock} (${sla.allowed || sla.target || ""})`;
}

function duration(minutes) {
  const m = Math.round(minutes);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${m} min`;
}

export function showMood(customer) {
  const node = byId("mood");
  if (!customer || !customer.messages) {
    node.textContent = "–";
    return;
  }
  const mood = MOODS.find(([least]) => customer.upset >= least)[1];
  node.dataset.mood = mood.toLowerCase();
  node.textContent = mood + (customer.cues?.length ? ` (${customer.cues.join(", ")})` : "");
}

export function showSuggestions(suggestions, pick) {
  const list = byId("suggestions");
  if (!suggestions.length) {
    list.replaceChildren(el("li", { class: "hint" }, "No template matches this message."));
    return;
  }
  list.replaceChildren(
    ...suggestions.map((s) =>
      el(
        "li",
        {},
        el("button", { type: "button", class: "template", "data-template": s.id, onclick: () => pick(s) }, s.title),
        el("span", { class: "hint" }, ` ${s.topic}`),
      ),
    ),
  );
}

/** Asks for the template's variables the ticket does not give; known ones come filled. */
export function showVariables(template, values) {
  const fields = Object.entries(template.variables).map(([name, variable]) => {
    const id = `var-${name}`;
    const value = values[name] ?? variable.default ?? "";
    return el(
      "div",
      { class: "field" },
      el("label", { for: id }, `${variable.description || name}${variable.required ? "" : " (optional)"}`),
      el("input", {
        id,
        name,
        value: Array.isArray(value) ? value.join(", ") : String(value),
        required: variable.required,
        placeholder: variable.example === null || variable.example === undefined ? false : String(variable.example),
        "data-type": variable.type,
      }),
    );
  });
  byId("variables-title").textContent = `Fill in: ${template.title}`;
  byId("variable-fields").replaceChildren(...(fields.length ? fields : [el("p", { class: "hint" }, "Nothing to fill in.")]));
  byId("variables").hidden = false;
  const first = byId("variable-fields").querySelector("input:invalid") || byId("variable-fields").querySelector("input");
  (first || byId("variables").querySelector("button")).focus();
}

export function showGate(result, blockers) {
  const box = byId("gate-result");
  box.dataset.status = result.status;
  if (result.allowed) {
    box.replaceChildren(el("p", { class: "ok" }, `Allowed (${result.status}). Recorded as ${result.id}.`));
    return;
  }
  const unavailable = result.unavailable?.length ? `Not checked: ${result.unavailable.join(", ")}.` : "";
  box.replaceChildren(
    el("p", { class: "blocked" }, "Blocked: this reply would not be sent."),
    el("ul", {}, blockers.map((f) => el("li", {}, f.message))),
    ...(unavailable ? [el("p", { class: "hint" }, unavailable)] : []),
  );
}

export function showOverrideForm(blockers) {
  byId("override-findings").replaceChildren(
    ...blockers.map((f) =>
      el(
        "div",
        { class: "check" },
        el("input", { type: "checkbox", id: `ov-${f.id}`, value: f.id, checked: true, required: true }),
        el("label", { for: `ov-${f.id}` }, f.message),
      ),
    ),
  );
  byId("override").hidden = false;
  byId("override-reason").focus();
}

export function showRecord(record) {
  const rows = [
    ["Record", record.id],
    ["Status", record.status],
    ["Verdict", record.verdict],
    ["Allowed", record.allowed ? "yes" : "no"],
    ["Override", record.override ? `${record.override.reason} (${record.override.findings.length} blockers)` : "none"],
    ["Recorded", record.created_at],
  ];
  byId("record").replaceChildren(
    el("h3", {}, "The record"),
    el(
      "dl",
      { class: "record" },
      rows.map(([k, v]) => el("div", {}, el("dt", {}, k), el("dd", {}, String(v ?? "")))),
    ),
  );
}
