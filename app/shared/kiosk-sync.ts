// What GET /api/v1/kiosk/registrations answers: the server builds it
// (app/services/kiosk/sync.server.ts), the kiosk stores it offline (kiosk/api.ts).

export interface SyncRegistration {
  id: string;
  name: string;
  company: string | null;
  category: string;
  status: string;
  /** The phone's digits, for the kiosk's search by the last digits of a phone. */
  phone: string | null;
}

export interface SyncPage {
  registrations: SyncRegistration[];
  /** Ids the kiosk must drop: deleted, or moved to a category this kiosk does not admit. */
  removed: string[];
  cursor: string;
  hasMore: boolean;
  /** The cursor was for other kiosk settings: this is a full sync from the start. */
  reset: boolean;
  publicKeys: string[];
  kiosk: { id: string; name: string; categories: string[]; printerId?: string | null };
  event: { id: string; name: string; timezone: string; startsAt: string; endsAt: string; doorsOpen: string | null; doorsClose: string | null };
  serverTime: string;
}
