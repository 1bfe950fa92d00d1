import { HttpError } from "~/utils/errors.server";
import { normalizePhones } from "~/utils/validators";

/** One phone for a staff member, in E.164 (default region RU); a bad number is a 422 on the field. */
export function staffPhone(raw: string | null | undefined): string | null {
  if (!raw || !raw.trim()) return null;
  const { phones, invalid } = normalizePhones(raw, "RU");
  if (invalid.length || phones.length === 0) throw new HttpError(422, "validation_failed", "Some fields are invalid.", { phone: "Not a valid phone number" });
  return phones[0];
}
