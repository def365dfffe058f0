// The admin guard: `Authorization: Bearer $KEEL_ADMIN_TOKEN`. With no token
// configured the admin routes are refused unless KEEL_INSECURE_ADMIN=1.

import { timingSafeEqual } from "node:crypto";
import { AppError } from "../errors.ts";

export interface AdminAuthOptions {
  adminToken: string | undefined;
  insecureAdmin: boolean;
}

/** Returns the caller's identity for the audit trail, or throws 401/403. */
export function authorizeAdmin(headers: Headers, options: AdminAuthOptions): string {
  if (!options.adminToken) {
    if (options.insecureAdmin) return "admin(insecure)";
    throw new AppError(
      "FORBIDDEN",
      "Admin routes are disabled: set KEEL_ADMIN_TOKEN (or KEEL_INSECURE_ADMIN=1 for local development)",
    );
  }
  const header = headers.get("authorization") ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match) {
    throw new AppError(
      "UNAUTHORIZED",
      "This route needs an Authorization: Bearer <KEEL_ADMIN_TOKEN> header",
    );
  }
  if (!sameSecret(match[1]!, options.adminToken)) {
    throw new AppError("FORBIDDEN", "The admin token is not valid");
  }
  return "admin";
}

function sameSecret(given: string, expected: string): boolean {
  const hash = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest();
  return timingSafeEqual(hash(given), hash(expected));
}
