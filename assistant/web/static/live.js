// The live check: re-check when typing pauses, never more than one check in flight,
// and drop an answer whose text has changed since it was asked for.

export class LiveCheck {
  constructor(run, { delay = 350, onReport, onError, onState }) {
    Object.assign(this, { run, delay, onReport, onError, onState });
    this.text = null;
    this.timer = null;
    this.inFlight = false;
    this.pending = false; // the pause ended while a check was in flight
  }

  /** The draft changed: check it once typing pauses. */
  update(text) {
    this.text = text;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.#fire(), this.delay);
    this.onState?.("waiting");
  }

  /** Check the current text now (after an insert or a fix). */
  now(text) {
    this.text = text;
    clearTimeout(this.timer);
    this.#fire();
  }

  async #fire() {
    this.timer = null;
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    const text = this.text;
    const asked = performance.now(); // the end of the debounce
    this.inFlight = true;
    this.onState?.("checking");
    try {
      const report = await this.run(text);
      if (text === this.text) this.onReport(report, text, asked);
    } catch (error) {
      if (text === this.text) this.onError(error);
    } finally {
      this.inFlight = false;
      if (this.pending) {
        this.pending = false;
        this.#fire();
      }
    }
  }
}
