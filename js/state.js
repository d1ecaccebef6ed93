'use strict';

// The framework writes `.serverless/serverless-state.json` with json-cycle 1.x, whose `decycle`
// looks every object up by a linear search through all the objects seen before it: its time grows
// with the square of the objects in the service, and at 1,000 functions it is most of `serverless
// package` (BENCHMARKS.md). `decycle` below gives the same document in linear time (an identity
// map instead of the search); `install` makes the framework's `utils.writeFileSync` use it for
// the files it writes with cycles, unless `custom.iamSynth.stateWriter` is `framework`.

const path = require('path');

const isArray = (v) => Object.prototype.toString.call(v) === '[object Array]';
const own = Object.prototype.hasOwnProperty;

/**
 * json-cycle 1.x's `decycle`, value for value: each value is first replaced by its `toJSON()` when
 * it has one; an object or array met again is written `{"$ref": <path of its first visit>}`, the
 * path in JSONPath form (`$["a"][0]`); arrays keep their length; objects their own enumerable keys
 * in `for…in` order.
 */
function decycle(root) {
  const seen = new Map();
  const visit = (value, at) => {
    let v = value;
    try {
      const toJSON = value.toJSON;
      if (typeof toJSON === 'function') v = Reflect.apply(toJSON, value, []);
    } catch {
      // as json-cycle: a value whose toJSON cannot be read or throws is kept as it is
    }
    if (typeof v !== 'object' || v === null) return v;
    const first = seen.get(v);
    if (first !== undefined) return { $ref: first };
    seen.set(v, at);
    if (isArray(v)) {
      const copy = [];
      for (let i = 0; i < v.length; i += 1) copy[i] = visit(v[i], `${at}[${i}]`);
      return copy;
    }
    const copy = {};
    for (const key in v) {
      if (own.call(v, key)) copy[key] = visit(v[key], `${at}[${JSON.stringify(key)}]`);
    }
    return copy;
  };
  return visit(root, '$');
}

/** json-cycle's `stringify`. */
function stringify(value, replacer, space) {
  return JSON.stringify(decycle(value), replacer, space);
}

/** The folder of the running framework's main module (lib/), found through the module cache. */
function frameworkDir(serverless) {
  const Framework = serverless && serverless.constructor;
  const module = Object.values(require.cache).find((m) => m && m.exports === Framework);
  return module ? path.dirname(module.filename) : null;
}

/** The version of the json-cycle the running framework writes with, if it is the 1.x mirrored here. */
function frameworkJsonCycle(serverless) {
  const dir = frameworkDir(serverless);
  if (!dir) return null;
  try {
    const pkg = require(require.resolve('json-cycle/package.json', { paths: [dir] }));
    return /^1\./.test(pkg.version) ? pkg.version : null;
  } catch {
    return null;
  }
}

/**
 * Wraps `utils.writeFileSync(filePath, contents, cycles)` so that a JSON file written with cycles (the
 * state file) is written with `stringify` above, unless `setting()` is `framework`: the framework's own
 * function still makes the folder and writes the text, which is what json-cycle would have given it.
 */
function wrap(utils, setting) {
  const original = utils.writeFileSync;
  utils.writeFileSync = function writeFileSync(filePath, contents, cycles) {
    const json = typeof filePath === 'string' && filePath.includes('.json');
    if (cycles && json && typeof contents === 'object' && contents !== null && setting() !== 'framework') {
      return original.call(this, filePath, stringify(contents, null, 2), cycles);
    }
    return original.call(this, filePath, contents, cycles);
  };
}

/** `wrap` on the running framework's utils, when its writer is the known one (json-cycle 1.x). */
function install(serverless, setting) {
  const utils = serverless && serverless.utils;
  if (!utils || typeof utils.writeFileSync !== 'function' || !frameworkJsonCycle(serverless)) return false;
  wrap(utils, setting);
  return true;
}

module.exports = { decycle, stringify, wrap, install, frameworkDir, frameworkJsonCycle };
