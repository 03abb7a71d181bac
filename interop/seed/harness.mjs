// What the seed and Keycloak checks share: bounded waits, assertions, plain fetch calls, and a runner that
// prints one PASS/FAIL line per check in the same format as run.mjs.

export const WAIT_MS = 5000;

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function request(method, url, token, body) {
  const headers = body === undefined ? {} : { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await withTimeout(fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }),
    WAIT_MS, `${method} ${url}`);
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/**
 * Events one client emitted, in order; next(event, predicate) takes the first queued or future one that matches.
 * Every name in `events` is recorded from the moment the recorder is attached.
 */
export class EventRecorder {
  constructor(client, name, events) {
    this.name = name;
    this.items = [];
    this.waiters = [];
    for (const event of events) {
      client.on(event, (data) => {
        if (process.env.INTEROP_VERBOSE === '1') console.log(`  ${name} <- ${event} ${JSON.stringify(data ?? null).slice(0, 200)}`);
        this.items.push({ event, data });
        for (const waiter of [...this.waiters]) {
          const index = this.items.findIndex(waiter.match);
          if (index >= 0) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve(this.items.splice(index, 1)[0].data);
          }
        }
      });
    }
  }

  next(event, what = event, predicate = () => true, ms = WAIT_MS) {
    const match = (item) => item.event === event && predicate(item.data);
    const index = this.items.findIndex(match);
    if (index >= 0) return Promise.resolve(this.items.splice(index, 1)[0].data);
    let waiter;
    const wait = new Promise((resolve) => {
      waiter = { match, resolve };
      this.waiters.push(waiter);
    });
    return withTimeout(wait, ms, `${this.name}: ${what}`).catch((e) => {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      const recent = this.items.slice(-3).map((i) => `${i.event} ${JSON.stringify(i.data ?? null).slice(0, 160)}`);
      throw new Error(`${e.message}${recent.length ? `; last unmatched: ${recent.join(' | ')}` : ''}`);
    });
  }

  /** The recorded events of that name not yet taken by next(). */
  pending(event) {
    return this.items.filter((i) => i.event === event).map((i) => i.data);
  }
}

/** Runs [name, check] pairs (all, or those named in argv); prints PASS/FAIL lines and the totals; exits. */
/**
 * Runs the named checks (all, or those named on the command line), each bounded by checkMs and the whole run
 * by runMs when given; prints a PASS or FAIL line per check and the totals, and exits 0 only if all passed.
 */
export async function runChecks(checks, { checkMs = 30000, runMs = 0, only = process.argv.slice(2) } = {}) {
  const unknown = only.filter((name) => !checks.some(([known]) => known === name));
  if (unknown.length) {
    console.error(`interop: unknown check ${unknown.join(', ')} (known: ${checks.map(([n]) => n).join(', ')})`);
    process.exit(2);
  }
  process.on('unhandledRejection', (e) => {
    if (process.env.INTEROP_VERBOSE === '1') console.log(`  (late failure ignored: ${e?.message ?? e})`);
  });
  let passed = 0;
  let failed = 0;
  const watchdog = runMs > 0 ? setTimeout(() => {
    console.log(`FAIL interop: the run exceeded ${runMs / 1000} s`);
    console.log(`${passed} passed, ${failed + 1} failed`);
    process.exit(1);
  }, runMs) : null;
  for (const [name, check] of checks) {
    if (only.length && !only.includes(name)) continue;
    const started = Date.now();
    const steps = [];
    const cleanup = [];
    const step = (text) => {
      steps.push(text);
      if (process.env.INTEROP_VERBOSE === '1') console.log(`  ok ${name}: ${text}`);
    };
    try {
      await withTimeout(check(step, cleanup), checkMs, `the ${name} check`);
      passed++;
      console.log(`PASS ${name} (${steps.length} steps, ${Date.now() - started} ms): ${steps.join('; ')}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name} after ${steps.length} steps (${steps.at(-1) ?? 'none'}): ${e.message}`);
    } finally {
      for (const close of cleanup) {
        try {
          await close();
        } catch {
          // a socket that is already gone needs no closing
        }
      }
    }
  }
  clearTimeout(watchdog);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}
