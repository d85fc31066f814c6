// The document's labels on this page, and every edit to them: create, retype, remove, undo/redo and
// other people's edits merged in. Each edit shows at once (drawn as pending), is queued for saving, and is
// rolled back with a message if the server refuses it. Offsets are UTF-16 units, the page's unit.

import { SKIP } from "./editor-sync.js";

export class LabelStore {
  /**
   * @param {object} parts
   * @param {object[]} parts.sorted the labels by start, shared with the `TextView` (which draws from it)
   * @param {import("./editor-api.js").LabelApi} parts.api
   * @param {import("./editor-text.js").TextView} parts.view
   * @param {import("./editor-sync.js").SaveQueue} parts.queue
   * @param {string} parts.username who is editing, shown on new labels
   * @param {string|null} parts.version the labels' version (ETag) the page came with
   * @param {object} parts.on callbacks: `list()` when labels came or went, `count(typeId, n)`, `removed(key)`,
   *   `retyped(key)`, `alert(message)` for refusals, `notify(message)` for news, `conflict(message)` when an edit
   *   was refused because someone changed the label since this page loaded it (the page asks for a reload)
   */
  constructor({ sorted, api, view, queue, username, version = null, on }) {
    this.sorted = sorted;
    this.api = api;
    this.view = view;
    this.queue = queue;
    this.username = username;
    this.on = on;
    this.history = null; // set by the editor (the history replays through this store)
    this.labels = new Map(); // key -> {key, id, typeId, start, end, pending, createdBy, updatedBy}
    this.keyOfId = new Map(); // server id -> key
    this.counts = new Map(); // type id -> labels of that type
    this.localKeys = 0;
    this.edits = 0; // bumps on every local edit, so a refresh that raced an edit is thrown away
    this.refreshing = false;
    this.version = version; // of the labels last merged: a refresh asks the server whether they changed since
  }

  /** The labels the page came with (`sorted` must be empty). */
  load(initial) {
    for (const label of initial) {
      this.sorted.push(label);
      this.labels.set(label.key, label);
      this.keyOfId.set(label.id, label.key);
      this.counts.set(label.typeId, (this.counts.get(label.typeId) || 0) + 1);
    }
  }

  get(key) {
    return this.labels.get(key);
  }

