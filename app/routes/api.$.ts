import { errorResponse } from "~/api/http.server";

// Unknown API paths answer in the envelope, not with the HTML 404 page.
const notFound = async () => errorResponse(404, "not_found", "No such API endpoint.");
export const loader = notFound;
export const action = notFound;
