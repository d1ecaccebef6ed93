'use strict';

// js/state.js against the json-cycle 1.5.0 the frameworks write their state file with: the same text
// for every value, on hand-picked edge cases and on seeded random graphs with shared objects and
// cycles. The expected text is json-cycle's own output, computed here from the real package.

const jc = require('json-cycle');
const { decycle, stringify, wrap, install } = require('../js/state');

/** The text, or the error message when writing throws (as it does for a `toJSON` that throws). */
const outcome = (write, value) => {
  try {
    return { text: write(value, null, 2) };
  } catch (error) {
    return { error: error.message };
  }
};
const same = (value) => expect(outcome(stringify, value)).toEqual(outcome(jc.stringify, value));

describe('stringify gives json-cycle 1.5.0 text', () => {
  test('json-cycle is the version the frameworks depend on', () => {
    expect(require('json-cycle/package.json').version).toBe('1.5.0');
  });

  test('primitives, null, undefined and functions', () => {
    for (const v of [0, -1.5, 'x', '', true, false, null, undefined, () => 1, NaN, Infinity]) same(v);
    same({ a: undefined, b: () => 1, c: null, d: NaN, e: [undefined, () => 1] });
  });

  test('a shared object is written once, then as a $ref to its first path', () => {
    const shared = { Ref: 'AWS::Region' };
    const doc = { a: [shared, { b: shared }], c: shared, 'we"ird\nkey': { shared } };
    same(doc);
    const refs = JSON.stringify(decycle(doc));
    expect(refs).toContain('{"$ref":"$[\\"a\\"][0]"}');
  });

  test('cycles through objects and arrays', () => {
    const a = { name: 'a' };
    const list = [a];
    a.self = a;
    a.list = list;
    list.push(list, { back: a });
    same({ root: a });
    same(list);
  });

  test('toJSON: Dates, objects whose toJSON returns objects, throwing and non-function toJSON', () => {
    const date = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    const inner = { x: 1 };
    const viaToJSON = { toJSON: () => inner };
    same({ date, again: date, viaToJSON, inner, twice: viaToJSON });
    same({ notFn: { toJSON: 'text', k: 2 } });
    // a toJSON that throws is kept, and JSON.stringify then throws in both
    const throwing = { throws: { toJSON() { throw new Error('no'); }, k: 1 } };
    same(throwing);
    expect(outcome(stringify, throwing)).toEqual({ error: 'no' });
    same({ fresh: { toJSON: () => ({ y: [1, 2] }) }, fresh2: { toJSON: () => ({ y: [1, 2] }) } });
  });

  test('key order, integer-like keys, inherited, non-enumerable and symbol keys', () => {
    const proto = { inherited: 1 };
    const o = Object.create(proto);
    o.z = 1;
    o['10'] = 2;
    o['2'] = 3;
    o.a = 4;
    Object.defineProperty(o, 'hidden', { value: 5, enumerable: false });
    o[Symbol('s')] = 6;
    same(o);
  });

  test('sparse arrays, boxed primitives, an object that calls itself an Array, a Map', () => {
    const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
    sparse[6] = 7;
    const tagged = { 0: 'a', length: 1, [Symbol.toStringTag]: 'Array' };
    same({ sparse, boxed: [new String('ab'), new Number(2), new Boolean(false)], tagged, map: new Map([[1, 2]]) });
  });

  test('seeded random graphs with shared objects and cycles', () => {
    let seed = 20261202;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = (xs) => xs[Math.floor(rand() * xs.length)];
    for (let round = 0; round < 200; round += 1) {
      const pool = [];
      const make = (depth) => {
        const r = rand();
        if (depth > 5 || r < 0.3) return pick(['s', 'arn:aws:s3:::b/*', 1, 0, true, null, undefined, '$["x"]']);
        if (r < 0.45 && pool.length) return pick(pool);
        const node = rand() < 0.5 ? [] : {};
        pool.push(node);
        const n = Math.floor(rand() * 5);
        for (let i = 0; i < n; i += 1) {
          const child = make(depth + 1);
          if (Array.isArray(node)) node.push(child);
          else node[pick(['Ref', 'Fn::GetAtt', 'a', 'b', '1', 'Statement', `k${i}`])] = child;
        }
        return node;
      };
      const root = { service: make(0), provider: make(0) };
      // close some cycles
      for (const node of pool.slice(0, 3)) {
        if (Array.isArray(node)) node.push(pick(pool));
        else node.back = pick(pool);
      }
      same(root);
    }
  });

  test('what it writes reads back with json-cycle into the same graph', () => {
    const shared = { Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' };
    const doc = { Resources: { A: { Statement: [shared] }, B: { Statement: [shared] } } };
    const back = jc.parse(stringify(doc, null, 2));
    expect(back.Resources.B.Statement[0]).toBe(back.Resources.A.Statement[0]);
    expect(JSON.stringify(back)).toBe(JSON.stringify(doc));
  });
});

describe('the wrapped writer', () => {
  const writer = (setting) => {
    const calls = [];
    const utils = { writeFileSync: (...args) => calls.push(args) };
    wrap(utils, () => setting);
    return { utils, calls };
  };
  const state = { service: { a: [1] }, package: {} };

  test('a JSON file with cycles is handed to the framework as json-cycle text', () => {
    const { utils, calls } = writer(undefined);
    utils.writeFileSync('/s/.serverless/serverless-state.json', state, true);
    expect(calls).toEqual([['/s/.serverless/serverless-state.json', jc.stringify(state, null, 2), true]]);
  });

  test('stateWriter: framework, files without cycles and other files go to the framework unchanged', () => {
    const optedOut = writer('framework');
    optedOut.utils.writeFileSync('/s/serverless-state.json', state, true);
    expect(optedOut.calls[0][1]).toBe(state);
    const { utils, calls } = writer('fast');
    utils.writeFileSync('/s/template.json', state, false);
    utils.writeFileSync('/s/state.yml', state, true);
    utils.writeFileSync('/s/state.json', 'text', true);
    expect(calls.map((c) => c[1])).toEqual([state, state, 'text']);
  });

  test('nothing is installed on a framework whose writer is unknown', () => {
    const utils = { writeFileSync: () => {} };
    const original = utils.writeFileSync;
    expect(install({ utils }, () => undefined)).toBe(false);
    expect(utils.writeFileSync).toBe(original);
  });
});
