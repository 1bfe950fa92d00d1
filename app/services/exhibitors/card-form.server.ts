import { CompanyCard } from "~/api/schemas/exhibitors";
import { StaffCreate } from "~/api/schemas/staff";
import { fieldsFromZod } from "~/api/http.server";
import { HttpError } from "~/utils/errors.server";
import { formString, list, optional } from "~/utils/forms.server";
import { normalizePhones, normalizeWebsite } from "~/utils/validators";
import { staffPhone } from "./staff-input.server";

const invalid = (fields: Record<string, string>) => new HttpError(422, "validation_failed", "Some fields are invalid.", fields);

/** The company card form, validated by the same schema as the API. */
export function cardFromForm(form: FormData) {
  const phonesRaw = formString(form, "phones") ?? "";
  const { phones, invalid: badPhones } = normalizePhones(phonesRaw, "RU");
  const websiteRaw = optional(form, "website");
  const website = websiteRaw ? normalizeWebsite(websiteRaw) : null;
  const candidate = {
    name: formString(form, "name") ?? "",
    legalName: optional(form, "legalName"),
    inn: optional(form, "inn"),
    country: optional(form, "country"),
    city: optional(form, "city"),
    address: optional(form, "address"),
    website: websiteRaw && !website ? websiteRaw : website,
    phones,
    emails: list(form, "emails"),
    descriptionRu: optional(form, "descriptionRu"),
    descriptionEn: optional(form, "descriptionEn"),
  };
  const parsed = CompanyCard.safeParse(candidate);
  const fields = parsed.success ? {} : fieldsFromZod(parsed.error);
  if (badPhones.length) fields.phones = "Not a valid phone number";
  if (Object.keys(fields).length) throw invalid(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.split(".")[0], v])));
  return parsed.data!;
}

export function staffFromForm(form: FormData) {
  const parsed = StaffCreate.safeParse({
    lastName: formString(form, "lastName") ?? "",
    firstName: formString(form, "firstName") ?? "",
    middleName: optional(form, "middleName"),
    position: optional(form, "position"),
    email: formString(form, "email") ?? "",
    phone: optional(form, "phone"),
  });
  if (!parsed.success) throw invalid(fieldsFromZod(parsed.error));
  return { ...parsed.data, phone: staffPhone(parsed.data.phone) };
}

/** The manager's stand / area / quota / parent form; the same limits as the API's ExhibitorPatch. */
export function settingsFromForm(form: FormData) {
  const stand = optional(form, "stand");
  const area = optional(form, "areaM2");
  const quotaRaw = optional(form, "staffQuota") ?? "";
  const quota = /^\d{1,5}$/.test(quotaRaw) ? Number(quotaRaw) : NaN;
  const areaM2 = area ? Number(area.replace(",", ".")) : null;
  const fields: Record<string, string> = {};
  if (!stand) fields.stand = "Required";
  else if (stand.length > 50) fields.stand = "Too long";
  if (!(quota >= 0 && quota <= 10000)) fields.staffQuota = "expected number";
  if (areaM2 !== null && !(areaM2 > 0 && areaM2 <= 100000)) fields.areaM2 = "expected number";
  if (Object.keys(fields).length) throw invalid(fields);
  return { stand: stand!, areaM2, staffQuota: quota, parentExhibitorId: optional(form, "parentExhibitorId") };
}

/** The company card as the card form shows it (lists joined with commas). */
export function cardView(o: { name: string; legalName: string | null; inn: string | null; country: string | null; city: string | null; address: string | null; website: string | null; phones: string[]; emails: string[]; descriptionRu: string | null; descriptionEn: string | null }) {
  return { name: o.name, legalName: o.legalName, inn: o.inn, country: o.country, city: o.city, address: o.address, website: o.website, phones: o.phones.join(", "), emails: o.emails.join(", "), descriptionRu: o.descriptionRu, descriptionEn: o.descriptionEn };
}
