// Undo / redo of label edits. Entries are plain data ({kind: "create" | "delete" | "retype", key, ...}) and the
// editor replays them through the same saving path as a fresh edit: undoing a create deletes on the server,
// undoing a delete re-creates. Being data, the history survives a reload of the page (per tab, per document).

const LIMIT = 500;

export class History {
  /**
   * @param {(entry: object, direction: "undo" | "redo") => void} replay applies an entry one way or the other
   * @param {() => void} onChange called whenever undo/redo availability may have changed
   */
  constructor(replay, onChange) {
    this.done = [];
    this.undone = [];
    this.replay = replay;
    this.onChange = onChange;
  }

  record(entry) {
    this.done.push(entry);
    if (this.done.length > LIMIT) this.done.shift();
    this.undone = [];
    this.onChange();
  }

  undo() {
    const entry = this.done.pop();
    if (!entry) return;
    this.undone.push(entry);
    this.replay(entry, "undo");
    this.onChange();
  }

  redo() {
    const entry = this.undone.pop();
    if (!entry) return;
    this.done.push(entry);
    this.replay(entry, "redo");
    this.onChange();
  }

  /** Forgets entries about a label the server refused, so undo never replays an edit that never happened. */
  forget(key) {
    this.done = this.done.filter((entry) => entry.key !== key);
    this.undone = this.undone.filter((entry) => entry.key !== key);
    this.onChange();
  }

  get canUndo() {
    return this.done.length > 0;
  }

  get canRedo() {
    return this.undone.length > 0;
  }

  /** Keeps the history in the tab's session storage; `rename` maps a label key to the key it gets after a reload. */
  save(storageKey, rename) {
    const plain = (entries) => entries.map((entry) => ({ ...entry, key: rename(entry.key) }));
    try {
      sessionStorage.setItem(storageKey, JSON.stringify({ done: plain(this.done), undone: plain(this.undone) }));
    } catch {
      // Storage full or disabled: the history just does not outlive the page.
    }
  }

  load(storageKey) {
    try {
      const saved = JSON.parse(sessionStorage.getItem(storageKey) || "null");
      if (saved && Array.isArray(saved.done) && Array.isArray(saved.undone)) {
        this.done = saved.done;
        this.undone = saved.undone;
      }
    } catch {
      // A damaged entry is ignored.
    }
    this.onChange();
  }
}
