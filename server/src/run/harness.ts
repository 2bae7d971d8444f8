// The sandbox child: loads one module of the user's project and calls one unit with each candidate's arguments,
// reporting every outcome to the parent over IPC before starting the next, so a hang or crash costs one candidate.
//
// Runs under Node's permission model (see sandbox.ts): reads anywhere, writes only in its temp dir, no child
// processes, no workers, no inspector.
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { describe } from './describe';
import { ASYNC_FAILURE, CONSTRUCTION_FAILED } from '../core/outcome';
import { installNetworkGuard } from './guard';
import { installLoader } from './loader';
import { HIT_FUNCTION, type ChildMessage, type DomEnvironment, type ErrorInfo, type Job, type Outcome } from './protocol';
import { MAX_REEXPORT_CHECKS, type ReexportCheck } from '../core/reexports';

// Node's permission model covers files, processes and workers; the network is refused here (setting
// `sandbox.allowNetwork` lifts it).
if (process.env.TESTGAP_ALLOW_NETWORK !== '1') installNetworkGuard();

const send = (m: ChildMessage) => process.send!(m);

// User code's own logging is noise here and must not reach the parent's protocol channel.
for (const k of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) console[k] = () => undefined;
// Stray async errors from user code (timers, unawaited promises) must not end the run.
process.on('uncaughtException', () => undefined);
process.on('unhandledRejection', () => undefined);
// The parent gone (killed with SIGKILL, which it cannot clean up after): a call waiting on a timer or a socket would
// keep this process alive for as long as that lasts. A call that spins never gets here; see sweepTempDirs.
process.on('disconnect', () => process.exit(1));

let hits = new Set<number>();
(globalThis as Record<string, unknown>)[HIT_FUNCTION] = (id: number) => hits.add(id);

function errorOf(e: unknown): ErrorInfo {
  if (e instanceof Error) {
    const x = e as Error & { code?: unknown; permission?: unknown; resource?: unknown };
    const info: ErrorInfo = { name: e.name, message: String(e.message), className: e.constructor?.name ?? e.name };
    if (typeof x.code === 'string') info.code = x.code;
    if (typeof x.permission === 'string') info.permission = x.permission;
    if (typeof x.resource === 'string') info.resource = x.resource;
    return info;
  }
  return { name: typeof e, message: String(e), className: '' };
}

function evaluate(src: string): unknown[] {
  return new Function(`return (${src});`)() as unknown[];
}

/** A subclass of the abstract class `base` whose abstract members return fixed values (core/plan.ts stubMembers). */
function concreteStub(base: new (...a: unknown[]) => object, members: NonNullable<Job['stub']>): new (...a: unknown[]) => object {
  const valueOf = (m: { value: string }) => new Function(`return (${m.value});`)() as unknown;
  const fields = members.filter((m) => m.kind === 'property');
  const Stub = class extends base {
    constructor(...a: unknown[]) {
      super(...a);
      // Properties are the subclass's fields: set on each instance once the base constructor has run.
      for (const f of fields) Object.defineProperty(this, f.name, { configurable: true, enumerable: true, writable: true, value: valueOf(f) });
    }
  };
  for (const m of members) {
    if (m.kind === 'method') Object.defineProperty(Stub.prototype, m.name, { configurable: true, writable: true, value: () => valueOf(m) });
    else if (m.kind === 'getter') Object.defineProperty(Stub.prototype, m.name, { configurable: true, get: () => valueOf(m) });
  }
  return Stub;
}

function target(mod: Record<string, unknown>, exportName: string): unknown {
  if (exportName === 'export=') return mod;
  if (exportName === 'default') return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
  return mod[exportName];
}

const home = process.cwd();

/** A fresh working folder with the fixture files, as the emitted before.each makes it. */
function resetWorkingFolder(job: Job): void {
  if (job.fixture !== 'tempDir') return;
  process.chdir(home);
  const work = path.join(home, 'work');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work);
  for (const f of job.fixtureFiles ?? []) {
    fs.mkdirSync(path.dirname(path.join(work, f.name)), { recursive: true });
    fs.writeFileSync(path.join(work, f.name), f.text);
  }
  process.chdir(work);
}