  /** Index in `sorted` of the first label starting at or after `start`. */
  position(start) {
    const sorted = this.sorted;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid].start < start) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  count(typeId, delta) {
    const n = (this.counts.get(typeId) || 0) + delta;
    this.counts.set(typeId, n);
    this.on.count(typeId, n);
  }

  add(label) {
    this.sorted.splice(this.position(label.start), 0, label);
    this.labels.set(label.key, label);
    if (label.id != null) this.keyOfId.set(label.id, label.key);
    this.count(label.typeId, +1);
    this.on.list();
  }

  discard(label) {
    const index = this.position(label.start);
    if (this.sorted[index] === label) this.sorted.splice(index, 1);
    this.labels.delete(label.key);
    if (label.id != null && this.keyOfId.get(label.id) === label.key) this.keyOfId.delete(label.id);
    this.view.unplace(label.key);
    this.count(label.typeId, -1);
    this.on.list();
    this.on.removed(label.key);
  }

  repaint(label) {
    label.pending = label.inflight > 0;
    this.view.restyle(label);
    this.on.list();
  }

  /** Queues a save of `label`'s edit, showing the label as pending until the server answers. */
  track(label, op) {
    label.inflight = (label.inflight || 0) + 1;
    this.repaint(label);
    const settle = () => {
      label.inflight -= 1;
      if (this.labels.get(label.key) === label) this.repaint(label);
    };
    this.edits += 1;
    this.queue.push({
      ...op,
      key: label.key,
      done: (result) => {
        settle();
        if (op.done) op.done(result);
      },
      refused: (error) => {
        settle();
        if (op.refused) op.refused(error);
      },
    });
  }

  newKey() {
    this.localKeys += 1;
    return `c${Date.now().toString(36)}-${this.localKeys}`;
  }

  create(typeId, start, end, { key = this.newKey(), record = true } = {}) {
    const label = { key, id: null, typeId, start, end, createdBy: this.username, updatedBy: null };
    if (!this.view.place(label)) {
      // It would overlap a label on the page: the server decides and explains, and the page catches up.
      this.edits += 1;
      this.queue.push({
        kind: "create",
        send: () => this.api.create(label),
        done: () => this.refreshSoon(),
        refused: (error) => {
          this.on.alert(error.message);
          this.refreshSoon();
        },
      });
      return;
    }
    this.add(label);
    this.track(label, {
      kind: "create",
      send: () => this.api.create(label),
      done: (saved) => {
        label.id = saved.id;
        label.version = saved.version;
        if (this.labels.get(key) === label) this.keyOfId.set(saved.id, key);
      },
      refused: (error) => {
        if (this.labels.get(key) === label) this.discard(label);
        this.queue.drop((op) => op.key === key);
        this.history.forget(key);
        this.on.alert(error.status === 409 ? `${error.message} The labels were refreshed.` : error.message);
        this.refreshSoon();
      },
    });
    if (record) this.history.record({ kind: "create", key, typeId, start, end });
  }

  remove(key, { record = true } = {}) {
    const label = this.labels.get(key);
    if (!label) return;
    this.discard(label);
    this.edits += 1;
    this.queue.push({
      kind: "delete",
      key,
      send: () => (label.id == null ? SKIP : this.api.remove(label.id, label.version)),
      refused: (error) => {
        if (error.status === 404) {
          this.on.notify("That label had already been removed by someone else.");
        } else if (error.status === 409) {
          this.on.conflict(error.message);
          if (!this.labels.has(key) && this.view.place(label)) this.add(label);
        } else {
          this.on.alert(error.message);
          if (!this.labels.has(key) && this.view.place(label)) this.add(label);
        }
        this.refreshSoon();
      },
    });
    if (record) {
      this.history.record({ kind: "delete", key, typeId: label.typeId, start: label.start, end: label.end });
    }
  }

  retype(key, typeId, { record = true } = {}) {
    const label = this.labels.get(key);
    if (!label || label.typeId === typeId) return;
    const before = label.typeId;
    this.count(before, -1);
    this.count(typeId, +1);
    label.typeId = typeId;
    this.track(label, {
      kind: "retype",
      send: () => (label.id == null ? SKIP : this.api.retype(label.id, typeId, label.version)),
      done: (saved) => {
        label.updatedBy = this.username;
        if (saved && saved.version != null) label.version = saved.version;
      },
      refused: (error) => {
        if (this.labels.get(key) !== label) return;
        if (error.status === 404) {
          this.discard(label);
        } else {
          this.count(label.typeId, -1);
          this.count(before, +1);
          label.typeId = before;
          this.repaint(label);
          this.on.retyped(key);
        }
        if (error.status === 409) this.on.conflict(error.message);
        else this.on.alert(error.message);
        this.refreshSoon();
      },
    });
    this.on.retyped(key);
    if (record) this.history.record({ kind: "retype", key, from: before, to: typeId });
  }

  /** Applies a history entry forwards ("redo") or backwards ("undo"). */
  replay(entry, direction) {
    const forward = direction === "redo";
    const { kind, key } = entry;
    if (kind === "retype") this.retype(key, forward ? entry.to : entry.from, { record: false });
    else if ((kind === "create") === forward) this.create(entry.typeId, entry.start, entry.end, { key, record: false });
    else this.remove(key, { record: false });
  }

  /** The key a label will have after a reload (labels the server knows are keyed by their id). */
  reloadKey(key) {
    const label = this.labels.get(key);
    return label && label.id != null ? `s${label.id}` : key;
  }

  // ---------------------------------------------------------------- other people's edits

  /**
   * Asks whether the labels changed and merges other people's edits in; only while nothing of ours is unsaved.
   * The version moves only with a merge, so labels that came while an edit of ours raced are asked for again.
   */
  async refresh() {
    if (this.refreshing || !this.queue.idle) return;
    this.refreshing = true;
    const seen = this.edits;
    try {
      const server = await this.api.labels(this.version);
      if (server !== null && seen === this.edits && this.queue.idle) {
        this.merge(server.labels);
        this.version = server.version;
      }
    } catch {
      // The next refresh tries again; saving reports its own failures.
    } finally {
      this.refreshing = false;
    }
  }

  refreshSoon() {
    this.queue.whenIdle().then(() => this.refresh());
  }

  merge(server) {
    const byId = new Map(server.map((label) => [label.id, label]));
    let changes = 0;
    for (const label of [...this.labels.values()]) {
      if (label.id == null) continue;
      const theirs = byId.get(label.id);
      if (!theirs || theirs.start !== label.start || theirs.end !== label.end) {
        this.discard(label);
        changes += 1;
      } else if (theirs.typeId !== label.typeId) {
        this.count(label.typeId, -1);
        this.count(theirs.typeId, +1);
        Object.assign(label, { typeId: theirs.typeId, updatedBy: theirs.updatedBy, version: theirs.version });
        this.repaint(label);
        changes += 1;
      } else {
        label.version = theirs.version; // changed and changed back: the next edit must name the new version
      }
    }
    for (const theirs of server) {
      if (this.keyOfId.has(theirs.id)) continue;
      const label = { ...theirs, key: `s${theirs.id}` };
      if (this.view.place(label)) {
        this.add(label);
        changes += 1;
      }
    }
    if (changes > 0) this.on.notify(`${changes} label${changes === 1 ? "" : "s"} updated from other people's edits.`);
  }
}
