// The emulator's clock for everything time-based in the tenant's keys: the expiry check of an
// upload ("expiry date ... is in the past"), which key getActiveKey picks, and when a key counts as
// expired. Settable, so tests can age a tenant: set it back to add a key that has expired since,
// or forward to see what B2C would do on a later day. Tokens keep the real clock (a token's
// lifetime is the credential's business, not the tenant's keys').

export class EmulatorClock {
  private offsetMs = 0;

  /** Current emulator time in epoch milliseconds. */
  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  /** Current emulator time in Unix seconds (the unit of a key's nbf/exp). */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /**
   * Sets the clock: a Date, an ISO 8601 string or epoch milliseconds makes "now" that instant (and
   * it keeps running from there); null or undefined goes back to the real clock.
   */
  set(now: Date | string | number | null | undefined): void {
    if (now === null || now === undefined) {
      this.offsetMs = 0;
      return;
    }
    const ms = now instanceof Date ? now.getTime() : typeof now === "number" ? now : Date.parse(now);
    if (!Number.isFinite(ms)) throw new TypeError(`clock: '${String(now)}' is not a date (use an ISO 8601 string, a Date or epoch milliseconds)`);
    this.offsetMs = ms - Date.now();
  }

  /** The emulator's now as ISO 8601, and how far it is from the real clock. */
  get(): { now: string; offsetMs: number } {
    return { now: new Date(this.nowMs()).toISOString(), offsetMs: this.offsetMs };
  }
}
