import type { CSSResultGroup } from 'lit';
import { base } from './styles/base.js';
import { list } from './styles/list.js';
import { overlays } from './styles/overlays.js';
import { pages } from './styles/pages.js';
import { narrow, shell } from './styles/shell.js';
import { tokens } from './styles/tokens.js';

/** The console's style sheets, in cascade order (the narrow-screen rules last). */
export const styles: CSSResultGroup = [tokens, base, shell, list, pages, overlays, narrow];