/**
 * For a Node-style callback API: appends a callback to the arguments and returns the outcome it reports, as a promise
 * would (`cb(error)` rejects, `cb(null, value)` resolves). An exception thrown asynchronously while waiting, or no call
 * within the wait, makes the input unusable: a test could not observe either without leaving work running.
 */
function withCallback(job: Job, args: unknown[]): { args: unknown[]; outcome: Promise<Outcome>; cancel: () => void } {
  let settle!: (o: Outcome) => void;
  const outcome = new Promise<Outcome>((resolve) => (settle = resolve));
  const late = (e: unknown) => settle({ kind: 'bad-input', error: { ...errorOf(e), message: `${ASYNC_FAILURE}failed after returning: ${errorOf(e).message}` } });
  process.on('uncaughtException', late);
  const timer = setTimeout(
    () => settle({ kind: 'bad-input', error: { name: 'Error', className: 'Error', message: `${ASYNC_FAILURE}${CALLBACK_NEVER_CALLED} within ${job.callbackWaitMs} ms` } }),
    job.callbackWaitMs,
  );
  const cancel = () => {
    clearTimeout(timer);
    process.off('uncaughtException', late);
  };
  void outcome.then(cancel);
  const callback = (error: unknown, value: unknown) =>
    settle(error !== null && error !== undefined ? { kind: 'reject', error: errorOf(error) } : { kind: 'resolve', value: describe(value) });
  return { args: [...args, callback], outcome, cancel };
}

/**
 * How long after a call settles an error it left behind (a `process.nextTick` or timer throwing, a floating promise
 * rejecting) still counts as the call's: in a test file such an error ends the whole run, after the test passed.
 */
const SETTLE_MS = 5;
const CALLBACK_NEVER_CALLED = 'callback never called';

/** How far the skewed clock jumps on every read: more than any expiry a unit could be given for a case to rely on. */
const CLOCK_STEP_MS = 40;

/** The locale the shifted world formats in when code names none: its numbers and dates read unlike `C`'s. */
const SHIFTED_LOCALE = 'de-DE';

/**
 * Makes every locale-sensitive built-in default to `locale` (`toLocaleString()`, `new Intl.NumberFormat()`,
 * `localeCompare`): Node reads its default locale once, at start. Returns what puts them back.
 */
function defaultLocale(locale: string): () => void {
  const undo: (() => void)[] = [];
  const patch = (owner: Record<string, unknown>, name: string, at: number) => {
    const original = owner[name] as (...a: unknown[]) => unknown;
    if (typeof original !== 'function') return;
    owner[name] = function (this: unknown, ...args: unknown[]) {
      if (args[at] === undefined) args[at] = locale;
      return original.apply(this, args);
    };
    undo.push(() => (owner[name] = original));
  };
  for (const proto of [Number.prototype, BigInt.prototype, Date.prototype] as unknown as Record<string, unknown>[]) patch(proto, 'toLocaleString', 0);
  patch(Date.prototype as unknown as Record<string, unknown>, 'toLocaleDateString', 0);
  patch(Date.prototype as unknown as Record<string, unknown>, 'toLocaleTimeString', 0);
  patch(String.prototype as unknown as Record<string, unknown>, 'localeCompare', 1);
  const intl = Intl as unknown as Record<string, unknown>;
  for (const name of ['NumberFormat', 'DateTimeFormat', 'Collator', 'PluralRules', 'RelativeTimeFormat', 'ListFormat', 'DisplayNames', 'Segmenter']) {
    const Original = intl[name] as (new (...a: unknown[]) => object) | undefined;
    if (typeof Original !== 'function') continue;
    const Shifted = function (locales?: unknown, ...rest: unknown[]) {
      return new Original(locales ?? locale, ...rest);
    } as unknown as Record<string, unknown>;
    Object.setPrototypeOf(Shifted, Original);
    Object.defineProperty(Shifted, 'prototype', { value: Original.prototype });
    intl[name] = Shifted;
    undo.push(() => (intl[name] = Original));
  }
  return () => undo.forEach((f) => f());
}

