import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useLoaderData, useLocation, useNavigation, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { useEffect } from "react";
import { useT } from "~/i18n/react";
import { localeFromRequest } from "~/i18n";
import { managesEvents } from "~/utils/permissions.server";
import { getUser } from "~/utils/session.server";
import styles from "./styles.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: styles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request);
  return {
    locale: localeFromRequest(request),
    user: user ? { name: user.name, role: user.role, email: user.email, manages: managesEvents(user.role) } : null,
  };
}

export function Layout({ children }: { children: React.ReactNode }) {
  // useRouteLoaderData, not useLoaderData: the Layout also wraps the error boundary.
  const data = useRouteLoaderData("root") as Awaited<ReturnType<typeof loader>> | undefined;
  return (
    <html lang={data?.locale ?? "ru"}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

function Header() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const location = useLocation();
  return (
    <header className="topbar">
      <Link to="/" className="brand">
        {t("app.name")}
      </Link>
      <nav>
        {data.user?.manages && <Link to="/manage">{t("nav.events")}</Link>}
        {data.user?.manages && <Link to="/manage/audience">{t("aud.nav")}</Link>}
        {data.user && !data.user.manages && <Link to="/cabinet">{t("nav.cabinet")}</Link>}
      </nav>
      <div className="spacer" />
      <Form method="post" action="/lang" className="inline">
        <input type="hidden" name="lang" value={data.locale === "ru" ? "en" : "ru"} />
        <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
        <button type="submit" className="link">
          {t("nav.language")}
        </button>
      </Form>
      {data.user && (
        <Form method="post" action="/logout" className="inline">
          <span className="who" data-testid="current-user">
            {data.user.name}
          </span>
          <button type="submit" className="link">
            {t("nav.logout")}
          </button>
        </Form>
      )}
    </header>
  );
}

export default function App() {
  // The kiosk is full screen: no site header.
  const kiosk = useLocation().pathname.startsWith("/kiosk");
  // Set once React has hydrated the page (its forms submit through the router from then on):
  // browser tests wait for it rather than for window.__remixRouter, which exists earlier.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  // Counts navigations that have settled and been drawn: the router's state turns idle before
  // React commits the new data, so browser tests wait for this count to move instead.
  const navigation = useNavigation().state;
  useEffect(() => {
    if (navigation !== "idle") return;
    const html = document.documentElement;
    html.dataset.settled = String(Number(html.dataset.settled ?? 0) + 1);
  }, [navigation]);
  return (
    <>
      {!kiosk && <Header />}
      <main>
        <Outlet />
      </main>
    </>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message = status === 404 ? t("error.notFound") : status === 403 ? t("error.forbidden") : t("error.server");
  return (
    <main className="narrow">
      <h1>{t("error.title")}</h1>
      <p role="alert">{message}</p>
      <p>
        <Link to="/">{t("app.name")}</Link>
      </p>
    </main>
  );
}
