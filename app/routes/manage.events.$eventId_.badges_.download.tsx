import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useRef, useState } from "react";
import { useT } from "~/i18n/react";
import { bulkCounts, bulkScope, exhibitorChoices } from "~/services/print/bulk.server";
import { HttpError } from "~/utils/errors.server";
import { actorOf, isManager } from "~/utils/permissions.server";
import { requireUser } from "~/utils/session.server";
import { idParam } from "~/utils/ids";

// Bulk badges as one PDF with a progress bar. The PDF is read with fetch + a stream reader: the
// server announces the page count (X-Badge-Pages) and the page counts the PDF's page objects as
// they arrive, so the bar moves with the rendering, not with a guess.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = actorOf(await requireUser(request));
  const exhibitorId = new URL(request.url).searchParams.get("exhibitorId") || null;
  try {
    const scope = await bulkScope(actor, idParam(params, "eventId"), exhibitorId);
    const manager = isManager(actor);
    const exhibitors = manager ? await exhibitorChoices(scope.eventId) : [];
    return { scope, manager, exhibitors, counts: await bulkCounts(scope) };
  } catch (err) {
    if (err instanceof HttpError) throw new Response(err.message, { status: err.status });
    throw err;
  }
}

const PAGE_MARK = "/Type /Page\n";

/** Counts finished pages in a PDF stream (a mark may straddle two chunks). */
function pageCounter() {
  let tail = "";
  let pages = 0;
  const decoder = new TextDecoder("latin1");
  return (chunk: Uint8Array) => {
    const text = tail + decoder.decode(chunk, { stream: true });
    let at = text.indexOf(PAGE_MARK);
    while (at !== -1) {
      pages++;
      at = text.indexOf(PAGE_MARK, at + PAGE_MARK.length);
    }
    tail = text.slice(-(PAGE_MARK.length - 1));
    return pages;
  };
}

type State = { phase: "idle" } | { phase: "running"; pages: number; total: number; bytes: number } | { phase: "done"; pages: number; url: string; name: string } | { phase: "error"; message: string };

export default function BadgeDownload() {
  const { scope, manager, exhibitors, counts } = useLoaderData<typeof loader>();
  const t = useT();
  const [state, setState] = useState<State>({ phase: "idle" });
  const abort = useRef<AbortController | null>(null);

  const start = async () => {
    abort.current = new AbortController();
    const q = scope.exhibitorId ? `?exhibitorId=${scope.exhibitorId}` : "";
    try {
      const res = await fetch(`/manage/events/${scope.eventId}/badges/pdf${q}`, { signal: abort.current.signal });
      if (!res.ok || !res.body) throw new Error(`${res.status}`);
      const total = Number(res.headers.get("x-badge-pages") ?? counts.pages);
      const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "badges.pdf";
      const count = pageCounter();
      const chunks: Uint8Array[] = [];
      let bytes = 0;
      let pages = 0;
      setState({ phase: "running", pages: 0, total, bytes: 0 });
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        bytes += value.byteLength;
        pages = count(value);
        setState({ phase: "running", pages: Math.min(pages, total), total, bytes });
      }
      const url = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: "application/pdf" }));
      setState({ phase: "done", pages, url, name });
      // Save right away; the link stays for a second try.
      const a = document.createElement("a");
      a.href = url;
      a.download = name;
      a.click();
    } catch (err) {
      if ((err as Error).name === "AbortError") setState({ phase: "idle" });
      else setState({ phase: "error", message: t("bulk.failed") });
    }
  };

  const running = state.phase === "running";
  return (
    <>
      <p>
        {manager ? (
          <Link to={`/manage/events/${scope.eventId}/badges`}>← {t("badges.title")}</Link>
        ) : (
          <Link to="/cabinet">← {t("bulk.backToCabinet")}</Link>
        )}
      </p>
      <h1>{t("bulk.title")}</h1>
      <p className="muted">
        {scope.eventName}
        {scope.exhibitorName ? ` — ${scope.exhibitorName}` : ""}
      </p>
      {manager && (
        <form method="get" data-testid="bulk-scope" style={{ maxWidth: 520, marginBottom: "1rem" }}>
          <label htmlFor="f-exhibitor">{t("bulk.scope")}</label>
          <select id="f-exhibitor" name="exhibitorId" defaultValue={scope.exhibitorId ?? ""} disabled={running}>
            <option value="">{t("bulk.wholeEvent")}</option>
            {exhibitors.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
                {x.stand ? ` (${x.stand})` : ""}
              </option>
            ))}
          </select>
          <button type="submit" className="link" disabled={running}>
            {t("bulk.choose")}
          </button>
        </form>
      )}
      <section className="card">
        {counts.badges === 0 ? (
          <p className="empty" data-testid="bulk-empty">
            {t("bulk.none")}
          </p>
        ) : (
          <>
            <p data-testid="bulk-counts">{t("bulk.counts", { badges: counts.badges, pages: counts.pages })}</p>
            <div className="row">
              <button type="button" className="primary" onClick={start} disabled={running} data-testid="bulk-start">
                {t("bulk.download")}
              </button>
              {running && (
                <button type="button" className="link" onClick={() => abort.current?.abort()}>
                  {t("common.cancel")}
                </button>
              )}
            </div>
          </>
        )}
        {state.phase === "running" && (
          <div role="status" data-testid="bulk-progress">
            <progress max={Math.max(1, state.total)} value={state.pages} aria-label={t("bulk.title")} />
            <p className="small">{t("bulk.progress", { pages: state.pages, total: state.total, kb: Math.round(state.bytes / 1024) })}</p>
          </div>
        )}
        {state.phase === "done" && (
          <p className="notice" role="status" data-testid="bulk-done">
            {t("bulk.done", { pages: state.pages })}{" "}
            <a href={state.url} download={state.name}>
              {t("bulk.saveAgain")}
            </a>
          </p>
        )}
        {state.phase === "error" && (
          <p className="form-error" role="alert">
            {state.message}
          </p>
        )}
      </section>
    </>
  );
}
