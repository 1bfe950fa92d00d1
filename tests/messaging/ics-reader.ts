/** A small RFC 5545 reader for assertions: unfold, split "NAME;params:value", unescape TEXT. */
export function parseIcs(ics: string): Map<string, string> {
  const unfolded = ics.replace(/\r\n[ \t]/g, "");
  const props = new Map<string, string>();
  for (const line of unfolded.split("\r\n").filter(Boolean)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).split(";")[0];
    const value = line.slice(colon + 1).replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
    if (!props.has(name)) props.set(name, value);
  }
  return props;
}
