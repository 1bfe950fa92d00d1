import type { LinksFunction } from "@remix-run/node";
import type { MetaFunction } from "@remix-run/react";
import { KioskApp } from "../../kiosk/app";
import kioskStyles from "../../kiosk/kiosk.css?url";

// The kiosk client lives in kiosk/; this route only serves it at /kiosk.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: kioskStyles }];
export const meta: MetaFunction = () => [{ title: "Expo Desk — kiosk" }];

export default function Kiosk() {
  return <KioskApp />;
}
