import { z } from "zod";

// An exhibitor's staff (badge holders).

export const StaffCreate = z
  .object({
    lastName: z.string().trim().min(1, "Required").max(100),
    firstName: z.string().trim().min(1, "Required").max(100),
    middleName: z.string().trim().max(100).nullable().optional(),
    position: z.string().trim().max(200).nullable().optional(),
    email: z.string().trim().toLowerCase().email("Invalid email").max(254),
    phone: z.string().trim().max(40).nullable().optional(),
  })
  .strict();

export const StaffPatch = StaffCreate.partial().strict();

export const Staff = z.object({
  id: z.string().uuid(),
  registrationId: z.string().uuid(),
  lastName: z.string(),
  firstName: z.string(),
  middleName: z.string().nullable(),
  position: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  status: z.string(),
});