/**
 * Runs `fn` in a shifted world, then puts the real one back. `clock`: a clock that jumps forward on every read
 * (`Date.now()`, `new Date()`, `performance.now()`): a result that depends on how fast the code ran (an entry set with
 * `maxAge: 1` read back at once, a deadline computed from now) comes out different under it. `env`: another NODE_ENV,
 * time zone and default locale, the environment a project's own test command may give differently (vitest and jest
 * set NODE_ENV to `test`, `node --test` and mocha leave it as the shell has it; machines differ in zone and locale).
 * Either way the result is not a fact about the code, and the check below keeps it out of the tests.
 */
async function withShiftedWorld<T>(fn: () => Promise<T>, shift: { clock: boolean; env: boolean }): Promise<T> {
  const env = { NODE_ENV: process.env.NODE_ENV, TZ: process.env.TZ };
  let restoreLocale: (() => void) | undefined;
  if (shift.env) {
    process.env.NODE_ENV = env.NODE_ENV === 'production' ? 'development' : 'production';
    process.env.TZ = 'Pacific/Chatham';
    restoreLocale = defaultLocale(SHIFTED_LOCALE);
  }
  const RealDate = Date;
  const realPerformanceNow = Object.getOwnPropertyDescriptor(performance, 'now');
  if (shift.clock) {
    const realNow = Date.now;
    let skew = 0;
    const now = () => realNow() + (skew += CLOCK_STEP_MS);
    const Skewed = function (this: unknown, ...args: unknown[]) {
      if (!new.target) return new RealDate(now()).toString();
      return args.length === 0 ? new RealDate(now()) : new (RealDate as unknown as new (...a: unknown[]) => Date)(...args);
    } as unknown as DateConstructor;
    Object.setPrototypeOf(Skewed, RealDate);
    Object.defineProperty(Skewed, 'prototype', { value: RealDate.prototype });
    Object.defineProperty(Skewed, 'now', { value: now, configurable: true, writable: true });
    const perfNow = performance.now.bind(performance);
    globalThis.Date = Skewed;
    Object.defineProperty(performance, 'now', { value: () => perfNow() + (skew += CLOCK_STEP_MS), configurable: true, writable: true });
  }
  try {
    return await fn();
  } finally {
    if (shift.env) {
      for (const [k, v] of Object.entries(env)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      restoreLocale!();
    }
    if (shift.clock) {
      globalThis.Date = RealDate;
      if (realPerformanceNow) Object.defineProperty(performance, 'now', realPerformanceNow);
      else delete (performance as { now?: unknown }).now;
    }
  }
}

async function callOnce(job: Job, mod: Record<string, unknown>, argsIn: unknown[]): Promise<Outcome> {
  let leftBehind: unknown;
  let failedLater = false;
  const onLateError = (e: unknown) => {
    if (!failedLater) leftBehind = e;
    failedLater = true;
  };
  process.on('uncaughtException', onLateError);
  process.on('unhandledRejection', onLateError);
  try {
    const outcome = await callAndObserve(job, mod, argsIn);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    if (failedLater && outcome.kind !== 'bad-input') {
      return { kind: 'bad-input', error: { ...errorOf(leftBehind), message: `${ASYNC_FAILURE}failed after returning: ${errorOf(leftBehind).message}` } };
    }
    return outcome;
  } finally {
    process.off('uncaughtException', onLateError);
    process.off('unhandledRejection', onLateError);
  }
}

async function callAndObserve(job: Job, mod: Record<string, unknown>, argsIn: unknown[]): Promise<Outcome> {
  resetWorkingFolder(job);
  const callback = job.callbackWaitMs !== undefined ? withCallback(job, argsIn) : undefined;
  const args = callback?.args ?? argsIn;
  const t = target(mod, job.exportName) as (...a: unknown[]) => unknown;
  let result: unknown;
  try {
    const member = job.member;
    if (!member) result = t(...args);
    else if (member.kind === 'constructor' || member.kind === 'class') result = new (t as unknown as new (...a: unknown[]) => unknown)(...args);
    else if (member.kind === 'static-method') result = (t as unknown as Record<string, (...a: unknown[]) => unknown>)[member.name](...args);
    else {
      // The instance is the test's fixture (before.each), not part of the call: if it cannot be built, no outcome
      // of the member was observed.
      let instance: Record<string, unknown>;
      try {
        const cls = (job.stub ? concreteStub(t as unknown as new (...a: unknown[]) => object, job.stub) : t) as unknown as new (...a: unknown[]) => Record<string, unknown>;
        instance = new cls(...evaluate(job.ctorArgs ?? '[]'));
        // A prepared instance (core/plan.ts preparingCalls): part of the fixture too.
        for (const s of job.setup ?? []) (instance[s.method] as (...a: unknown[]) => unknown)(...evaluate(s.args));
      } catch (e) {
        callback?.cancel();
        const info = errorOf(e);
        return { kind: 'bad-input', error: { ...info, message: `${CONSTRUCTION_FAILED}${info.className || info.name}: ${info.message}` } };
      }
      result = member.kind === 'getter' ? instance[member.name] : (instance[member.name] as (...a: unknown[]) => unknown)(...args);
    }
  } catch (e) {
    callback?.cancel();
    return { kind: 'throw', error: errorOf(e) };
  }
  if (callback) return callback.outcome;
  if (result && typeof (result as Promise<unknown>).then === 'function') {
    try {
      return { kind: 'resolve', value: describe(await result) };
    } catch (e) {
      return { kind: 'reject', error: errorOf(e) };
    }
  }
  return { kind: 'return', value: describe(result) };
}

/** The global object's own properties, to put back after every call (what the emitted after.each does too). */
type GlobalSnapshot = Map<string | symbol, PropertyDescriptor>;

function snapshotGlobals(): GlobalSnapshot {
  return new Map(Reflect.ownKeys(globalThis).map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)!]));
}

