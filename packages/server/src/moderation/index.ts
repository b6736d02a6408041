export * from './verdict.js';
export * from './events.js';
export { ModerationHub } from './hub.js';
