import { escapeHtml, safeUrl, type MailLocale } from "./format";

// Templates describe a mail as a list of blocks; this module turns the same blocks into HTML and
// plain text, so the two versions cannot drift apart and escaping happens in one place.

export type Block =
  | { kind: "p"; text: string }
  | { kind: "facts"; rows: Array<[label: string, value: string]> }
  | { kind: "qr"; cid: string; code: string; alt: string; caption: string }
  | { kind: "button"; href: string; label: string }
  | { kind: "note"; text: string };

export function renderHtml(locale: MailLocale, title: string, blocks: Block[]): string {
  const body = blocks.map(blockHtml).join("\n");
  return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:24px 12px;background:#f3f4f6;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f2328">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
${body}
</div>
</body>
</html>
`;
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case "p":
      return `<p style="margin:0 0 16px">${multiline(block.text)}</p>`;
    case "note":
      return `<p style="margin:16px 0 0;font-size:13px;color:#6b7280">${multiline(block.text)}</p>`;
    case "facts":
      return `<table role="presentation" style="margin:0 0 16px;border-collapse:collapse">${block.rows
        .map(
          ([label, value]) =>
            `<tr><td style="padding:2px 12px 2px 0;color:#6b7280;vertical-align:top">${escapeHtml(label)}</td><td style="padding:2px 0">${multiline(value)}</td></tr>`,
        )
        .join("")}</table>`;
    case "qr":
      return `<div style="margin:0 0 16px;text-align:center"><img src="cid:${escapeHtml(block.cid)}" alt="${escapeHtml(block.alt)}" width="240" height="240" style="display:block;margin:0 auto;width:240px;height:240px"><div style="margin-top:8px;font-size:13px;color:#6b7280">${escapeHtml(block.caption)}</div><div style="font-family:monospace;font-size:11px;word-break:break-all;color:#6b7280">${escapeHtml(block.code)}</div></div>`;
    case "button":
      return `<p style="margin:0 0 16px"><a href="${escapeHtml(safeUrl(block.href))}" style="display:inline-block;padding:10px 18px;background:#1d4ed8;color:#ffffff;text-decoration:none;border-radius:6px">${escapeHtml(block.label)}</a></p>`;
  }
}

function multiline(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, "<br>");
}

export function renderText(blocks: Block[]): string {
  return (
    blocks
      .map((block) => {
        switch (block.kind) {
          case "p":
          case "note":
            return block.text;
          case "facts":
            return block.rows.map(([label, value]) => `${label}: ${value}`).join("\n");
          case "qr":
            return `${block.caption}:\n${block.code}`;
          case "button":
            return `${block.label}: ${safeUrl(block.href)}`;
        }
      })
      .join("\n\n") + "\n"
  );
}
