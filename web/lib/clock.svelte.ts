/**
 * The page's clock for "3 minutes ago": one timer for every time shown, ticking while some is on
 * screen, so relative times age without each view keeping its own.
 */
class Clock {
  now = $state(Date.now());
  #users = 0;
  #timer: ReturnType<typeof setInterval> | null = null;

  /** Keep the clock ticking while the caller shows a time; call the returned function when it stops. */
  use(): () => void {
    this.#users += 1;
    this.#timer ??= setInterval(() => (this.now = Date.now()), 15_000);
    this.now = Date.now();
    return () => {
      this.#users -= 1;
      if (this.#users === 0 && this.#timer) {
        clearInterval(this.#timer);
        this.#timer = null;
      }
    };
  }
}

export const clock = new Clock();
