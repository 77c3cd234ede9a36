// Every call to Tactful's HTTP API, over a transport: `fetch` with the agent's key
// (standalone), or the host's proxy that adds the key from its secure settings.

export class ApiError extends Error {
  constructor(status, detail, problem) {
    super(detail);
    this.status = status;
    this.problem = problem;
  }
}

/** A transport over fetch; every call carries `Authorization: Bearer <key>`. */
export function fetchTransport(base, key) {
  return async (method, path, body, { signal, headers = {} } = {}) => {
    const response = await fetch(base + path, {
      method,
      signal,
      headers: {
        Accept: "application/json",
        Authorization: `Bearer ${key()}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, data?.detail || response.statusText, data);
    return data;
  };
}

export function makeApi(transport) {
  const post = (path, body, options) => transport("POST", path, body, options);
  const id = encodeURIComponent;
  return {
    check: (body, signal) => post("/v1/check", body, { signal }),
    suggest: (body) => post("/v1/templates/suggest", body),
    template: (templateId) => transport("GET", `/v1/templates/${id(templateId)}`),
    draft: (body) => post("/v1/drafts", body),
    redact: (body) => post("/v1/redact", body),
    send: (body, idempotencyKey) => post("/v1/sends", body, { headers: { "Idempotency-Key": idempotencyKey } }),
    override: (sendId, body) => post(`/v1/sends/${id(sendId)}/override`, body),
    confirm: (sendId, body) => post(`/v1/sends/${id(sendId)}/confirm`, body),
    record: (sendId) => transport("GET", `/v1/sends/${id(sendId)}`),
  };
}
