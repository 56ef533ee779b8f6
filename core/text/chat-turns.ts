/**
 * The text of a chat record: its turn list (OpenAI `messages` of {role, content}, or ShareGPT
 * `conversations` of {from, value} with from human / gpt / system) reduced to the turns of
 * the roles asked for, the first, last or every one of each role, joined in conversation
 * order with TURN_SEPARATOR. Input: the parsed JSON value at the turn list's key path.
 * Empty turns (whitespace, null content) count as absent: a prompt dataset's empty user turn
 * is a defect, not a text. OpenAI content may be a list of parts; its text parts are joined
 * with a newline, as the API reads them.
 */
export type ChatFormat = 'messages' | 'sharegpt';
export type TurnChoice = 'first' | 'last' | 'all';

/** A blank line between turns: the paragraph break embedding models and readers both see as one. */
export const TURN_SEPARATOR = '\n\n';

/** ShareGPT speaker names as the OpenAI role they are, so --roles speaks one vocabulary. */
const SHAREGPT_ROLES: Readonly<Record<string, string>> = { human: 'user', gpt: 'assistant', system: 'system' };

/** The role name a --roles entry means (human and gpt are accepted as ShareGPT's user and assistant). */
export function canonicalRole(role: string): string {
  return SHAREGPT_ROLES[role] ?? role;
}

export type ChatText = { text: string } | { problem: 'not_a_chat' | 'no_turn'; detail: string };

interface Turn {
  role: string;
  text: string;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .flatMap((p) => (p !== null && typeof p === 'object' && (p as { type?: unknown }).type === 'text' && typeof (p as { text?: unknown }).text === 'string' ? [(p as { text: string }).text] : []))
    .join('\n');
}

function turnsOf(value: unknown, format: ChatFormat): Turn[] | null {
  if (!Array.isArray(value)) return null;
  const [roleKey, textKey] = format === 'messages' ? ['role', 'content'] : ['from', 'value'];
  const turns: Turn[] = [];
  for (const t of value) {
    if (t === null || typeof t !== 'object' || typeof (t as Record<string, unknown>)[roleKey] !== 'string') return null;
    const role = (t as Record<string, unknown>)[roleKey] as string;
    turns.push({ role: format === 'sharegpt' ? canonicalRole(role) : role, text: contentText((t as Record<string, unknown>)[textKey]) });
  }
  return turns;
}

/**
 * `roles` (canonical names, the first the one a record must have), `turns` which of each
 * role's non-empty turns are kept. A record without a non-empty turn of the first role is a
 * `no_turn` problem naming the turns it has; a value that is not a turn list is `not_a_chat`.
 */
export function chatText(value: unknown, format: ChatFormat, roles: readonly string[], turns: TurnChoice): ChatText {
  const all = turnsOf(value, format);
  if (!all) {
    const shape = format === 'messages' ? '[{"role": …, "content": …}]' : '[{"from": …, "value": …}]';
    return { problem: 'not_a_chat', detail: `not a ${format} turn list ${shape}` };
  }
  const present = all.map((t, i) => ({ ...t, i })).filter((t) => t.text.trim() !== '');
  if (!present.some((t) => t.role === roles[0])) {
    const seen = all.length === 0 ? 'no turns' : `turns ${all.map((t) => (t.text.trim() === '' ? `${t.role} (empty)` : t.role)).join(', ')}`;
    return { problem: 'no_turn', detail: `no ${roles[0]} turn with text (${seen})` };
  }
  const kept: number[] = [];
  for (const role of roles) {
    const mine = present.filter((t) => t.role === role);
    if (mine.length === 0) continue;
    if (turns === 'first') kept.push(mine[0].i);
    else if (turns === 'last') kept.push(mine[mine.length - 1].i);
    else kept.push(...mine.map((t) => t.i));
  }
  kept.sort((a, b) => a - b);
  return { text: kept.map((i) => all[i].text).join(TURN_SEPARATOR) };
}

/** Where each format's turn list is when text_key is left at its default. */
export const TURN_LIST_KEY: Readonly<Record<ChatFormat, string>> = { messages: 'messages', sharegpt: 'conversations' };
