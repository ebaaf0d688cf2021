// Loaded by src/errors.rs (`install_guard`) when the addon loads: wraps every
// exported class and function so that what napi or V8 refuses before our
// code runs still throws one of our codes.
(function guard(codes) {
  const ours = new Set(codes);
  const coded = (e, what) => {
    if (e !== null && typeof e === 'object' && ours.has(e.code)) return e;
    const text = e instanceof Error ? e.message : String(e);
    const out = new TypeError(`${what}: ${text}`, { cause: e });
    out.code = 'invalid_type';
    return out;
  };
  const wrap = (f, what, cls) => {
    const g = function (...args) {
      if (cls !== undefined && !(this instanceof cls)) {
        throw coded(new TypeError('called on an object that is not a ' + cls.name), what);
      }
      try { return f.apply(this, args); } catch (e) { throw coded(e, what); }
    };
    Object.defineProperty(g, 'name', { value: f.name });
    Object.defineProperty(g, 'length', { value: f.length });
    return g;
  };
  const patch = (obj, key, make) => {
    const d = Object.getOwnPropertyDescriptor(obj, key);
    if (d === undefined || !d.configurable) return;
    if (typeof d.value === 'function') d.value = make(d.value);
    if (typeof d.get === 'function') d.get = make(d.get);
    if (typeof d.set === 'function') d.set = make(d.set);
    Object.defineProperty(obj, key, d);
  };
  const walk = (ns, prefix) => {
    for (const name of Object.keys(ns)) {
      const v = ns[name];
      const what = prefix + name;
      if (typeof v === 'function' && v.prototype && Object.getOwnPropertyNames(v.prototype).length > 1) {
        for (const k of Object.getOwnPropertyNames(v.prototype)) {
          if (k !== 'constructor') patch(v.prototype, k, (f) => wrap(f, `${what}.prototype.${k}`, v));
        }
        for (const k of Object.getOwnPropertyNames(v)) {
          if (!['length', 'name', 'prototype'].includes(k)) patch(v, k, (f) => wrap(f, `${what}.${k}`));
        }
        ns[name] = new Proxy(v, {
          apply() { throw coded(new TypeError(`class ${what} cannot be invoked without 'new'`), what); },
          construct(target, args, nt) {
            try { return Reflect.construct(target, args, nt); } catch (e) { throw coded(e, what); }
          },
        });
      } else if (typeof v === 'function') {
        ns[name] = wrap(v, what);
      } else if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
        walk(v, what + '.');
      }
    }
  };
  // `err instanceof OpsbrainError` for every error carrying one of our codes.
  class OpsbrainError extends Error {
    constructor() {
      super('OpsbrainError is not constructed: opsbrain throws errors carrying its codes');
      const e = new TypeError('OpsbrainError cannot be constructed');
      e.code = 'invalid_type';
      throw e;
    }
    static [Symbol.hasInstance](e) {
      return e instanceof Error && ours.has(e.code);
    }
  }
  Object.defineProperty(OpsbrainError, 'codes', { value: Object.freeze([...codes]), enumerable: true });
  return (exports) => {
    walk(exports, '');
    exports.OpsbrainError = OpsbrainError;
  };
})
