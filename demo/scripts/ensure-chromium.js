// The browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
// Installs it when missing and we are root; otherwise says exactly what to do.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const path = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(path)) {
  if (process.getuid?.() === 0) {
    console.log('Chromium not found: installing Debian\'s chromium package for the browser tests…');
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
  } else {
    console.error(`Chromium not found at ${path}. Install it (sudo apt-get install -y chromium) or set PARLEY_CHROMIUM.`);
    process.exit(1);
  }
}
