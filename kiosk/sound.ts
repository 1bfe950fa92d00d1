// Optional sound per outcome, made with WebAudio (no files to load). Off by default: a setting of
// this kiosk (the browser's localStorage), switched on the kiosk's bar.
let ctx: AudioContext | null = null;
const SOUND_KEY = "expodesk.sound";

export function soundEnabled(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) === "on";
  } catch {
    return false;
  }
}

export function setSoundEnabled(on: boolean): void {
  try {
    if (on) localStorage.setItem(SOUND_KEY, "on");
    else localStorage.removeItem(SOUND_KEY);
  } catch {
    // private mode: the setting lasts for this page only
  }
}

/** The tones of an outcome: green one high beep, yellow two middle ones, red two low ones. */
export function tonesFor(kind: "green" | "yellow" | "red" | "warn"): number[] {
  return kind === "green" ? [880] : kind === "red" ? [220, 180] : [660, 660];
}

export function beep(kind: "green" | "yellow" | "red" | "warn"): void {
  if (!soundEnabled()) return;
  try {
    ctx ??= new AudioContext();
    void ctx.resume?.();
    tonesFor(kind).forEach((hz, i) => {
      const osc = ctx!.createOscillator();
      const gain = ctx!.createGain();
      osc.frequency.value = hz;
      gain.gain.value = 0.15;
      osc.connect(gain).connect(ctx!.destination);
      const start = ctx!.currentTime + i * 0.18;
      osc.start(start);
      osc.stop(start + 0.14);
    });
  } catch {
    // No audio device: the colours still tell.
  }
}
