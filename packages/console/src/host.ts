/**
 * What the views ask of <parley-console> (main.ts): the state they draw and the actions their
 * buttons and forms call. The views are functions of this host; the element owns the state.
 */
import type { Action, Item } from './api.js';
import type { View } from './routes.js';

export type Decision = 'approve' | 'reject' | 'hide' | 'delete' | 'keep' | 'unhide';
export interface BanDialog {
  title: string;
  items: Item[];
  ban: boolean;
}

export interface ConsoleHost {
  readonly view: View;
  readonly items: readonly Item[];
  readonly selected: ReadonlySet<string>;
  readonly loading: boolean;
  /** The loaded data of a thread, reader, log or settings view (its shape is the view's). */
  readonly detail: unknown;
  cursor: number;
  help: boolean;
  dialog: BanDialog | null;
  run(actions: Action[], done: string): Promise<void>;
  decide(kind: Decision): void;
  askBan(): void;
  unban(userId: string): void;
  toggle(item: Item): void;
  confirmBan(event: Event): void;
  saveThread(event: Event, id: string): Promise<void>;
  saveSettings(event: Event): Promise<void>;
  signOut(everywhere?: boolean): Promise<void>;
}
