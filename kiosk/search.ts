// Manual search at the kiosk for people without their QR, over the offline copy in IndexedDB.
// The normalisation is shared with the server's search: app/utils/people-search.ts.
export { searchKey, searchPeople, type Searchable } from "~/utils/people-search";
