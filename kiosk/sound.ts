// One short sound per outcome, made with WebAudio (no files to load).
let ctx: AudioContext | null = null;

export function beep(kind: "green" | "yellow" | "red"): void {
  try {
    ctx ??= new AudioContext();
    const tones = kind === "green" ? [880] : kind === "yellow" ? [660, 660] : [220, 180];
    tones.forEach((hz, i) => {
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
