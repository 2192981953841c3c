import { defineTool } from './tool';

/** The only way the agent speaks to the user; ends the turn. */
export const sendMessage = defineTool({
  name: 'send_message',
  description: 'Send a message to the user. This is the only text the user sees.',
  heartbeat: false,
  params: {
    message: { type: 'string', description: 'The message, in plain language (Markdown allowed).' },
  },
  async run(args) {
    return { ok: true, message: 'Sent.', reply: args.message };
  },
});
