/** argon2id password hashing. Cost comes from configuration: OWASP's minimum by default, tiny in tests. */
import { hash, verify } from '@node-rs/argon2';
import { badRequest } from '../../platform/errors.ts';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /**
   * Checks a password. With no stored hash (unknown account, Box user) it still spends the time of a
   * real check against a dummy hash, so response times do not reveal which accounts exist.
   */
  verify(hashed: string | null, password: string): Promise<boolean>;
}

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

export function createPasswordHasher(memoryCost: number, timeCost: number): PasswordHasher {
  // algorithm 2 is argon2id in @node-rs/argon2's enum.
  const options = { algorithm: 2 as const, memoryCost, timeCost, parallelism: 1 };
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => hash(password, options),
    async verify(hashed, password) {
      const target = hashed ?? (await (dummy ??= hash('not a real password, only for timing', options)));
      try {
        return (await verify(target, password)) && hashed !== null;
      } catch {
        return false;
      }
    },
  };
}

export function assertPasswordPolicy(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) throw badRequest('PASSWORD_TOO_WEAK');
}
