/**
 * [PAINT-15] The thread's live parts: one lazy chunk, fetched with Socket.IO once the first page is
 * painted (live-parts-loader.ts). `<parley-composer>` (defined here), the economy's live store and
 * read tracker, the moderation desk, a comment's inline forms, what follows presence and notes (Yjs
 * itself is a chunk of its own, after the first join), what a comment's actions do, the console's
 * word on unsigned gate attributes, and the words only they say.
 */
import '../composer/define-composer.js';
import { renderDeleteConfirmation, renderEditForm, renderFlagChooser, renderHiddenBody, renderProblem, renderReplyForm } from '../comment/comment-forms.js';
import { driveEconomy } from '../economy/economy-driver.js';
import { picker, problem, status } from '../economy/report-status.js';
import { ModerationDesk } from './moderation-desk.js';
import { followRoom, keepCaret, notesEdited, typingFrom } from '../realtime/follow-room.js';
import { typingSentence } from '../realtime/typing-sentence.js';
import { applyCommentAction } from './comment-actions.js';
import { warnUnsignedAttributes } from './gate-attributes.js';
import { registerLiveParts } from './live-parts-loader.js';

const report = { status, picker, problem };
const forms = { renderEditForm, renderReplyForm, renderDeleteConfirmation, renderFlagChooser, renderProblem, renderHiddenBody };

export const liveParts = { forms, report, driveEconomy, ModerationDesk, followRoom, typingFrom, notesEdited, keepCaret, typingSentence,
  applyCommentAction, warnUnsignedAttributes };

registerLiveParts(liveParts);
