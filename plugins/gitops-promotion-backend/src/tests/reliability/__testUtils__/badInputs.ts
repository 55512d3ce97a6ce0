/**
 * A generated corpus of bad input: for each field of each route, values that
 * must be refused (path traversal, YAML injection, control characters,
 * Unicode confusables, oversized strings, wrong types), each required field
 * missing, and malformed bodies.
 */

/** How a field is sent and what it holds. */
export type FieldKind =
  | 'string'
  | 'string[]'
  | 'string|string[]'
  | 'integer'
  | 'boolean';

/** A route's valid request, and its fields. */
export interface RouteSpec {
  method: 'get' | 'post' | 'delete';
  /** Express path; `:id` is replaced by `pathParams.id`. */
  path: string;
  auth: 'user' | 'service';
  /** Where the fields go. */
  in: 'query' | 'body';
  valid: Record<string, unknown>;
  fields: Record<string, FieldKind>;
  required: string[];
  pathParams?: Record<string, string>;
  /** Headers the route reads (Idempotency-Key). */
  headers?: string[];
}

/** One bad request. */
export interface BadRequest {
  route: string;
  label: string;
  method: 'get' | 'post' | 'delete';
  path: string;
  auth: 'user' | 'service';
  query?: string;
  body?: unknown;
  raw?: { contentType: string; data: string };
  headers?: Record<string, string>;
  /** The answer a rule of the planner owes this request, when more is known than "a clear 4xx". */
  expect?: { status: number; message: string | RegExp };
}

/**
 * A request the schema accepts but a promotion-integrity rule must refuse
 * (a stale pin, a commit off the branch, a reused key): a body of its own
 * over the route's valid request, and the status and message it must get.
 */
export interface IntegrityCase {
  label: string;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  status: number;
  message: string | RegExp;
}

/** The integrity cases of a route as bad requests, sent like its corpus. */
export function integrityRequestsFor(
  name: string,
  spec: RouteSpec,
  cases: IntegrityCase[],
): BadRequest[] {
  return cases.map(c => ({
    route: name,
    label: c.label,
    method: spec.method,
    path: spec.path,
    auth: spec.auth,
    body: c.body,
    headers: c.headers,
    expect: { status: c.status, message: c.message },
  }));
}

const MB = 1024 * 1024;

/** Strings no field accepts, by family. */
export const BAD_STRINGS: Record<string, string[]> = {
  'path traversal': [
    '../../../etc/passwd',
    '..%2f..%2fetc%2fpasswd',
    '/etc/passwd',
    'envs/../../secrets',
    '..\\..\\windows\\system32',
    '....//....//etc',
    '%2e%2e%2f',
    '~/.ssh/id_rsa',
    'file:///etc/passwd',
  ],
  'YAML injection': [
    '1.0\nevil: true',
    '1.0"\nimage:\n  tag: pwned',
    '&anchor [*anchor]',
    '!!js/function "function(){}"',
    '{tag: 1}',
    '- 1.0',
    '1.0 # comment',
    "'1.0'",
    '---\nkind: Secret',
    '|\n  block',
    '1.0: 2.0',
    '${{ secrets.TOKEN }}',
    '<<: *base',
  ],
  'control characters': [
    '\u0000',
    'a\u0000b',
    '1.0\u0007',
    'a\rb',
    '\u001b[31mred\u001b[0m',
    'a\u2028b',
    'tab\there',
    '\u0008\u0008',
    'del\u007f',
  ],
  'unicode confusables': [
    'сheckout',
    'prod\u2010eu',
    'ｓｔａｇｉｎｇ',
    'staging\u200b',
    '\u202egnigats',
    'İstaging',
    'chec\u0301kout',
    '１.０.０',
  ],
  'empty and blank': ['', ' ', '   \t'],
  oversized: ['x'.repeat(4096)],
};

/** Strings only sent in JSON bodies: they do not fit in a URL. */
const BODY_ONLY_STRINGS = [
  'x'.repeat(60_000),
  'x'.repeat(MB),
  'é'.repeat(MB / 2),
];

