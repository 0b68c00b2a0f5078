import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const ROLES = ['facilitator', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export type TokenHashes = Record<Role, string>;
export type Tokens = Record<Role, string>;

/** 128 bits, URL-safe: map ids are unguessable. */
export function newMapId(): string {
  return randomBytes(16).toString('base64url');
}

/** 256 bits each; only their hashes are stored. */
export function newTokens(): Tokens {
  return {
    facilitator: randomBytes(32).toString('base64url'),
    editor: randomBytes(32).toString('base64url'),
    viewer: randomBytes(32).toString('base64url'),
  };
}

/**
 * SHA-256 is enough here: tokens are 256 random bits, so there is nothing to
 * brute-force that a slow hash would protect.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function hashTokens(tokens: Tokens): TokenHashes {
  return {
    facilitator: hashToken(tokens.facilitator),
    editor: hashToken(tokens.editor),
    viewer: hashToken(tokens.viewer),
  };
}

/** The role a token grants, compared in constant time against every role's hash. */
export function roleForToken(token: string | null | undefined, hashes: TokenHashes): Role | null {
  if (!token || token.length > 200) return null;
  const presented = Buffer.from(hashToken(token), 'hex');
  let found: Role | null = null;
  for (const role of ROLES) {
    const stored = Buffer.from(hashes[role], 'hex');
    // Every role is compared, whatever matched, so timing does not reveal which.
    if (stored.length === presented.length && timingSafeEqual(stored, presented) && found === null) found = role;
  }
  return found;
}

export const MAP_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
