import { accessSync, constants } from 'node:fs';
import { chromium, type Browser, type Locator } from 'playwright-core';

/**
 * The browser of the e2e tests: the system's Chromium (Debian's `chromium` package), driven by
 * playwright-core. Nothing is ever downloaded. `CHROMIUM_PATH` points at another binary.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const INSTALL_HINT = 'apt-get install -y chromium';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether this run is on CI, where Chromium is installed on purpose and its absence is a defect. */
const onCi = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());

/** Whether Chromium is installed where the tests look for it. */
export const chromiumInstalled = isExecutable(CHROMIUM_PATH);

/**
 * Whether the browser tests run: Chromium is there, or this is CI, where they must then fail
 * (in `launchBrowser`) rather than be skipped. Use as `describe.skipIf(!browserTestsEnabled)`.
 */
export const browserTestsEnabled = chromiumInstalled || onCi;

if (!chromiumInstalled && !onCi) {
  console.warn(
    `Browser tests skipped: no Chromium at ${CHROMIUM_PATH}. Install it with \`${INSTALL_HINT}\` (or set CHROMIUM_PATH to a Chromium binary).`,
  );
}

/** Launches headless Chromium; on a machine without it (CI, say), fails with the way to install it. */
export async function launchBrowser(): Promise<Browser> {
  if (!chromiumInstalled) {
    throw new Error(
      `Chromium is required for the browser tests${onCi ? ' on CI' : ''} but there is none at ${CHROMIUM_PATH}. Install it with \`${INSTALL_HINT}\` or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** The browser's own validation message of a form control: `''` when the control is valid. */
export function validationMessage(control: Locator): Promise<string> {
  // The project compiles without the DOM library: the element is typed by what is read from it.
  return control.evaluate((element) => (element as unknown as { validationMessage: string }).validationMessage);
}
