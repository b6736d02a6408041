export { createCommandContext, randomId, type CommandContext, type CommandOutput } from './context.js';
export { joinThread } from './join-thread.js';
export { listComments, listReplies } from './list-comments.js';
export { postComment } from './post-comment.js';
export { editComment } from './edit-comment.js';
export { deleteComment } from './delete-comment.js';
export { reactComment } from './react-comment.js';
export { votePost } from './vote-post.js';
export { authorizeInThread, siteOf, threadGates } from './thread-gates.js';
