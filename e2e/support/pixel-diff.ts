import type { Browser } from 'playwright-core';

export interface PixelDifference {
  width: number;
  height: number;
  /** Pixels whose colour differs by more than the tolerance in any channel. */
  differing: number;
  ratio: number;
}

/**
 * Compares two PNG screenshots pixel by pixel. Chromium decodes them (no image library needed):
 * a pixel counts as different when any RGB channel differs by more than `channelTolerance` (0–255),
 * which forgives anti-aliasing and sub-pixel text rendering but not a missing or moved element.
 */
export async function pixelDifference(browser: Browser, a: Buffer, b: Buffer, channelTolerance = 32): Promise<PixelDifference> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    return await page.evaluate(
      async ([first, second, tolerance]) => {
        const pixels = async (base64: string) => {
          const image = new Image();
          image.src = `data:image/png;base64,${base64}`;
          await image.decode();
          const canvas = document.createElement('canvas');
          canvas.width = image.naturalWidth;
          canvas.height = image.naturalHeight;
          const context2d = canvas.getContext('2d')!;
          context2d.drawImage(image, 0, 0);
          return context2d.getImageData(0, 0, canvas.width, canvas.height);
        };
        const [x, y] = await Promise.all([pixels(first as string), pixels(second as string)]);
        if (x.width !== y.width || x.height !== y.height) throw new Error(`sizes differ: ${x.width}×${x.height} vs ${y.width}×${y.height}`);
        let differing = 0;
        for (let i = 0; i < x.data.length; i += 4) {
          const delta = Math.max(Math.abs(x.data[i] - y.data[i]), Math.abs(x.data[i + 1] - y.data[i + 1]), Math.abs(x.data[i + 2] - y.data[i + 2]));
          if (delta > (tolerance as number)) differing += 1;
        }
        const total = x.width * x.height;
        return { width: x.width, height: x.height, differing, ratio: differing / total };
      },
      [a.toString('base64'), b.toString('base64'), channelTolerance] as const,
    );
  } finally {
    await context.close();
  }
}
