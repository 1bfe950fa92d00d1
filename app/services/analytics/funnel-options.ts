// Choices of the funnel page, shared by the page (client) and the server modules.
export const DIMENSIONS = ["channel", "category", "city", "manager"] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const CATEGORIES = ["visitor", "exhibitor_staff", "media", "speaker", "organizer", "vip"] as const;
export const BUDGET_KINDS = ["venue", "marketing", "printing", "staff", "other"] as const;
export type BudgetKind = (typeof BUDGET_KINDS)[number];
