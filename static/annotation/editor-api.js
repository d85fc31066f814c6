// The labeling API as the page sees it: UTF-16 offsets in, UTF-16 offsets out.
// The wire speaks code points; `OffsetMap` converts at this boundary and nowhere else.

const TIMEOUT_MS = 15000;

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, 0 when the server could not be reached
   * @param {string} code Azure-style error code
   * @param {string} message for a person
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** Whether sending the same request again may succeed (the server or the network failed, not the rule). */
  get retryable() {
    return this.status === 0 || this.status === 401 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** The session's CSRF token: the cookie's current value (signing in again rotates it), else the page's. */
function csrfToken(fallback) {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : fallback;
}

export class LabelApi {
  /**
   * @param {string} base `/api/projects/<name>/documents/<id>`
   * @param {string} csrfToken Django's CSRF token for the session
   * @param {import("./offsets.js").OffsetMap} offsets the document text's offset map
   */
  constructor(base, csrfToken, offsets) {
    this.base = base;
    this.csrfToken = csrfToken;
    this.offsets = offsets;
  }

  async request(method, path, body) {
    return (await this.exchange(method, path, body)).payload;
  }

  /**
   * Sends one request and reads the answer; throws `ApiError` for an error answer or none.
   * @returns {Promise<{status: number, etag: string|null, payload: any}>} `payload` is null for 204 and 304
   */
  async exchange(method, path, body, headers = {}) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    let response;
    try {
      response = await fetch(this.base + path, {
        method,
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken(this.csrfToken),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
    } catch (error) {
      const why = error.name === "AbortError" ? "the server did not answer in time" : "the server could not be reached";
      throw new ApiError(0, "NetworkError", `Not saved: ${why}.`);
    } finally {
      clearTimeout(timer);
    }
    const etag = response.headers.get("ETag");
    if (response.status === 204 || response.status === 304) return { status: response.status, etag, payload: null };
    let payload = null;
    try {
      payload = await response.json();
    } catch {
      payload = null;
    }
    if (!response.ok) {
      const error = payload && payload.error;
      let message = error && error.message ? error.message : `The server answered ${response.status}.`;
      if (response.status === 401) {
        message = "You are signed out. Sign in again in another tab; your edits are kept here.";
      }
      throw new ApiError(response.status, (error && error.code) || "Error", message);
    }
    return { status: response.status, etag, payload };
  }

  /** A label from the wire, in the page's units. */
  fromWire(label) {
    return { ...this.offsets.spanToUnits(label), typeId: label.entityTypeId, version: label.version };
  }

  /**
   * The labels if they changed since `version` (the ETag of those the page has), else null: the server
   * answers 304 without reading a label.
   * @returns {Promise<{labels: object[], version: string|null} | null>}
   */
  async labels(version) {
    const asked = version ? { "If-None-Match": version } : {};
    const { status, etag, payload } = await this.exchange("GET", "/labels", undefined, asked);
    if (status === 304) return null;
    return { labels: payload.labels.map((label) => this.fromWire(label)), version: etag };
  }

  async create({ typeId, start, end }) {
    const span = this.offsets.spanToCodePoints({ start, end });
    return this.fromWire(await this.request("POST", "/labels", { entityTypeId: typeId, ...span }));
  }

  /** `version`: the label's version as this page last saw it; the server refuses (409) if it changed since. */
  async retype(id, typeId, version) {
    const body = version == null ? { entityTypeId: typeId } : { entityTypeId: typeId, version };
    return this.fromWire(await this.request("PATCH", `/labels/${id}`, body));
  }

  async remove(id, version) {
    await this.request("DELETE", version == null ? `/labels/${id}` : `/labels/${id}?version=${version}`);
  }

  async setDataset(dataset) {
    return this.request("PATCH", "", { dataset });
  }

  async setLanguage(language) {
    return this.request("PATCH", "", { language });
  }
}