/**
 * Restores `snap`; true when the call changed globals: a key added or removed, or a data property's value replaced.
 * Node defines some globals as lazy getters that turn into data properties on first use; that is not a change.
 */
function restoreGlobals(snap: GlobalSnapshot): boolean {
  let changed = false;
  const g = globalThis as Record<string | symbol, unknown>;
  for (const k of Reflect.ownKeys(globalThis)) {
    if (!snap.has(k)) {
      changed = true;
      delete g[k];
    }
  }
  for (const [k, d] of snap) {
    const now = Object.getOwnPropertyDescriptor(globalThis, k);
    if (now && Object.is(now.value, d.value) && now.get === d.get && now.set === d.set) continue;
    if (!now || 'value' in d) changed = true;
    try {
      Object.defineProperty(globalThis, k, d);
    } catch {
      // non-configurable: nothing a test could restore either
    }
  }
  return changed;
}

const isReference = (v: unknown): v is object => v !== null && (typeof v === 'object' || typeof v === 'function');

/** Reads a property that may be a getter of user code (tsc's re-export getters are). */
function read(o: object, key: string): unknown {
  try {
    return (o as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/**
 * Which of `entry`'s values are values the modules it names export. Only objects and functions count: two equal
 * primitives say nothing about where one came from. A module that fails to load is passed over.
 */
function findReexports(entry: unknown, entryPath: string, specifiers: string[]): ReexportCheck[] {
  const requireFromEntry = Module.createRequire(entryPath);
  const modules: { path: string; value: unknown }[] = [];
  for (const specifier of specifiers) {
    try {
      const file = requireFromEntry.resolve(specifier);
      // Only code: a JSON file needs an import attribute in an ES module test, and a native addon is no source.
      if (!/\.([cm]?[jt]sx?)$/.test(file)) continue;
      if (file === entryPath || file.includes(`${path.sep}node_modules${path.sep}`) || modules.some((m) => m.path === file)) continue;
      modules.push({ path: file, value: requireFromEntry(specifier) });
    } catch {
      // not loadable on its own: nothing to compare with
    }
  }
  const whole = modules.find((m) => isReference(m.value) && m.value === entry);
  if (whole) return [{ entryKey: null, module: whole.path, moduleKey: null }];
  if (!isReference(entry)) return [];
  const checks: ReexportCheck[] = [];
  for (const key of Object.keys(entry)) {
    if (checks.length >= MAX_REEXPORT_CHECKS) break;
    const value = read(entry, key);
    if (key === '__esModule' || !isReference(value)) continue;
    // Two modules exporting different values under this name: CommonJS's `export *` lets the first win, an ES
    // module namespace leaves the name out. Which one the entry passes on is not a fact the test can rely on.
    const sameName = modules.filter((m) => isReference(m.value) && Object.prototype.hasOwnProperty.call(m.value, key) && isReference(read(m.value, key)));
    if (new Set(sameName.map((m) => read(m.value as object, key))).size > 1) continue;
    for (const m of modules) {
      if (m.value === value) {
        checks.push({ entryKey: key, module: m.path, moduleKey: null });
        break;
      }
      if (!isReference(m.value)) continue;
      const source = m.value;
      // The same name first: `export { a } from` keeps it; tsc's `export { default as Stack }` reads `default`.
      const moduleKey = [key, ...Object.keys(source).filter((k) => k !== key), 'default'].find((k) => read(source, k) === value);
      if (moduleKey !== undefined) {
        checks.push({ entryKey: key, module: m.path, moduleKey });
        break;
      }
    }
  }
  return checks;
}

/**
 * A window of the project's DOM library, its globals (`document`, `localStorage`, `HTMLElement`…) made globals of
 * this process as the runner's environment makes them globals of a test file; a window property is read when code
 * reads it, not before.
 */
function installDom(dom: DomEnvironment): void {
  let window: Record<string, unknown>;
  if (dom.kind === 'jsdom') {
    const { JSDOM } = require(dom.module) as { JSDOM: new (html: string, o: object) => { window: Record<string, unknown> } };
    // jest's and vitest's default page: a document at http://localhost (localStorage needs an origin).
    window = new JSDOM('<!DOCTYPE html><html><head></head><body></body></html>', { url: 'http://localhost:3000/', pretendToBeVisual: true }).window;
  } else {
    const { Window } = require(dom.module) as { Window: new (o: object) => Record<string, unknown> };
    window = new Window({ url: 'http://localhost:3000/' });
  }
  const g = globalThis as Record<string, unknown>;
  // The window's methods check what `this` is (`getComputedStyle(el)` called bare): they are bound to it, once.
  const bound = new Map<string, unknown>();
  const read = (key: string) => {
    const v = window[key];
    if (typeof v !== 'function' || !/^[a-z]/.test(key)) return v;
    if (!bound.has(key)) bound.set(key, (v as (...a: unknown[]) => unknown).bind(window));
    return bound.get(key);
  };
  // JavaScript's own globals (Object, Promise, JSON…) stay this realm's; of Node's, those the DOM defines too
  // (Event, EventTarget, URL, AbortController, Blob) become the window's, as vitest's environment makes them, so that
  // `element.dispatchEvent(new Event('click'))` meets the DOM's own classes.
  const intrinsics = new Set(require('node:vm').runInNewContext('Object.getOwnPropertyNames(globalThis)') as string[]);
  for (const key of Object.getOwnPropertyNames(window)) {
    if (/^(_|\d)/.test(key) || intrinsics.has(key) || (key in g && !/^[A-Z]/.test(key))) continue;
    Object.defineProperty(g, key, { configurable: true, enumerable: false, get: () => read(key), set: (v) => Object.defineProperty(g, key, { configurable: true, writable: true, value: v }) });
  }
  for (const key of ['window', 'self', 'top', 'parent']) Object.defineProperty(g, key, { configurable: true, writable: true, value: g });
}

async function main(job: Job): Promise<void> {
  // Plain CommonJS files load as Node would load them; what needs transpiling comes from the server's cache when it
  // sent one (TypeScript costs a child 0.4 s to load, and units are run in many children).
  const loader = installLoader(job.projectRoot, job.instrument ? job.modulePath : undefined, [], 'keep', job.transpiled, undefined, job.instrument ? job.instrumented : undefined);
  // The runner's world: its NODE_ENV, its DOM where its test environment is a browser's, and its setup files'
  // polyfills (`reflect-metadata`), before the module loads.
  if (job.environment) {
    if (job.environment.nodeEnv === null) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = job.environment.nodeEnv;
    if (job.environment.dom) {
      try {
        installDom(job.environment.dom);
      } catch (e) {
        send({ type: 'load-error', error: { ...errorOf(e), message: `the ${job.environment.dom.kind} test environment could not be set up: ${errorOf(e).message}` } });
        return;
      }
    }
    for (const file of job.environment.preload) {
      try {
        require(file);
      } catch {
        // It needs the runner's globals (`jest.mock`, `expect.extend`) or is an ES module: what ran before stays.
      }
    }
  }
  let mod: Record<string, unknown>;
  try {
    mod = require(job.modulePath);
  } catch (e) {
    send({ type: 'load-error', error: errorOf(e) });
    return;
  }
  send({ type: 'loaded', blocks: loader.blocks });
  if (job.probeReexports) {
    send({ type: 'reexports', checks: findReexports(mod, require.resolve(job.modulePath), job.probeReexports) });
    send({ type: 'done' });
    return;
  }
  const globals = snapshotGlobals();
  for (let index = job.startAt; index < job.candidates.length; index++) {
    send({ type: 'start', index });
    let args: unknown[];
    try {
      args = evaluate(job.candidates[index]);
    } catch (e) {
      send({ type: 'outcome', index, outcome: { kind: 'bad-input', error: errorOf(e) }, hits: [], stable: true });
      continue;
    }
    hits = new Set();
    const first = await callOnce(job, mod, args);
    const covered = [...hits].sort((a, b) => a - b);
    const touchedGlobals = restoreGlobals(globals);
    // A second call with freshly evaluated arguments, in a shifted world (a fast clock, another NODE_ENV and time
    // zone): a different result means the unit is not deterministic, or depends on timing or on its environment.
    const again = async (shift: { clock: boolean; env: boolean }) => {
      const o = await withShiftedWorld(() => callOnce(job, mod, evaluate(job.candidates[index])), shift);
      restoreGlobals(globals);
      return JSON.stringify(o);
    };
    const firstText = JSON.stringify(first);
    const stable = (await again({ clock: true, env: true })) === firstText;
    // Which part of the world it follows: another environment alone changes it, and the real world gives the first
    // result again (a unit that differs every time is not deterministic, whatever the environment).
    const environment = !stable && (await again({ clock: false, env: true })) !== firstText && (await again({ clock: false, env: false })) === firstText;
    const local = firstText.includes(home);
    send({
      type: 'outcome',
      index,
      outcome: first,
      hits: covered,
      stable,
      ...(environment ? { environment: true } : {}),
      ...(local ? { local } : {}),
      ...(touchedGlobals ? { globals: true } : {}),
    });
  }
  send({ type: 'done' });
}

process.once('message', (job: Job) => {
  main(job).then(
    () => process.disconnect?.(),
    (e) => {
      send({ type: 'load-error', error: errorOf(e) });
      process.disconnect?.();
    },
  );
});
