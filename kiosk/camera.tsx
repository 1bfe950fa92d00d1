import { useEffect, useRef, useState } from "react";

// The kiosk's camera scanner (html5-qrcode).

const CAMERA_KEY = "expodesk.camera";
let cameraElements = 0;

/**
 * html5-qrcode on the chosen (remembered) camera, 10 frames a second. The camera starts once
 * per choice: `onCode` is read through a ref, so the kiosk's re-renders (every sync) do not
 * restart it, and a start that finishes after unmount is stopped at once.
 */
export function CameraScanner({ onCode, label }: { onCode: (code: string) => void; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;
  const stopping = useRef<Promise<void>>(Promise.resolve());
  const [cameras, setCameras] = useState<{ id: string; label: string }[]>([]);
  const [cameraId, setCameraId] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    void import("html5-qrcode").then(async ({ Html5Qrcode }) => {
      const list = await Html5Qrcode.getCameras().catch(() => []);
      if (cancelled) return;
      setCameras(list);
      const saved = localStorage.getItem(CAMERA_KEY);
      setCameraId(list.find((c) => c.id === saved)?.id ?? list[0]?.id ?? null);
    });
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    if (!cameraId) return;
    localStorage.setItem(CAMERA_KEY, cameraId);
    let cancelled = false;
    // html5-qrcode's own element, made here rather than by React: on unmount React has already
    // removed the host, and stop/clear look the element up by id. So it is put back into the
    // document (hidden) until the camera is stopped and cleared, then removed: no nodes left.
    const el = document.createElement("div");
    el.id = `kiosk-camera-${++cameraElements}`;
    ref.current?.appendChild(el);
    let scanner: { stop: () => Promise<void>; clear: () => void } | null = null;
    const release = (s: NonNullable<typeof scanner>) => {
      if (!el.isConnected) document.body.appendChild(Object.assign(el, { hidden: true }));
      return s
        .stop()
        .then(() => s.clear())
        .catch(() => {})
        .finally(() => el.remove());
    };
    void import("html5-qrcode").then(async ({ Html5Qrcode }) => {
      await stopping.current; // the previous camera must be released first
      if (cancelled || !el.isConnected) return void el.remove();
      const s = new Html5Qrcode(el.id);
      try {
        await s.start(
          cameraId,
          { fps: 10, qrbox: 250 },
          (text) => onCodeRef.current(text),
          () => {},
        );
      } catch {
        return void el.remove(); // no permission or the camera is busy: the button stays, nothing to stop
      }
      if (cancelled) stopping.current = release(s);
      else scanner = s;
    });
    return () => {
      cancelled = true;
      if (scanner) stopping.current = release(scanner);
      else if (!el.isConnected) el.remove();
    };
  }, [cameraId]);

  return (
    <>
      {cameras.length > 1 && (
        <select className="kiosk-camera-pick" value={cameraId ?? ""} onChange={(e) => setCameraId(e.target.value)} aria-label={label}>
          {cameras.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label || c.id}
            </option>
          ))}
        </select>
      )}
      <div id="kiosk-camera" ref={ref} className="kiosk-camera" />
    </>
  );
}
