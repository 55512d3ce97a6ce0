import { GitIdentity } from '../repository/types';

/** C0 and C1 control characters (NUL, CR, LF, ...), DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * An e-mail address git and the trailers can carry: the WHATWG "valid e-mail
 * address" shape (no spaces, angle brackets or quotes), at most 254 characters.
 */
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * `text` as one line: control characters and line separators become spaces,
 * runs of whitespace one space, no leading or trailing space. Whatever the
 * input, the result never starts a new line of a commit message.
 */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKING, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * The identity a commit and its `Co-authored-by:` trailer show for the
 * Backstage principal `entityRef` (`user:default/jane`, or
 * `<type>:<subject>` for a service), from what its catalog profile says:
 * the name on one line without `<` or `>`, the e-mail only when it has the
 * shape of an address. Anything unusable falls back to the synthetic identity:
 * the entity's name and `<name>@users.backstage.invalid` (services:
 * `<subject>@services.backstage.invalid`).
 *
 * The one place identities from outside are made safe: a display name such as
 * `Jane\nPromotion-Id: evil` cannot add a line to a commit message.
 */
export function requesterGitIdentity(
  entityRef: string,
  profile: { name?: unknown; email?: unknown } = {},
): GitIdentity {
  const fallback = syntheticIdentity(entityRef);
  const name =
    (typeof profile.name === 'string' && cleanName(profile.name)) ||
    cleanName(fallback.name) ||
    'unknown';
  const email =
    typeof profile.email === 'string' && isEmail(oneLine(profile.email))
      ? oneLine(profile.email)
      : fallback.email;
  return { name, email };
}

function syntheticIdentity(entityRef: string): GitIdentity {
  const ref = oneLine(entityRef);
  if (ref.toLocaleLowerCase('en-US').startsWith('user:')) {
    const name = ref.slice(Math.max(ref.lastIndexOf('/'), 4) + 1);
    return { name, email: `${localPart(name)}@users.backstage.invalid` };
  }
  const subject = ref.slice(ref.indexOf(':') + 1);
  return {
    name: subject,
    email: `${localPart(subject)}@services.backstage.invalid`,
  };
}

function cleanName(name: string): string {
  return oneLine(name.replace(/[<>]/g, ' '));
}

function localPart(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '-') || 'unknown';
}

function isEmail(email: string): boolean {
  return email.length <= 254 && EMAIL.test(email);
}
