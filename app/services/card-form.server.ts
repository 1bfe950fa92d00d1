import { CompanyCard, StaffCreate } from "~/api/schemas";
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