/** JSON values of the wrong type for a string field. */
const NOT_STRINGS: unknown[] = [
  42,
  -1,
  1.5,
  true,
  null,
  {},
  { $gt: '' },
  [],
  [['nested']],
];

/** Values that are not a list of strings. */
const NOT_STRING_LISTS: unknown[] = [
  'staging',
  42,
  true,
  null,
  {},
  [42],
  [null],
  [{}],
  [['nested']],
  [],
  Array.from({ length: 600 }, (_, i) => `v${i}`),
];

// Integers of the query string are JSON Schema integers read as the spec's
// validator reads them (`0x10` is 16, ` 5` is 5): what it refuses is here.
const NOT_INTEGERS = [
  'abc',
  '-1',
  '0',
  '1.5',
  '1e9',
  '',
  'Infinity',
  'NaN',
  '5 apples',
];
const NOT_BOOLEANS: unknown[] = ['yes', 'true', 1, 0, null, {}, []];

/** A deterministic pseudo-random source (mulberry32), for the heavy mode's fuzzing. */
export function seededRandom(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random strings mixing the corpus's dangerous characters, for the heavy mode. */
export function fuzzStrings(count: number, seed = 9): string[] {
  const random = seededRandom(seed);
  const alphabet = [
    ...'../\\:\n\r\t\u0000\u001b\u2028\u202e\u200b"\'{}[]&*!|#-%$~',
    'с',
    'ｓ',
    'İ',
    '\u0301',
    'a',
    '1',
  ];
  // A string of letters, digits and `.-/:` alone may well be valid input.
  const dangerous = /[^\x21-\x7e]|["'{}[\]&*!|#%$~\\]/;
  const strings: string[] = [];
  while (strings.length < count) {
    const length = 1 + Math.floor(random() * 40);
    let text = '';
    for (let i = 0; i < length; i++) {
      text += alphabet[Math.floor(random() * alphabet.length)];
    }
    if (dangerous.test(text)) strings.push(text);
  }
  return strings;
}

function allBadStrings(extra: string[]) {
  return [
    ...Object.entries(BAD_STRINGS).flatMap(([family, values]) =>
      values.map(value => ({ family, value })),
    ),
    ...extra.map(value => ({ family: 'fuzz', value })),
  ];
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40
    ? `${text.slice(0, 30)}… (${text.length} chars)`
    : text;
}

function toQuery(fields: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) value.forEach(v => params.append(key, String(v)));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Every bad request for one route. */
export function badRequestsFor(
  name: string,
  spec: RouteSpec,
  options: { fuzz?: string[] } = {},
): BadRequest[] {
  const path = spec.path.replace(/:(\w+)/g, (_, p) => spec.pathParams![p]);
  const requests: BadRequest[] = [];
  const send = (
    label: string,
    fields: Record<string, unknown>,
    extra: Partial<BadRequest> = {},
  ) => {
    const request: BadRequest = {
      route: name,
      label,
      method: spec.method,
      path,
      auth: spec.auth,
      ...extra,
    };
    if (spec.in === 'query') request.query = toQuery(fields);
    else request.body = fields;
    requests.push(request);
  };
  const strings = allBadStrings(options.fuzz ?? []);

  for (const [field, kind] of Object.entries(spec.fields)) {
    const withValue = (value: unknown) => ({ ...spec.valid, [field]: value });
    const isListField = kind === 'string[]' || kind === 'string|string[]';
    if (kind === 'string' || isListField) {
      for (const { family, value } of strings) {
        send(
          `${field}: ${family} ${describe(value)}`,
          withValue(isListField && spec.in === 'body' ? [value] : value),
        );
      }
    }
    if (spec.in === 'body' && (kind === 'string' || isListField)) {
      for (const value of BODY_ONLY_STRINGS) {
        send(
          `${field}: oversized ${describe(value)}`,
          withValue(isListField ? [value] : value),
        );
      }
    }
    if (spec.in === 'body' && kind === 'string') {
      for (const value of NOT_STRINGS) {
        send(`${field}: wrong type ${describe(value)}`, withValue(value));
      }
    }
    if (spec.in === 'body' && kind === 'string[]') {
      for (const value of NOT_STRING_LISTS) {
        send(`${field}: wrong type ${describe(value)}`, withValue(value));
      }
    }
    if (spec.in === 'query' && kind === 'string') {
      // a repeated parameter arrives as a list
      send(`${field}: repeated`, withValue(['a', 'b']));
    }
    if (spec.in === 'query') {
      // bracket syntax arrives as an object
      const query = toQuery(spec.valid).replace(/^\?/, '');
      requests.push({
        route: name,
        label: `${field}: object via brackets`,
        method: spec.method,
        path,
        auth: spec.auth,
        query: `?${query ? `${query}&` : ''}${field}[$ne]=x`,
      });
    }
    if (kind === 'integer') {
      for (const value of NOT_INTEGERS) {
        send(`${field}: not an integer ${describe(value)}`, withValue(value));
      }
    }
    if (kind === 'boolean') {
      for (const value of NOT_BOOLEANS) {
        send(`${field}: not a boolean ${describe(value)}`, withValue(value));
      }
    }
  }
  for (const [param, valid] of Object.entries(spec.pathParams ?? {})) {
    for (const { family, value } of strings) {
      // an empty segment is another route (the list), not a bad id
      if (!value.trim()) continue;
      requests.push({
        route: name,
        label: `${param}: ${family} ${describe(value)}`,
        method: spec.method,
        path: spec.path.replace(`:${param}`, encodeURIComponent(value)),
        auth: spec.auth,
      });
    }
    requests.push({
      route: name,
      label: `${param}: unknown`,
      method: spec.method,
      path: spec.path.replace(
        `:${param}`,
        valid.replace(/.$/, c => (c === '0' ? '1' : '0')),
      ),
      auth: spec.auth,
    });
  }
  for (const field of spec.required) {
    const { [field]: _missing, ...rest } = spec.valid;
    send(`${field}: missing`, rest);
  }
  if (spec.in === 'body') {
    send('unknown field path', { ...spec.valid, path: '/etc/passwd' });
    send('unknown field repository', {
      ...spec.valid,
      repository: 'https://evil.example/repo.git',
    });
    // sent as text: a client library would turn the key into a prototype
    requests.push({
      route: name,
      label: 'unknown field __proto__',
      method: spec.method,
      path,
      auth: spec.auth,
      raw: {
        contentType: 'application/json',
        data: `{"__proto__": {"admin": true}, ${JSON.stringify(
          spec.valid,
        ).slice(1)}`,
      },
    });
    for (const [label, data] of [
      ['malformed JSON', '{"entityRef": '],
      ['JSON array', '[]'],
      ['JSON null', 'null'],
      ['JSON number', '1'],
      ['JSON string', '"promote"'],
      ['deeply nested', `${'['.repeat(5000)}${']'.repeat(5000)}`],
      [
        'body over the limit',
        JSON.stringify({ ...spec.valid, pad: 'x'.repeat(MB) }),
      ],
    ] as const) {
      requests.push({
        route: name,
        label,
        method: spec.method,
        path,
        auth: spec.auth,
        raw: { contentType: 'application/json', data },
      });
    }
    requests.push({
      route: name,
      label: 'form-encoded body',
      method: spec.method,
      path,
      auth: spec.auth,
      raw: {
        contentType: 'application/x-www-form-urlencoded',
        data: new URLSearchParams(
          spec.valid as Record<string, string>,
        ).toString(),
      },
    });
  }
  for (const header of spec.headers ?? []) {
    for (const value of ['', 'x'.repeat(256), 'x'.repeat(8_000)]) {
      send(`${header}: ${describe(value)}`, spec.valid, {
        headers: { [header]: value },
      });
    }
  }
  return requests;
}
